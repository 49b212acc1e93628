from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..models import Review
from ..permissions import Perm, course_view
from ..selectors import reading_sections, unlisted_scheduled_readings


@require_safe
@course_view(Perm.VIEW_COURSE)
def reading_list(request, course):
    """The reading list by section, with kinds, annotations and (for a student) their review of each."""
    sections = reading_sections(course)
    unlisted = list(unlisted_scheduled_readings(course))
    if request.access.can(Perm.WRITE_REVIEWS):
        mine = {r.reading_id: r for r in Review.objects.filter(student=request.user, reading__course=course)}
        for reading in [listing.reading for node in sections for listing in node.listings] + unlisted:
            reading.my_review = mine.get(reading.pk)
    return render(
        request,
        "courseapp/readings/list.html",
        {"course": course, "access": request.access, "sections": sections, "unlisted": unlisted},
    )
