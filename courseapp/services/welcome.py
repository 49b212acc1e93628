"""The welcome: the e-mail that tells someone the instructor added them to a course (from a pasted roster)."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ..models import Membership, SentMail
from .accounts import confirmation_url
from .mail import mail_once


def welcome_send(*, membership_id: int, new_account: bool) -> bool:
    """Send the welcome once; returns False when it was sent before or the membership is gone."""
    membership = (
        Membership.objects.select_related("user", "course")
        .filter(pk=membership_id, status__in=[Membership.Status.ACTIVE, Membership.Status.UNCONFIRMED])
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
    with transaction.atomic():
        return mail_once(
            course=course,
            user=user,
            kind=SentMail.Kind.WELCOME,
            key=str(membership.pk),
            subject="You have been added to the course",
            body=render_to_string("courseapp/email/welcome.txt", context),
        )
