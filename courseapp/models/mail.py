from django.conf import settings
from django.db import models

from .courses import Course


class SentMail(models.Model):
    """An e-mail the app sent about a course: recorded in the transaction that sends it, under a unique
    constraint, so each goes out once however often a job or a task delivery runs (services/mail.py)."""

    class Kind(models.TextChoices):
        REVIEWS_DUE = "reviews_due", "Reviews due at tomorrow's meeting"
        ONE_ON_ONE = "one_on_one", "Book the 1-on-1"
        INITIAL_SLIDES = "initial_slides", "Initial slides due"
        FINAL_SLIDES = "final_slides", "Final slides due"
        COMMENTARY = "commentary", "Commenting tomorrow"
        SIGNUP = "signup", "Sign-up confirmation"
        NOTICE = "notice", "A change to one's seats"
        JOIN_REQUEST = "join_request", "A request to join (to instructors)"
        ADMISSION = "admission", "Admitted or declined"
        WELCOME = "welcome", "Added to the course from a roster"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sent_mail")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_mail")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What the message is about (a meeting, a slot, a sign-up, a notice, a membership), so it goes once.
    key = models.CharField(max_length=100)
    subject = models.CharField(max_length=300)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["course", "user", "kind", "key"], name="mail_sent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.user} ({self.sent_at:%Y-%m-%d})"
