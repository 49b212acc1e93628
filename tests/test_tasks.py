"""Tasks on a real Celery worker with Redis as broker, against the test database (not eager mode)."""

import concurrent.futures
import email
import email.policy
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from config.celery_app import app as celery_app
from courseapp.models import Membership, QuizDraw, QuizPick, Review, SimilarityFlag
from courseapp.services.quiz import quiz_draw
from courseapp.tasks import draw_quiz, send_course_invitation

from .conftest import IN_CI
from .factories import CourseFactory, MembershipFactory, ReadingFactory, SlotFactory
from .servers import database_url

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not REDIS_URL and not IN_CI, reason="TEST_REDIS_URL is not set (make test sets it)"),
]


def wait_for(predicate, *, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def use_broker(**conf):
    celery_app.conf.update(conf)
    # Earlier tests may have made the app cache connections to the in-memory broker; drop
    # them, as Celery itself does after a fork.
    celery_app._after_fork()


@pytest.fixture
def worker(transactional_db, tmp_path):
    """A `celery worker` process on TEST_REDIS_URL, sharing this test's PostgreSQL database."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    name = f"test-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    env = os.environ | {
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "EMAIL_URL": "filemail://",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    previous = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    use_broker(broker_url=REDIS_URL, task_always_eager=False)
    celery_app.control.purge()
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 (closed in teardown)
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-n", name, "--loglevel=INFO"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        wait_for(lambda: celery_app.control.ping([name], timeout=0.5), what="the worker to answer a ping")
        yield SimpleNamespace(mail_dir=mail_dir, log=tmp_path / "worker.log")
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
        use_broker(**previous)


def processed(task_name: str) -> int:
    stats = celery_app.control.inspect(timeout=1).stats() or {}
    return sum(worker_stats.get("total", {}).get(task_name, 0) for worker_stats in stats.values())


def test_bulk_add_invitation_is_sent_by_the_worker_once(worker, client, course, instructor):
    client.force_login(instructor)
    client.post(reverse("courseapp:members_add", args=[course.slug]), {"addresses": "grace@example.edu"})

    mails = wait_for(lambda: list(worker.mail_dir.iterdir()), what=f"the invitation e-mail; {worker.log}")
    # The file backend writes each message, then a line of dashes.
    message = email.message_from_string(mails[0].read_text().split("\n" + "-" * 79)[0], policy=email.policy.default)
    assert message["To"] == "grace@example.edu"
    body = message.get_content()
    assert "Choose a password here to log in" in body and "/accounts/reset/" in body
    membership = Membership.objects.get(user__email="grace@example.edu")
    assert membership.invitation_sent_at is not None

    # The broker may deliver a task twice (a lost ack, a restarted worker): still one e-mail.
    send_course_invitation.delay(membership.pk, new_account=True)
    send_course_invitation.delay(membership.pk, new_account=True)
    wait_for(lambda: processed(send_course_invitation.name) == 3, what="three deliveries to be processed")
    assert len(list(worker.mail_dir.iterdir())) == 1, worker.log.read_text()


def test_similarity_check_runs_on_the_worker_and_flags_a_copy(worker, client, course):
    reading = SlotFactory(meeting__course=course).reading
    text = "Nucleus sampling keeps the smallest set of tokens whose probability mass exceeds p, and samples there."
    for prefix in ("", "In my view: "):
        client.force_login(MembershipFactory(course=course).user)
        client.post(
            reverse("courseapp:review_submit", args=[course.slug, reading.pk]),
            {"text": prefix + text, "attest": "yes"},
        )
    flag = wait_for(lambda: SimilarityFlag.objects.first(), what=f"a similarity flag; {worker.log}")
    assert flag.overlap == 1.0
    assert {flag.review.reading_id, flag.other.reading_id} == {reading.pk}


def test_the_quiz_is_drawn_on_a_worker_once_however_often_it_is_delivered(worker):
    course = CourseFactory()
    students = [MembershipFactory(course=course).user for _ in range(3)]
    for student in students:
        for reading in ReadingFactory.create_batch(2, course=course):
            Review.objects.create(reading=reading, student=student, text="x", submitted_at=timezone.now())
    draw_quiz.delay(course.pk, 1234)
    draw_quiz.delay(course.pk)  # a second click, or a redelivery
    wait_for(lambda: QuizPick.objects.filter(course=course).count() == 3, what="the picks")
    time.sleep(1.5)  # the second delivery has run by now; it must add nothing
    assert QuizDraw.objects.get(course=course).seed == 1234
    assert QuizPick.objects.filter(course=course).count() == 3


def test_two_deliveries_of_the_draw_at_the_same_moment_draw_once(transactional_db):
    """Two workers picking up the task at once: the course row lock lets one draw and the other find it done."""
    course = CourseFactory()
    for _ in range(4):
        student = MembershipFactory(course=course).user
        Review.objects.create(
            reading=ReadingFactory(course=course), student=student, text="x", submitted_at=timezone.now()
        )
    barrier = threading.Barrier(2)

    def deliver(_):
        barrier.wait()
        try:
            return quiz_draw(course_id=course.pk).pk
        finally:
            connection.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        draws = list(pool.map(deliver, range(2)))
    assert draws[0] == draws[1] == QuizDraw.objects.get(course=course).pk
    assert QuizPick.objects.filter(course=course).count() == 4
