"""Dates as people write them on course pages: "Wed Sep 25", "9/25", "2024-09-25", "25 September 2024"."""

import datetime
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
            ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
            ("nov", "november"), ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
WEEKDAYS = {
    name: number
    for number, names in enumerate(
        [
            ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "weds", "wednesday"),
            ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"), ("sun", "sunday"),
        ]
    )
    for name in names
}  # fmt: skip

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
# Each pattern matches at the start of the text; named groups say what it found.
_PATTERNS = [
    re.compile(
        rf"(?:(?P<weekday>{_WEEKDAY})\.?,?\s+)?(?P<year>\d{{4}})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}})\b", re.I
    ),
    re.compile(
        rf"(?:(?P<weekday>{_WEEKDAY})\.?,?\s+)?(?P<monthname>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b"
        rf"(?:,?\s+(?P<year>\d{{4}})\b)?",
        re.I,
    ),
    re.compile(
        rf"(?:(?P<weekday>{_WEEKDAY})\.?,?\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<monthname>{_MONTH})\b\.?"
        rf"(?:,?\s+(?P<year>\d{{4}})\b)?",
        re.I,
    ),
    re.compile(
        rf"(?:(?P<weekday>{_WEEKDAY})\.?,?\s+)?(?P<month>\d{{1,2}})/(?P<day>\d{{1,2}})(?:/(?P<year>\d{{2}}|\d{{4}}))?\b",
        re.I,
    ),
]


def match_date(text: str, *, near: datetime.date) -> tuple[datetime.date, int] | None:
    """The date at the start of ``text`` and how many characters it took, or None.

    A date without a year takes the year nearest to ``near`` in which it falls on the weekday
    written with it ("Wed Sep 25" is 2024 near 2024, 2030 near 2029), or simply the nearest year.
    """
    for pattern in _PATTERNS:
        found = pattern.match(text)
        if not found:
            continue
        groups = found.groupdict()
        month = MONTHS[groups["monthname"].lower()] if groups.get("monthname") else int(groups["month"])
        day = int(groups["day"])
        weekday = WEEKDAYS[groups["weekday"].lower()] if groups.get("weekday") else None
        if groups.get("year"):
            year = int(groups["year"])
            years: range | list[int] = [year + 2000 if year < 100 else year]
        else:
            years = range(near.year - 7, near.year + 8)
        dates = [date for date in (_date(year, month, day) for year in years) if date]
        if not dates:
            continue
        fitting = [date for date in dates if weekday is None or date.weekday() == weekday] or dates
        return min(fitting, key=lambda date: abs((date - near).days)), found.end()
    return None


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


_RANGE_SEPARATOR = re.compile(r"\s*(?:–|—|-|\.\.|\bto\b|\buntil\b|\bthrough\b)\s*", re.I)


def parse_date_ranges(text: str, *, near: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """One date or range a line ("2026-11-25", "Nov 23 - Nov 27", "2026-11-23 to 2026-11-27"), in order.

    Raises ValueError naming the first line that is neither.
    """
    ranges = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip().strip(",;")
        if not line:
            continue
        first = match_date(line, near=near)
        if first is None:
            raise ValueError(f"Line {number} (“{line}”) is not a date: write e.g. 2026-11-25 or Nov 23 – Nov 27.")
        start, end_at = first
        rest = line[end_at:]
        separator = _RANGE_SEPARATOR.match(rest)
        last = match_date(rest[separator.end() :], near=start) if separator and rest.strip() else None
        if rest.strip() and (separator is None or last is None or rest[separator.end() + last[1] :].strip()):
            raise ValueError(f"Line {number} (“{line}”) is not a date or a range of dates.")
        end = last[0] if last else start
        if end < start:
            raise ValueError(f"Line {number} (“{line}”) ends before it starts.")
        ranges.append((start, end))
    return ranges
