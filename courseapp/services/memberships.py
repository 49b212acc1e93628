"""Admission by permission: requests to join, the instructor's decisions, adding students in bulk."""

import dataclasses

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from ..models import Course, Membership, User
from ..models.courses import new_calendar_token
from ..people import Person, parse_people
from .errors import BAD_INPUT, ServiceError
from .queue import later

ALREADY_MEMBER = "You are already a member of this course."
STAFF_CANNOT_REQUEST = "Course staff do not need to ask to join."
CONFIRM_FIRST = "Confirm your e-mail address first: open the link we sent to {email}, then ask to join."
ALREADY_DECIDED = "This request was already {status}."
NO_ADDRESSES = "Paste at least one e-mail address."
BAD_ADDRESSES = "These are not e-mail addresses: {addresses}. Nothing was added; correct them and try again."
TOO_MANY_ADDRESSES = "At most {limit} addresses at a time."

BULK_ADD_LIMIT = 500


def membership_request(*, course: Course, user: User, note: str = "") -> Membership:
    """Ask to join ``course``; asking again updates the note, and a declined user may ask again.

    The instructors hear of it by e-mail (and see a badge in the course's navigation).
    """

    if not user.email_confirmed:
        raise ServiceError(CONFIRM_FIRST.format(email=user.email), code="unconfirmed")
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update().get_or_create(
            course=course, user=user, defaults={"request_note": note}
        )
        if created:
            later("send_join_request", membership.pk)
            return membership
        if membership.status == Membership.Status.ACTIVE:
            code, message = (
                ("already_member", ALREADY_MEMBER)
                if membership.role == Membership.Role.STUDENT
                else ("staff", STAFF_CANNOT_REQUEST)
            )
            raise ServiceError(message, code=code)
        membership.status = Membership.Status.PENDING
        membership.request_note = note
        membership.requested_at = timezone.now()
        membership.decided_at = None
        membership.decided_by = None
        membership.save()
        later("send_join_request", membership.pk)
        return membership


def membership_decide(*, membership_id: int, course: Course, decided_by: User, approve: bool) -> Membership:
    """Approve or decline a pending request; the student hears of it by e-mail.
    Deciding twice (two tabs, a double click) is refused."""

    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=membership_id, course=course)
        )
        if membership.status != Membership.Status.PENDING:
            raise ServiceError(
                ALREADY_DECIDED.format(status="approved" if membership.status == "active" else "declined"),
                code="already_decided",
            )
        membership.status = Membership.Status.ACTIVE if approve else Membership.Status.DECLINED
        membership.decided_at = timezone.now()
        membership.decided_by = decided_by
        membership.save(update_fields=["status", "decided_at", "decided_by"])
        later("send_decision", membership.pk)
        return membership


def people_parse(text: str) -> tuple[list[Person], list[str]]:
    """Pasted names and addresses (or a roster CSV) as people with valid addresses, and the entries that are not."""
    people, invalid = parse_people(text)
    valid = []
    for person in people:
        try:
            validate_email(person.email)
        except ValidationError:
            invalid.append(person.email)
        else:
            valid.append(person)
    return valid, invalid


@dataclasses.dataclass
class BulkAddResult:
    added: list[str] = dataclasses.field(default_factory=list)
    invited: list[str] = dataclasses.field(default_factory=list)  # no account yet: one was made and invited
    already: list[str] = dataclasses.field(default_factory=list)
    # An account holds the address but never confirmed it: it joins when it does (the link is mailed).
    unconfirmed: list[str] = dataclasses.field(default_factory=list)


ADDABLE_ROLES = (Membership.Role.STUDENT, Membership.Role.TA, Membership.Role.INSTRUCTOR)


