"""The final exam's pages: the run sheet, a student's slot, making the slots."""

import concurrent.futures
import datetime

from django.urls import reverse

from courseapp.models import ExamSlot, QuizDraw
from courseapp.selectors import course_rubrics, grade_rows
from courseapp.services import quiz as service
from courseapp.services.quiz import SLOT_TAKEN
from tests.asserts import shows

from ..asserts import HTMX
from ..factories import EXAM_WINDOW as WINDOW
from ..factories import MembershipFactory, ReadingFactory, reviewed, rubric_criterion
from ..servers import post_as, session_cookie


def drawn(exam_course, reading):
    """A student who reviewed ``reading``, with the exam's slots made and assigned and the quiz drawn."""
    student = MembershipFactory(course=exam_course).user
    reviewed(exam_course, student, reading)
    service.exam_slots_make(course=exam_course)
    service.exam_slots_assign_all(course=exam_course)
    service.quiz_draw(course_id=exam_course.pk, seed=3)
    return student


class TestRunSheet:
    def test_scores_entered_on_the_run_sheet_land_in_the_gradebook(self, exam_course, instructor, client_for):
        reading = ReadingFactory(course=exam_course, url="https://arxiv.org/abs/1706.03762")
        student = drawn(exam_course, reading)
        client = client_for(instructor)
        sheet = client.get(reverse("courseapp:run_sheet", args=[exam_course.slug])).content.decode()
        assert reading.title in sheet and "their review" in sheet and "<strong>9:00 AM</strong>" in sheet
        quiz_criterion = rubric_criterion(exam_course, "final_exam", "Oral quiz")
        client.post(
            reverse("courseapp:score_save", args=[exam_course.slug]),
            {"criterion": quiz_criterion.pk, "subject": "exam", "student": student.pk, "points": "9"},
            headers=HTMX,
        )
        (row,) = grade_rows(exam_course, [student], course_rubrics(exam_course))
        assert row.components["final_exam"].score == 9

    def test_the_student_never_sees_the_drawn_paper(self, exam_course, client_for):
        reading = ReadingFactory(course=exam_course, title="A Very Secret Paper")
        student = drawn(exam_course, reading)
        client = client_for(student)
        for name in ("my_exam", "my_grades", "schedule", "course_home"):
            html = client.get(reverse(f"courseapp:{name}", args=[exam_course.slug])).content.decode()
            assert "A Very Secret Paper" not in html, name
        mine = client.get(reverse("courseapp:my_exam", args=[exam_course.slug])).content.decode()
        assert "A Very Secret Paper" not in mine and "Your slot: <strong>Fri Dec 13" in mine
        assert client.get(reverse("courseapp:run_sheet", args=[exam_course.slug])).status_code == 404


def test_two_students_racing_for_one_exam_slot(gunicorn_url, course):
    """Both click the same time at once, over HTTP: one gets it, the other is told."""
    course.exam_starts_at, course.exam_ends_at = WINDOW, WINDOW + datetime.timedelta(minutes=5)
    course.save()
    service.exam_slots_make(course=course)
    slot = ExamSlot.objects.get()
    students = [MembershipFactory(course=course).user for _ in range(2)]
    target = gunicorn_url + reverse("courseapp:exam_slot_book", args=[course.slug, slot.pk])
    sessions = [session_cookie(student) for student in students]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        bodies = [body for _, body in pool.map(lambda session: post_as(target, session, {}), sessions)]
    assert sum("Your exam is at" in body for body in bodies) == 1
    assert sum(shows(body, SLOT_TAKEN) for body in bodies) == 1
    slot.refresh_from_db()
    assert slot.student in students and QuizDraw.objects.count() == 0


def test_making_slots_says_when_the_window_is_full_and_how_many_are_missing(exam_course, instructor, client_for):
    from ..factories import MembershipFactory

    for _ in range(26):
        MembershipFactory(course=exam_course)
    client = client_for(instructor)
    path = reverse("courseapp:exam_slots_make", args=[exam_course.slug])
    first = client.post(path, follow=True).text
    assert "Added 24 exam slots. The window holds 24 slots for 26 students, 2 slots short" in first
    again = client.post(path, follow=True).text
    assert "The exam window is full: every slot it holds is there already. The window holds 24 slots" in again
