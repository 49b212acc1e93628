"""Importing a course calendar: a plan first (what meetings and slots it makes, which reading each
paper is), then one transaction. A meeting is the course's meeting on the same date, so a
re-import updates in place; a slot that students signed up for or that was graded is never removed.
"""

import dataclasses
import datetime
import re

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from .. import dates
from ..calendars import parse
from ..models import CalendarImport, Course, Meeting, Reading, Score, Signup, SlideUpload, Slot, User
from ..readinglists import formats
from .errors import ServiceError
from .readings import normalized_title

NO_MEETINGS: dict[str, str] = {
    CalendarImport.Format.TEXT: "No meetings were found. Each meeting starts on a line with its date, "
    "such as “Wed Sep 25 Basics of Transformers”; the papers of the day go on the lines under it.",
    CalendarImport.Format.CSV: "No meetings were found: the rows need a date and a topic or paper title.",
    CalendarImport.Format.ICS: "No events were found in this calendar file.",
}
ALREADY_APPLIED = "This calendar was imported already; the schedule shows its result."

_TOKEN = re.compile(r"[^\W_]+")


def _words(text: str) -> list[tuple[str, int]]:
    """Each word of ``text`` as the title matching compares it, with where it ends in ``text``."""
    return [(normalized_title(found[0]), found.end()) for found in _TOKEN.finditer(text)]


def title_key(title: str) -> tuple[str, ...]:
    return tuple(word for word, _ in _words(title))


class TitleFinder:
    """The reading-list titles a calendar line can name, matched as the reading import matches them:
    whatever their case and punctuation, in any script."""

    def __init__(self, readings):
        self.by_key: dict[tuple[str, ...], Reading] = {}
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for reading in readings:
            key = title_key(reading.title)
            if key and key not in self.by_key:
                self.by_key[key] = reading
                self.by_first.setdefault(key[0], []).append(key)
        for keys in self.by_first.values():
            keys.sort(key=len, reverse=True)

    def __call__(self, text: str) -> int | None:
        words = _words(text)
        for key in self.by_first.get(words[0][0], []) if words else []:
            if tuple(word for word, _ in words[: len(key)]) == key:
                return words[len(key) - 1][1]
        return None

    def reading(self, title: str) -> Reading | None:
        return self.by_key.get(title_key(title))


def _names(course: Course) -> set[str]:
    """Names that can stand in a presenter column: the course's members, by last name and full name."""
    names = set()
    for first, last in course.memberships.values_list("user__first_name", "user__last_name"):
        names |= {name for name in (last, f"{first} {last}".strip()) if name}
    return names


def calendar_parse(*, course: Course, text: str, format: str, finder: TitleFinder | None = None):
    finder = finder or TitleFinder(course.readings.all())
    names = _names(course)
    near = course.term_starts_on
    try:
        if format == CalendarImport.Format.CSV:
            parsed = parse.parse_csv(text, near=near, find_title=finder, names=names)
        elif format == CalendarImport.Format.ICS:
            parsed = parse.parse_ics(text, tz=course.tzinfo, find_title=finder, names=names)
        else:
            parsed = parse.parse_text(text, near=near, find_title=finder, names=names)
    except parse.CalendarError as error:
        raise ServiceError(str(error), code=error.code) from None
    if not parsed.meetings:
        raise ServiceError(NO_MEETINGS[format], code="no_meetings")
    return parsed


def detect_format(text: str, filename: str) -> str:
    name = filename.lower()
    if name.endswith(".ics") or text.lstrip().startswith("BEGIN:VCALENDAR"):
        return CalendarImport.Format.ICS
    if name.endswith((".csv", ".tsv")) or parse.looks_like_csv(text):
        return CalendarImport.Format.CSV
    return CalendarImport.Format.TEXT


@dataclasses.dataclass
class PlannedSlot:
    parsed: parse.ParsedSlot
    reading: Reading | None  # the list's reading this paper is
    existing: Slot | None = None  # the slot it updates
    key: str = ""  # for the preview's "create as a reading" choice

    @property
    def needs_reading(self) -> bool:
        return self.reading is None and self.parsed.kind == parse.PAPER

    @property
    def title(self) -> str:
        return self.reading.title if self.reading else self.parsed.title


