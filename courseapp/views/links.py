"""The reading list's link check: start a run, watch its progress, fix moved links, see a link's history."""

from collections import Counter

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from ..models import LinkCheckRun, LinkResult, Reading
from ..permissions import Perm, course_view
from ..services import ServiceError
from ..services import links as service
from .rendering import answer, redirect_with_message

PAGE = "courseapp/readings/links.html"
Status = LinkResult.Status
# The order problems are listed in: what needs the instructor first.
PROBLEMS = [Status.BROKEN, Status.MOVED, Status.FAILING, Status.TIMEOUT, Status.BLOCKED, Status.REFUSED]


def progress_context(course, run: LinkCheckRun | None) -> dict:
    if run is None:
        counts: dict[str, int] = {}
    elif run.is_going:
        counts = Counter(run.results.values_list("status", flat=True))
    else:
        counts = run.summary
    return {
        "course": course,
        "run": run,
        "checked": sum(count for status, count in counts.items() if status in Status.values),
        "counts": [(Status(status).label, status, counts[status]) for status in Status.values if counts.get(status)],
    }


@require_safe
@course_view(Perm.MANAGE_READINGS, hide=True)
def links_page(request, course):
    """The latest run (or its progress) and every link whose latest check found a problem."""
    run = course.link_check_runs.select_related("started_by").first()
    readings = list(Reading.objects.filter(course=course).exclude(url="").select_related("link_result"))
    by_status: dict[str, list] = {status: [] for status in PROBLEMS}
    unchecked = ok = 0
    for reading in readings:
        result = reading.link_check
        if result is None:
            unchecked += 1
        elif result.status == Status.OK:
            ok += 1
        else:
            by_status[result.status].append(reading)
    context = progress_context(course, run) | {
        "access": request.access,
        "problems": [(Status(status), by_status[status]) for status in PROBLEMS if by_status[status]],
        "ok": ok,
        "unchecked": unchecked,
        "with_links": len(readings),
    }
    return render(request, PAGE, context)


@require_POST
@course_view(Perm.MANAGE_READINGS, hide=True)
def links_start(request, course):
    """Start a check; while one is going, a second click shows that one instead of starting another."""
    try:
        run, new = service.link_check_start(course=course, by=request.user)
    except ServiceError as error:
        return redirect_with_message(request, "courseapp:links", course.slug, done=None, error=error.message)
    if request.htmx:
        response = render(request, f"{PAGE}#progress", progress_context(course, run))
        if not run.is_going:  # no broker: it ran in this request, so show what it found
            response["HX-Refresh"] = "true"
        return response
    done = "Link check started." if new else "A link check is already going: here is its progress."
    return redirect_with_message(request, "courseapp:links", course.slug, done=done, error=None)


@require_safe
@course_view(Perm.MANAGE_READINGS, hide=True)
def links_progress(request, course):
    """Polled by the progress bar; when the run is over, the page reloads to list what it found."""
    run = course.link_check_runs.first()
    response = render(request, f"{PAGE}#progress", progress_context(course, run))
    if request.htmx and (run is None or not run.is_going):
        response["HX-Refresh"] = "true"
    return response


@require_POST
@course_view(Perm.MANAGE_READINGS, hide=True)
def link_fix(request, course, reading_id):
    """The one-click fix: a moved link becomes the address it moved to."""

    def fix() -> str:
        reading = service.link_fix(course=course, reading_id=reading_id)
        return f"“{reading.title}” now links to {reading.url}."

    def show(*, done: str | None, error: str | None, status: int) -> HttpResponse:
        if error:
            return HttpResponse(error, status=status)
        reading = get_object_or_404(Reading, course=course, pk=reading_id)
        return render(request, f"{PAGE}#fixed", {"course": course, "reading": reading})

    return answer(request, fix, back=reverse("courseapp:links", args=[course.slug]), show=show)


@require_safe
@course_view(Perm.MANAGE_READINGS, hide=True)
def link_history(request, course, reading_id):
    """Every check of one reading's link, newest first."""
    reading = get_object_or_404(Reading, course=course, pk=reading_id)
    results = reading.link_results.select_related("run")[:100]
    return render(
        request,
        "courseapp/readings/link_history.html",
        {"course": course, "access": request.access, "reading": reading, "results": results},
    )
