"""E-mail that goes once: every message about a course is recorded (SentMail) in the transaction that
sends it, under a unique constraint, so it goes out once however often a job or a task delivery runs.
If the mail server refuses, the record is rolled back with it and a retry sends it."""

from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from ..models import Course, SentMail, User


def mail_once(*, course: Course, user: User, kind: str, key: str, subject: str, body: str) -> bool:
    """Send ``body`` to ``user`` unless this (kind, key) went to them before; True if it went now.

    Call it inside a transaction (it records, then sends, in that order); ``key`` says what the message
    is about (a meeting, a notice, a membership).
    """
    if not user.email:
        return False
    try:
        with transaction.atomic():
            SentMail.objects.create(course=course, user=user, kind=kind, key=key, subject=subject[:300])
    except IntegrityError:
        return False  # sent before (or being sent by another delivery right now)
    send_mail(subject=f"[{course.title}] {subject}", message=body, from_email=None, recipient_list=[user.email])
    return True
