"""Seats on the schedule: taking and dropping them, waitlists, partner invitations and swaps.

Every write locks the slot row first (two slots in primary-key order), then the student's
membership row, so concurrent requests queue instead of deadlocking or overfilling a slot; the
unique constraints on Signup are the last guard. A pending invitation holds its seat.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import ngettext

from .. import dates
from ..models import AssignmentRun, Course, Invitation, Membership, Signup, Slot, Swap, User, WaitlistEntry
from .errors import ServiceError
from .notices import describe, notify, seat_confirm

# Notices tell students what happened to their seats; what awaits their answer (an invitation,
# a proposed swap) is shown in "my term" with its buttons instead.

WINDOW_NOT_OPEN = "Sign-ups open {when}."
RANKING_ROUND = "Seats in this course are assigned from the students' rankings: rank the papers on the ranking page."
KEEP_ASSIGNED = "Your seats were assigned from the rankings: ask the instructor to change them."
WINDOW_CLOSED = "Sign-ups closed {when}. Ask the instructor if you need a change."
NO_SEATS = "Nobody signs up for this item: it is not a paper presented by students."
NOT_A_STUDENT = "Only students of the course take seats."
SEATS_FULL = "All {role} seats of this paper are taken. Join the waitlist to get the next one that frees up."
SEATS_OPEN = "A {role} seat of this paper is open: take it instead of waiting."
ALREADY_IN_SLOT = "You already have a seat on this paper."
ALREADY_PRESENTING = "You already present “{title}” ({date}): each student presents {limit} per term."
COMMENTARY_LIMIT = "You already comment on {papers}, the most this course allows."
OWN_SLOT = "You present this paper; commentators discuss papers that others present."
NOT_IN_SLOT = "You have no seat on this paper."
ALREADY_WAITING = "You are already on the waitlist of this paper."
NOT_WAITING = "You are not on the waitlist of this paper."
NOT_PRESENTER = "Only a presenter of this paper can invite a partner."
NO_SEAT_TO_OFFER = "There is no open presenter seat to offer on this paper."
INVITEE_NOT_STUDENT = "{name} is not a student of this course."
PRESENTS_ALREADY = "{name} already presents a paper this term."
IN_SLOT = "{name} already has a seat on this paper."
INVITATION_GONE = "This invitation is no longer open."
SWAP_SAME_SLOT = "You both present this paper already."
SWAP_NEEDS_PRESENTERS = "A swap exchanges the slots of two presenters: {name} does not present that paper."
SWAP_OWN_PRESENTATION = "You have no presentation to swap."
SWAP_GONE = "This swap is no longer open."
SWAP_COMMENTS_THERE = "{name} comments on “{title}”, so cannot present it. Drop that commentary first."
SEAT_LOST_RACE = "Someone took that seat a moment before you. Try another, or join the waitlist."

ROLE_NAMES: dict[str, str] = {Signup.Role.PRESENTER: "presenter", Signup.Role.COMMENTATOR: "commentator"}


def signup_window_error(course: Course, now: datetime.datetime) -> str | None:
    """Why students cannot change their own seats now, or None while the window is open.

    When students rank the papers, the window is for ranking; once the assignment is published,
    the seats left are first come, first served (for late joiners), with no end.
    """
    if course.ranks_papers:
        published = AssignmentRun.objects.filter(course=course, status=AssignmentRun.Status.PUBLISHED)
        return None if published.exists() else RANKING_ROUND
    if course.signup_opens_at and now < course.signup_opens_at:
        return WINDOW_NOT_OPEN.format(when=course.when(course.signup_opens_at))
    if course.signup_closes_at and now >= course.signup_closes_at:
        return WINDOW_CLOSED.format(when=course.when(course.signup_closes_at))
    return None


def _require_window(course: Course, now: datetime.datetime | None) -> None:
    if error := signup_window_error(course, now or timezone.now()):
        raise ServiceError(error, code="window_closed")


def _lock_slot(course: Course, slot_id: int) -> Slot:
    slot = (
        Slot.objects.select_for_update(of=("self",))
        .select_related("reading", "meeting")
        .get(pk=slot_id, meeting__course=course)
    )
    if not slot.has_seats:
        raise ServiceError(NO_SEATS, code="no_seats")
    return slot


def _lock_for_a_seat(course: Course, slot_id: int, student: User, now: datetime.datetime | None) -> Slot:
    """What taking a seat or a place in line locks, in the order every seat change takes: the slot, then
    the student (whose other seats the rules count); refused outside the sign-up window."""
    slot = _lock_slot(course, slot_id)
    _require_window(course, now)
    lock_student(course, student)
    return slot


def _lock_slots(course: Course, *slot_ids: int) -> dict[int, Slot]:
    slots = (
        Slot.objects.select_for_update(of=("self",)).select_related("reading", "meeting").filter(meeting__course=course)
    )
    locked = {slot.pk: slot for slot in slots.filter(pk__in=slot_ids).order_by("pk")}
    if len(locked) != len(set(slot_ids)):
        raise Slot.DoesNotExist
    return locked


def lock_student(course: Course, student: User, *, message: str = NOT_A_STUDENT) -> None:
    """Lock the student's membership: their per-course limits are checked one request at a time."""
    is_student = Membership.objects.select_for_update().active_students().filter(course=course, user=student).exists()
    if not is_student:
        raise ServiceError(message.format(name=getattr(student, "display_name", "")), code="not_a_student")


