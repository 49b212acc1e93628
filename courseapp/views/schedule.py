from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from ..models import Invitation, Notice, Signup, Slot, Swap, User
from ..params import int_param
from ..permissions import Perm, course_view
from ..selectors import my_term, schedule
from ..services import ServiceError
from ..services import signups as seats
from ..services.memberships import membership_calendar_renew
from ..services.signups import signup_window_error
from .rendering import redirect_with_message

PAGE = "courseapp/schedule/page.html"


def schedule_context(request, course, **extra) -> dict:
    """What the schedule page and its fragments need, for whoever is asking."""
    context = {
        "course": course,
        "access": request.access,
        "meetings": schedule(
            course, viewer=request.user, reviewer=request.user if request.access.can(Perm.WRITE_REVIEWS) else None
        ),
        "window_error": signup_window_error(course, timezone.now()),
        **extra,
    }
    if request.access.can(Perm.TAKE_SEAT):
        context["term"] = my_term(course, request.user)
    return context


def schedule_update(request, course, *, slot_id=None, error=None, done=None) -> HttpResponse:
    """After a seat action: htmx gets the table and, out of band, the "my term" panel."""
    if not request.htmx:
        return redirect_with_message(request, "courseapp:schedule", course.slug, done=done, error=error)
    context = schedule_context(request, course, flash_slot=slot_id, flash_error=error, flash_done=done, oob=True)
    html = render_to_string(f"{PAGE}#schedule_table", context, request)
    if "term" in context:
        html += render_to_string(f"{PAGE}#my_term", context, request)
    return HttpResponse(html, status=409 if error else 200)


@require_safe
@course_view(Perm.VIEW_PUBLIC)
def schedule_page(request, course):
    """The term's calendar: meetings, papers and their seats (names for members only)."""
    return render(request, PAGE, schedule_context(request, course))


ROLES = {"presenter": Signup.Role.PRESENTER, "commentator": Signup.Role.COMMENTATOR}
SEAT_ACTIONS = {
    "take": (seats.seat_take, "You are now a {role} of this paper."),
    "wait": (seats.waitlist_join, "You are on the waitlist: number {place} in line."),
}


@require_POST
@course_view(Perm.TAKE_SEAT)
def slot_seat(request, course, slot_id: int):
    """Take a seat, drop it, or join or leave the slot's waitlist."""
    action, role = request.POST.get("action"), ROLES.get(request.POST.get("role", ""))
    get_object_or_404(Slot, pk=slot_id, meeting__course=course)
    try:
        if action in SEAT_ACTIONS and role:
            service, message = SEAT_ACTIONS[action]
            result = service(course=course, slot_id=slot_id, student=request.user, role=role)
            done = message.format(role=seats.ROLE_NAMES[role], place=result)
        elif action == "drop":
            seats.seat_drop(course=course, slot_id=slot_id, student=request.user)
            done = "You gave up your seat."
        elif action == "leave":
            seats.waitlist_leave(course=course, slot_id=slot_id, student=request.user)
            done = "You left the waitlist."
        else:
            return HttpResponseBadRequest("action must be take, drop, wait or leave, with a role")
    except ServiceError as exc:
        return schedule_update(request, course, slot_id=slot_id, error=exc.message)
    return schedule_update(request, course, slot_id=slot_id, done=done)


@require_POST
@course_view(Perm.TAKE_SEAT)
def slot_invite(request, course, slot_id: int):
    """Hold the other presenter seat for a named classmate."""
    get_object_or_404(Slot, pk=slot_id, meeting__course=course)
    invitee = User.objects.filter(pk=int_param(request.POST, "invitee", 0)).first()
    try:
        if invitee is None:
            raise ServiceError("Choose the classmate to invite.", code="no_invitee")
        seats.invitation_send(course=course, slot_id=slot_id, inviter=request.user, invitee=invitee)
    except ServiceError as exc:
        return schedule_update(request, course, slot_id=slot_id, error=exc.message)
    return schedule_update(request, course, slot_id=slot_id, done=f"The seat is held for {invitee.display_name}.")


def _answer(request, course, service, not_found: type[Exception], **ids) -> HttpResponse:
    """Accept, decline or cancel a proposal (an invitation or a swap) addressed to this user."""
    decision = request.POST.get("decision")
    if decision not in ("accept", "decline", "cancel"):
        return HttpResponseBadRequest("decision must be accept, decline or cancel")
    try:
        proposal = service(course=course, user=request.user, decision=decision, **ids)
    except not_found:
        raise Http404 from None
    except ServiceError as exc:
        return schedule_update(request, course, error=exc.message)
    return schedule_update(request, course, done=f"{proposal._meta.verbose_name.capitalize()} {proposal.status}.")


@require_POST
@course_view(Perm.TAKE_SEAT)
def invitation_answer(request, course, invitation_id: int):
    """The invitee accepts or declines; the one who invited may cancel."""
    return _answer(request, course, seats.invitation_answer, Invitation.DoesNotExist, invitation_id=invitation_id)


@require_POST
@course_view(Perm.TAKE_SEAT)
def swap_propose(request, course, slot_id: int):
    """Offer a presenter of another paper to exchange presentation slots."""
    partner = get_object_or_404(User, pk=int_param(request.POST, "partner", 0))
    try:
        seats.swap_propose(course=course, proposer=request.user, partner=partner, partner_slot_id=slot_id)
    except Slot.DoesNotExist:
        raise Http404 from None
    except ServiceError as exc:
        return schedule_update(request, course, slot_id=slot_id, error=exc.message)
    return schedule_update(request, course, slot_id=slot_id, done=f"Swap proposed to {partner.display_name}.")


@require_POST
@course_view(Perm.TAKE_SEAT)
def swap_answer(request, course, swap_id: int):
    """The student asked accepts (both move at once) or declines; the proposer may cancel."""
    return _answer(request, course, seats.swap_answer, Swap.DoesNotExist, swap_id=swap_id)


@require_POST
@course_view(Perm.TAKE_SEAT)
def notices_dismiss(request, course):
    """Mark my notices in this course as read."""
    Notice.objects.filter(course=course, user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return schedule_update(request, course)


@require_POST
@course_view(Perm.TAKE_SEAT)
def calendar_token_reset(request, course):
    """Give my private calendar feed a new address; the old one stops working."""
    membership_calendar_renew(membership=request.access.membership)
    return schedule_update(request, course, done="Your calendar has a new private address.")
