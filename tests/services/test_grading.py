"""Rubrics, scores, grade arithmetic, and the presentation pipeline: the rules graders and students rely on."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courseapp import marking
from courseapp.models import Notice, OneOnOneTime, Review, Score, ScoreChange, SlideUpload
from courseapp.selectors import course_rubrics, grade_rows
from courseapp.services import ServiceError, presentations
from courseapp.services import grading as service

from ..factories import MembershipFactory, SignupFactory, SlotFactory, pdf_bytes, rubric_criterion


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
        service.score_set(course=course, criterion_id=meeting.pk, students=[bruno], points="9.5", slot=slot, by=ta)
        service.score_set(course=course, criterion_id=meeting.pk, students=[bruno], points=9.5, slot=slot, by=ta)
        scores = {s.student: (s.points, s.comment) for s in Score.objects.filter(criterion=meeting)}
        assert scores == {ada: (Decimal(8), "Prepared."), bruno: (Decimal("9.5"), "Prepared.")}
        changes = [
            (c.score.student, c.changed_by, c.old_points, c.new_points)
            for c in ScoreChange.objects.order_by("pk").select_related("score")
        ]
        assert changes == [(ada, instructor, None, 8), (bruno, instructor, None, 8), (bruno, ta, 8, Decimal("9.5"))]

    @pytest.mark.parametrize(
        ("points", "code"), [(16, "range"), (-1, "range"), ("lots", "not_a_number"), ("nan", "not_a_number")]
    )
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


class TestSlides:
    def upload(self, course, slot, student, data: bytes, name="talk.pdf", stage="initial"):
        return presentations.slides_upload(
            course=course, slot_id=slot.pk, stage=stage, upload=SimpleUploadedFile(name, data), by=student,
            now=timezone.now(),
        )  # fmt: skip

    def test_a_pdf_is_kept_under_a_random_name_in_the_private_folder(self, course, presented_paper, private_media):
        slot, ada, *_ = presented_paper
        slides = self.upload(course, slot, ada, pdf_bytes(2), name="../../etc/passwd.pdf")
        assert slides.original_name == "passwd.pdf"
        stored = private_media / slides.file.name
        assert stored.is_file() and stored.read_bytes().startswith(b"%PDF-")
        assert slides.file.name.startswith("slides/") and "passwd" not in slides.file.name
        assert not slides.is_late  # the talk is a week away

    @pytest.mark.parametrize(
        ("data", "name", "code"),
        [
            (b"<html><script>alert(1)</script></html>", "slides.pdf", "not_pdf"),
            (b"", "slides.pdf", "empty"),
            (b"%PDF-1.7\n" + b"garbage" * 50, "slides.pdf", "unreadable"),
        ],
    )
    def test_what_is_not_a_readable_pdf_is_refused_whatever_its_name(self, course, presented_paper, data, name, code):
        slot, ada, *_ = presented_paper
        with pytest.raises(ServiceError) as refused:
            self.upload(course, slot, ada, data, name=name)
        assert refused.value.code == code and not SlideUpload.objects.exists()

    def test_an_oversized_file_is_refused(self, course, presented_paper):
        slot, ada, *_ = presented_paper
        course.slides_max_mb = 1
        course.save()
        big = pdf_bytes() + b"%" * (1024 * 1024)
        with pytest.raises(ServiceError) as refused:
            self.upload(course, slot, ada, big)
        assert refused.value.code == "too_large" and "slides up to 1 MB" in refused.value.message

    def test_only_the_presenters_upload_and_final_slides_wait_for_the_talk(self, course, presented_paper):
        slot, ada, _, chen = presented_paper
        with pytest.raises(ServiceError) as refused:
            self.upload(course, slot, chen, pdf_bytes())
        assert refused.value.code == "not_presenting"
        with pytest.raises(ServiceError) as early:
            self.upload(course, slot, ada, pdf_bytes(), stage="final")
        assert early.value.code == "too_early"


class TestOneOnOnes:
    def test_a_pair_books_one_time_and_moving_it_frees_the_first(self, course, presented_paper):
        slot, ada, bruno, _ = presented_paper
        soon = timezone.now() + datetime.timedelta(days=2)
        presentations.one_on_one_times_add(course=course, first=soon, count=3, minutes=20)
        first, second, _ = OneOnOneTime.objects.order_by("starts_at")
        presentations.one_on_one_book(course=course, slot_id=slot.pk, time_id=first.pk, by=ada, now=timezone.now())
        presentations.one_on_one_book(course=course, slot_id=slot.pk, time_id=second.pk, by=bruno, now=timezone.now())
        assert list(OneOnOneTime.objects.filter(slot=slot)) == [second]
        # Each booking tells the partner who did not make it.
        told = [n.user for n in Notice.objects.filter(message__contains="booked your 1-on-1")]
        assert sorted(told, key=lambda u: u.pk) == sorted([bruno, ada], key=lambda u: u.pk)
        assert presentations.one_on_one_times_add(course=course, first=soon, count=3, minutes=20) == 0

    def test_booking_closes_before_the_talk_and_a_taken_time_is_refused(self, course, presented_paper):
        slot, ada, *_ = presented_paper
        other = SlotFactory(meeting=slot.meeting)
        rival = MembershipFactory(course=course).user
        SignupFactory(slot=other, student=rival)
        time = OneOnOneTime.objects.create(course=course, starts_at=timezone.now() + datetime.timedelta(days=1))
        presentations.one_on_one_book(course=course, slot_id=other.pk, time_id=time.pk, by=rival, now=timezone.now())
        with pytest.raises(ServiceError) as taken:
            presentations.one_on_one_book(course=course, slot_id=slot.pk, time_id=time.pk, by=ada, now=timezone.now())
        assert taken.value.code == "taken"
        late = slot.meeting.starts() - datetime.timedelta(days=1)
        with pytest.raises(ServiceError) as closed:
            presentations.one_on_one_book(course=course, slot_id=slot.pk, time_id=time.pk, by=ada, now=late)
        assert closed.value.code == "closed"
        with pytest.raises(ServiceError) as booked:
            presentations.one_on_one_time_remove(course=course, time_id=time.pk)
        assert booked.value.code == "booked"


class TestTimer:
    def test_start_stop_and_the_discussion_ends_the_talk(self, course, presented_paper):
        slot, *_ = presented_paper
        t0 = timezone.now()

        def at(seconds, action):
            return presentations.timing_record(
                course=course, slot_id=slot.pk, action=action, now=t0 + datetime.timedelta(seconds=seconds)
            )

        at(0, "stop_talk")  # stopping a clock that never ran changes nothing
        at(5, "start_talk")
        timing = at(5 + 31 * 60, "start_discussion")
        assert (timing.talk_seconds, timing.talk_clock) == (31 * 60, "31:00")
        timing = at(5 + 31 * 60 + 14 * 60, "stop_discussion")
        assert timing.discussion_seconds == 14 * 60
        assert at(9999, "reset").talk_started_at is None
