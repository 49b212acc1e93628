"""The request as the middleware leaves it, for type hints: django-htmx's ``request.htmx`` and the
note of NUL characters removed (courseapp.middleware); ``permissions.CourseRequest`` adds the access."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
    nul_removed: str
