"""Celery tasks: thin, they take ids, reload, and call a service."""

import smtplib

from celery import shared_task
from django.utils import timezone

from .models import Course, LinkCheckRun
from .services import ServiceError
from .services.accounts import confirmation_send
from .services.links import link_check_run, link_check_start
from .services.preferences import assignment_run
from .services.quiz import quiz_draw
from .services.reminders import (
    decision_notify,
    join_request_notify,
    notice_send,
    reminders_send,
    signup_confirmation_send,
)
from .services.reviews import similarity_check
from .services.welcome import welcome_send

# E-mail tasks retry a mail server that is down, backing off up to 10 minutes between tries.
MAIL = {
    "autoretry_for": (smtplib.SMTPException, ConnectionError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 6,
}


@shared_task(**MAIL)
def send_welcome(membership_id: int, *, new_account: bool) -> bool:
    """E-mail a student who was added to a course (once, however often it is delivered)."""
    return welcome_send(membership_id=membership_id, new_account=new_account)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def check_reading_similarity(reading_id: int) -> int:
    """Flag reviews of the reading that share much of their wording (idempotent: safe to redeliver)."""
    return len(similarity_check(reading_id=reading_id))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def draw_quiz(course_id: int, seed: int | None = None, by_id: int | None = None) -> int:
    """Draw every student's quiz paper (idempotent: a redelivery, or a second click, draws nothing new)."""
    return quiz_draw(course_id=course_id, seed=seed, by_id=by_id).seed


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=600, time_limit=900, background=True)
def assign_seats(run_id: int) -> str:
    """Solve a seat assignment run (idempotent: a redelivered run that has started does nothing)."""
    return assignment_run(run_id=run_id).status


# Limits below the broker's visibility timeout; the checker's own deadline (LINKCHECK["deadline"])
# ends a run before the soft limit.
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=600, time_limit=900, background=True)
def check_links(run_id: int) -> dict:
    """Check a reading list's links (idempotent: a redelivered run adds only the results it lacks)."""
    return link_check_run(run_id=run_id)


@shared_task
def check_links_nightly() -> int:
    """Start a link check for every course whose term is not over (a course with one going is skipped)."""
    started = 0
    for course in Course.objects.filter(term_ends_on__gte=timezone.localdate(), archived_at__isnull=True):
        try:
            _, new = link_check_start(course=course, trigger=LinkCheckRun.Trigger.NIGHTLY)
        except ServiceError:
            continue  # nothing to check
        started += new
    return started


@shared_task(**MAIL)
def send_reminders() -> int:
    """The hourly reminders (idempotent: each is recorded in the transaction that sends it)."""
    return reminders_send()


@shared_task(**MAIL)
def send_notice(notice_id: int) -> bool:
    """E-mail a notice about a student's seats (once)."""
    return notice_send(notice_id=notice_id)


@shared_task(**MAIL)
def send_signup_confirmation(signup_id: int) -> bool:
    """Confirm a seat the student took (once)."""
    return signup_confirmation_send(signup_id=signup_id)


@shared_task(**MAIL)
def send_email_confirmation(user_id: int, courses: list[int] | None = None) -> bool:
    """Mail an account's address the link that confirms it (at most every two minutes)."""
    return confirmation_send(user_id=user_id, courses=courses)


@shared_task(**MAIL)
def send_join_request(membership_id: int) -> int:
    """E-mail the instructors about a request to join (once per request)."""
    return join_request_notify(membership_id=membership_id)


@shared_task(**MAIL)
def send_decision(membership_id: int) -> bool:
    """E-mail a student that they were admitted or declined (once per decision)."""
    return decision_notify(membership_id=membership_id)
