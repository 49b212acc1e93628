"""Reads of the schedule: the term's meetings with their seats, a student's term, the editor's warnings."""

import dataclasses
from collections import defaultdict

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery

from .. import dates
from ..caching import Fragment, drawn_from
from ..models import (
    Course,
    Invitation,
    Meeting,
    Notice,
    Reading,
    Review,
    Signup,
    Slot,
    Swap,
    User,
    WaitlistEntry,
)
from .courses import course_students


@dataclasses.dataclass
class Seat:
    """One seat of a slot as the schedule shows it."""

    state: str  # "taken", "held" (kept for an invited partner) or "open"
    student: User | None = None
    signup_id: int | None = None
    first_open: bool = False  # the open seat that carries the sign-up button


def schedule_fragment(role: str) -> Fragment:
    """The key of the schedule's table as someone in ``role`` sees it without seats of their own to act
    on: what it shows (meetings, papers, seats, names, invitations, waitlists) changes it."""
    return drawn_from(Course, Meeting, Slot, Reading, Signup, User, Invitation, WaitlistEntry, per=role)


def schedule(course: Course, viewer=None, *, reviewer=None) -> list[Meeting]:
    """The term's meetings with their slots and seats (five queries, six with a ``reviewer``).

    Each paper slot carries, per role, ``<role>_seats`` (a list of Seat), ``<role>_full`` and
    ``<role>_waiting`` (people in line); for a ``viewer`` also ``my_role`` (their seat's role
    or None) and ``my_place`` ((role, place in line) or None); for a ``reviewer`` (a student)
    every slot with a reading carries ``my_review``, their review of it or None.
    """
    signups = Signup.objects.select_related("student").order_by("role", "seat")
    invitations = Invitation.objects.filter(status=Invitation.Status.PENDING).select_related("invitee")
    slots = Slot.objects.select_related("reading").prefetch_related(
        Prefetch("signups", queryset=signups),
        Prefetch("invitations", queryset=invitations, to_attr="pending_invitations"),
        Prefetch("waitlist", queryset=WaitlistEntry.objects.order_by("created_at", "pk"), to_attr="queue"),
    )
    meetings = list(course.meetings.prefetch_related(Prefetch("slots", queryset=slots)))
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    reviews: dict[int | None, Review] = {}
    if reviewer is not None:
        reviews = {r.reading_id: r for r in Review.objects.filter(student=reviewer, reading__course=course)}
    for meeting in meetings:
        for slot in meeting.slots.all():
            _annotate_seats(slot, course, viewer_id)
            slot.my_review = reviews.get(slot.reading_id)
    return meetings


def _annotate_seats(slot: Slot, course: Course, viewer_id: int | None) -> None:
    taken: dict[str, dict[int, Signup]] = defaultdict(dict)
    slot.my_role = None
    for signup in slot.signups.all():
        taken[signup.role][signup.seat] = signup
        if signup.student_id == viewer_id:
            slot.my_role = signup.role
    # To_attr of a prefetch inside the meetings' prefetch: django-stubs cannot follow it that deep.
    held = [invitation.invitee for invitation in slot.pending_invitations]  # type: ignore[attr-defined]
    for role, capacity in (
        (Signup.Role.PRESENTER, course.seats_for(Signup.Role.PRESENTER)),
        (Signup.Role.COMMENTATOR, course.seats_for(Signup.Role.COMMENTATOR)),
    ):
        seats = []
        for number in range(1, capacity + 1):
            holder = taken[role].get(number)
            if holder is not None:
                seats.append(Seat("taken", holder.student, holder.pk))
            elif role == Signup.Role.PRESENTER and held:
                seats.append(Seat("held", held.pop(0)))
            else:
                seats.append(Seat("open"))
        if open_seats := [seat for seat in seats if seat.state == "open"]:
            open_seats[0].first_open = True
        setattr(slot, f"{role}_seats", seats)
        setattr(slot, f"{role}_full", all(seat.state != "open" for seat in seats))
    waiting = dict.fromkeys(Signup.Role.values, 0)
    slot.my_place = None
    # To_attr of a prefetch inside the meetings' prefetch: django-stubs cannot follow it that deep.
    for entry in slot.queue:  # type: ignore[attr-defined]
        waiting[entry.role] += 1
        if entry.student_id == viewer_id:
            slot.my_place = (entry.role, waiting[entry.role])
    slot.presenter_waiting, slot.commentator_waiting = waiting[Signup.Role.PRESENTER], waiting[Signup.Role.COMMENTATOR]


