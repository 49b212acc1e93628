"""A class submitting the same paper at once, every student double-clicking Submit, over real requests."""

import concurrent.futures
import datetime

from django.urls import reverse
from django.utils import timezone

from courseapp.models import Review

from ..factories import CourseFactory, MeetingFactory, MembershipFactory, SlotFactory
from ..servers import post_as, session_cookie


def test_each_click_is_one_submission_of_one_review_and_every_student_is_told(gunicorn_url, tmp_path):
    course = CourseFactory()
    in_two_days = timezone.now().date() + datetime.timedelta(days=2)
    reading = SlotFactory(meeting=MeetingFactory(course=course, date=in_two_days)).reading
    students = [MembershipFactory(course=course).user for _ in range(12)]
    sessions = {student.pk: session_cookie(student) for student in students}
    url = gunicorn_url + reverse("courseapp:review_submit", args=[course.slug, reading.pk])
    texts = {
        (student.pk, click): f"Student {student.pk}, click {click}: nucleus sampling cuts the unreliable tail."
        for student in students
        for click in (1, 2)
    }

    def click(key):
        return post_as(url, sessions[key[0]], {"text": texts[key], "attest": "yes"})

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(texts)) as pool:
        answers = list(pool.map(click, texts))

    assert [status for status, _ in answers] == [200] * len(texts)
    assert all("Submitted" in body and "marked late" not in body for _, body in answers)
    for student in students:
        review = Review.objects.get(reading=reading, student=student)  # one, however the clicks interleaved
        sent = sorted(texts[student.pk, click] for click in (1, 2))
        assert sorted(review.submissions.values_list("text", flat=True)) == sent
        assert review.text in sent and review.draft == review.text and not review.is_late
    # Nor did anything fail after the answers: the similarity checks these near copies set off ran one
    # at a time (without a broker, in the requests themselves), none tripping over another's flags.
    assert "Traceback" not in (tmp_path / "gunicorn.log").read_text()
