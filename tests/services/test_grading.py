"""Rubrics, scores and grade arithmetic: the rules graders and students rely on."""

from decimal import Decimal

import pytest
from django.utils import timezone

from courseapp import marking
from courseapp.models import Review, Score, ScoreChange
from courseapp.selectors import course_rubrics, grade_rows
from courseapp.services import ServiceError
from courseapp.services import grading as service

from ..factories import MembershipFactory, SignupFactory, SlotFactory, rubric_criterion


class TestRubrics:
    def test_new_courses_get_the_model_courses_rubrics_once(self, course):
        rubrics = course_rubrics(course)
        shape = {c: [(x.name, x.max_points) for x in r.criteria.all()] for c, r in rubrics.items()}
        assert shape == {
            "reviews": [("Review", 2)],
            "presentation": [
                ("1-on-1 meeting", 10),
                ("Initial slides", 10),
                ("Presenting and leading the discussion", 15),
                ("Final slides", 5),
            ],
            "participation": [("Commentary", 5)],
            "final_exam": [("Oral quiz", 10)],
        }
        assert rubrics["presentation"].criteria.get(timed=True).levels[0] == [
            15,
            "Clear, within time, a lively discussion",
        ]
        course_rubrics(course)
        assert course.rubrics.count() == 4 and sum(r.criteria.count() for r in course.rubrics.all()) == 7

    def test_a_scored_criterion_keeps_its_scores_valid(self, course, presented_paper, instructor):
        slot, ada, *_ = presented_paper
        talk = rubric_criterion(course, "presentation", "Presenting and leading the discussion")
        service.score_set(course=course, criterion_id=talk.pk, students=[ada], points=12, slot=slot, by=instructor)
        with pytest.raises(ServiceError) as below:
            service.criterion_save(
                course=course, component="presentation", criterion_id=talk.pk, name=talk.name, description="",
                max_points=10, levels=[], timed=True,
            )  # fmt: skip
        assert below.value.code == "max_below"
        with pytest.raises(ServiceError) as removed:
            service.criterion_remove(course=course, criterion_id=talk.pk)
        assert removed.value.code == "has_scores"
        with pytest.raises(ServiceError) as level:
            service.criterion_save(
                course=course, component="presentation", criterion_id=talk.pk, name=talk.name, description="",
                max_points=15, levels=[[20, "Too many"]], timed=True,
            )  # fmt: skip
        assert level.value.code == "level_above_max"
        service.criterion_save(
            course=course, component="presentation", criterion_id=talk.pk, name="Talk", description="",
            max_points=12, levels=[[12, "Perfect"], [6, "Half"]], timed=True,
        )  # fmt: skip
        talk.refresh_from_db()
        assert (talk.name, talk.max_points, talk.levels) == ("Talk", 12, [[12, "Perfect"], [6, "Half"]])


class TestScores:
    def test_partners_scored_together_each_get_a_score_and_every_change_is_recorded(
        self, course, presented_paper, instructor, ta
    ):
        slot, ada, bruno, _ = presented_paper
        meeting = rubric_criterion(course, "presentation", "1-on-1 meeting")
        service.score_set(course=course, criterion_id=meeting.pk, students=[ada, bruno], points=8, comment="Prepared.",
                          slot=slot, by=instructor)  # fmt: skip
        service.score_set(
            course=course, criterion_id=meeting.pk, students=[bruno], points=Decimal("9.5"), slot=slot, by=ta
        )
        service.score_set(course=course, criterion_id=meeting.pk, students=[bruno], points=9.5, slot=slot, by=ta)
        scores = {s.student: (s.points, s.comment) for s in Score.objects.filter(criterion=meeting)}
        assert scores == {ada: (Decimal(8), "Prepared."), bruno: (Decimal("9.5"), "Prepared.")}
        changes = [
            (c.score.student, c.changed_by, c.old_points, c.new_points)
            for c in ScoreChange.objects.order_by("pk").select_related("score")
        ]
        assert changes == [(ada, instructor, None, 8), (bruno, instructor, None, 8), (bruno, ta, 8, Decimal("9.5"))]

    @pytest.mark.parametrize(("points", "code"), [(16, "range"), (-1, "range")])
    def test_points_outside_the_criterion_are_refused(self, course, presented_paper, instructor, points, code):
        slot, ada, *_ = presented_paper
        talk = rubric_criterion(course, "presentation", "Presenting and leading the discussion")
        with pytest.raises(ServiceError) as refused:
            service.score_set(
                course=course, criterion_id=talk.pk, students=[ada], points=points, slot=slot, by=instructor
            )
        assert refused.value.code == code and not Score.objects.exists()

    def test_only_the_work_of_those_students_with_the_rubric_for_it(self, course, presented_paper, instructor):
        slot, ada, bruno, chen = presented_paper
        talk = rubric_criterion(course, "presentation", "Presenting and leading the discussion")
        commentary = rubric_criterion(course, "participation", "Commentary")
        review = Review.objects.create(reading=slot.reading, student=ada, text="x", submitted_at=timezone.now())
        attempts = [
            (talk, [chen], {"slot": slot}, "not_their_work"),  # a commentator is no presenter
            (commentary, [ada], {"slot": slot}, "not_their_work"),
            (talk, [ada], {"review": review}, "wrong_rubric"),
            (rubric_criterion(course, "reviews", "Review"), [bruno], {"review": review}, "not_their_work"),
            (rubric_criterion(course, "final_exam", "Oral quiz"), [MembershipFactory().user], {}, "not_their_work"),
        ]
        for crit, students, subject, code in attempts:
            with pytest.raises(ServiceError) as refused:
                service.score_set(
                    course=course, criterion_id=crit.pk, students=students, points=1, by=instructor, **subject
                )
            assert refused.value.code == code, (crit.name, code)


