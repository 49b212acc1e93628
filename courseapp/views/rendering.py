from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page(
    request: HttpRequest, template: str, context: dict, *, partial: str | None = None, status: int = 200
) -> HttpResponse:
    """Render the whole page, or only ``partial`` when htmx asks for the element it wraps.

    The partial's outermost element has ``id=partial``; htmx sends that id as HX-Target.
    """
    if partial and request.htmx and request.htmx.target == partial:
        template = f"{template}#{partial}"
    return render(request, template, context, status=status)
