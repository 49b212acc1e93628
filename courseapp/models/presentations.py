import datetime
import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q

from .. import marking
from .courses import Course
from .schedule import Slot


class OneOnOneTime(models.Model):
    """A time the instructor offers for a presenting pair's 1-on-1 meeting; a pair books one."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="one_on_one_times")
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField(default=30)
    # The booking: one pair per time, one time per pair (the constraint is the last guard against a race).
    slot = models.OneToOneField(Slot, on_delete=models.SET_NULL, null=True, blank=True, related_name="one_on_one")
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    booked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["course", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["course", "starts_at"], name="one_on_one_time_once"),
            models.CheckConstraint(condition=Q(minutes__gte=5), name="one_on_one_at_least_5_minutes"),
        ]

    def __str__(self) -> str:
        return f"1-on-1 at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.minutes)


def private_storage():
    return storages["private"]


def slides_path(instance, filename: str) -> str:
    """A random name: nothing of what the student called the file reaches the disk."""
    return f"slides/{uuid.uuid4().hex}.pdf"


class SlideUpload(models.Model):
    """A PDF of a pair's slides: the initial version (before the 1-on-1) or the final one (after the talk)."""

    class Stage(models.TextChoices):
        INITIAL = "initial", "Initial slides"
        FINAL = "final", "Final slides"

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="slide_uploads")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    file = models.FileField(storage=private_storage, upload_to=slides_path, max_length=200)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    is_late = models.BooleanField(default=False)

    class Meta:
        ordering = ["slot", "stage", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} of {self.slot} ({self.original_name})"


class Timing(models.Model):
    """What the instructor's timer recorded for a presentation: the talk and the discussion."""

    slot = models.OneToOneField(Slot, on_delete=models.CASCADE, related_name="timing")
    talk_started_at = models.DateTimeField(null=True, blank=True)
    talk_ended_at = models.DateTimeField(null=True, blank=True)
    discussion_started_at = models.DateTimeField(null=True, blank=True)
    discussion_ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Timing of {self.slot}"

    @staticmethod
    def _seconds(start, end) -> int | None:
        return int((end - start).total_seconds()) if start and end else None

    @property
    def talk_seconds(self) -> int | None:
        return self._seconds(self.talk_started_at, self.talk_ended_at)

    @property
    def discussion_seconds(self) -> int | None:
        return self._seconds(self.discussion_started_at, self.discussion_ended_at)

    @property
    def talk_clock(self) -> str:
        return marking.clock(self.talk_seconds)

    @property
    def discussion_clock(self) -> str:
        return marking.clock(self.discussion_seconds)
