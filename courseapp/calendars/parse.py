"""A course calendar from what instructors have: text copied from a course page, a CSV, an .ics file.

The parsers find meetings (a date, a kind, a topic, the exam's hours) and the agenda of each
(papers, instructor-led items, discussions). Which reading a line names is for the caller to
say: ``find_title(text)`` returns how many characters of ``text`` a reading's title takes from its
start (the longest such title), or None.

A title counts where a column of the page starts (the start of a line, after a tab, a
non-breaking space or a colon) and when nothing but presenter columns follow it: a short title
such as "Transformers" inside a lecture's topic is not that reading.
"""

import csv
import dataclasses
import datetime
import io
import re
from collections.abc import Callable, Set

from .dates import match_date

# Meeting and slot kinds, as the app's models spell them.
LECTURE, PAPERS, DISCUSSION, NO_CLASS, EXAM = "lecture", "papers", "discussion", "no_class", "exam"
PAPER, INSTRUCTOR = "paper", "instructor"

FindTitle = Callable[[str], int | None]


@dataclasses.dataclass
class ParsedSlot:
    title: str
    kind: str = PAPER
    note: str = ""
    matched: bool = False  # the title is a reading of the list
    line: int = 0


@dataclasses.dataclass
class ParsedMeeting:
    date: datetime.date
    kind: str = PAPERS
    topic: str = ""
    starts_at: datetime.time | None = None
    ends_at: datetime.time | None = None
    slots: list[ParsedSlot] = dataclasses.field(default_factory=list)
    line: int = 0


@dataclasses.dataclass
class ParsedCalendar:
    meetings: list[ParsedMeeting]
    warnings: list[str] = dataclasses.field(default_factory=list)


class CalendarError(ValueError):
    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


# "?" in a presenter or commentator column is an open seat.
_SEAT_MARKS = re.compile(r"(?:\s+\?)+\s*$|^\?(?:\s+\?)*\s*$")
_NO_CLASS = re.compile(r"\b(no class|no meeting|holiday|cancel+ed|break)\b", re.I)
_EXAM = re.compile(r"\b(final exam|exam|quiz day)\b", re.I)
_DISCUSSION = re.compile(r"^(class discussion|discussion|open discussion|q\s*&\s*a)\b", re.I)
_WEEK_NUMBER = re.compile(r"^(?:week\s*)?\d{1,2}[.:)]?\s+(?=\D)", re.I)
_HOURS = re.compile(
    r"(?P<h1>\d{1,2})(?::(?P<m1>\d{2}))?\s*(?P<p1>am|pm)?\s*(?:-|–|—|to)\s*"
    r"(?P<h2>\d{1,2})(?::(?P<m2>\d{2}))?\s*(?P<p2>am|pm)?",
    re.I,
)


def _clock(hour: str, minute: str | None, half: str | None) -> datetime.time | None:
    h, m = int(hour), int(minute or 0)
    if half:
        h = h % 12 + (12 if half.lower() == "pm" else 0)
    return datetime.time(h, m) if h < 24 and m < 60 else None


def exam_hours(text: str) -> tuple[datetime.time, datetime.time] | None:
    """The hours in "Final Exam 9am - 11am" or "exam 13:00-15:00"."""
    found = _HOURS.search(text)
    if not found or not (found["p1"] or found["p2"] or found["m1"]):
        return None
    starts = _clock(found["h1"], found["m1"], found["p1"] or found["p2"])
    ends = _clock(found["h2"], found["m2"], found["p2"] or found["p1"])
    return (starts, ends) if starts and ends and ends > starts else None


