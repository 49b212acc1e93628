from django.conf import settings
from django.db import models
from django.db.models import Q

from .courses import Course
from .readings import Reading


class ExamSlot(models.Model):
    """A few minutes of the exam window for one student's one-on-one quiz."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="exam_slots")
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField()
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="exam_slots"
    )
    booked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["course", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["course", "starts_at"], name="exam_slot_once"),
            # One slot per student: the last guard when two clicks race.
            models.UniqueConstraint(
                fields=["course", "student"], condition=Q(student__isnull=False), name="exam_slot_one_per_student"
            ),
        ]

    def __str__(self) -> str:
        return f"Exam slot {self.starts_at:%Y-%m-%d %H:%M}"


class QuizDraw(models.Model):
    """The course's draw of quiz papers: its seed makes it reproducible, and there is only ever one."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="quiz_draw")
    seed = models.BigIntegerField()
    papers_only = models.BooleanField(help_text="Only reviews of papers (not blog posts, slides, ...) were eligible.")
    on_time_only = models.BooleanField(help_text="Only reviews submitted on time were eligible.")
    drawn_at = models.DateTimeField(auto_now_add=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Quiz draw of {self.course} (seed {self.seed})"


class QuizPick(models.Model):
    """The paper a student is quizzed on: the instructor's secret until the quiz.

    A redraw keeps the earlier pick (``superseded_at`` set) and records why.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quiz_picks")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_picks")
    reading = models.ForeignKey(Reading, on_delete=models.PROTECT, related_name="quiz_picks")
    round = models.PositiveSmallIntegerField(default=0, help_text="0 for the draw, 1 for the first redraw, ...")
    reason = models.CharField(max_length=500, blank=True, help_text="Why this student was drawn again.")
    picked_at = models.DateTimeField(auto_now_add=True)
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["course", "student", "round"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "student"], condition=Q(superseded_at__isnull=True), name="quiz_pick_one_current"
            ),
            models.UniqueConstraint(fields=["course", "student", "round"], name="quiz_pick_round_once"),
            models.CheckConstraint(condition=Q(round=0) | ~Q(reason=""), name="quiz_redraw_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.student}: {self.reading}"
