import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

from .. import dates
from .courses import Course
from .imports import PendingImport
from .readings import Reading

if TYPE_CHECKING:
    from ..forms import MeetingForm
    from ..selectors.schedule import Seat
    from .accounts import User
    from .reviews import Review


class Meeting(models.Model):
    """One class meeting of the term."""

    class Kind(models.TextChoices):
        LECTURE = "lecture", "Lecture"
        PAPERS = "papers", "Paper session"
        DISCUSSION = "discussion", "Discussion"
        NO_CLASS = "no_class", "No class"
        EXAM = "exam", "Final exam"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PAPERS)
    topic = models.CharField(max_length=500, blank=True)
    notes = models.TextField(blank=True)
    # Empty means the course's class_starts_at; the exam, for one, runs at its own hours.
    starts_at = models.TimeField(null=True, blank=True)
    ends_at = models.TimeField(null=True, blank=True)

    # Not stored: the schedule editor's form for this meeting, when the page shows it open.
    form: "MeetingForm | None"

    class Meta:
        ordering = ["course", "date", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{dates.show(self.date, 'day')}: {self.topic or self.get_kind_display()}"

    def starts(self) -> datetime.datetime:
        """When the meeting starts, in the course's time zone."""
        time = self.starts_at or self.course.class_starts_at
        return datetime.datetime.combine(self.date, time, tzinfo=self.course.tzinfo)

    def ends(self) -> datetime.datetime:
        time = self.ends_at or self.course.class_ends_at
        return datetime.datetime.combine(self.date, time, tzinfo=self.course.tzinfo)


class Slot(models.Model):
    """An item on a meeting's agenda: usually a paper that students present."""

    class Kind(models.TextChoices):
        PAPER = "paper", "Paper presented by students"
        INSTRUCTOR = "instructor", "Led by the instructor"
        DISCUSSION = "discussion", "Class discussion"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PAPER)
    # A scheduled reading cannot be deleted from the list: its slot would lose its paper.
    reading = models.ForeignKey(Reading, on_delete=models.PROTECT, null=True, blank=True, related_name="slots")
    title = models.CharField(max_length=500, blank=True, help_text="For an agenda item that is not a reading.")
    note = models.CharField(max_length=500, blank=True)

    # Not stored: what selectors.schedule.schedule works out for the page that shows the slot (seats, the
    # line waiting and the viewer's place in it, the viewer's review).
    presenter_seats: list["Seat"]
    commentator_seats: list["Seat"]
    presenter_full: bool
    commentator_full: bool
    presenter_waiting: int
    commentator_waiting: int
    my_role: str | None
    my_place: tuple[str, int] | None
    my_review: "Review | None"

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="paper") | Q(reading__isnull=False),
                name="slot_paper_has_reading",
                violation_error_message="A slot for presenting needs a reading.",
            ),
            models.CheckConstraint(
                condition=Q(reading__isnull=False) | ~Q(title=""),
                name="slot_has_reading_or_title",
                violation_error_message="An agenda item needs a reading or a title.",
            ),
            models.UniqueConstraint(
                fields=["meeting", "reading"], condition=Q(reading__isnull=False), name="slot_reading_once_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.reading.title if self.reading is not None else self.title

    @property
    def has_seats(self) -> bool:
        return self.kind == self.Kind.PAPER


class Signup(models.Model):
    """A student in a seat of a slot: presenter or commentator."""

    class Role(models.TextChoices):
        PRESENTER = "presenter", "Presenter"
        COMMENTATOR = "commentator", "Commentator"

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="signups")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signups")
    role = models.CharField(max_length=20, choices=Role.choices)
    seat = models.PositiveSmallIntegerField(help_text="1 for the first seat of this role, 2 for the next, ...")
    created_at = models.DateTimeField(auto_now_add=True)

    # Not stored: the student's own view of the slot (selectors.schedule.my_term).
    partners: list["User"]
    commentators: list["User"]
    open_presenter_seats: int

    class Meta:
        ordering = ["slot", "role", "seat"]
        constraints = [
            # One seat per student per slot: nobody comments on the paper they present.
            models.UniqueConstraint(fields=["slot", "student"], name="signup_one_seat_per_slot"),
            models.UniqueConstraint(fields=["slot", "role", "seat"], name="signup_seat_taken_once"),
            models.CheckConstraint(condition=Q(seat__gte=1), name="signup_seat_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.get_role_display().lower()} of {self.slot}"


class Proposal(models.Model):
    """Something one student offers another, who accepts or declines; the proposer may cancel."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]


class Invitation(Proposal):
    """A presenter asks a named classmate to take the other presenter seat of their slot.

    While it is pending, the seat is held for the invitee.
    """

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="invitations")
    inviter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations_sent")
    invitee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations_received")

    class Meta(Proposal.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "invitee"], condition=Q(status="pending"), name="invitation_pending_once_per_invitee"
            ),
            models.CheckConstraint(condition=~Q(inviter=models.F("invitee")), name="invitation_not_to_self"),
        ]

    def __str__(self) -> str:
        return f"{self.inviter} invites {self.invitee} to {self.slot}"


class WaitlistEntry(models.Model):
    """A student in line for a seat of a full slot; the first in line gets the next free seat."""

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="waitlist")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries")
    role = models.CharField(max_length=20, choices=Signup.Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slot", "role", "created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["slot", "student"], name="waitlist_once_per_slot")]
        verbose_name_plural = "waitlist entries"

    def __str__(self) -> str:
        return f"{self.student} waits for a {self.role} seat of {self.slot}"


class Swap(Proposal):
    """Two presenters exchange their slots; the one asked accepts, and both move at once."""

    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="swaps_proposed")
    proposer_slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="swaps_received")
    partner_slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="+")

    class Meta(Proposal.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["proposer", "partner"], condition=Q(status="pending"), name="swap_pending_once_per_pair"
            ),
            models.CheckConstraint(condition=~Q(proposer=models.F("partner")), name="swap_not_with_self"),
        ]

    def __str__(self) -> str:
        return f"{self.proposer} ({self.proposer_slot}) <-> {self.partner} ({self.partner_slot})"


class Notice(models.Model):
    """A message for one student about their seats: what happened and who did it."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["course", "user", "read_at"])]

    def __str__(self) -> str:
        return self.message


class CalendarImport(PendingImport):
    """A calendar pasted or uploaded for import, kept until the instructor confirms its preview."""

    class Format(models.TextChoices):
        TEXT = "text", "Text copied from a course page"
        CSV = "csv", "CSV (date, topic or paper title, kind)"
        ICS = "ics", "iCalendar (.ics)"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="calendar_imports")
    format = models.CharField(max_length=20, choices=Format.choices)

    def __str__(self) -> str:
        return f"{self.get_format_display()} calendar import into {self.course} ({self.created_at:%Y-%m-%d %H:%M})"
