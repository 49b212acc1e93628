"""Confirming an e-mail address: the proof that a person reads mail at the address of their account.

A link mailed to the address confirms it for the person logged in to that account; setting a password
from a link mailed there (password reset, or the invitation of a new account) confirms it too. Until
then an account cannot ask to join a course, and a roster that names its address admits it only on
confirmation, so nobody joins a course under an address they typed but do not own.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ..models import Course, Membership, User
from .queue import later

RESEND_SECONDS = 120


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """A link for one address of one account: void once used, once the address changes, after the timeout."""

    key_salt = "courseapp.services.accounts.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp) -> str:
        return f"{user.pk}{user.email}{user.email_confirmed_at}{timestamp}"


confirmation_tokens = EmailConfirmationTokenGenerator()


def confirmation_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("email_confirm", kwargs={"uidb64": uid, "token": confirmation_tokens.make_token(user)})
    return settings.SITE_URL + path


def confirmation_queue(user: User, *, courses: list[int] | None = None) -> None:
    """Have a worker mail the account its confirmation link (at most one every two minutes)."""
    later("send_email_confirmation", user.pk, courses=courses)


def confirmation_send(*, user_id: int, courses: list[int] | None = None) -> bool:
    """Mail the account's address a confirmation link, at most once every two minutes.

    ``courses``: the courses that admitted the address from a roster, named in the message.
    """
    user = User.objects.filter(pk=user_id, email_confirmed_at__isnull=True).first()
    if user is None or not cache.add(f"email-confirmation-sent:{user.pk}", True, RESEND_SECONDS):
        return False
    context = {
        "user": user,
        "url": confirmation_url(user),
        "courses": Course.objects.filter(pk__in=courses or []).order_by("title"),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    send_mail(
        subject="Confirm your e-mail address",
        message=render_to_string("registration/email_confirmation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
    return True


def email_confirm(user: User) -> list[Course]:
    """Mark the address confirmed; the courses that added it from a roster admit the account now."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        now = timezone.now()
        if user.email_confirmed_at is None:
            user.email_confirmed_at = now
            user.save(update_fields=["email_confirmed_at"])
        waiting = Membership.objects.select_for_update().filter(user=user, status=Membership.Status.UNCONFIRMED)
        courses = [membership.course for membership in waiting.select_related("course")]
        waiting.update(status=Membership.Status.ACTIVE)
    return courses
