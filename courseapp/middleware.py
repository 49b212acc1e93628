"""Input no view should ever see (NUL characters), and the answer to input no view can read.

PostgreSQL refuses NUL in text, so a pasted review or a search holding one would fail deep in a
query. One guard, before any view: NUL is removed from every query-string and form value, and
``request.nul_removed`` holds a sentence saying so (else ""), which the page shows. Django already
drops unprintable characters from uploaded file names, and replaces bytes that are not UTF-8 (lone
surrogates among them) when it decodes the request.
"""

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import QueryDict

from .http import HtmxHttpRequest
from .params import InvalidParameter
from .views.errors import bad_request

NUL = "\x00"
NUL_REMOVED = "Invisible NUL characters (from a paste, most likely) were removed from what you sent."


def _without_nul(params: QueryDict) -> QueryDict | None:
    """A copy of ``params`` without NUL in any key or value, or None when there was none."""
    if not any(NUL in key or any(NUL in value for value in values) for key, values in params.lists()):
        return None
    cleaned = QueryDict(mutable=True, encoding=params.encoding)
    for key, values in params.lists():
        cleaned.setlist(key.replace(NUL, ""), [value.replace(NUL, "") for value in values])
    cleaned._mutable = False
    return cleaned


class NulInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HtmxHttpRequest):
        removed = False
        cleaned = _without_nul(request.GET)
        if cleaned is not None:  # immutable, as Django's own (the stubs know that only of theirs)
            request.GET, removed = cleaned, True  # type: ignore[assignment]
        if request.method == "POST":
            cleaned = _without_nul(request.POST)
            if cleaned is not None:
                request.POST, removed = cleaned, True  # type: ignore[assignment]
        request.nul_removed = NUL_REMOVED if removed else ""
        response = self.get_response(request)
        if removed and response.status_code in (301, 302, 303):  # the next page says so
            messages.warning(request, NUL_REMOVED)
        return response


class BadRequestMiddleware:
    """A request the app cannot read gets the app's own 400 answer, with DEBUG on as well.

    With DEBUG on, Django answers a BadRequest with its debug page, a whole document full of inline
    styles and handlers. htmx swaps 400s into the page (the refusal is the user's message), so that
    document landed inside a fragment, unreadable, and the CSP blocked some two hundred inline styles
    and handlers, each one a console error. Junk in a parameter (a seed typed as "lucky") sees the
    sentence that names it, in development as in production.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HtmxHttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HtmxHttpRequest, exception: Exception):
        if isinstance(exception, InvalidParameter) or (isinstance(exception, BadRequest) and request.htmx):
            return bad_request(request, exception)
        return None
