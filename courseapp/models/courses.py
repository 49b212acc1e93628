import datetime
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from .. import dates


def default_grade_scale() -> list[list]:
    """Letter grade and the lowest percentage that earns it, best first."""
    return [
        ["A", 93],
        ["A-", 90],
        ["B+", 87],
        ["B", 83],
        ["B-", 80],
        ["C+", 77],
        ["C", 73],
        ["C-", 70],
        ["D", 60],
        ["F", 0],
    ]


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("%(value)s is not a known time zone.", code="unknown_time_zone", params={"value": value})


class Course(models.Model):
    """One term of a seminar; every course rule is a field here, defaults from the model course."""

    class SignupMode(models.TextChoices):
        FIRST_COME = "first_come", "First come, first served"
        PREFERENCES = "preferences", "Students rank the papers; the app assigns the seats"

    class LatePolicy(models.TextChoices):
        ACCEPT_FLAGGED = "accept_flagged", "Accept late work and flag it"
        REFUSE = "refuse", "Refuse late work"

    slug = models.SlugField(unique=True, help_text="Short name used in addresses, e.g. cs496-fall-2024.")
    title = models.CharField(max_length=200)
    term = models.CharField(max_length=50, help_text="e.g. Fall 2024")
    description = models.TextField(blank=True)
    prerequisites = models.TextField(blank=True)

    # Calendar
    time_zone = models.CharField(max_length=64, default="America/Chicago", validators=[validate_time_zone])
    term_starts_on = models.DateField()
    term_ends_on = models.DateField(help_text="Reviews of readings not on the schedule are due at the end of this day.")
    class_starts_at = models.TimeField(
        default=datetime.time(14, 0),
        help_text="When a class starts; a review of a scheduled paper is due then.",
    )
    class_ends_at = models.TimeField(default=datetime.time(16, 50), help_text="When a class ends (for calendars).")
    signup_opens_at = models.DateTimeField(null=True, blank=True)
    signup_closes_at = models.DateTimeField(null=True, blank=True)
    signup_mode = models.CharField(
        max_length=20,
        choices=SignupMode.choices,
        default=SignupMode.FIRST_COME,
        help_text="With rankings, the sign-up window is the time to rank; seats are assigned when it closes.",
    )
    min_choices = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="How many papers a student ranks to present, at the least.",
    )

    # Points of the four components; together they make the 100-point grade.
    review_points = models.PositiveSmallIntegerField(default=40)
    presentation_points = models.PositiveSmallIntegerField(default=40)
    participation_points = models.PositiveSmallIntegerField(default=10)
    final_exam_points = models.PositiveSmallIntegerField(default=10)
    grade_scale = models.JSONField(default=default_grade_scale, help_text="[letter, lowest percentage] pairs.")

    # Reviews
    reviews_required = models.PositiveSmallIntegerField(default=20)
    scheduled_paper_reviews_required = models.PositiveSmallIntegerField(
        default=15, help_text="How many of the reviews must be of papers scheduled for presentation."
    )
    review_word_limit = models.PositiveIntegerField(default=600, help_text='"One page", in words.')
    late_policy = models.CharField(max_length=20, choices=LatePolicy.choices, default=LatePolicy.ACCEPT_FLAGGED)
    review_template = models.TextField(
        blank=True,
        help_text="Questions or headings (Markdown) that a new review starts from; shown beside each review "
        "when grading.",
    )
    similarity_threshold = models.FloatField(
        default=0.4,
        validators=[MinValueValidator(0.05), MaxValueValidator(1)],
        help_text="Flag two reviews of a reading for staff when this share of the shorter one's wording "
        "(5-word runs) is in the other.",
    )

    # Presentations and participation
    presenters_per_slot = models.PositiveSmallIntegerField(default=2, validators=[MinValueValidator(1)])
    commentators_per_slot = models.PositiveSmallIntegerField(default=2)
    presentations_per_student = models.PositiveSmallIntegerField(default=1)
    commentaries_per_student = models.PositiveSmallIntegerField(default=2)
    presentation_minutes = models.PositiveSmallIntegerField(default=30)
    discussion_minutes = models.PositiveSmallIntegerField(default=15)
    one_on_one_days_before = models.PositiveSmallIntegerField(
        default=2, help_text="A presenting pair books its 1-on-1 meeting at least this many days before the talk."
    )
    final_slides_days_after = models.PositiveSmallIntegerField(
        default=7, help_text="Final slides are due this many days after the presentation."
    )
    slides_max_mb = models.PositiveSmallIntegerField(
        default=25, validators=[MinValueValidator(1), MaxValueValidator(200)], help_text="Largest slides PDF, in MB."
    )

    # Final exam: a window cut into one-on-one slots.
    exam_starts_at = models.DateTimeField(null=True, blank=True)
    exam_ends_at = models.DateTimeField(null=True, blank=True)
    exam_slot_minutes = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    quiz_papers_only = models.BooleanField(
        default=True, help_text="Draw the quiz paper from reviews of papers only (not blog posts, slides, videos)."
    )
    quiz_on_time_only = models.BooleanField(
        default=False, help_text="Draw the quiz paper from reviews submitted on time only."
    )

    created_at = models.DateTimeField(auto_now_add=True)
    # An archived course is the record of a finished term: every page reads, nothing writes.
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    checklist_dismissed_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When staff hid the getting-started checklist."
    )

    class Meta:
        ordering = ["-term_starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    review_points=100 - F("presentation_points") - F("participation_points") - F("final_exam_points")
                ),
                name="course_points_total_100",
                violation_error_message="The four components must add up to 100 points.",
            ),
            models.CheckConstraint(
                condition=Q(scheduled_paper_reviews_required__lte=F("reviews_required")),
                name="course_scheduled_reviews_within_total",
                violation_error_message="Reviews of scheduled papers cannot exceed the reviews required.",
            ),
            models.CheckConstraint(
                condition=Q(term_ends_on__gte=F("term_starts_on")),
                name="course_term_ends_after_start",
                violation_error_message="The term must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(exam_starts_at__isnull=True)
                | Q(exam_ends_at__isnull=True)
                | Q(exam_ends_at__gt=F("exam_starts_at")),
                name="course_exam_ends_after_start",
                violation_error_message="The exam window must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(signup_opens_at__isnull=True)
                | Q(signup_closes_at__isnull=True)
                | Q(signup_closes_at__gt=F("signup_opens_at")),
                name="course_signup_closes_after_open",
                violation_error_message="Sign-ups must close after they open.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.term})"

    def get_absolute_url(self) -> str:
        return reverse("courseapp:course_home", args=[self.slug])

    def seats_for(self, role: str) -> int:
        """Seats of ``role`` ("presenter" or "commentator") on each paper."""
        return self.presenters_per_slot if role == "presenter" else self.commentators_per_slot

    @property
    def component_points(self) -> dict[str, int]:
        """Each grade component's share of the 100 points, by component name."""
        return {
            "reviews": self.review_points,
            "presentation": self.presentation_points,
            "participation": self.participation_points,
            "final_exam": self.final_exam_points,
        }

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def when(self, moment: datetime.datetime) -> str:
        """A moment as the course's students read it: in the course's time zone, with the year
        when it is not this year's (a past term's "Mon Oct 7" would be a different day)."""
        return dates.show(moment.astimezone(self.tzinfo))

    def day(self, date: datetime.date) -> str:
        """A day of the course ("Tue Oct 8"), with the year when it is not this year's."""
        return dates.show(date, "day")

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def total_points(self) -> int:
        return self.review_points + self.presentation_points + self.participation_points + self.final_exam_points

    def settings_warnings(self) -> list[str]:
        """Settings that are allowed but probably a slip, said after saving them."""
        warnings = []
        starts = datetime.datetime.combine(self.term_starts_on, datetime.time.min, tzinfo=self.tzinfo)
        ends = datetime.datetime.combine(self.term_ends_on, datetime.time.max, tzinfo=self.tzinfo)
        for label, moment in (("open", self.signup_opens_at), ("close", self.signup_closes_at)):
            if moment is not None and not starts - datetime.timedelta(days=60) <= moment <= ends:
                warnings.append(
                    f"Sign-ups {label} {self.when(moment)}, outside the term "
                    f"({dates.show(self.term_starts_on, 'short_day')} to {dates.show(self.term_ends_on, 'short_day')})."
                )
        if self.ranks_papers and self.signup_closes_at is None:
            warnings.append("Students rank the papers, but no closing time is set: say when rankings close.")
        return warnings

    @property
    def ranks_papers(self) -> bool:
        return self.signup_mode == self.SignupMode.PREFERENCES

    @property
    def min_commentary_choices(self) -> int:
        """Papers to rank for commentaries: twice the seats, so the assignment has room."""
        return 2 * self.commentaries_per_student

    def ranking_is_complete(self, present: int, comment: int) -> bool:
        """Whether a ranking with this many papers to present and to comment on is more than a draft."""
        return present >= self.min_choices and comment >= self.min_commentary_choices

    @property
    def other_reviews_allowed(self) -> int:
        return self.reviews_required - self.scheduled_paper_reviews_required


class MembershipQuerySet(models.QuerySet):
    def active_students(self) -> "MembershipQuerySet":
        """The admitted students: not staff, not waiting, declined, removed or unconfirmed."""
        return self.filter(status=Membership.Status.ACTIVE, role=Membership.Role.STUDENT)


class Membership(models.Model):
    """A user's place in a course. A pending or declined request is not a member."""

    class Role(models.TextChoices):
        STUDENT = "student", "Student"
        TA = "ta", "TA"
        INSTRUCTOR = "instructor", "Instructor"

    class Status(models.TextChoices):
        PENDING = "pending", "Asked to join"
        ACTIVE = "active", "Member"
        DECLINED = "declined", "Declined"
        # Taken off the roster by the instructor; their work stays for the record, and they can be restored.
        REMOVED = "removed", "Removed"
        # Added from a pasted roster to an account whose e-mail address is not confirmed yet: they join
        # once they confirm it (so nobody joins under an address they made up).
        UNCONFIRMED = "unconfirmed", "Added, e-mail not confirmed"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.STUDENT)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    request_note = models.TextField(blank=True, help_text="What the student wrote when asking to join.")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Keep the record of a decision if the deciding account goes away.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The secret in the address of this member's private calendar feed; resetting it revokes old links.
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token, editable=False)
    reminders = models.BooleanField(
        "e-mail me reminders",
        default=True,
        help_text="Reminders of reviews, 1-on-1s, slides and commentaries due, and changes to one's seats.",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["course", "role", "user__last_name", "user__first_name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="membership_once_per_course"),
        ]
        indexes = [models.Index(fields=["course", "status", "role"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.course.slug} ({self.get_role_display()}, {self.get_status_display()})"