def members_add_by_email(
    *, course: Course, added_by: User, text: str, role: str = Membership.Role.STUDENT
) -> BulkAddResult:
    """Make every pasted person an active member of ``course`` in ``role``, all or nothing.

    People without an account get one, named as pasted, with an e-mail to choose a password.
    """

    if role not in ADDABLE_ROLES:
        raise ServiceError(ROLE_NOT_ASSIGNABLE, code="role_not_assignable", status=BAD_INPUT)
    people, invalid = people_parse(text)
    if invalid:
        raise ServiceError(BAD_ADDRESSES.format(addresses=", ".join(invalid)), code="bad_addresses")
    if not people:
        raise ServiceError(NO_ADDRESSES, code="no_addresses")
    if len(people) > BULK_ADD_LIMIT:
        raise ServiceError(TOO_MANY_ADDRESSES.format(limit=BULK_ADD_LIMIT), code="too_many_addresses")

    result = BulkAddResult()
    now = timezone.now()
    addresses = [person.email for person in people]
    with transaction.atomic():
        users: dict[str, User] = {
            user.email_lower: user
            for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=addresses)
        }
        memberships = {m.user_id: m for m in Membership.objects.select_for_update().filter(course=course)}
        for person in people:
            address = person.email
            user = users.get(address)
            new_account = user is None
            if user is None:
                user = User(
                    username=address,
                    email=address,
                    first_name=person.first_name[:150],
                    last_name=person.last_name[:150],
                )
                user.set_unusable_password()
                user.full_clean()
                user.save()
            membership = memberships.get(user.pk)
            if membership is not None and membership.status == Membership.Status.ACTIVE and membership.role == role:
                result.already.append(address)
                continue
            if membership is None:
                membership = Membership(course=course, user=user)
            # A new account is the pasted address's own (its password is set from a link mailed there);
            # an existing one that never confirmed its address may be anyone's, so it waits for that.
            waits = not new_account and not user.email_confirmed
            membership.role = role
            membership.status = Membership.Status.UNCONFIRMED if waits else Membership.Status.ACTIVE
            membership.decided_at = now
            membership.decided_by = added_by
            membership.save()
            (result.unconfirmed if waits else result.invited if new_account else result.added).append(address)
            later("send_welcome", membership.pk, new_account=new_account)
    return result


ROLE_NOT_ASSIGNABLE = "A member can be a student, a TA or an instructor."
OWN_ROLE = "You cannot change your own role; another instructor can."
NOT_REMOVABLE = "Only students can be removed from the course here."
NOTHING_CHOSEN = "Choose at least one request."


def membership_set_role(*, membership_id: int, course: Course, role: str, by: User | None = None) -> Membership:
    """Make an active member a student, a TA or a second instructor (never oneself: a course keeps its instructor)."""
    if role not in ADDABLE_ROLES:
        raise ServiceError(ROLE_NOT_ASSIGNABLE, code="role_not_assignable", status=BAD_INPUT)
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=membership_id, course=course, status=Membership.Status.ACTIVE)
        )
        if by is not None and membership.user_id == by.pk:
            raise ServiceError(OWN_ROLE, code="own_role")
        if membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
        return membership


def memberships_decide(
    *, membership_ids: list[int], course: Course, decided_by: User, approve: bool
) -> list[Membership]:
    """Approve or decline several requests at once; those decided meanwhile (another tab) are left as they are."""
    if not membership_ids:
        raise ServiceError(NOTHING_CHOSEN, code="nothing_chosen")
    decided = []
    with transaction.atomic():
        pending = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk__in=membership_ids, course=course, status=Membership.Status.PENDING)
        )
        for membership in pending:
            decided.append(
                membership_decide(membership_id=membership.pk, course=course, decided_by=decided_by, approve=approve)
            )
    return decided


def membership_remove(*, membership_id: int, course: Course, by: User, restore: bool = False) -> Membership:
    """Take a student off the course (their work stays for the record), or restore them."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=membership_id, course=course)
        )
        if membership.role != Membership.Role.STUDENT:
            raise ServiceError(NOT_REMOVABLE, code="not_removable")
        wanted, current = (
            (Membership.Status.ACTIVE, Membership.Status.REMOVED)
            if restore
            else (Membership.Status.REMOVED, Membership.Status.ACTIVE)
        )
        if membership.status != current:
            raise ServiceError(
                ALREADY_DECIDED.format(status="restored" if restore else "removed"), code="already_decided"
            )
        membership.status = wanted
        membership.decided_at = timezone.now()
        membership.decided_by = by
        membership.save(update_fields=["status", "decided_at", "decided_by"])
        return membership


def membership_calendar_renew(*, membership: Membership) -> Membership:
    """A new secret address for the member's private calendar feed; the old one stops working."""
    membership.calendar_token = new_calendar_token()
    membership.save(update_fields=["calendar_token"])
    return membership


def membership_reminders_set(*, membership: Membership, on: bool) -> bool:
    """A student's e-mail reminders on or off; says which."""
    membership.reminders = on
    membership.save(update_fields=["reminders"])
    return on
