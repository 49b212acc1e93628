"""Thirty students and a double click race for the two presenter seats of one paper."""

import concurrent.futures

from django.urls import reverse

from courseapp.models import Signup
from courseapp.services.signups import ALREADY_IN_SLOT, SEATS_FULL
from tests.asserts import shows

from ..factories import CourseFactory, MembershipFactory, SlotFactory
from ..servers import post_as, session_cookie

SEAT = {"action": "take", "role": "presenter"}


def test_exactly_two_get_the_seats_and_everyone_is_told_the_truth(gunicorn_url):
    course = CourseFactory()
    slot = SlotFactory(meeting__course=course)
    students = [MembershipFactory(course=course).user for _ in range(30)]
    sessions = {student.pk: session_cookie(student) for student in students}
    url = gunicorn_url + reverse("courseapp:slot_seat", args=[course.slug, slot.pk])
    attempts = [*students, students[0]]  # the first student double-clicks

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        futures = {pool.submit(post_as, url, sessions[student.pk], SEAT): student for student in attempts}
        results = [(futures[f], *f.result(timeout=120)) for f in concurrent.futures.as_completed(futures)]

    told_yes = [student for student, status, body in results if "You are now a presenter of this paper." in body]
    told_no = [(student, status, body) for student, status, body in results if student not in told_yes or status != 200]
    assert all(status in (200, 409) for _, status, _ in results), [status for _, status, _ in results]
    assert len(told_yes) == 2
    assert set(Signup.objects.filter(slot=slot).values_list("student", flat=True)) == {s.pk for s in told_yes}
    assert len(results) == 31 and len(told_no) == 29
    for _student, status, body in told_no:
        assert status == 409
        assert shows(body, SEATS_FULL.format(role="presenter")) or shows(body, ALREADY_IN_SLOT)


def test_eight_instructors_claim_one_course_address_at_once_and_one_gets_it(gunicorn_url):
    from courseapp.models import Course

    from ..factories import UserFactory

    people = UserFactory.create_batch(8)
    sessions = [session_cookie(person) for person in people]
    url = gunicorn_url + reverse("courseapp:course_new")
    form = {
        "title": "Seminar", "term": "Spring 2027", "slug": "seminar-2027", "first_day": "2027-01-05",
        "last_day": "2027-03-09", "weekdays": "1", "class_starts_at": "10:00", "class_ends_at": "11:30",
        "time_zone": "UTC",
    }  # fmt: skip
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda session: post_as(url, session, form), sessions))

    assert Course.objects.filter(slug="seminar-2027").count() == 1
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [400] * 7, statuses
    assert all("The address “seminar-2027” is taken" in body for status, body in results if status == 400)
    course = Course.objects.get(slug="seminar-2027")
    assert course.memberships.count() == 1 and course.meetings.count() == 10


def test_two_partners_adding_papers_at_once_keep_every_one_in_their_shared_list(gunicorn_url):
    import datetime

    from django.utils import timezone

    from courseapp.models import Choice
    from courseapp.services.preferences import partner_set

    course = CourseFactory(signup_mode="preferences", signup_closes_at=timezone.now() + datetime.timedelta(days=1))
    slots = [SlotFactory(meeting__course=course) for _ in range(12)]
    a, b = (MembershipFactory(course=course).user for _ in range(2))
    partner_set(course=course, student=a, partner=b)
    partner_set(course=course, student=b, partner=a)
    sessions = {a.pk: session_cookie(a), b.pk: session_cookie(b)}
    url = gunicorn_url + reverse("courseapp:ranking_change", args=[course.slug])
    jobs = [(a if n % 2 else b, slot) for n, slot in enumerate(slots)]

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(lambda job: post_as(url, sessions[job[0].pk], {
            "kind": "present", "action": "add", "slot": job[1].pk}), jobs))  # fmt: skip

    assert [status for status, _ in results] == [200] * 12
    lead = min(a.pk, b.pk)
    shared = Choice.objects.filter(ranking__student_id=lead, kind="present")
    assert sorted(shared.values_list("rank", flat=True)) == list(range(1, 13))  # none lost, none numbered twice
    assert set(shared.values_list("slot", flat=True)) == {slot.pk for slot in slots}
    assert not Choice.objects.filter(ranking__student_id=max(a.pk, b.pk), kind="present").exists()