@dataclasses.dataclass
class Term:
    """A student's own side of the schedule: the "my term" panel."""

    signups: list[Signup]
    invitations_received: list[Invitation]
    invitations_sent: list[Invitation]
    waits: list[WaitlistEntry]
    swaps_received: list[Swap]
    swaps_sent: list[Swap]
    notices: list[Notice]
    classmates: list[User]

    @property
    def presenting(self) -> list[Signup]:
        return [s for s in self.signups if s.role == Signup.Role.PRESENTER]

    @property
    def commenting(self) -> list[Signup]:
        return [s for s in self.signups if s.role == Signup.Role.COMMENTATOR]

    @property
    def can_invite(self) -> list[Signup]:
        """My presentations with a presenter seat still free for a partner I have not invited yet."""
        invited = {invitation.slot_id for invitation in self.invitations_sent}
        return [s for s in self.presenting if s.open_presenter_seats and s.slot_id not in invited]


def my_term(course: Course, user) -> Term:
    """Everything the panel shows, in a fixed number of queries (seven)."""
    slot_parts = ("slot__reading", "slot__meeting__course")
    signups = list(
        Signup.objects.filter(student=user, slot__meeting__course=course)
        .select_related(*slot_parts)
        .prefetch_related(Prefetch("slot__signups", queryset=Signup.objects.select_related("student")))
        .order_by("slot__meeting__date", "slot__position")
    )
    for signup in signups:
        others = [s for s in signup.slot.signups.all() if s.student_id != user.pk]
        signup.partners = [s.student for s in others if s.role == Signup.Role.PRESENTER]
        signup.commentators = [s.student for s in others if s.role == Signup.Role.COMMENTATOR]
        signup.open_presenter_seats = course.seats_for(Signup.Role.PRESENTER) - 1 - len(signup.partners)
    invitations = list(
        Invitation.objects.filter(status=Invitation.Status.PENDING, slot__meeting__course=course)
        .filter(Q(invitee=user) | Q(inviter=user))
        .select_related("inviter", "invitee", *slot_parts)
    )
    earlier = WaitlistEntry.objects.filter(slot=OuterRef("slot"), role=OuterRef("role")).filter(
        Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__lte=OuterRef("pk"))
    )
    waits = (
        WaitlistEntry.objects.filter(student=user, slot__meeting__course=course)
        .select_related(*slot_parts)
        .annotate(place=Subquery(earlier.values("slot").annotate(n=Count("pk")).values("n")))
        .order_by("slot__meeting__date")
    )
    swaps = list(
        Swap.objects.filter(status=Swap.Status.PENDING, proposer_slot__meeting__course=course)
        .filter(Q(partner=user) | Q(proposer=user))
        .select_related(
            *(f"{side}_slot__{part}" for side in ("proposer", "partner") for part in ("reading", "meeting"))
        )
        .select_related("proposer", "partner")
    )
    classmates = course_students(course).exclude(pk=user.pk)
    return Term(
        signups=signups,
        invitations_received=[i for i in invitations if i.invitee_id == user.pk],
        invitations_sent=[i for i in invitations if i.inviter_id == user.pk],
        waits=list(waits),
        swaps_received=[swap for swap in swaps if swap.partner_id == user.pk],
        swaps_sent=[swap for swap in swaps if swap.proposer_id == user.pk],
        notices=list(Notice.objects.filter(course=course, user=user, read_at__isnull=True)[:20]),
        classmates=list(classmates),
    )


def schedule_warnings(course: Course, meetings: list[Meeting]) -> list[str]:
    """What the instructor should look at twice: computed from ``schedule(course)``, no queries."""
    warnings = []
    by_date = defaultdict(list)
    by_reading = defaultdict(list)
    for meeting in meetings:
        by_date[meeting.date].append(meeting)
        if not course.term_starts_on <= meeting.date <= course.term_ends_on:
            warnings.append(
                f"The meeting of {course.day(meeting.date)} is outside the term "
                f"({dates.show(course.term_starts_on, 'short_day')} to {dates.show(course.term_ends_on, 'short_day')})."
            )
        for slot in meeting.slots.all():
            if slot.reading_id:
                by_reading[slot.reading_id].append(slot)
    for date, same_day in by_date.items():
        if len(same_day) > 1:
            warnings.append(f"{len(same_day)} meetings are on {course.day(date)}.")
    for slots in by_reading.values():
        if len(slots) > 1:
            days = ", ".join(dates.show(slot.meeting.date, "short_day") for slot in slots)
            warnings.append(f"“{slots[0].display_title}” is scheduled {len(slots)} times ({days}).")
    return warnings