def _clean(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def _strip_name(text: str, names: Set[str]) -> tuple[str, bool]:
    """``text`` without a presenter's name at its end, and whether there was one."""
    for name in sorted(names, key=len, reverse=True):
        if text == name:
            return "", True
        if text.endswith(" " + name):
            return text[: -len(name) - 1].rstrip(), True
    return text, False


# Where a column may start inside a line copied from a table.
_COLUMN_START = re.compile(r"[\xa0\t]+\s*|:\s+|\s[-–—]\s+")


def _find_reading(raw: str, find_title: FindTitle, names: Set[str]) -> tuple[str, str, str] | None:
    """(note, title, presenters) where a reading's title fills a column of ``raw``, else None."""
    starts = [0, *(found.end() for found in _COLUMN_START.finditer(raw))]
    for start in starts:
        segment = _clean(raw[start:])
        length = find_title(segment)
        if not length:
            continue
        rest = segment[length:]
        marks = _SEAT_MARKS.search(rest)
        columns = rest[: marks.start()] if marks else rest
        columns, _ = _strip_name(columns.strip(), names)
        if columns.strip(" ?!.,;:)-–—"):
            continue  # more words follow: the title is part of something longer
        return _clean(raw[:start]).strip(" :-–—"), segment[:length], rest.strip()
    return None


def _item(raw: str, *, line: int, first: bool, meeting: ParsedMeeting, find_title: FindTitle, names: Set[str]):
    """Read one agenda line of a meeting into ``meeting``: a slot, or (on its first line) its topic and kind."""
    reading = _find_reading(raw, find_title, names)
    if reading:
        note, title, presenters = reading
        presenters = _SEAT_MARKS.sub("", presenters).strip(" ?")
        kind = INSTRUCTOR if presenters else PAPER
        meeting.slots.append(ParsedSlot(title, kind=kind, note=note, matched=True, line=line))
        return
    text = _clean(raw)
    marks = _SEAT_MARKS.search(text)
    open_seats = bool(marks)
    if marks:
        text = text[: marks.start()].rstrip()
    text, named = _strip_name(text, names)
    if not text:
        return  # an empty row, or a presenter column alone ("Pardo" under a lecture)
    if first and _NO_CLASS.search(text) and not open_seats:
        meeting.kind, meeting.topic = NO_CLASS, text
    elif first and _EXAM.match(text):
        meeting.kind, meeting.topic = EXAM, text
        hours = exam_hours(text)
        if hours:
            meeting.starts_at, meeting.ends_at = hours
    elif _DISCUSSION.match(text):
        meeting.slots.append(ParsedSlot(text, kind=DISCUSSION, line=line))
    elif first and not open_seats:
        meeting.kind, meeting.topic = LECTURE, text
    else:
        meeting.slots.append(ParsedSlot(text, kind=INSTRUCTOR if named else PAPER, line=line))


def _settle_kind(meeting: ParsedMeeting) -> None:
    if meeting.kind in (NO_CLASS, EXAM):
        return
    if any(slot.kind == PAPER for slot in meeting.slots):
        meeting.kind = PAPERS
    elif meeting.topic:
        meeting.kind = LECTURE
    elif meeting.slots and all(slot.kind == DISCUSSION for slot in meeting.slots):
        meeting.kind = DISCUSSION


def _date_at_start(line: str, near: datetime.date) -> tuple[datetime.date, str] | None:
    """The date a line starts with (after a week number, if any) and the rest of the line as it was."""
    text = line.lstrip(" \t\xa0")
    for candidate in (text, _WEEK_NUMBER.sub("", text, count=1)):
        found = match_date(candidate, near=near)
        if found:
            date, end = found
            return date, candidate[end:].lstrip(" :-–—,")
    return None


def _lone_names(lines: list[str]) -> set[str]:
    """Names that stand alone in a presenter column: a line that is a single capitalised word ("Pardo")."""
    return {text for text in map(_clean, lines) if re.fullmatch(r"[A-Z][\w'’-]+", text)}


def parse_text(
    text: str, *, near: datetime.date, find_title: FindTitle, names: Set[str] = frozenset()
) -> ParsedCalendar:
    """A calendar copied from a course page: a line starting with a date begins a meeting, the lines
    under it are its agenda. Presenter and commentator columns end a line: "?" is an open seat,
    a name is the instructor leading it. Lines before the first date (headings) are skipped; a blank
    line followed by something that is not a date ends the calendar."""
    lines = text.splitlines()
    names = set(names) | _lone_names(lines)
    meetings: list[ParsedMeeting] = []
    warnings: list[str] = []
    current: ParsedMeeting | None = None
    blank = False
    previous: datetime.date | None = None
    for number, line in enumerate(lines, start=1):
        if not _clean(line):
            blank = True
            continue
        dated = _date_at_start(line, previous or near)
        if dated:
            date, rest = dated
            if previous and date < previous:
                warnings.append(f"Line {number}: {date:%a %b %-d, %Y} comes before the meeting above it.")
            current = ParsedMeeting(date=date, line=number)
            meetings.append(current)
            previous = date
            _item(rest, line=number, first=True, meeting=current, find_title=find_title, names=names)
        elif current is not None:
            if blank and not line[:1].isspace():
                break  # the calendar has ended: what follows is the rest of the page
            _item(line, line=number, first=False, meeting=current, find_title=find_title, names=names)
        blank = False
    for meeting in meetings:
        _settle_kind(meeting)
    return ParsedCalendar(meetings, warnings)


_CSV_COLUMNS = {
    "date": ("date", "day", "day and date", "when"),
    "title": ("topic", "title", "paper", "reading", "papers", "readings", "item", "subject", "summary"),
    "kind": ("kind", "type", "format"),
    "presenter": ("presenter", "presenters", "lead", "led by"),
}
_KIND_WORDS = {
    "lecture": LECTURE, "paper": PAPERS, "papers": PAPERS, "paper session": PAPERS, "discussion": DISCUSSION,
    "no class": NO_CLASS, "holiday": NO_CLASS, "exam": EXAM, "final exam": EXAM, "instructor": INSTRUCTOR,
    "led by the instructor": INSTRUCTOR,
}  # fmt: skip


def looks_like_csv(text: str) -> bool:
    """Whether the first line is a spreadsheet's header: cells separated by commas, semicolons or tabs, one a date."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    cells = [_clean(cell).lower() for cell in re.split(r"[,;\t]", first)]
    return len(cells) >= 2 and any(cell in _CSV_COLUMNS["date"] for cell in cells)


def parse_csv(
    text: str, *, near: datetime.date, find_title: FindTitle, names: Set[str] = frozenset()
) -> ParsedCalendar:
    """A calendar kept in a spreadsheet: a date column, a topic or paper title column, optionally a kind
    (lecture, paper, discussion, no class, exam). Rows with one date are one meeting."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = [_clean(cell).lower() for cell in next(reader, [])]
    columns = {
        key: next((i for i, name in enumerate(header) if name in aliases), None)
        for key, aliases in _CSV_COLUMNS.items()
    }
    if columns["date"] is None or columns["title"] is None:
        raise CalendarError(
            "The CSV needs a “date” column and a “topic” or “title” column in its first row; it has: "
            + (", ".join(f"“{name}”" for name in header if name) or "nothing")
            + ".",
            code="csv_columns",
        )
    meetings: dict[datetime.date, ParsedMeeting] = {}
    warnings: list[str] = []
    for number, row in enumerate(reader, start=2):
        if not any(_clean(value) for value in row):
            continue
        cells = {key: _clean(row[i]) if i is not None and i < len(row) else "" for key, i in columns.items()}
        cell = cells.__getitem__
        dated = match_date(cell("date"), near=near)
        if not dated:
            warnings.append(f"Row {number}: “{cell('date')}” is not a date; the row was skipped.")
            continue
        date = dated[0]
        first = date not in meetings
        if first:
            meetings[date] = ParsedMeeting(date=date, line=number)
        meeting = meetings[date]
        kind = _KIND_WORDS.get(cell("kind").lower())
        title = " ".join(filter(None, [cell("title"), cell("presenter")]))
        if kind in (NO_CLASS, EXAM, LECTURE) and not find_title(cell("title")):
            meeting.kind, meeting.topic = kind, cell("title")
            if kind == EXAM and (hours := exam_hours(cell("title"))):
                meeting.starts_at, meeting.ends_at = hours
        elif kind == DISCUSSION:
            meeting.slots.append(ParsedSlot(cell("title"), kind=DISCUSSION, line=number))
        else:
            _item(title, line=number, first=first and kind is None, meeting=meeting, find_title=find_title, names=names)
            if kind in (PAPERS, INSTRUCTOR) and meeting.slots:
                meeting.slots[-1].kind = PAPER if kind == PAPERS else INSTRUCTOR
    for meeting in meetings.values():
        _settle_kind(meeting)
    return ParsedCalendar(sorted(meetings.values(), key=lambda m: m.date), warnings)


_OWN_SUMMARY = re.compile(r"^(?:.*:\s*)?\d+ papers?$", re.I)


def parse_ics(
    data: str, *, tz: datetime.tzinfo, find_title: FindTitle, names: Set[str] = frozenset()
) -> ParsedCalendar:
    """A calendar file: each event is a meeting on its day (in the course's time zone); its summary is read
    like a calendar line, the lines of its description like the lines under it."""
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError as error:
        raise CalendarError(f"This is not an iCalendar file: {error}", code="ics_unreadable") from None
    events = list(calendar.walk("VEVENT"))
    summaries = [_clean(str(event.get("summary", ""))) for event in events]
    # Feeds (ours among them) often start every summary with the course's name: "CS 496: Lecture".
    prefix = summaries[0].partition(": ")[0] + ": " if summaries and ": " in summaries[0] else ""
    if not prefix or not all(summary.startswith(prefix) for summary in summaries):
        prefix = ""
    meetings: dict[datetime.date, ParsedMeeting] = {}
    kinds: dict[datetime.date, str] = {}
    for number, (event, summary) in enumerate(zip(events, summaries, strict=True), start=1):
        start = event.decoded("dtstart", None)
        if start is None:
            continue
        end = event.decoded("dtend", None)
        if isinstance(start, datetime.datetime):
            start = start.astimezone(tz) if start.tzinfo else start
            end = end.astimezone(tz) if isinstance(end, datetime.datetime) and end.tzinfo else end
        date = start.date() if isinstance(start, datetime.datetime) else start
        summary = summary.removeprefix(prefix)
        meeting = meetings.setdefault(date, ParsedMeeting(date=date, line=number))
        categories = event.get("categories")
        for category in categories.cats if hasattr(categories, "cats") else []:
            kind = _KIND_WORDS.get(str(category).lower())
            if kind and kind != INSTRUCTOR:
                kinds[date] = kind
        if _NO_CLASS.search(summary):
            meeting.kind, meeting.topic = NO_CLASS, summary
        elif _EXAM.search(summary):
            meeting.kind, meeting.topic = EXAM, summary
            if isinstance(start, datetime.datetime) and isinstance(end, datetime.datetime):
                meeting.starts_at, meeting.ends_at = start.time(), end.time()
        elif not _OWN_SUMMARY.match(summary) and summary.lower() not in _KIND_WORDS:
            _item(summary, line=number, first=not meeting.topic, meeting=meeting, find_title=find_title, names=names)
        for line in str(event.get("description", "")).splitlines():
            line = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", line)
            _item(line, line=number, first=False, meeting=meeting, find_title=find_title, names=names)
    for date, meeting in meetings.items():
        _settle_kind(meeting)
        meeting.kind = kinds.get(date, meeting.kind)
    return ParsedCalendar(sorted(meetings.values(), key=lambda m: m.date))
