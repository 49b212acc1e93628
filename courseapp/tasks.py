"""Celery tasks: thin, they take ids, reload, and call a service."""

import smtplib

from celery import shared_task

from .services.invitations import course_invitation_send
from .services.quiz import quiz_draw
from .services.reviews import similarity_check


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def send_course_invitation(membership_id: int, *, new_account: bool) -> bool:
    """E-mail a student who was added to a course (once, however often it is delivered)."""
    return course_invitation_send(membership_id=membership_id, new_account=new_account)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def check_review_similarity(review_id: int) -> int:
    """Flag reviews of the same reading that share much of their wording (idempotent: safe to redeliver)."""
    return len(similarity_check(review_id=review_id))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def draw_quiz(course_id: int, seed: int | None = None, by_id: int | None = None) -> int:
    """Draw every student's quiz paper (idempotent: a redelivery, or a second click, draws nothing new)."""
    return quiz_draw(course_id=course_id, seed=seed, by_id=by_id).seed