def _free_seat(slot: Slot, course: Course, role: str, *, honour_holds: bool = True) -> int | None:
    """The lowest free seat number of ``role``, or None when the seats are full.

    Seats held for invited partners count as taken, except for staff, who may assign any seat.
    """
    taken = set(slot.signups.filter(role=role).values_list("seat", flat=True))
    free = [n for n in range(1, course.seats_for(role) + 1) if n not in taken]
    holds = _held(slot, role) if honour_holds else 0
    return free[0] if len(free) > holds else None


def _held(slot: Slot, role: str) -> int:
    if role != Signup.Role.PRESENTER:
        return 0
    return slot.invitations.filter(status=Invitation.Status.PENDING).count()


def _in_slot_error(slot: Slot, student: User, *, name: str | None = None) -> ServiceError | None:
    """One seat a paper for each student: the refusal if ``student`` has one on ``slot`` already.

    ``name``: said of someone else (an invited partner, a student staff assign); None: to the student.
    """
    if not slot.signups.filter(student=student).exists():
        return None
    return ServiceError(IN_SLOT.format(name=name) if name else ALREADY_IN_SLOT, code="already_in_slot")


def _limit_error(
    course: Course, student: User, slot: Slot, role: str, *, name: str | None = None
) -> ServiceError | None:
    """The per-student rules: one seat per slot, the presentation limit, the commentary limit.

    ``name``: the rules said of someone else (an invited partner); None: said to the student.
    """
    mine = Signup.objects.filter(student=student, slot__meeting__course=course).select_related(
        "slot__reading", "slot__meeting"
    )
    own = next((signup for signup in mine if signup.slot_id == slot.pk), None)
    if own is not None:
        if role == Signup.Role.COMMENTATOR and own.role == Signup.Role.PRESENTER and name is None:
            return ServiceError(OWN_SLOT, code="own_slot")
        return ServiceError(IN_SLOT.format(name=name) if name else ALREADY_IN_SLOT, code="already_in_slot")
    presenting = [s for s in mine if s.role == Signup.Role.PRESENTER]
    if role == Signup.Role.PRESENTER and name and len(presenting) >= course.presentations_per_student:
        return ServiceError(PRESENTS_ALREADY.format(name=name), code="already_presenting")
    if role == Signup.Role.PRESENTER and len(presenting) >= course.presentations_per_student:
        first = presenting[0].slot
        return ServiceError(
            ALREADY_PRESENTING.format(
                title=first.display_title,
                date=dates.show(first.meeting.date, "day"),
                limit="one paper"
                if course.presentations_per_student == 1
                else f"{course.presentations_per_student} papers",
            ),
            code="already_presenting",
        )
    commenting = [s for s in mine if s.role == Signup.Role.COMMENTATOR]
    if role == Signup.Role.COMMENTATOR and len(commenting) >= course.commentaries_per_student:
        return ServiceError(
            COMMENTARY_LIMIT.format(
                papers=ngettext("one paper", "%(n)d papers", len(commenting)) % {"n": len(commenting)}
            ),
            code="commentary_limit",
        )
    return None


def _create_signup(slot: Slot, student: User, role: str, seat: int) -> Signup:
    try:
        with transaction.atomic():
            return Signup.objects.create(slot=slot, student=student, role=role, seat=seat)
    except IntegrityError:
        # The slot lock makes this unreachable on PostgreSQL; the constraint still guards SQLite.
        raise ServiceError(SEAT_LOST_RACE, code="seat_taken") from None


