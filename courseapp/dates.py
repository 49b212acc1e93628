"""Dates as the course's pages write them: the year only when it is not this year's, so a past
term's "Mon Oct 7" never reads as a day of this one."""

import datetime
import functools

from django.utils import timezone, translation
from django.utils.formats import date_format

# Style: (this year's format, another year's).
FORMATS = {
    "when": ("D M j, g:i A", "D M j, Y, g:i A"),
    "day": ("D M j", "D M j, Y"),
    "short_day": ("M j", "M j, Y"),
    "short_when": ("M j, g:i A", "M j, Y, g:i A"),
    "long_day": ("l, F j", "l, F j, Y"),
    "numeric_day": ("n/j", "n/j/y"),
}


def show(value: datetime.date | datetime.datetime, style: str = "when") -> str:
    """``value`` (a datetime already in the reader's time zone) in ``style``."""
    this_year, other_year = FORMATS[style]
    form = this_year if value.year == timezone.localdate().year else other_year
    return _formatted(value, getattr(value, "tzinfo", None), form, translation.get_language())


@functools.lru_cache(maxsize=4096)
def _formatted(value, zone, form: str, language: str | None) -> str:
    """Formatting is slow and pages repeat a term's few dozen dates (the editor's menus: hundreds of times).
    The zone is part of the key: one instant in two zones compares equal but reads differently."""
    return date_format(value, form)
