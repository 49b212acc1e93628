from django.conf import settings
from django.db import models
from django.db.models import Q

from .courses import Course
from .reviews import Review
from .schedule import Slot


class Component(models.TextChoices):
    """The four parts of the 100-point grade."""

    REVIEWS = "reviews", "Reading"
    PRESENTATION = "presentation", "Presentation"
    PARTICIPATION = "participation", "Participation"
    FINAL_EXAM = "final_exam", "Final exam"


class Rubric(models.Model):
    """How one component is graded: its criteria, each with its points."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="rubrics")
    component = models.CharField(max_length=20, choices=Component.choices)

    class Meta:
        ordering = ["course", "component"]
        constraints = [models.UniqueConstraint(fields=["course", "component"], name="rubric_once_per_component")]

    def __str__(self) -> str:
        return f"{self.get_component_display()} rubric of {self.course}"


class Criterion(models.Model):
    """One line of a rubric: what is judged, out of how many points, with optional levels."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    max_points = models.PositiveSmallIntegerField()
    # [[points, what that level means], ...], best first, e.g. [[15, "Kept to time ..."], [10, "..."]]
    levels = models.JSONField(default=list, blank=True)
    # The criterion the presentation timer's recorded durations are shown next to.
    timed = models.BooleanField(default=False, help_text="Show the recorded talk and discussion times when grading.")

    class Meta:
        ordering = ["rubric", "position", "pk"]
        constraints = [models.CheckConstraint(condition=Q(max_points__gte=1), name="criterion_has_points")]

    def __str__(self) -> str:
        return f"{self.name} ({self.max_points})"


class Score(models.Model):
    """Points (and a comment) for one criterion, for one student's piece of work.

    The work is a review (the reading rubric), a slot the student presented or commented on
    (presentation and participation), or nothing more than the student (the final exam).
    """

    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scores")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, null=True, blank=True, related_name="scores")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, null=True, blank=True, related_name="scores")
    points = models.DecimalField(max_digits=5, decimal_places=1)
    comment = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["criterion", "student"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=0), name="score_not_negative"),
            models.CheckConstraint(
                condition=Q(review__isnull=True) | Q(slot__isnull=True), name="score_review_or_slot_not_both"
            ),
            models.UniqueConstraint(
                fields=["criterion", "review"], condition=Q(review__isnull=False), name="score_once_per_review"
            ),
            models.UniqueConstraint(
                fields=["criterion", "slot", "student"], condition=Q(slot__isnull=False), name="score_once_per_slot"
            ),
            models.UniqueConstraint(
                fields=["criterion", "student"],
                condition=Q(review__isnull=True, slot__isnull=True),
                name="score_once_per_student",
            ),
        ]
        indexes = [models.Index(fields=["student", "criterion"])]

    def __str__(self) -> str:
        return f"{self.student}: {self.points} for {self.criterion.name}"


class ScoreChange(models.Model):
    """Every change to a score: who, when, what it was and what it became (staff see the history)."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    old_points = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    new_points = models.DecimalField(max_digits=5, decimal_places=1)
    old_comment = models.TextField(blank=True)
    new_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.score}: {self.old_points} → {self.new_points}"


class Release(models.Model):
    """A component whose grades students may see; until then they see none of it, not even averages."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="releases")
    component = models.CharField(max_length=20, choices=Component.choices)
    released_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "component"], name="release_once_per_component")]

    def __str__(self) -> str:
        return f"{self.get_component_display()} released in {self.course}"