@dataclasses.dataclass
class PlannedMeeting:
    parsed: parse.ParsedMeeting
    existing: Meeting | None
    slots: list[PlannedSlot]
    changes: list[str]
    removed: list[Slot]  # slots of the meeting the calendar no longer lists (nobody signed up)
    kept: list[Slot]  # ... and those that stay because students signed up or were graded

    @property
    def kind_label(self) -> str:
        return Meeting.Kind(self.parsed.kind).label


@dataclasses.dataclass
class CalendarPlan:
    meetings: list[PlannedMeeting]
    warnings: list[str]

    @property
    def unmatched(self) -> list[PlannedSlot]:
        return [slot for meeting in self.meetings for slot in meeting.slots if slot.reading is None and slot.key]

    def summary(self) -> dict[str, int]:
        return {
            "new_meetings": sum(1 for m in self.meetings if m.existing is None),
            "changed_meetings": sum(1 for m in self.meetings if m.existing is not None and m.changes),
            "slots": sum(len(m.slots) for m in self.meetings),
            "papers": sum(1 for m in self.meetings for s in m.slots if s.parsed.kind == parse.PAPER),
            "unmatched": len(self.unmatched),
        }


def _slot_matches(planned: PlannedSlot, slot: Slot) -> bool:
    if planned.reading is not None:
        return slot.reading_id == planned.reading.pk
    return slot.reading_id is None and normalized_title(slot.title) == normalized_title(planned.parsed.title)


def calendar_plan(*, course: Course, parsed, finder: TitleFinder | None = None) -> CalendarPlan:
    """What importing ``parsed`` would do to the course's schedule; nothing is written.

    ``finder``: the one the calendar was parsed with, so the reading list is read once.
    """
    finder = finder or TitleFinder(course.readings.all())
    taken = (
        Exists(Signup.objects.filter(slot=OuterRef("pk")))
        | Exists(Score.objects.filter(slot=OuterRef("pk")))
        | Exists(SlideUpload.objects.filter(slot=OuterRef("pk")))
    )
    slots = Slot.objects.select_related("reading").annotate(taken=taken)
    existing: dict[datetime.date, Meeting] = {}
    for meeting in course.meetings.prefetch_related(Prefetch("slots", queryset=slots)).order_by("date", "pk"):
        existing.setdefault(meeting.date, meeting)
    meetings, warnings = [], list(parsed.warnings)
    for parsed_meeting in parsed.meetings:
        old = existing.get(parsed_meeting.date)
        old_slots = list(old.slots.all()) if old else []
        planned_slots = []
        on_agenda: set[int] = set()
        for parsed_slot in parsed_meeting.slots:
            reading = finder.reading(parsed_slot.title)
            if reading is not None and reading.pk in on_agenda:
                warnings.append(
                    f"{course.day(parsed_meeting.date)}: “{reading.title}” is on this meeting's agenda twice; "
                    "it is listed once."
                )
                continue
            if reading is not None:
                on_agenda.add(reading.pk)
            planned = PlannedSlot(parsed_slot, reading)
            if reading is None and parsed_slot.kind in (parse.PAPER, parse.INSTRUCTOR):
                planned.key = " ".join(title_key(parsed_slot.title))
            planned.existing = next((slot for slot in old_slots if _slot_matches(planned, slot)), None)
            if planned.existing:
                old_slots.remove(planned.existing)
            planned_slots.append(planned)
        changes = []
        if old:
            if old.kind != parsed_meeting.kind:
                changes.append(f"kind: {old.get_kind_display()} → {Meeting.Kind(parsed_meeting.kind).label}")
            if old.topic != parsed_meeting.topic:
                changes.append(f"topic: “{old.topic or '—'}” → “{parsed_meeting.topic or '—'}”")
            if (old.starts_at, old.ends_at) != (parsed_meeting.starts_at, parsed_meeting.ends_at):
                changes.append("hours")
            added = [slot.title for slot in planned_slots if slot.existing is None]
            if added:
                changes.append("adds " + "; ".join(f"“{title}”" for title in added))
        # "taken" is annotated on the slots of the meetings' prefetch: django-stubs cannot follow it that deep.
        removed = [slot for slot in old_slots if not slot.taken]  # type: ignore[attr-defined]
        kept = [slot for slot in old_slots if slot.taken]  # type: ignore[attr-defined]
        if old and removed:
            changes.append("removes " + "; ".join(f"“{slot.display_title}”" for slot in removed))
        for slot in kept:
            warnings.append(
                f"{course.day(parsed_meeting.date)}: “{slot.display_title}” is not in the calendar, but students "
                "signed up for it or it was graded, so it stays."
            )
        meetings.append(PlannedMeeting(parsed_meeting, old, planned_slots, changes, removed, kept))
    outside = [m.parsed.date for m in meetings if not course.term_starts_on <= m.parsed.date <= course.term_ends_on]
    if outside:
        warnings.append(
            f"{len(outside)} meeting{'s' if len(outside) != 1 else ''} fall outside the course's term "
            f"({dates.show(course.term_starts_on, 'short_day')} – {dates.show(course.term_ends_on, 'short_day')}), "
            f"from {dates.show(min(outside), 'short_day')}. "
            "To reuse last term's calendar in a new term, copy the course instead (Settings)."
        )
    return CalendarPlan(meetings, warnings)


