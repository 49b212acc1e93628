"""Admission by permission: requests to join, the instructor's decisions, adding students in bulk."""

import dataclasses
from email.utils import getaddresses

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from ..models import Course, Membership
from .errors import ServiceError

ALREADY_MEMBER = "You are already a member of this course."
STAFF_CANNOT_REQUEST = "Course staff do not need to ask to join."
ALREADY_DECIDED = "This request was already {status}."
NO_ADDRESSES = "Paste at least one e-mail address."
BAD_ADDRESSES = "These are not e-mail addresses: {addresses}. Nothing was added; correct them and try again."
TOO_MANY_ADDRESSES = "At most {limit} addresses at a time."

BULK_ADD_LIMIT = 500


def membership_request(*, course: Course, user, note: str = "") -> Membership:
    """Ask to join ``course``; asking again updates the note, and a declined user may ask again."""
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update().get_or_create(
            course=course, user=user, defaults={"request_note": note}
        )
        if created:
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
        return membership


def membership_decide(*, membership_id: int, course: Course, decided_by, approve: bool) -> Membership:
    """Approve or decline a pending request. Deciding twice (two tabs, a double click) is refused."""
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
        return membership


def parse_addresses(text: str) -> tuple[list[str], list[str]]:
    """Split pasted text into (valid addresses, invalid entries), each once, in order.

    Accepts what people paste from a spreadsheet or a mail client: one per line, commas,
    semicolons, and ``Name <address>`` forms.
    """
    entries = [entry.strip() for line in text.replace(";", "\n").splitlines() for entry in line.split(",")]
    valid: list[str] = []
    invalid: list[str] = []
    for entry in filter(None, entries):
        [(_, address)] = getaddresses([entry]) or [("", "")]
        try:
            validate_email(address)
        except ValidationError:
            invalid.append(entry)
            continue
        address = address.lower()
        if address not in valid:
            valid.append(address)
    return valid, invalid


@dataclasses.dataclass
class BulkAddResult:
    added: list[str] = dataclasses.field(default_factory=list)
    invited: list[str] = dataclasses.field(default_factory=list)  # no account yet: one was made and invited
    already: list[str] = dataclasses.field(default_factory=list)


def members_add_by_email(*, course: Course, added_by, text: str) -> BulkAddResult:
    """Make every pasted address an active student of ``course``, all or nothing.

    Addresses without an account get one, with an e-mail to choose a password.
    """
    from ..tasks import send_course_invitation  # tasks import services; import late to avoid a cycle

    addresses, invalid = parse_addresses(text)
    if invalid:
        raise ServiceError(BAD_ADDRESSES.format(addresses=", ".join(invalid)), code="bad_addresses")
    if not addresses:
        raise ServiceError(NO_ADDRESSES, code="no_addresses")
    if len(addresses) > BULK_ADD_LIMIT:
        raise ServiceError(TOO_MANY_ADDRESSES.format(limit=BULK_ADD_LIMIT), code="too_many_addresses")

    User = get_user_model()
    result = BulkAddResult()
    now = timezone.now()
    with transaction.atomic():
        users = {
            user.email_lower: user
            for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=addresses)
        }
        memberships = {m.user_id: m for m in Membership.objects.select_for_update().filter(course=course)}
        for address in addresses:
            user = users.get(address)
            new_account = user is None
            if new_account:
                user = User(username=address, email=address)
                user.set_unusable_password()
                user.full_clean()
                user.save()
            membership = memberships.get(user.pk)
            if membership is not None and membership.status == Membership.Status.ACTIVE:
                result.already.append(address)
                continue
            if membership is None:
                membership = Membership(course=course, user=user, role=Membership.Role.STUDENT)
            membership.status = Membership.Status.ACTIVE
            membership.decided_at = now
            membership.decided_by = added_by
            membership.save()
            (result.invited if new_account else result.added).append(address)
            send_course_invitation.delay_on_commit(membership.pk, new_account=new_account)
    return result


ROLE_NOT_ASSIGNABLE = "Only students and TAs can change role here."


def membership_set_role(*, membership_id: int, course: Course, role: str) -> Membership:
    """Make an active member a student or a TA; instructors are set up by site staff."""
    if role not in (Membership.Role.STUDENT, Membership.Role.TA):
        raise ServiceError(ROLE_NOT_ASSIGNABLE, code="role_not_assignable")
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=membership_id, course=course, status=Membership.Status.ACTIVE)
        )
        if membership.role == Membership.Role.INSTRUCTOR:
            raise ServiceError(ROLE_NOT_ASSIGNABLE, code="role_not_assignable")
        if membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
        return membership
