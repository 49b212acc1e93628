from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse


def render_page(
    request: HttpRequest, template: str, context: dict, *, partial: str | None = None, status: int = 200
) -> HttpResponse:
    """Render the whole page, or only ``partial`` when htmx asks for the element it wraps.

    The partial's outermost element has ``id=partial``; htmx sends that id as HX-Target.
    """
    if partial and request.htmx and request.htmx.target == partial:
        template = f"{template}#{partial}"
    return render(request, template, context, status=status)


def redirect_with_message(
    request: HttpRequest, to: str, *args, done: str | None, error: str | None, anchor: str | None = None
) -> HttpResponse:
    """Answer a form posted without JavaScript: say what happened on the page it returns to.

    ``anchor`` names the element to return to (the page opens scrolled to it).
    """
    if error:
        messages.error(request, error)
    elif done:
        messages.success(request, done)
    url = reverse(to, args=args)
    return redirect(f"{url}#{anchor}" if anchor else url)