def seat_take(
    *, course: Course, slot_id: int, student: User, role: str, now: datetime.datetime | None = None
) -> Signup:
    """A student takes an open seat of ``role``; the reason is given when the rules refuse it."""
    with transaction.atomic():
        slot = _lock_for_a_seat(course, slot_id, student, now)
        if error := _limit_error(course, student, slot, role):
            raise error
        seat = _free_seat(slot, course, role)
        if seat is None:
            raise ServiceError(SEATS_FULL.format(role=ROLE_NAMES[role]), code="seats_full")
        WaitlistEntry.objects.filter(slot=slot, student=student).delete()
        return seat_confirm(_create_signup(slot, student, role, seat))


def seat_drop(*, course: Course, slot_id: int, student: User, now: datetime.datetime | None = None) -> None:
    """A student gives up their seat; the first in line for it takes it."""
    with transaction.atomic():
        slot = _lock_slot(course, slot_id)
        _require_window(course, now)
        signup = Signup.objects.filter(slot=slot, student=student).first()
        if signup is None:
            raise ServiceError(NOT_IN_SLOT, code="not_in_slot")
        if course.ranks_papers:  # giving up an assigned seat would undo the fair round
            raise ServiceError(KEEP_ASSIGNED, code="assigned")
        signup.delete()
        if signup.role == Signup.Role.PRESENTER:
            # A presenter who leaves withdraws the invitations they made for this slot.
            slot.invitations.filter(inviter=student, status=Invitation.Status.PENDING).update(
                status=Invitation.Status.CANCELLED, answered_at=timezone.now()
            )
        _promote(course, slot, signup.role)


def _promote(course: Course, slot: Slot, role: str) -> None:
    """Give free seats to the waitlist, first in line first; the slot is locked by the caller."""
    for entry in WaitlistEntry.objects.filter(slot=slot, role=role).select_related("student"):
        seat = _free_seat(slot, course, role)
        if seat is None:
            return
        entry.delete()
        try:
            lock_student(course, entry.student)
        except ServiceError:
            continue  # no longer a student of the course
        if error := _limit_error(course, entry.student, slot, role):
            notify(course, entry.student, f"You left the waitlist of {describe(slot)}: {error.message}")
            continue
        Signup.objects.create(slot=slot, student=entry.student, role=role, seat=seat)
        notify(
            course,
            entry.student,
            f"A {ROLE_NAMES[role]} seat of {describe(slot)} freed up and is now yours (you were first in line).",
        )


def waitlist_join(
    *, course: Course, slot_id: int, student: User, role: str, now: datetime.datetime | None = None
) -> int:
    """Get in line for a seat of a full slot; returns the place in line (1 is next)."""
    with transaction.atomic():
        slot = _lock_for_a_seat(course, slot_id, student, now)
        if WaitlistEntry.objects.filter(slot=slot, student=student).exists():
            raise ServiceError(ALREADY_WAITING, code="already_waiting")
        if error := _limit_error(course, student, slot, role):
            raise error
        if _free_seat(slot, course, role) is not None:
            raise ServiceError(SEATS_OPEN.format(role=ROLE_NAMES[role]), code="seats_open")
        WaitlistEntry.objects.create(slot=slot, student=student, role=role)
        return WaitlistEntry.objects.filter(slot=slot, role=role).count()


def waitlist_leave(*, course: Course, slot_id: int, student: User) -> None:
    with transaction.atomic():
        slot = _lock_slot(course, slot_id)
        deleted, _ = WaitlistEntry.objects.filter(slot=slot, student=student).delete()
        if not deleted:
            raise ServiceError(NOT_WAITING, code="not_waiting")


def invitation_send(
    *, course: Course, slot_id: int, inviter: User, invitee: User, now: datetime.datetime | None = None
) -> Invitation:
    """A presenter holds the other presenter seat for a named classmate until they answer."""
    with transaction.atomic():
        slot = _lock_slot(course, slot_id)
        _require_window(course, now)
        if not slot.signups.filter(student=inviter, role=Signup.Role.PRESENTER).exists():
            raise ServiceError(NOT_PRESENTER, code="not_presenter")
        lock_student(course, invitee, message=INVITEE_NOT_STUDENT)
        if error := _limit_error(course, invitee, slot, Signup.Role.PRESENTER, name=invitee.display_name):
            raise error
        if _free_seat(slot, course, Signup.Role.PRESENTER) is None:
            raise ServiceError(NO_SEAT_TO_OFFER, code="no_seat_to_offer")
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(slot=slot, inviter=inviter, invitee=invitee)
        except IntegrityError:
            raise ServiceError(IN_SLOT.format(name=invitee.display_name), code="already_invited") from None
        return invitation  # the invitee sees it in "my term" with its buttons; no notice needed


