"""Tasks on a real Celery worker with Redis as broker, against the test database (not eager mode)."""

import concurrent.futures
import datetime
import email
import email.policy
import threading
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from courseapp.models import LinkCheckRun, Membership, QuizDraw, QuizPick, Review, SentMail, SimilarityFlag
from courseapp.services.links import link_check_start
from courseapp.services.quiz import quiz_draw
from courseapp.tasks import check_links, draw_quiz, send_reminders, send_welcome

from .conftest import IN_CI
from .factories import CourseFactory, MembershipFactory, ReadingFactory, SlotFactory
from .linkserver import LinkServer
from .workers import REDIS_URL, celery_app, celery_worker, wait_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not REDIS_URL and not IN_CI, reason="TEST_REDIS_URL is not set (make test sets it)"),
]


def read_mail(path):
    """One message written by Django's file e-mail backend (the message, then a line of dashes)."""
    return email.message_from_string(path.read_text().split("\n" + "-" * 79)[0], policy=email.policy.default)


def processed(task_name: str) -> int:
    stats = celery_app.control.inspect(timeout=1).stats() or {}
    return sum(worker_stats.get("total", {}).get(task_name, 0) for worker_stats in stats.values())


def test_the_welcome_of_a_pasted_roster_is_sent_by_the_worker_once(worker, client, course, instructor):
    client.force_login(instructor)
    client.post(reverse("courseapp:members_add", args=[course.slug]), {"addresses": "grace@example.edu"})

    mails = wait_for(lambda: list(worker.mail_dir.iterdir()), what=f"the welcome e-mail; {worker.log}")
    message = read_mail(mails[0])
    assert message["To"] == "grace@example.edu"
    assert message["Subject"] == f"[{course.title}] You have been added to the course"
    body = message.get_content()
    assert "Choose a password here to log in" in body and "/accounts/reset/" in body
    membership = Membership.objects.get(user__email="grace@example.edu")
    assert SentMail.objects.get(kind="welcome").key == str(membership.pk)

    # The broker may deliver a task twice (a lost ack, a restarted worker): still one e-mail.
    send_welcome.delay(membership.pk, new_account=True)
    send_welcome.delay(membership.pk, new_account=True)
    wait_for(lambda: processed(send_welcome.name) == 3, what="three deliveries to be processed")
    assert len(list(worker.mail_dir.iterdir())) == 1, worker.log.read_text()


def test_similarity_check_runs_on_the_worker_and_flags_a_copy(worker, client, course, settings):
    settings.SIMILARITY_CHECK_DELAY = 2  # queued to start later, as after a rush (30 s in production)
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


def test_a_link_check_runs_on_a_worker_end_to_end(worker, client, course, instructor):
    with LinkServer() as server:
        for path in ("/ok", "/moved/1", "/missing"):
            ReadingFactory(course=course, url=server.base + path)
        client.force_login(instructor)
        client.post(reverse("courseapp:links_start", args=[course.slug]))

        run = wait_for(
            lambda: LinkCheckRun.objects.filter(course=course, finished_at__isnull=False).first(),
            what=f"the run to finish; {worker.log}",
        )
    assert run.summary == {"ok": 1, "moved": 1, "failing": 1}
    page = client.get(reverse("courseapp:links", args=[course.slug])).content.decode()
    assert "Use the new address" in page and "1 of 3 links OK" in page


def test_a_link_check_whose_worker_is_killed_is_finished_by_another_without_duplicates(
    transactional_db, broker, tmp_path
):
    """SIGKILL mid-run: the unacknowledged task goes back to the queue and the next worker resumes the run."""
    course = CourseFactory()
    # One request at a time, 100 ms each: the run takes about 8 s, long enough to be killed in the middle.
    slow = {"LINKCHECK_PER_HOST": "1", "LINKCHECK_HOST_INTERVAL": "0", "CELERY_VISIBILITY_TIMEOUT": "3"}
    with LinkServer() as server:
        readings = [ReadingFactory(course=course, url=f"{server.base}/wait?{n}") for n in range(80)]
        run, _ = link_check_start(course=course, queue=False)  # this test sends the task itself
        with celery_worker(tmp_path, env=slow) as first:
            check_links.delay(run.pk)
            wait_for(lambda: run.results.count() >= 10, what=f"the first results; {first.log}")
            first.process.kill()
            first.process.wait()
        stored_before = run.results.count()
        assert 10 <= stored_before < 80, "the first worker should have died in the middle of the run"
        time.sleep(3.5)  # the visibility timeout: the unacknowledged task is due again

        with celery_worker(tmp_path, env=slow) as second:
            wait_for(
                lambda: LinkCheckRun.objects.filter(pk=run.pk, finished_at__isnull=False).exists(),
                timeout=60,
                what=f"the second worker to finish the run; {second.log}",
            )
        fetched = len(server.requests)

    run.refresh_from_db()
    assert run.results.count() == 80 and run.summary == {"ok": 80}
    assert sorted(run.results.values_list("reading_id", flat=True)) == sorted(r.pk for r in readings)
    # Resumed, not restarted: what the first worker stored was not fetched again (a few in flight at the kill may be).
    assert fetched <= 80 + 2


def test_reminders_go_out_from_a_worker_once(worker):
    today = timezone.localdate()
    course = CourseFactory(
        term_starts_on=today - datetime.timedelta(days=30), term_ends_on=today + datetime.timedelta(days=30)
    )
    student = MembershipFactory(course=course).user
    starts = timezone.now().astimezone(course.tzinfo) + datetime.timedelta(hours=12)
    meeting = SlotFactory(meeting__course=course, meeting__date=starts.date(), meeting__starts_at=starts.time()).meeting
    # Delivered three times (the hourly beat, a redelivery): one e-mail.
    for _ in range(3):
        send_reminders.delay()
    wait_for(lambda: processed(send_reminders.name) == 3, what=f"three deliveries; {worker.log}")

    [mail_file] = list(worker.mail_dir.iterdir())
    message = read_mail(mail_file)
    assert message["To"] == student.email
    assert "Reviews due at tomorrow's meeting" in message["Subject"]
    assert SentMail.objects.get(user=student).key == str(meeting.pk)
