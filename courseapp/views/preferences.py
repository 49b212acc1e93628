"""The preference round: a student's ranking page, and the instructor's run, preview and publish."""

import functools

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from ..models import Choice, DraftSeat, Slot, User
from ..params import int_param
from ..permissions import Perm, course_view
from ..selectors.preferences import assignment_preview, ranking_page
from ..services import preferences as service
from .rendering import answer, render_page

RANKING = "courseapp/preferences/ranking.html"
ASSIGNMENT = "courseapp/preferences/assignment.html"
KINDS = {"present": Choice.Kind.PRESENT, "comment": Choice.Kind.COMMENT, "avoid": Choice.Kind.AVOID}


def _ranking(request, course, *, done=None, error=None, status=200) -> HttpResponse:
    published = service.published_run(course)
    window_error = service.ranking_window_error(course, timezone.now(), published=published)
    context = {
        "course": course,
        "access": request.access,
        "page": ranking_page(course, request.user, window_error=window_error, published=published),
        "done": done,
        "error": error,
    }
    return render_page(request, RANKING, context, partial="ranking", status=status)


@require_safe
@course_view(Perm.TAKE_SEAT)
def ranking(request, course):
    """The papers a student would present and comment on, best first, and the ones they must not get."""
    return _ranking(request, course)


def _ranking_answer(request, course, call) -> HttpResponse:
    back = reverse("courseapp:ranking", args=[course.slug])
    return answer(request, call, back=back, show=functools.partial(_ranking, request, course))


@require_POST
@course_view(Perm.TAKE_SEAT)
def ranking_change(request, course):
    """Add a paper to a list, move it up or down, or take it off; every change is saved at once."""
    kind, action = KINDS.get(request.POST.get("kind", "")), request.POST.get("action", "")
    if kind is None or action not in service.ACTIONS:
        return HttpResponseBadRequest("kind must be present, comment or avoid; action add, up, down or remove")
    slot = get_object_or_404(Slot, pk=int_param(request.POST, "slot", 0), meeting__course=course)
    reason = request.POST.get("reason", "")

    def call():
        service.ranking_change(
            course=course, student=request.user, kind=kind, action=action, slot_id=slot.pk, reason=reason
        )
        return "Saved."

    return _ranking_answer(request, course, call)


@require_POST
@course_view(Perm.TAKE_SEAT)
def ranking_partner(request, course):
    """Name the classmate to present with, or nobody."""
    partner_id = int_param(request.POST, "partner")
    partner = get_object_or_404(User, pk=partner_id) if partner_id else None

    def call():
        service.partner_set(course=course, student=request.user, partner=partner)
        return f"Saved: you would present with {partner.display_name}." if partner else "Saved: no partner."

    return _ranking_answer(request, course, call)


def _preview(request, course, *, done=None, error=None, status=200) -> HttpResponse:
    context = {
        "course": course,
        "access": request.access,
        "preview": assignment_preview(course),
        "done": done,
        "error": error,
        "now": timezone.now(),
    }
    return render_page(request, ASSIGNMENT, context, partial="assignment-run", status=status)


@require_safe
@course_view(Perm.MANAGE_SCHEDULE)
def assignment(request, course):
    """Who has ranked, the latest run (polled while it works) and its draft beside the baselines."""
    return _preview(request, course)


def _staff_answer(request, course, call) -> HttpResponse:
    back = reverse("courseapp:assignment", args=[course.slug])
    return answer(request, call, back=back, show=functools.partial(_preview, request, course))


@require_POST
@course_view(Perm.MANAGE_SCHEDULE)
def assignment_start(request, course):
    """Run the assignment (again, with another seed if given)."""

    def call():
        seed = int_param(request.POST, "seed")
        _, new = service.assignment_start(course=course, by=request.user, seed=seed)
        return "Started." if new else "Already running."

    return _staff_answer(request, course, call)


@require_POST
@course_view(Perm.MANAGE_SCHEDULE)
def draft_move(request, course, draft_id: int):
    """Move one proposed seat to another paper before publishing."""
    draft = get_object_or_404(DraftSeat, pk=draft_id, run__course=course)
    to = get_object_or_404(Slot, pk=int_param(request.POST, "to", 0), meeting__course=course)

    def call():
        moved = service.draft_move(
            course=course, run_id=draft.run_id, draft_id=draft.pk, to_slot_id=to.pk, by=request.user
        )
        return f"{moved.student.display_name} moved to “{to.display_title}”."

    return _staff_answer(request, course, call)


@require_POST
@course_view(Perm.MANAGE_SCHEDULE)
def assignment_publish(request, course):
    """Make the draft the course's seats and tell every student theirs."""
    run_id = int_param(request.POST, "run", 0)
    get_object_or_404(course.assignment_runs, pk=run_id)

    def call():
        seats = service.assignment_publish(course=course, run_id=run_id, by=request.user)
        return service.published_said(seats)

    return _staff_answer(request, course, call)
