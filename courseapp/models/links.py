from django.conf import settings
from django.db import models
from django.db.models import Q

from .courses import Course
from .readings import Reading


class LinkCheckRun(models.Model):
    """One check of every link of a course's reading list; at most one is going at a time."""

    class Trigger(models.TextChoices):
        MANUAL = "manual", "Started by staff"
        NIGHTLY = "nightly", "Nightly"
        COMMAND = "command", "check_links command"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="link_check_runs")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    trigger = models.CharField(max_length=20, choices=Trigger.choices, default=Trigger.MANUAL)
    total = models.PositiveIntegerField(default=0, help_text="Readings with a link when the run was queued.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True, help_text="How many links ended in each status.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A second click while a run is going finds this one instead of starting another.
            models.UniqueConstraint(
                fields=["course"], condition=Q(finished_at__isnull=True), name="link_check_one_going_per_course"
            ),
        ]

    def __str__(self) -> str:
        return f"Link check of {self.course} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_going(self) -> bool:
        return self.finished_at is None


class LinkResult(models.Model):
    """What one run found at one reading's link: the reading's link history is the list of these."""

    class Status(models.TextChoices):
        OK = "ok", "OK"
        MOVED = "moved", "Moved"
        FAILING = "failing", "Failed once"  # reported broken if it fails again on the next run
        BROKEN = "broken", "Broken"
        BLOCKED = "blocked", "Could not verify"  # the site turns away scripts
        TIMEOUT = "timeout", "Timed out"
        REFUSED = "refused", "Not checked"  # not http(s), or not a public address
        # The run could not reach the internet at all: says nothing about the link, counts toward nothing.
        UNREACHED = "unreached", "Not reached"

    run = models.ForeignKey(LinkCheckRun, on_delete=models.CASCADE, related_name="results")
    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="link_results")
    url = models.URLField(max_length=1000)
    status = models.CharField(max_length=20, choices=Status.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    new_url = models.URLField(max_length=1000, blank=True, help_text="Where a permanent redirect leads.")
    redirects = models.JSONField(default=list, blank=True, help_text="[status, location] of each hop followed.")
    detail = models.CharField(max_length=300, blank=True)
    elapsed_ms = models.PositiveIntegerField(default=0)
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        constraints = [
            # A run redelivered to another worker adds what is missing, never a second result.
            models.UniqueConstraint(fields=["run", "reading"], name="link_result_once_per_run"),
        ]
        indexes = [models.Index(fields=["reading", "-checked_at"])]

    def __str__(self) -> str:
        return f"{self.url}: {self.get_status_display()}"
