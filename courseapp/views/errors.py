"""The page for a request the app cannot read (400), with the reason when the app gave one."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.html import escape

from ..params import InvalidParameter

UNREADABLE = "This request could not be read. Go back, and try again from the page."


def bad_request(request, exception=None):
    message = str(exception) if isinstance(exception, InvalidParameter) else UNREADABLE
    if getattr(request, "htmx", False):  # swapped in where the answer was due
        return HttpResponse(f'<p class="flash flash-error" role="alert">{escape(message)}</p>', status=400)
    return render(request, "400.html", {"message": message}, status=400)
