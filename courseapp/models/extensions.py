from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import ngettext

from .courses import Course
from .readings import Reading
from .schedule import Meeting, Slot


class Extension(models.Model):
    """A later deadline the instructor granted one student (an accommodation, an illness).

    One review, every review due at one meeting, a presentation's slides or its 1-on-1 booking
    get a new deadline (``until``); "course" adds ``extra`` time to every deadline of the student.
    Nothing is deleted: a revoked or replaced extension stays on record with who and when.
    """

    class Scope(models.TextChoices):
        REVIEW = "review", "One review"
        MEETING = "meeting", "Every review due at a meeting"
        SLIDES = "slides", "Slides of a presentation"
        ONE_ON_ONE = "one_on_one", "Booking the 1-on-1"
        COURSE = "course", "Extra time on every deadline"

    # Which target each scope names (the others stay empty); a course-wide extension names none.
    TARGET: dict[str, str] = {
        Scope.REVIEW: "reading",
        Scope.MEETING: "meeting",
        Scope.SLIDES: "slot",
        Scope.ONE_ON_ONE: "slot",
    }

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="extensions")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="extensions")
    scope = models.CharField(max_length=12, choices=Scope.choices)
    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    until = models.DateTimeField(null=True, blank=True)
    extra = models.DurationField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)  # staff only
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField()
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["course", "student", "-granted_at"]
        constraints = [
            # One standing extension per student and target: granting another replaces it.
            models.UniqueConstraint(
                fields=["course", "student", "reading"],
                condition=Q(scope="review", revoked_at__isnull=True),
                name="extension_one_standing_per_review",
            ),
            models.UniqueConstraint(
                fields=["course", "student", "meeting"],
                condition=Q(scope="meeting", revoked_at__isnull=True),
                name="extension_one_standing_per_meeting",
            ),
            models.UniqueConstraint(
                fields=["course", "student", "slot", "scope"],
                condition=Q(scope__in=["slides", "one_on_one"], revoked_at__isnull=True),
                name="extension_one_standing_per_slot_step",
            ),
            models.UniqueConstraint(
                fields=["course", "student"],
                condition=Q(scope="course", revoked_at__isnull=True),
                name="extension_one_standing_extra_time",
            ),
            models.CheckConstraint(
                condition=(
                    Q(scope="course", extra__isnull=False, until__isnull=True)
                    | (~Q(scope="course") & Q(extra__isnull=True, until__isnull=False))
                ),
                name="extension_until_or_extra",
            ),
            models.CheckConstraint(
                condition=(
                    Q(scope="review", reading__isnull=False, meeting__isnull=True, slot__isnull=True)
                    | Q(scope="meeting", reading__isnull=True, meeting__isnull=False, slot__isnull=True)
                    | Q(
                        scope__in=["slides", "one_on_one"],
                        reading__isnull=True,
                        meeting__isnull=True,
                        slot__isnull=False,
                    )
                    | Q(scope="course", reading__isnull=True, meeting__isnull=True, slot__isnull=True)
                ),
                name="extension_target_fits_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} for {self.student} in {self.course}"

    @property
    def target(self) -> Reading | Meeting | Slot | None:
        field = self.TARGET.get(self.scope)
        return getattr(self, field) if field else None

    @property
    def what(self) -> str:
        """What the extension covers, in the student's words ("Your review of “Attention…”")."""
        match self.scope, self.target:
            case self.Scope.REVIEW, Reading() as reading:
                return f"Review of “{reading.title}”"
            case self.Scope.MEETING, Meeting() as meeting:
                return f"Reviews due at the meeting of {self.course.day(meeting.date)}"
            case self.Scope.SLIDES, Slot() as slot:
                return f"Slides for “{slot.display_title}”"
            case self.Scope.ONE_ON_ONE, Slot() as slot:
                return f"Booking the 1-on-1 for “{slot.display_title}”"
        return "Every deadline"

    @property
    def granted(self) -> str:
        """The new deadline, or the extra time ("due Fri Oct 11, 5:00 PM", "48 hours later")."""
        if self.extra is not None:
            hours = round(self.extra.total_seconds() / 3600)
            return ngettext("%(n)d hour later", "%(n)d hours later", hours) % {"n": hours}
        assert self.until is not None  # a constraint: an extension gives extra time or a new deadline
        return f"due {self.course.when(self.until)}"