def invitation_answer(
    *, course: Course, invitation_id: int, user: User, decision: str, now: datetime.datetime | None = None
) -> Invitation:
    """The invitee accepts (takes the held seat) or declines; the inviter may cancel."""
    slot_id = Invitation.objects.filter(pk=invitation_id, slot__meeting__course=course).values_list("slot", flat=True)
    with transaction.atomic():
        slot = _lock_slot(course, slot_id.get())
        invitation = Invitation.objects.select_related("inviter", "invitee").get(pk=invitation_id, slot=slot)
        allowed = {"accept": invitation.invitee_id, "decline": invitation.invitee_id, "cancel": invitation.inviter_id}
        if allowed.get(decision) != user.pk:
            raise Invitation.DoesNotExist
        if invitation.status != Invitation.Status.PENDING:
            raise ServiceError(INVITATION_GONE, code="invitation_gone")
        invitation.answered_at = timezone.now()
        if decision == "accept":
            _require_window(course, now)
            lock_student(course, user)
            if error := _limit_error(course, user, slot, Signup.Role.PRESENTER):
                raise error
            invitation.status = Invitation.Status.ACCEPTED
            invitation.save(update_fields=["status", "answered_at"])
            # The held seat is this invitation's: count the other pending ones only.
            seat = _free_seat(slot, course, Signup.Role.PRESENTER)
            if seat is None:  # staff gave the held seat away meanwhile
                raise ServiceError(SEATS_FULL.format(role="presenter"), code="seats_full")
            WaitlistEntry.objects.filter(slot=slot, student=user).delete()
            seat_confirm(_create_signup(slot, user, Signup.Role.PRESENTER, seat))
            notify(course, invitation.inviter, f"{user.display_name} accepted: you present {describe(slot)} together.")
        else:
            invitation.status = Invitation.Status.DECLINED if decision == "decline" else Invitation.Status.CANCELLED
            invitation.save(update_fields=["status", "answered_at"])
            other = invitation.inviter if decision == "decline" else invitation.invitee
            verb = "declined your invitation to" if decision == "decline" else "withdrew the invitation to"
            notify(course, other, f"{user.display_name} {verb} {describe(slot)}.")
            _promote(course, slot, Signup.Role.PRESENTER)
        return invitation


def swap_propose(
    *, course: Course, proposer: User, partner: User, partner_slot_id: int, now: datetime.datetime | None = None
) -> Swap:
    """Offer to exchange presentation slots with a presenter of another paper."""
    with transaction.atomic():
        _require_window(course, now)
        own = (
            Signup.objects.filter(student=proposer, role=Signup.Role.PRESENTER, slot__meeting__course=course)
            .select_related("slot")
            .first()
        )
        if own is None:
            raise ServiceError(SWAP_OWN_PRESENTATION, code="no_presentation")
        if own.slot_id == partner_slot_id:
            raise ServiceError(SWAP_SAME_SLOT, code="same_slot")
        slot = _lock_slot(course, partner_slot_id)
        if not slot.signups.filter(student=partner, role=Signup.Role.PRESENTER).exists():
            raise ServiceError(SWAP_NEEDS_PRESENTERS.format(name=partner.display_name), code="not_presenter")
        try:
            with transaction.atomic():
                swap = Swap.objects.create(
                    proposer=proposer, proposer_slot=own.slot, partner=partner, partner_slot=slot
                )
        except IntegrityError:
            raise ServiceError("You already proposed a swap to this student.", code="already_proposed") from None
        return swap  # shown to the partner in "my term" with its buttons