def calendar_import_create(
    *, course: Course, by: User, data: bytes, size: int | None, filename: str, format: str, limit: int
):
    """Check and keep an uploaded or pasted calendar for its preview; the schedule does not change yet."""
    try:
        text = formats.decode(data, limit=limit, size=size)
    except formats.UnreadableInput as error:
        raise ServiceError(str(error), code=error.code) from None
    format = format or detect_format(text, filename)
    calendar_parse(course=course, text=text, format=format)
    return CalendarImport.objects.create(
        course=course, created_by=by, format=format, filename=filename[:255], text=text
    )


def calendar_import_preview(*, calendar_import: CalendarImport) -> CalendarPlan:
    course = calendar_import.course
    finder = TitleFinder(course.readings.all())
    parsed = calendar_parse(course=course, text=calendar_import.text, format=calendar_import.format, finder=finder)
    return calendar_plan(course=course, parsed=parsed, finder=finder)


@transaction.atomic
def calendar_import_apply(*, import_id: int, course: Course, create: set[str]) -> CalendarPlan:
    """Carry out a previewed calendar import in one transaction. ``create``: the keys of unmatched
    titles to add to the course as readings; other unmatched papers are skipped."""
    Course.objects.select_for_update().get(pk=course.pk)
    pending = CalendarImport.objects.select_for_update().get(pk=import_id, course=course)
    if pending.applied_at is not None:
        raise ServiceError(ALREADY_APPLIED, code="already_applied")
    plan = calendar_import_preview(calendar_import=pending)
    created_readings: dict[str, Reading] = {}
    for planned_meeting in plan.meetings:
        parsed = planned_meeting.parsed
        values = {
            "kind": parsed.kind,
            "topic": parsed.topic[:500],
            "starts_at": parsed.starts_at,
            "ends_at": parsed.ends_at,
        }
        meeting = planned_meeting.existing
        if meeting is None:
            meeting = Meeting.objects.create(course=course, date=parsed.date, **values)
        elif planned_meeting.changes:
            for name, value in values.items():
                setattr(meeting, name, value)
            meeting.save()
        Slot.objects.filter(pk__in=[slot.pk for slot in planned_meeting.removed]).delete()
        position = 0
        for planned in planned_meeting.slots:
            reading = planned.reading
            if reading is None and planned.key in create:
                reading = created_readings.get(planned.key)
                if reading is None:
                    reading = created_readings[planned.key] = Reading.objects.create(
                        course=course, title=planned.parsed.title[:500], kind=Reading.Kind.PAPER
                    )
            if reading is None and planned.parsed.kind == parse.PAPER:
                continue  # an unmatched paper the instructor chose to skip
            position += 1
            slot = planned.existing or Slot(meeting=meeting)
            slot.position = position
            slot.kind = planned.parsed.kind
            slot.reading = reading
            slot.title = "" if reading else planned.parsed.title[:500]
            slot.note = planned.parsed.note[:500]
            slot.save()
        for slot in planned_meeting.kept:
            position += 1
            Slot.objects.filter(pk=slot.pk).update(position=position)
    pending.applied_at = timezone.now()
    pending.summary = plan.summary() | {"readings_created": len(created_readings)}
    pending.save(update_fields=["applied_at", "summary"])
    return plan
