"""Numbers and ids from a query string or a form, read one way by every view.

Junk ("abc", "99999999999999999999") is a 400 with a message naming the parameter, never a 500
from ``int()`` or from PostgreSQL refusing a number out of range.
"""

from typing import overload

from django.core.exceptions import BadRequest


class InvalidParameter(BadRequest):
    """A parameter that means nothing; its message is shown to the user (see ``errors.bad_request``)."""


# Ids are PostgreSQL integers or bigints; no id the app hands out comes near this.
LARGEST = 2**31 - 1


@overload
def int_param(params, name: str, default: int) -> int: ...
@overload
def int_param(params, name: str, default: None = None) -> int | None: ...
def int_param(params, name: str, default: int | None = None) -> int | None:
    """The whole number ``params[name]``, or ``default`` when it is missing or empty."""
    value = params.get(name, "")
    if value == "":
        return default
    return _number(name, value)


def int_list(params, name: str) -> list[int]:
    """Every whole number given as ``name`` (checkboxes: ``ids=1&ids=2``)."""
    return [_number(name, value) for value in params.getlist(name) if value != ""]


def int_or_none(value: str) -> int | None:
    """A whole number that may be junk, for filters that ignore what means nothing."""
    return _whole_number(value or "")


def _number(name: str, value: str) -> int:
    number = _whole_number(value)
    if number is None:
        raise InvalidParameter(f"“{name}” must be a whole number, such as an id from this site; “{value[:40]}” is not.")
    return number


def _whole_number(value: str) -> int | None:
    """The ASCII digits of ``value`` as a number no id exceeds, else None: the one rule both readers apply."""
    text = value.strip()
    return int(text) if text.isascii() and text.isdigit() and int(text) <= LARGEST else None
