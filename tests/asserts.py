"""What many tests say, said once: a course page's address, a service's refusal, and a request made as
htmx makes it."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from courseapp.services import ServiceError


def url(name: str, course, *args) -> str:
    """The address of a course's page: ``url("gradebook", course)``, ``url("grade_slot", course, slot.pk)``."""
    return reverse(f"courseapp:{name}", args=[course.slug, *args])


# The header htmx sends with every request, for the test client's ``headers=``.
HTMX = {"HX-Request": "true"}


def htmx_to(target: str) -> dict:
    """htmx's headers when it swaps the element with id ``target`` (a page's partial answers that)."""
    return HTMX | {"HX-Target": target}


def refused(code: str, call, *args, **kwargs) -> str:
    """Call a service, expect it to refuse with ``code``, and return the message the user reads."""
    with pytest.raises(ServiceError) as error:
        call(*args, **kwargs)
    assert error.value.code == code, error.value.message
    return error.value.message


def shows(html: str, message: str) -> bool:
    """Whether a page or fragment shows ``message``, the constant the code says it with, as the user
    reads it (apostrophes and ampersands come escaped in HTML)."""
    return str(escape(message)) in html