def swap_answer(
    *, course: Course, swap_id: int, user: User, decision: str, now: datetime.datetime | None = None
) -> Swap:
    """The partner accepts (both move at once) or declines; the proposer may cancel."""
    swap = Swap.objects.select_related("proposer", "partner").get(pk=swap_id, proposer_slot__meeting__course=course)
    allowed = {"accept": swap.partner_id, "decline": swap.partner_id, "cancel": swap.proposer_id}
    if allowed.get(decision) != user.pk:
        raise Swap.DoesNotExist
    with transaction.atomic():
        slots = _lock_slots(course, swap.proposer_slot_id, swap.partner_slot_id)
        swap = Swap.objects.select_for_update(of=("self",)).select_related("proposer", "partner").get(pk=swap.pk)
        if swap.status != Swap.Status.PENDING:
            raise ServiceError(SWAP_GONE, code="swap_gone")
        swap.answered_at = timezone.now()
        if decision != "accept":
            swap.status = Swap.Status.DECLINED if decision == "decline" else Swap.Status.CANCELLED
            swap.save(update_fields=["status", "answered_at"])
            other = swap.proposer if decision == "decline" else swap.partner
            notify(
                course, other, f"{user.display_name} {'declined' if decision == 'decline' else 'withdrew'} the swap."
            )
            return swap
        _require_window(course, now)
        a_slot, b_slot = slots[swap.proposer_slot_id], slots[swap.partner_slot_id]
        a = Signup.objects.filter(slot=a_slot, student=swap.proposer, role=Signup.Role.PRESENTER).first()
        b = Signup.objects.filter(slot=b_slot, student=swap.partner, role=Signup.Role.PRESENTER).first()
        if a is None or b is None:
            swap.status = Swap.Status.CANCELLED
            swap.save(update_fields=["status", "answered_at"])
            raise ServiceError(SWAP_GONE, code="swap_gone")
        for person, target in ((swap.proposer, b_slot), (swap.partner, a_slot)):
            if Signup.objects.filter(slot=target, student=person).exists():
                raise ServiceError(
                    SWAP_COMMENTS_THERE.format(name=person.display_name, title=target.display_title),
                    code="comments_there",
                )
        # Three steps keep (slot, role, seat) unique at every moment: park, move, settle.
        a_seat, b_seat = a.seat, b.seat
        Signup.objects.filter(pk=a.pk).update(slot=b_slot, seat=_parking_seat(course))
        Signup.objects.filter(pk=b.pk).update(slot=a_slot, seat=a_seat)
        Signup.objects.filter(pk=a.pk).update(seat=b_seat)
        swap.status = Swap.Status.ACCEPTED
        swap.save(update_fields=["status", "answered_at"])
        notify(course, swap.proposer, f"{user.display_name} accepted the swap: you now present {describe(b_slot)}.")
        return swap


def _parking_seat(course: Course) -> int:
    return max(course.seats_for(Signup.Role.PRESENTER), course.seats_for(Signup.Role.COMMENTATOR)) + 1000


def seat_assign(*, course: Course, slot_id: int, student: User, role: str, by: User) -> Signup:
    """Staff put a student in a seat at any time, past the window and the per-student limits."""
    with transaction.atomic():
        slot = _lock_slot(course, slot_id)
        lock_student(course, student)
        if error := _in_slot_error(slot, student, name=student.display_name):
            raise error
        seat = _free_seat(slot, course, role, honour_holds=False)
        if seat is None:
            raise ServiceError(SEATS_FULL.format(role=ROLE_NAMES[role]), code="seats_full")
        WaitlistEntry.objects.filter(slot=slot, student=student).delete()
        signup = _create_signup(slot, student, role, seat)
        notify(course, student, f"{by.display_name} made you a {ROLE_NAMES[role]} of {describe(slot)}.")
        return signup


def signup_remove(*, course: Course, signup_id: int, by: User) -> Signup:
    """Staff take a student out of a seat at any time; the waitlist moves up."""
    slot_id = Signup.objects.filter(pk=signup_id, slot__meeting__course=course).values_list("slot", flat=True)
    with transaction.atomic():
        slot = _lock_slot(course, slot_id.get())
        signup = Signup.objects.select_related("student").get(pk=signup_id, slot=slot)
        signup.delete()
        notify(
            course, signup.student, f"{by.display_name} removed you as {ROLE_NAMES[signup.role]} of {describe(slot)}."
        )
        _promote(course, slot, signup.role)
        return signup


def signup_move(*, course: Course, signup_id: int, to_slot_id: int, by: User) -> Signup:
    """Staff move a student's seat to another slot in one step."""
    signup = Signup.objects.select_related("student").get(pk=signup_id, slot__meeting__course=course)
    with transaction.atomic():
        slots = _lock_slots(course, signup.slot_id, to_slot_id)
        source, target = slots[signup.slot_id], slots[to_slot_id]
        if not target.has_seats:
            raise ServiceError(NO_SEATS, code="no_seats")
        signup = Signup.objects.select_related("student").get(pk=signup_id, slot=source)
        if error := _in_slot_error(target, signup.student, name=signup.student.display_name):
            raise error
        seat = _free_seat(target, course, signup.role, honour_holds=False)
        if seat is None:
            raise ServiceError(SEATS_FULL.format(role=ROLE_NAMES[signup.role]), code="seats_full")
        Signup.objects.filter(pk=signup.pk).update(slot=target, seat=seat)
        notify(
            course,
            signup.student,
            f"{by.display_name} moved you from {describe(source)} to {describe(target)} ({ROLE_NAMES[signup.role]}).",
        )
        _promote(course, source, signup.role)
        signup.refresh_from_db()
        return signup
