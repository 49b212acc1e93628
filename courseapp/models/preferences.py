from django.conf import settings
from django.db import models
from django.db.models import Q

from .courses import Course
from .schedule import Signup, Slot


class Ranking(models.Model):
    """A student's preferences for the sign-up round: papers to present, to comment on, to avoid.

    A pair who named each other ranks once: their papers to present are kept on the ranking of
    the partner with the lower user id (``lead``); commentaries and conflicts stay each one's own.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="rankings")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rankings")
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The classmate this student would present with; they must name this student back.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it first had enough choices: the order of first come, for comparison."
    )

    class Meta:
        ordering = ["course", "student"]
        constraints = [
            models.UniqueConstraint(fields=["course", "student"], name="ranking_once_per_student"),
            models.CheckConstraint(condition=~Q(partner=models.F("student")), name="ranking_partner_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.student}'s ranking in {self.course.slug}"


def list_owner(student_id: int, partner_of: dict[int, int | None]) -> int:
    """Whose ranking holds a student's papers to present: their own, or, in a pair who named each
    other (``partner_of`` maps student to the partner they named), the partner with the lower id."""
    partner = partner_of.get(student_id)
    if partner is not None and partner_of.get(partner) == student_id:
        return min(student_id, partner)
    return student_id


class Choice(models.Model):
    """One paper on a ranking: its place among the student's choices of that kind."""

    class Kind(models.TextChoices):
        PRESENT = "present", "Present"
        COMMENT = "comment", "Comment on"
        AVOID = "avoid", "Must not get"

    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="choices")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="choices")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    rank = models.PositiveSmallIntegerField(help_text="1 for the first choice; conflicts are numbered too.")
    reason = models.CharField(
        max_length=300, blank=True, help_text="Why the student must not get this paper (staff only)."
    )

    class Meta:
        ordering = ["ranking", "kind", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "kind", "slot"], name="choice_slot_once_per_kind"),
            models.UniqueConstraint(fields=["ranking", "kind", "rank"], name="choice_rank_once_per_kind"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="choice_rank_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.rank}: {self.slot}"


class AssignmentRun(models.Model):
    """One run of the seat assignment: its seed, its progress, the draft it made and how it compares.

    The draft seats are rows (``DraftSeat``) with the same uniqueness as real seats, so moving
    people by hand is checked by the database; publishing turns them into Signups at once.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Ready to review"
        FAILED = "failed", "No assignment possible"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Replaced by a later run"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assignment_runs")
    seed = models.BigIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.CharField(max_length=200, blank=True)
    problems = models.JSONField(default=list, blank=True, help_text="Why no assignment meets every rule.")
    summary = models.JSONField(default=dict, blank=True, help_text="The run's figures and the baselines'.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["course", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course"], condition=Q(status="published"), name="assignment_published_once"
            ),
            # One run at a time: a second click while one runs finds it instead of starting another.
            models.UniqueConstraint(
                fields=["course"], condition=Q(status__in=["queued", "running"]), name="assignment_running_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Seat assignment of {self.course.slug} (seed {self.seed}, {self.status})"

    @property
    def is_working(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class DraftSeat(models.Model):
    """A seat an assignment run proposes; it becomes a Signup when the run is published."""

    run = models.ForeignKey(AssignmentRun, on_delete=models.CASCADE, related_name="seats")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20, choices=Signup.Role.choices)
    seat = models.PositiveSmallIntegerField()
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["run", "slot", "role", "seat"]
        constraints = [
            models.UniqueConstraint(fields=["run", "slot", "student"], name="draft_seat_one_per_slot"),
            models.UniqueConstraint(fields=["run", "slot", "role", "seat"], name="draft_seat_taken_once"),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.role} of {self.slot} (draft)"
