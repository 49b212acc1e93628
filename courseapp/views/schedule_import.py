"""Importing a course calendar: upload or paste, a preview of the meetings and slots, then one confirmation."""

import functools

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..forms import CalendarImportForm
from ..models import CalendarImport
from ..permissions import Perm, course_view
from ..services import ServiceError
from ..services import calendar_import as service

IMPORT = "courseapp/schedule/import.html"


@require_http_methods(["GET", "HEAD", "POST"])
@course_view(Perm.MANAGE_SCHEDULE)
def calendar_import(request, course):
    """Upload or paste a calendar; a preview follows, and the schedule changes only when it is confirmed."""
    form = CalendarImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        pending = form.submit(
            functools.partial(
                service.calendar_import_create, course=course, by=request.user, format=form.cleaned_data["format"]
            ),
            limit=settings.READING_LIST_MAX_BYTES,
        )
        if pending is not None:
            return redirect("courseapp:calendar_import_preview", course.slug, pending.pk)
    context = {"course": course, "access": request.access, "form": form}
    return render(request, IMPORT, context, status=400 if form.errors else 200)


@require_safe
@course_view(Perm.MANAGE_SCHEDULE)
def calendar_import_preview(request, course, import_id: int):
    """The meetings and slots the calendar makes or changes, which reading each paper is; nothing written yet."""
    pending = get_object_or_404(CalendarImport, pk=import_id, course=course)
    if pending.applied_at:
        messages.info(request, service.ALREADY_APPLIED)
        return redirect("courseapp:schedule_edit", course.slug)
    try:
        plan = service.calendar_import_preview(calendar_import=pending)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("courseapp:calendar_import", course.slug)
    context = {"course": course, "access": request.access, "pending": pending, "plan": plan}
    return render(request, "courseapp/schedule/import_preview.html", context)


@require_POST
@course_view(Perm.MANAGE_SCHEDULE)
def calendar_import_confirm(request, course, import_id: int):
    """Carry out a previewed calendar import in one transaction."""
    get_object_or_404(CalendarImport, pk=import_id, course=course)
    try:
        plan = service.calendar_import_apply(
            import_id=import_id, course=course, create=set(request.POST.getlist("create"))
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("courseapp:schedule_edit", course.slug)
    counts = plan.summary()
    messages.success(
        request,
        f"Calendar imported: {counts['new_meetings']} new meetings, {counts['changed_meetings']} changed, "
        f"{counts['slots']} agenda items.",
    )
    return redirect("courseapp:schedule_edit", course.slug)
