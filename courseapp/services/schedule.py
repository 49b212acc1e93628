"""The instructor's side of the schedule: meetings and the slots on their agenda.

Changes that take seats away from students (removing or moving a slot, making it a slot
without seats, removing a meeting) tell each of those students.
"""

from django.db import IntegrityError, transaction

from ..models import Course, Meeting, Reading, Signup, Slot, User
from .errors import ServiceError, checked
from .notices import describe, notify
from .ordering import move_one_place, next_position

READING_TWICE_IN_MEETING = "“{title}” is on this meeting's agenda already."
SLOT_NEEDS_SOMETHING = "Choose a reading, or give the agenda item a title."
ONLY_PAPERS_HAVE_SEATS = "Students present papers: choose a reading for a presented slot."


def _tell_signed_up(course: Course, slot: Slot, message: str) -> None:
    for signup in slot.signups.select_related("student"):
        notify(course, signup.student, message)


def slot_add(*, course: Course, meeting_id: int, reading_id: int | None = None, title: str = "", kind: str) -> Slot:
    """Put a reading (or a titled item such as a class discussion) at the end of a meeting's agenda."""
    meeting = Meeting.objects.get(pk=meeting_id, course=course)
    reading = Reading.objects.get(pk=reading_id, course=course) if reading_id else None
    if reading is None and not title.strip():
        raise ServiceError(SLOT_NEEDS_SOMETHING, code="slot_empty")
    if kind == Slot.Kind.PAPER and reading is None:
        raise ServiceError(ONLY_PAPERS_HAVE_SEATS, code="paper_needs_reading")
    slot = Slot(
        meeting=meeting, reading=reading, title=title.strip(), kind=kind, position=next_position(meeting.slots.all())
    )
    checked(slot, exclude=["meeting", "reading"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            slot.save()
            return slot
    except IntegrityError:
        raise ServiceError(READING_TWICE_IN_MEETING.format(title=slot.display_title), code="reading_twice") from None


def slot_update(*, course: Course, slot_id: int, kind: str, meeting_id: int, by: User) -> Slot:
    """Change what kind of item a slot is, or move it to another meeting (its seats move with it)."""
    with transaction.atomic():
        slot = (
            Slot.objects.select_for_update(of=("self",))
            .select_related("meeting", "reading")
            .get(pk=slot_id, meeting__course=course)
        )
        if kind == Slot.Kind.PAPER and slot.reading_id is None:
            raise ServiceError(ONLY_PAPERS_HAVE_SEATS, code="paper_needs_reading")
        if meeting_id != slot.meeting_id:
            target = Meeting.objects.get(pk=meeting_id, course=course)
            before = describe(slot)
            slot.meeting, slot.position = target, next_position(target.slots.all())
            _tell_signed_up(
                course, slot, f"{by.display_name} moved {before} to {course.day(target.date)}; your seat moved with it."
            )
        if kind != slot.kind:
            if kind != Slot.Kind.PAPER:
                _tell_signed_up(
                    course, slot, f"{by.display_name} made {describe(slot)} an item without seats; your seat is gone."
                )
                slot.signups.all().delete()
                slot.waitlist.all().delete()
                slot.invitations.all().delete()
            slot.kind = kind
        try:
            with transaction.atomic():
                slot.save()
        except IntegrityError:
            raise ServiceError(
                READING_TWICE_IN_MEETING.format(title=slot.display_title), code="reading_twice"
            ) from None
        return slot


def slot_reorder(*, course: Course, slot_id: int, direction: str) -> None:
    """Move a slot one place up or down in its meeting's agenda."""
    with transaction.atomic():
        slot = Slot.objects.select_for_update(of=("self",)).get(pk=slot_id, meeting__course=course)
        siblings = list(Slot.objects.select_for_update().filter(meeting=slot.meeting_id).order_by("position", "pk"))
        move_one_place(siblings, slot, direction)


def slot_remove(*, course: Course, slot_id: int, by: User) -> Slot:
    with transaction.atomic():
        slot = (
            Slot.objects.select_for_update(of=("self",))
            .select_related("meeting", "reading")
            .get(pk=slot_id, meeting__course=course)
        )
        _tell_signed_up(course, slot, f"{by.display_name} took {describe(slot)} off the schedule; your seat is gone.")
        slot.delete()
        return slot


def meeting_remove(*, course: Course, meeting_id: int, by: User) -> Meeting:
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting_id, course=course)
        for slot in meeting.slots.select_related("reading"):
            _tell_signed_up(
                course, slot, f"{by.display_name} cancelled the class of {describe(slot)}; your seat is gone."
            )
        meeting.delete()
        return meeting


def students_affected(slots) -> list[Signup]:
    """The sign-ups a change to these slots would touch, to name them before it happens."""
    return list(
        Signup.objects.filter(slot__in=slots).select_related("student", "slot__reading").order_by("slot", "role")
    )
