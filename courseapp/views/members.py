from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
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
from .rendering import render_page

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


@require_POST
@course_view(Perm.MANAGE_MEMBERS)
def membership_decide_view(request, course, membership_id: int):
    """Approve or decline one request to join; htmx swaps the request's row."""
    decision = request.POST.get("decision")
    if decision not in ("approve", "decline"):
        return HttpResponseBadRequest("decision must be approve or decline")
    status, error = 200, None
    try:
        membership = membership_decide(
            membership_id=membership_id, course=course, decided_by=request.user, approve=decision == "approve"
        )
    except Membership.DoesNotExist:
        membership = get_object_or_404(Membership, pk=membership_id, course=course)
    except ServiceError as exc:
        membership = Membership.objects.select_related("user").get(pk=membership_id, course=course)
        status, error = 409, exc.message
    if request.htmx:
        return render(
            request,
            f"{PAGE}#request_row",
            # oob: the navigation's badge of requests waiting comes along, counted after the decision.
            {"course": course, "access": request.access, "membership": membership, "error": error, "oob": True},
            status=status,
        )
    return render(request, PAGE, _page_context(request, course, decide_error=error), status=status)


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
    status, error = 200, None
    try:
        membership = membership_set_role(
            membership_id=membership_id, course=course, role=request.POST.get("role", ""), by=request.user
        )
    except Membership.DoesNotExist:
        raise Http404 from None
    except ServiceError as exc:
        membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_id, course=course)
        status, error = 400, exc.message
    if request.htmx:
        context = {"course": course, "access": request.access, "membership": membership, "error": error}
        return render(request, f"{PAGE}#member_row", context, status=status)
    return render(request, PAGE, _page_context(request, course, decide_error=error), status=status)


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
    status, error = 200, None
    try:
        membership = membership_remove(membership_id=membership_id, course=course, by=request.user, restore=restore)
    except Membership.DoesNotExist:
        raise Http404 from None
    except ServiceError as exc:
        membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_id, course=course)
        status, error = 409, exc.message
    if request.htmx:
        context = _page_context(request, course, membership=membership, error=error)
        return render(request, f"{PAGE}#member_change", context, status=status)
    if error:
        messages.error(request, error)
    return redirect("courseapp:members", course.slug)
