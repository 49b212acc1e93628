from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..permissions import Perm, course_view
from ..selectors import schedule


@require_safe
@course_view(Perm.VIEW_PUBLIC)
def schedule_page(request, course):
    """The term's calendar: meetings, papers and their seats (names for members only)."""
    return render(
        request,
        "courseapp/schedule/page.html",
        {"course": course, "access": request.access, "meetings": schedule(course)},
    )
