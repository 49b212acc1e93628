from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST, require_safe

from ..models import Invitation, Signup, Slot, Swap, User
from ..params import int_param
from ..permissions import Perm, course_view
from ..selectors import my_term, schedule, schedule_fragment
from ..services import ServiceError
from ..services import signups as seats
from ..services.errors import BAD_INPUT
from ..services.memberships import membership_calendar_renew
from ..services.notices import notices_read
from ..services.signups import signup_window_error
from .rendering import answer

PAGE = "courseapp/schedule/page.html"


def schedule_context(request, course, **extra) -> dict:
    """What the schedule page and its fragments need, for whoever is asking."""
    reviewer = request.user if request.access.can(Perm.WRITE_REVIEWS) else None
    context = {
        "course": course,
        "access": request.access,
        "meetings": SimpleLazyObject(lambda: schedule(course, viewer=request.user, reviewer=reviewer)),
        "window_error": signup_window_error(course, timezone.now()),
        **extra,
    }
    if request.access.can(Perm.TAKE_SEAT):
        context["term"] = my_term(course, request.user)
    elif reviewer is None and not extra:
        # Without seats to act on or reviews of one's own, the table is the same for everyone in the role.
        context["fragment"] = schedule_fragment(request.access.role)
    return context


def _seat_answer(request, course, call, *, slot_id: int | None = None) -> HttpResponse:
    """After a seat action: htmx gets the table with the message by the paper and, out of band, the
    "my term" panel; a plain form returns to the schedule at that paper."""

    def show(*, done, error, status):
        context = schedule_context(request, course, flash_slot=slot_id, flash_error=error, flash_done=done, oob=True)
        html = render_to_string(f"{PAGE}#schedule_table", context, request)
        if "term" in context:
            html += render_to_string(f"{PAGE}#my_term", context, request)
        return HttpResponse(html, status=status)

    back = reverse("courseapp:schedule", args=[course.slug]) + (f"#slot-{slot_id}" if slot_id else "")
    return answer(request, call, back=back, show=show)


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
    if not ((action in SEAT_ACTIONS and role) or action in ("drop", "leave")):
        return HttpResponseBadRequest("action must be take, drop, wait or leave, with a role")

    def call():
        if action == "drop":
            seats.seat_drop(course=course, slot_id=slot_id, student=request.user)
            return "You gave up your seat."
        if action == "leave":
            seats.waitlist_leave(course=course, slot_id=slot_id, student=request.user)
            return "You left the waitlist."
        service, message = SEAT_ACTIONS[action]
        result = service(course=course, slot_id=slot_id, student=request.user, role=role)
        return message.format(role=seats.ROLE_NAMES[role], place=result)

    return _seat_answer(request, course, call, slot_id=slot_id)


@require_POST
@course_view(Perm.TAKE_SEAT)
def slot_invite(request, course, slot_id: int):
    """Hold the other presenter seat for a named classmate."""
    get_object_or_404(Slot, pk=slot_id, meeting__course=course)
    invitee = User.objects.filter(pk=int_param(request.POST, "invitee", 0)).first()

    def call():
        if invitee is None:
            raise ServiceError("Choose the classmate to invite.", code="no_invitee", status=BAD_INPUT)
        seats.invitation_send(course=course, slot_id=slot_id, inviter=request.user, invitee=invitee)
        return f"The seat is held for {invitee.display_name}."

    return _seat_answer(request, course, call, slot_id=slot_id)


def _answer(request, course, service, not_found: type[Exception], **ids) -> HttpResponse:
    """Accept, decline or cancel a proposal (an invitation or a swap) addressed to this user."""
    decision = request.POST.get("decision")
    if decision not in ("accept", "decline", "cancel"):
        return HttpResponseBadRequest("decision must be accept, decline or cancel")

    def call():
        try:
            proposal = service(course=course, user=request.user, decision=decision, **ids)
        except not_found:
            raise Http404 from None
        return f"{proposal._meta.verbose_name.capitalize()} {proposal.status}."

    return _seat_answer(request, course, call)


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

    def call():
        try:
            seats.swap_propose(course=course, proposer=request.user, partner=partner, partner_slot_id=slot_id)
        except Slot.DoesNotExist:
            raise Http404 from None
        return f"Swap proposed to {partner.display_name}."

    return _seat_answer(request, course, call, slot_id=slot_id)


@require_POST
@course_view(Perm.TAKE_SEAT)
def swap_answer(request, course, swap_id: int):
    """The student asked accepts (both move at once) or declines; the proposer may cancel."""
    return _answer(request, course, seats.swap_answer, Swap.DoesNotExist, swap_id=swap_id)


@require_POST
@course_view(Perm.TAKE_SEAT)
def notices_dismiss(request, course):
    """Mark my notices in this course as read."""
    return _seat_answer(request, course, lambda: notices_read(course=course, user=request.user))


@require_POST
@course_view(Perm.TAKE_SEAT)
def calendar_token_reset(request, course):
    """Give my private calendar feed a new address; the old one stops working."""

    def call():
        membership_calendar_renew(membership=request.access.membership)
        return "Your calendar has a new private address."

    return _seat_answer(request, course, call)
