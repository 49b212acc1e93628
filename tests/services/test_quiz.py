"""The final exam: slots, the seeded draw and redraws."""

import datetime
from collections import Counter

import pytest

from courseapp import quiz
from courseapp.models import ExamSlot, QuizPick, Reading
from courseapp.services import ServiceError
from courseapp.services import quiz as service

from ..factories import EXAM_WINDOW as WINDOW
from ..factories import MembershipFactory, ReadingFactory, reviewed


class TestSlots:
    def test_the_model_courses_window_makes_24_slots_once(self, exam_course):
        assert service.exam_slots_make(course=exam_course) == 24
        assert service.exam_slots_make(course=exam_course) == 0
        first, *_, last = exam_course.exam_slots.all()
        assert (first.starts_at, last.starts_at) == (WINDOW, WINDOW + datetime.timedelta(minutes=115))

    def test_one_slot_for_two_students_is_said_in_the_singular(self, exam_course):
        exam_course.exam_ends_at = WINDOW + datetime.timedelta(minutes=5)  # one slot
        exam_course.save()
        service.exam_slots_make(course=exam_course)
        for _ in range(2):
            MembershipFactory(course=exam_course)
        with pytest.raises(ServiceError) as short:
            service.exam_slots_assign_all(course=exam_course)
        assert "1 free exam slot for 2 students without one: 1 short" in short.value.message

    def test_assigning_everyone_is_refused_whole_when_slots_are_short(self, exam_course):
        exam_course.exam_ends_at = WINDOW + datetime.timedelta(minutes=10)  # two slots
        exam_course.save()
        service.exam_slots_make(course=exam_course)
        students = [MembershipFactory(course=exam_course).user for _ in range(3)]
        with pytest.raises(ServiceError) as short:
            service.exam_slots_assign_all(course=exam_course)
        assert (
            short.value.code == "too_few"
            and "2 free exam slots for 3 students without one: 1 short" in short.value.message
        )
        assert not ExamSlot.objects.filter(student__isnull=False).exists()
        exam_course.exam_ends_at = WINDOW + datetime.timedelta(minutes=15)  # a third slot
        exam_course.save()
        assert service.exam_slots_make(course=exam_course) == 1
        service.exam_slot_book(course=exam_course, slot_id=exam_course.exam_slots.last().pk, student=students[0])
        assert service.exam_slots_assign_all(course=exam_course) == 2
        assert set(ExamSlot.objects.values_list("student", flat=True)) == {s.pk for s in students} - {None}

    def test_booking_another_slot_gives_the_first_back(self, exam_course):
        service.exam_slots_make(course=exam_course)
        student = MembershipFactory(course=exam_course).user
        first, second, *_ = exam_course.exam_slots.all()
        service.exam_slot_book(course=exam_course, slot_id=first.pk, student=student)
        service.exam_slot_book(course=exam_course, slot_id=second.pk, student=student)
        assert list(ExamSlot.objects.filter(student=student)) == [second]


class TestDraw:
    def test_each_student_gets_a_paper_they_reviewed_and_the_seed_reproduces_it(self, exam_course):
        readings = ReadingFactory.create_batch(6, course=exam_course)
        blog = ReadingFactory(course=exam_course, kind=Reading.Kind.BLOG_POST)
        students = [MembershipFactory(course=exam_course).user for _ in range(5)]
        for n, student in enumerate(students[:4]):
            reviewed(exam_course, student, *readings[n : n + 3], blog)
        draw = service.quiz_draw(course_id=exam_course.pk, seed=42)
        picks = {p.student_id: p.reading_id for p in QuizPick.objects.all()}
        for n, student in enumerate(students[:4]):
            assert picks[student.pk] in {r.pk for r in readings[n : n + 3]}  # a paper, never the blog post
        assert students[4].pk not in picks  # no review: listed on the exam page, not drawn
        assert picks == {
            s.pk: quiz.pick(42, s.pk, [r.pk for r in readings[n : n + 3]]) for n, s in enumerate(students[:4])
        }
        # Drawing again changes nothing; a different seed is refused rather than ignored.
        assert service.quiz_draw(course_id=exam_course.pk).pk == draw.pk
        with pytest.raises(ServiceError) as other_seed:
            service.quiz_draw(course_id=exam_course.pk, seed=43)
        assert other_seed.value.code == "drawn" and QuizPick.objects.count() == 4

    def test_the_on_time_setting_leaves_late_reviews_out(self, exam_course):
        exam_course.quiz_on_time_only = True
        exam_course.save()
        on_time, late = ReadingFactory.create_batch(2, course=exam_course)
        student = MembershipFactory(course=exam_course).user
        reviewed(exam_course, student, on_time)
        reviewed(exam_course, student, late, late=True)
        service.quiz_draw(course_id=exam_course.pk, seed=1)
        assert QuizPick.objects.get().reading == on_time

    def test_a_redraw_needs_a_reason_keeps_the_old_pick_and_avoids_its_paper(self, exam_course, instructor):
        readings = ReadingFactory.create_batch(2, course=exam_course)
        student = MembershipFactory(course=exam_course).user
        reviewed(exam_course, student, *readings)
        service.quiz_draw(course_id=exam_course.pk, seed=5)
        first = QuizPick.objects.get()
        with pytest.raises(ServiceError) as no_reason:
            service.quiz_redraw(course=exam_course, student_id=student.pk, reason="  ", by=instructor)
        assert no_reason.value.code == "no_reason"
        again = service.quiz_redraw(course=exam_course, student_id=student.pk, reason="Was ill", by=instructor)
        assert again.reading_id != first.reading_id and again.round == 1 and again.reason == "Was ill"
        first.refresh_from_db()
        assert first.superseded_at is not None
        assert QuizPick.objects.filter(superseded_at__isnull=True).get() == again


def test_the_draw_is_uniform_over_the_papers_a_student_reviewed():
    """Over 6,000 seeds, each of 6 papers is drawn about 1,000 times: a chi-square test at 5 degrees of freedom.

    The bound, 20.5, is the 0.999 quantile: a fair draw fails this once in a thousand runs; a draw that
    favours one paper by a tenth fails almost always.
    """
    papers = [11, 23, 35, 47, 59, 61]
    counts = Counter(quiz.pick(seed, 7, papers) for seed in range(6000))
    expected = 6000 / len(papers)
    chi_square = sum((counts[p] - expected) ** 2 / expected for p in papers)
    assert set(counts) == set(papers) and chi_square < 20.5, (counts, chi_square)
