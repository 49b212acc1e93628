"""A presenting pair's checklist (1-on-1, slides before and after) and the staff's 1-on-1 times."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from ..forms import TimesForm
from ..models import OneOnOneTime, SlideUpload
from ..params import int_param
from ..permissions import Perm, course_view, presenter_slot
from ..selectors import presentation_checklist
from ..services import ServiceError, presentations
from .rendering import redirect_with_message


@require_safe
@course_view(Perm.VIEW_COURSE)
def presentation_page(request, course, slot_id: int):
    """The pair's checklist: book the 1-on-1, initial slides, the talk, final slides, each with its date."""
    slot = presenter_slot(request, course, slot_id)
    context = {
        "course": course,
        "access": request.access,
        "is_presenter": not request.access.can(Perm.GRADE),
        **presentation_checklist(course, slot, now=timezone.now()),
    }
    return render(request, "courseapp/presentations/page.html", context)


@require_POST
@course_view(Perm.TAKE_SEAT)
def one_on_one_book(request, course, slot_id: int):
    """Book one of the instructor's times for the pair's 1-on-1 meeting."""
    slot = presenter_slot(request, course, slot_id)
    try:
        time = presentations.one_on_one_book(
            course=course,
            slot_id=slot.pk,
            time_id=int_param(request.POST, "time", 0),
            by=request.user,
            now=timezone.now(),
        )
    except (ValueError, OneOnOneTime.DoesNotExist):
        raise Http404 from None
    except ServiceError as error:
        return redirect_with_message(
            request, "courseapp:presentation", course.slug, slot.pk, done=None, error=error.message
        )
    done = f"Your 1-on-1 is booked for {course.when(time.starts_at)}."
    return redirect_with_message(request, "courseapp:presentation", course.slug, slot.pk, done=done, error=None)


@require_POST
@course_view(Perm.TAKE_SEAT)
def slides_upload(request, course, slot_id: int):
    """Upload the pair's initial or final slides as a PDF."""
    slot = presenter_slot(request, course, slot_id)
    stage = request.POST.get("stage")
    upload = request.FILES.get("file")
    if stage not in SlideUpload.Stage.values:
        raise Http404
    try:
        if upload is None:
            raise ServiceError("Choose a PDF to upload.", code="no_file")
        slides = presentations.slides_upload(
            course=course, slot_id=slot.pk, stage=stage, upload=upload, by=request.user, now=timezone.now()
        )
    except ServiceError as error:
        return redirect_with_message(
            request, "courseapp:presentation", course.slug, slot.pk, done=None, error=error.message
        )
    late = " It came in after the deadline and is marked late." if slides.is_late else ""
    done = f"{slides.get_stage_display()} uploaded: {slides.original_name}.{late}"
    return redirect_with_message(request, "courseapp:presentation", course.slug, slot.pk, done=done, error=None)


@require_safe
@course_view(Perm.VIEW_COURSE)
def slides_download(request, course, upload_id: int):
    """A slides PDF, for its presenters and staff only, as a download the browser will not sniff."""
    slides = get_object_or_404(SlideUpload, pk=upload_id, slot__meeting__course=course)
    presenter_slot(request, course, slides.slot_id)
    response = FileResponse(
        slides.file.open("rb"), as_attachment=True, filename=slides.original_name, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _times_context(request, course, form=None) -> dict:
    times = OneOnOneTime.objects.filter(course=course).select_related("slot__reading", "booked_by")
    return {"course": course, "access": request.access, "times": list(times), "form": form or TimesForm()}


@require_safe
@course_view(Perm.GRADE, hide=True)
def one_on_ones_page(request, course):
    """The 1-on-1 times offered to presenting pairs, and who booked which."""
    return render(request, "courseapp/presentations/times.html", _times_context(request, course))


@require_POST
@course_view(Perm.GRADE, hide=True)
def one_on_one_add(request, course):
    """Offer consecutive 1-on-1 times (in the course's time zone)."""
    form = TimesForm(request.POST)
    if not form.is_valid():
        context = _times_context(request, course, form) | {"error": "No times were added: see the form."}
        return render(request, "courseapp/presentations/times.html", context, status=400)
    first = form.cleaned_data["first"]
    added = presentations.one_on_one_times_add(
        course=course, first=first, count=form.cleaned_data["count"], minutes=form.cleaned_data["minutes"]
    )
    done = f"Added {added} time{'s' if added != 1 else ''} from {course.when(first)}."
    return redirect_with_message(request, "courseapp:one_on_ones", course.slug, done=done, error=None)


@require_POST
@course_view(Perm.GRADE, hide=True)
def one_on_one_remove(request, course, time_id: int):
    """Take back a time nobody booked."""
    try:
        presentations.one_on_one_time_remove(course=course, time_id=time_id)
    except OneOnOneTime.DoesNotExist:
        raise Http404 from None
    except ServiceError as error:
        return redirect_with_message(request, "courseapp:one_on_ones", course.slug, done=None, error=error.message)
    return redirect_with_message(request, "courseapp:one_on_ones", course.slug, done="Removed the time.", error=None)
