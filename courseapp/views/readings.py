from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..permissions import Perm, course_view
from ..selectors import reading_sections, unlisted_scheduled_readings


@require_safe
@course_view(Perm.VIEW_COURSE)
def reading_list(request, course):
    """The reading list by section, with kinds and the instructor's annotations."""
    return render(
        request,
        "courseapp/readings/list.html",
        {
            "course": course,
            "access": request.access,
            "sections": reading_sections(course),
            "unlisted": unlisted_scheduled_readings(course),
        },
    )
