"""How views answer: the page or the fragment htmx asked for, and what a change did, said once."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ..http import HtmxHttpRequest
from ..params import InvalidParameter
from ..services import ServiceError
from ..services.errors import BAD_INPUT


def render_page(
    request: HtmxHttpRequest, template: str, context: dict, *, partial: str | None = None, status: int = 200
) -> HttpResponse:
    """Render the whole page, or only ``partial`` when htmx asks for the element it wraps.

    The partial's outermost element has ``id=partial``; htmx sends that id as HX-Target.
    """
    if partial and request.htmx and request.htmx.target == partial:
        template = f"{template}#{partial}"
    return render(request, template, context, status=status)


def answer(
    request: HtmxHttpRequest,
    call: Callable[[], str | None],
    *,
    back: str,
    show: Callable[..., HttpResponse] | None = None,
) -> HttpResponse:
    """Make a change and answer where it was asked: the one way a view says what a service did.

    ``call()`` calls the service and returns what to tell the user. A ServiceError it raises is the
    refusal: its message is shown and its status (409, or 400 for input that cannot be used) is the
    answer's; so is a parameter it reads that is no number (400). htmx gets
    ``show(done=, error=, status=)``, the fragment the change concerns; a plain form (or a view
    without ``show``) is sent back to the address ``back`` with the message, so every page works
    without JavaScript.
    """
    try:
        done, error, status = call(), None, 200
    except ServiceError as refused:
        done, error, status = None, refused.message, refused.status
    except InvalidParameter as junk:
        done, error, status = None, str(junk), BAD_INPUT
    if request.htmx and show is not None:
        return show(done=done, error=error, status=status)
    _say(request, done=done, error=error)
    return redirect(back)


def redirect_with_message(
    request: HtmxHttpRequest, to: str, *args, done: str | None, error: str | None, anchor: str | None = None
) -> HttpResponse:
    """Answer a form posted without JavaScript: say what happened on the page it returns to.

    ``anchor`` names the element to return to (the page opens scrolled to it).
    """
    _say(request, done=done, error=error)
    url = reverse(to, args=args)
    return redirect(f"{url}#{anchor}" if anchor else url)


def _say(request: HtmxHttpRequest, *, done: str | None, error: str | None) -> None:
    if error:
        messages.error(request, error)
    elif done:
        messages.success(request, done)
