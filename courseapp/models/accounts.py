from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower


class User(AbstractUser):
    """A person who logs in: student, TA or instructor, depending on the course."""

    email = models.EmailField("e-mail address")
    # Read only when the site's COURSE_CREATORS setting is "granted".
    can_create_courses = models.BooleanField(
        "may create courses",
        default=False,
        help_text="With COURSE_CREATORS = granted, only these users (and site staff) may start a course.",
    )

    # When the person proved they read mail at ``email`` (a confirmation link, or setting a password from
    # a link sent there). Until then they cannot ask to join a course or be admitted by a pasted roster.
    email_confirmed_at = models.DateTimeField("e-mail confirmed", null=True, blank=True)

    REQUIRED_FIELDS = ["email"]

    class Meta(AbstractUser.Meta):
        constraints = [
            # One account per address, whatever its case: the address is a login name.
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
