"""Celery tasks: thin, they take ids, reload, and call a service."""

import smtplib

from celery import shared_task

from .services.invitations import invitation_send


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def send_course_invitation(membership_id: int, *, new_account: bool) -> bool:
    """E-mail a student who was added to a course (once, however often it is delivered)."""
    return invitation_send(membership_id=membership_id, new_account=new_account)
