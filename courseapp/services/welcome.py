"""The welcome: the e-mail that tells someone the instructor added them to a course (from a pasted roster)."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ..models import Membership
from .accounts import confirmation_url


def welcome_send(*, membership_id: int, new_account: bool) -> bool:
    """Send the welcome once; returns False when it was sent before or the membership is gone."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("user", "course")
            .filter(
                pk=membership_id,
                status__in=[Membership.Status.ACTIVE, Membership.Status.UNCONFIRMED],
                welcome_sent_at__isnull=True,
            )
            .first()
        )
        if membership is None:
            return False
        user, course = membership.user, membership.course
        context = {
            "user": user,
            "course": course,
            "course_url": settings.SITE_URL + course.get_absolute_url(),
            "set_password_url": settings.SITE_URL
            + reverse(
                "password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
            if new_account
            else None,
            # The address must be confirmed before the account joins (see services.accounts).
            "confirm_url": confirmation_url(user) if membership.status == Membership.Status.UNCONFIRMED else None,
        }
        send_mail(
            subject=f"You have been added to {course.title} ({course.term})",
            message=render_to_string("courseapp/email/welcome.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
        membership.welcome_sent_at = timezone.now()
        membership.save(update_fields=["welcome_sent_at"])
    return True
