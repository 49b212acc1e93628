from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from ..forms import BulkAddForm
from ..models import Membership
from ..params import int_list
from ..permissions import Perm, course_view
from ..selectors import roster
from ..services import ServiceError
from ..services.memberships import (
    members_add_by_email,
    membership_decide,
    membership_remove,
    membership_set_role,
    memberships_decide,
)
from .rendering import answer, render_page

PAGE = "courseapp/members/page.html"


def _page_context(request, course, **extra) -> dict:
    memberships = list(roster(course))
    by_status = {status: [m for m in memberships if m.status == status] for status in Membership.Status.values}
    return {
        "course": course,
        "access": request.access,
        "pending": by_status[Membership.Status.PENDING],
        # Staff first, then students; each group stays in name order.
        "members": sorted(by_status[Membership.Status.ACTIVE], key=lambda m: m.role == Membership.Role.STUDENT),
        "declined": by_status[Membership.Status.DECLINED],
        "removed": by_status[Membership.Status.REMOVED],
        "unconfirmed": by_status[Membership.Status.UNCONFIRMED],
        "student_count": sum(1 for m in by_status[Membership.Status.ACTIVE] if m.role == Membership.Role.STUDENT),
        "bulk_form": BulkAddForm(),
        **extra,
    }


@require_safe
@course_view(Perm.VIEW_ROSTER)
def members_page(request, course):
    """Members by role, requests to join, and (for the instructor) adding students."""
    return render(request, PAGE, _page_context(request, course))


def _membership_answer(
    request, course, membership_id: int, change: Callable[[], str], *, fragment: str, whole: bool = False
) -> HttpResponse:
    """Change one membership and answer as the members page does: htmx gets the ``fragment`` of its row
    (``whole``: with the page's counts), a plain form the page again with the message. A membership
    the change cannot find in this course (or in the state it acts on) is a 404."""

    def call() -> str:
        try:
            return change()
        except Membership.DoesNotExist:
            raise Http404 from None

    def show(*, done: str | None, error: str | None, status: int) -> HttpResponse:
        membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_id, course=course)
        if whole:
            context = _page_context(request, course, membership=membership, error=error)
        else:
            # oob: the navigation's badge of requests waiting comes along, counted after the change.
            context = {"course": course, "access": request.access, "membership": membership, "error": error}
            context["oob"] = True
        return render(request, f"{PAGE}#{fragment}", context, status=status)

    return answer(request, call, back=reverse("courseapp:members", args=[course.slug]), show=show)


@require_POST
@course_view(Perm.MANAGE_MEMBERS)
def membership_decide_view(request, course, membership_id: int):
    """Approve or decline one request to join; htmx swaps the request's row."""
    decision = request.POST.get("decision")
    if decision not in ("approve", "decline"):
        return HttpResponseBadRequest("decision must be approve or decline")

    def decide() -> str:
        membership = membership_decide(
            membership_id=membership_id, course=course, decided_by=request.user, approve=decision == "approve"
        )
        return f"{membership.user.display_name}: {'approved' if decision == 'approve' else 'declined'}."

    return _membership_answer(request, course, membership_id, decide, fragment="request_row")


@require_POST
@course_view(Perm.MANAGE_MEMBERS)
def members_add(request, course):
    """Add students by pasting their e-mail addresses; all are added or, on an error, none."""
    form = BulkAddForm(request.POST)
    result, status = None, 200
    if form.is_valid():
        try:
            result = members_add_by_email(
                course=course,
                added_by=request.user,
                text=form.cleaned_data["addresses"],
                role=form.cleaned_data["role"],
            )
        except ServiceError as error:
            form.add_error("addresses", error.message)
            status = 400
        else:
            form = BulkAddForm()
    else:
        status = 400
    return render_page(
        request,
        PAGE,
        _page_context(request, course, bulk_form=form, bulk_result=result),
        partial="bulk_add",
        status=status,
    )


@require_POST
@course_view(Perm.MANAGE_MEMBERS)
def membership_role(request, course, membership_id: int):
    """Make a member a student or a TA; htmx swaps the member's row."""

    def set_role() -> str:
        membership = membership_set_role(
            membership_id=membership_id, course=course, role=request.POST.get("role", ""), by=request.user
        )
        return f"{membership.user.display_name}’s role is now {membership.get_role_display()}."

    return _membership_answer(request, course, membership_id, set_role, fragment="member_row")


@require_POST
@course_view(Perm.MANAGE_MEMBERS)
def memberships_decide_view(request, course):
    """Approve or decline the chosen requests at once; the page comes back with them moved."""
    decision = request.POST.get("decision")
    if decision not in ("approve", "decline"):
        return HttpResponseBadRequest("decision must be approve or decline")
    ids = int_list(request.POST, "ids")
    try:
        decided = memberships_decide(
            membership_ids=ids, course=course, decided_by=request.user, approve=decision == "approve"
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        verb = "Approved" if decision == "approve" else "Declined"
        messages.success(request, f"{verb} {len(decided)}: {', '.join(m.user.display_name for m in decided)}.")
    return redirect("courseapp:members", course.slug)


@require_POST
@course_view(Perm.MANAGE_MEMBERS)
def membership_remove_view(request, course, membership_id: int):
    """Take a student off the course (their work stays) or restore them; htmx swaps the row and the count."""
    restore = request.POST.get("restore") == "true"

    def remove() -> str:
        membership = membership_remove(membership_id=membership_id, course=course, by=request.user, restore=restore)
        name = membership.user.display_name
        return f"{name} is back in the course." if restore else f"{name} was removed from the course; their work stays."

    return _membership_answer(request, course, membership_id, remove, fragment="member_change", whole=True)
