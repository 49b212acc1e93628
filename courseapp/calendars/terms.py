"""A term's class days, and moving a term onto new dates by whole weeks."""

import datetime
import math

WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

DaysOff = list[tuple[datetime.date, datetime.date]]


def class_days(
    first: datetime.date, last: datetime.date, weekdays: set[int], days_off: DaysOff
) -> list[tuple[datetime.date, bool]]:
    """Every day from ``first`` to ``last`` that falls on one of ``weekdays`` (0 is Monday), in order,
    each with whether it is a day without class."""
    days = []
    day = first
    while day <= last:
        if day.weekday() in weekdays:
            days.append((day, any(start <= day <= end for start, end in days_off)))
        day += datetime.timedelta(days=1)
    return days


def weeks_to_move(old_first: datetime.date, new_first: datetime.date) -> int:
    """Whole weeks that bring a term starting ``old_first`` onto one starting ``new_first``.

    Meetings keep their weekday, so the first class lands on the first of its weekday on or after
    the new first day.
    """
    return math.ceil((new_first - old_first).days / 7)