class TestGradeArithmetic:
    def test_full_marks_everywhere_make_100_and_an_A(self, course, presented_paper, instructor):
        slot, ada, bruno, _ = presented_paper
        rubrics = course_rubrics(course)
        meeting = slot.meeting
        for n in range(20):
            reading = SlotFactory(meeting=meeting).reading
            review = Review.objects.create(reading=reading, student=ada, text="x", submitted_at=timezone.now(),
                                           is_late=n < 2)  # fmt: skip
            service.score_set(course=course, criterion_id=rubrics["reviews"].criteria.get().pk, students=[ada],
                              points=2, review=review, by=instructor)  # fmt: skip
        for crit in rubrics["presentation"].criteria.all():
            service.score_set(course=course, criterion_id=crit.pk, students=[ada, bruno], points=crit.max_points,
                              slot=slot, by=instructor)  # fmt: skip
        for _ in range(2):
            other = SlotFactory(meeting=meeting)
            SignupFactory(slot=other, student=ada, role="commentator")
            service.score_set(course=course, criterion_id=rubrics["participation"].criteria.get().pk, students=[ada],
                              points=5, slot=other, by=instructor)  # fmt: skip
        service.score_set(course=course, criterion_id=rubrics["final_exam"].criteria.get().pk, students=[ada],
                          points=10, by=instructor)  # fmt: skip
        row_ada, row_bruno = grade_rows(course, [ada, bruno], course_rubrics(course))
        assert {c: g.score for c, g in row_ada.components.items()} == {
            "reviews": 40, "presentation": 40, "participation": 10, "final_exam": 10,
        }  # fmt: skip
        assert (row_ada.total, row_ada.letter, row_ada.components["reviews"].late) == (100, "A", 2)
        assert all(not g.missing for g in row_ada.components.values())
        # Bruno presented with Ada and did nothing else.
        assert (row_bruno.total, row_bruno.letter) == (40, "F")
        assert row_bruno.components["reviews"].missing == "20 of 20 reviews missing"
        assert row_bruno.components["participation"].missing == "no commentary signed up"

    def test_components_scale_to_the_course_points_when_a_rubric_changes(self, course, presented_paper, instructor):
        slot, ada, *_ = presented_paper
        talk = rubric_criterion(course, "presentation", "Presenting and leading the discussion")
        service.score_set(course=course, criterion_id=talk.pk, students=[ada], points=15, slot=slot, by=instructor)
        service.criterion_remove(
            course=course, criterion_id=rubric_criterion(course, "presentation", "Final slides").pk
        )
        (row,) = grade_rows(course, [ada], course_rubrics(course))
        # 15 of the 35 rubric points that are left, of the component's 40: 17.1.
        assert row.components["presentation"].score == Decimal("17.1")

    def test_letters_histogram_and_clock(self):
        scale = [["A", 93], ["B", 83], ["F", 0]]
        assert [marking.letter(p, scale) for p in (Decimal(100), Decimal("92.9"), Decimal(83), Decimal(0))] == [
            "A", "B", "B", "F",
        ]  # fmt: skip
        assert marking.histogram([Decimal(0), Decimal("9.9"), Decimal(55), Decimal(100)])[0] == (0, 10, 2)
        assert marking.histogram([Decimal(100)])[-1] == (90, 100, 1)
        assert (marking.clock(1865), marking.clock(None)) == ("31:05", "–")
