"""Thirty students and a double click race for the two presenter seats of one paper."""

import concurrent.futures

from django.urls import reverse

from courseapp.models import Signup

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
        assert (
            "All presenter seats of this paper are taken." in body or "You already have a seat on this paper." in body
        )
