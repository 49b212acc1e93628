"""Grading pages as staff and students meet them."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from courseapp.forms import POINTS_NOT_A_NUMBER
from courseapp.models import Review, Score
from courseapp.selectors import STUDENTS_PER_PAGE as PER_PAGE
from courseapp.selectors import course_rubrics
from courseapp.services import grading as service

from ..asserts import HTMX, shows, url
from ..factories import MeetingFactory, MembershipFactory, SignupFactory, SlotFactory, rubric_criterion


class TestScoring:
    def test_a_level_click_scores_both_partners_and_answers_with_the_row(
        self, course, presented_paper, instructor, client_for
    ):
        slot, ada, bruno, _ = presented_paper
        crit = rubric_criterion(course, "presentation", "Presenting and leading the discussion")
        data = {"criterion": crit.pk, "subject": f"slot-{slot.pk}", "student": [ada.pk, bruno.pk], "points": "10"}
        response = client_for(instructor).post(url("score_save", course), data, headers=HTMX)
        html = response.content.decode()
        assert response.status_code == 200 and "Saved" in html
        assert 'class="level chosen" aria-pressed="true"><strong>10</strong>' in html
        assert sorted(Score.objects.values_list("student_id", "points")) == sorted([(ada.pk, 10), (bruno.pk, 10)])

    def test_the_section_total_follows_each_score(self, course, presented_paper, instructor, client_for):
        slot, ada, bruno, _ = presented_paper
        client = client_for(instructor)
        page = client.get(url("grade_slot", course, slot.pk)).content.decode()
        total_id = f"total-presentation-slot-{slot.pk}-{min(ada.pk, bruno.pk)}-{max(ada.pk, bruno.pk)}"
        assert f'id="{total_id}">Total <strong>0</strong> of 40' in page and "4 criteria not scored yet" in page
        crit = rubric_criterion(course, "presentation", "Presenting and leading the discussion")
        data = {"criterion": crit.pk, "subject": f"slot-{slot.pk}", "student": [ada.pk, bruno.pk], "points": "12",
                "with_total": "1"}  # fmt: skip
        html = client.post(url("score_save", course), data, headers=HTMX).content.decode()
        assert f'id="{total_id}" hx-swap-oob="true">Total <strong>12</strong> of 40' in html
        assert "3 criteria not scored yet" in html
        del data["with_total"]  # a row of the exam's run sheet, which has no section total
        assert "section-total" not in client.post(url("score_save", course), data, headers=HTMX).content.decode()

    def test_next_ungraded_moves_through_a_papers_reviews_and_the_terms_presentations(
        self, course, presented_paper, instructor, client_for
    ):
        slot, ada, bruno, chen = presented_paper
        reviews = [
            Review.objects.create(reading=slot.reading, student=s, text="Mine.", submitted_at=timezone.now())
            for s in (ada, bruno, chen)
        ]
        client = client_for(instructor)
        page = client.get(url("grade_review", course, reviews[0].pk)).content.decode()
        assert "Next ungraded review of this paper" in page
        crit = rubric_criterion(course, "reviews", "Review")
        for review in reviews[1:]:
            service.score_set(course=course, criterion_id=crit.pk, students=[review.student], points=2,
                              review=review, by=instructor)  # fmt: skip
        page = client.get(url("grade_review", course, reviews[0].pk)).content.decode()
        assert "No other review of this paper waits for a grade." in page

        later = SlotFactory(meeting=MeetingFactory(course=course, date=slot.meeting.date + datetime.timedelta(days=7)))
        SignupFactory(slot=later, student=chen)
        page = client.get(url("grade_slot", course, slot.pk)).content.decode()
        assert url("grade_slot", course, later.pk) in page and "Next ungraded presentation" in page
        page = client.get(url("grade_slot", course, later.pk)).content.decode()
        assert url("grade_slot", course, slot.pk) in page  # from the last one, back to the first still waiting

    def test_a_refused_score_keeps_what_was_typed(self, course, presented_paper, instructor, client_for):
        slot, ada, *_ = presented_paper
        crit = rubric_criterion(course, "presentation", "Final slides")
        data = {"criterion": crit.pk, "subject": f"slot-{slot.pk}", "student": ada.pk, "points": "7",
                "comment": "Much better after feedback"}  # fmt: skip
        response = client_for(instructor).post(url("score_save", course), data, headers=HTMX)
        html = response.content.decode()
        assert response.status_code == 400 and "Points for “Final slides” go from 0 to 5." in html
        assert 'value="7"' in html and "Much better after feedback" in html
        assert not Score.objects.exists()

    @pytest.mark.parametrize("typed", ["lots", "nan", "Infinity", ""])
    def test_points_that_are_no_number_are_refused_in_the_row(
        self, course, presented_paper, instructor, client_for, typed
    ):
        slot, ada, *_ = presented_paper
        crit = rubric_criterion(course, "presentation", "Final slides")
        data = {"criterion": crit.pk, "subject": f"slot-{slot.pk}", "student": ada.pk, "points": typed,
                "comment": "Clear slides"}  # fmt: skip
        response = client_for(instructor).post(url("score_save", course), data, headers=HTMX)
        assert response.status_code == 400 and shows(response.content.decode(), POINTS_NOT_A_NUMBER)
        assert "Clear slides" in response.content.decode()
        assert not Score.objects.exists()

    def test_points_with_a_decimal_comma_are_read(self, course, presented_paper, instructor, client_for):
        slot, ada, *_ = presented_paper
        crit = rubric_criterion(course, "presentation", "Final slides")
        data = {"criterion": crit.pk, "subject": f"slot-{slot.pk}", "student": ada.pk, "points": " 4,5 "}
        assert client_for(instructor).post(url("score_save", course), data, headers=HTMX).status_code == 200
        assert Score.objects.get().points == Decimal("4.5")

    def test_the_history_names_who_changed_what(self, course, presented_paper, instructor, ta, client_for):
        slot, ada, *_ = presented_paper
        crit = rubric_criterion(course, "presentation", "1-on-1 meeting")
        service.score_set(course=course, criterion_id=crit.pk, students=[ada], points=6, slot=slot, by=ta)
        service.score_set(course=course, criterion_id=crit.pk, students=[ada], points=9, slot=slot, by=instructor)
        html = client_for(instructor).get(url("grade_slot", course, slot.pk), {"separately": "1"}).content.decode()
        assert "History (2 changes)" in html and "<del>6</del> → 9" in html and ta.display_name in html

    def test_a_review_is_graded_beside_its_text(self, course, presented_paper, ta, client_for):
        slot, ada, *_ = presented_paper
        review = Review.objects.create(
            reading=slot.reading, student=ada, text="I *liked* it.", submitted_at=timezone.now()
        )
        html = client_for(ta).get(url("grade_review", course, review.pk)).content.decode()
        assert "<em>liked</em>" in html and 'Review</strong> <small class="muted">out of 2</small>' in html


def test_the_final_exam_is_scored_on_the_students_page_with_its_history(
    course, presented_paper, instructor, ta, client_for
):
    _, ada, *_ = presented_paper
    quiz = rubric_criterion(course, "final_exam", "Oral quiz")
    for grader, points in ((ta, 6), (instructor, 8)):
        data = {"criterion": quiz.pk, "subject": "exam", "student": ada.pk, "points": points}
        client_for(grader).post(url("score_save", course), data, headers=HTMX)
    html = client_for(instructor).get(url("student_grades", course, ada.pk)).content.decode()
    assert "History (2 changes)" in html and "<del>6</del> → 8" in html and 'value="8"' in html


class TestRelease:
    def test_students_see_a_component_only_once_it_is_released(self, course, presented_paper, instructor, client_for):
        slot, ada, bruno, _ = presented_paper
        crit = rubric_criterion(course, "presentation", "Presenting and leading the discussion")
        service.score_set(course=course, criterion_id=crit.pk, students=[ada, bruno], points=13,
                          comment="Ran 4 minutes over.", slot=slot, by=instructor)  # fmt: skip
        before = client_for(ada).get(url("my_grades", course)).content.decode()
        assert "Ran 4 minutes over." not in before and "13 of 40" not in before  # ("13" is in "Seminar 139")
        assert "Not released yet: Reading, Presentation, Participation, Final exam." in before
        client_for(instructor).post(url("release_change", course), {"component": "presentation", "released": "yes"})
        after = client_for(ada).get(url("my_grades", course)).content.decode()
        assert "Ran 4 minutes over." in after and "13 of 40" in after
        assert "<em>Presenting and leading the discussion</em>: 13 of 15" in after  # points per criterion too
        assert "Not released yet: Reading, Participation, Final exam." in after
        client_for(instructor).post(url("release_change", course), {"component": "presentation", "released": "no"})
        assert "Ran 4 minutes over." not in client_for(ada).get(url("my_grades", course)).content.decode()

    def test_a_ta_grades_but_cannot_release(self, course, ta, client_for):
        response = client_for(ta).post(url("release_change", course), {"component": "reviews", "released": "yes"})
        assert response.status_code == 403 and not course.releases.exists()


class TestGradebook:
    @pytest.mark.parametrize("n_students", [3, 30])
    def test_query_count_does_not_grow_with_the_class(self, course, instructor, client, django_assert_num_queries,
                                                       n_students):  # fmt: skip
        slot = SlotFactory(meeting=MeetingFactory(course=course))
        rubrics = course_rubrics(course)
        for n in range(n_students):
            student = MembershipFactory(course=course).user
            SignupFactory(slot=slot, student=student, role="commentator", seat=n + 1)
            for reading in (slot.reading, SlotFactory(meeting=slot.meeting).reading):
                review = Review.objects.create(reading=reading, student=student, text="x", submitted_at=timezone.now())
                service.score_set(course=course, criterion_id=rubrics["reviews"].criteria.get().pk, students=[student],
                                  points=2, review=review, by=instructor)  # fmt: skip
        client.force_login(instructor)
        # session, user, the course with the requests to join (the badge), my membership; rubrics and
        # criteria; students, readings, reviews, presented papers, seats, scores; releases; standing
        # extensions; the paper slots listed for grading
        with django_assert_num_queries(15):
            response = client.get(url("gradebook", course), {"sort": "reviews", "order": "desc"})
        assert response.content.decode().count("<tr>") == n_students + 1

    def test_a_large_class_is_graded_a_page_at_a_time(self, course, instructor, client_for, django_assert_num_queries):
        slot = SlotFactory(meeting=MeetingFactory(course=course))
        criterion = course_rubrics(course)["reviews"].criteria.get()
        size = 2 * PER_PAGE + 10  # two full pages and ten on the last
        students = [MembershipFactory(course=course, user__last_name=f"Student{n:02d}").user for n in range(size)]
        for n, student in enumerate(students):
            review = Review.objects.create(reading=slot.reading, student=student, text="x", submitted_at=timezone.now())
            service.score_set(course=course, criterion_id=criterion.pk, students=[student], points=n % 3,
                              review=review, by=instructor)  # fmt: skip
        client = client_for(instructor)
        # By name only the page's students are graded: the class's size and a page of students, then as
        # for a class of one page.
        with django_assert_num_queries(16):
            first = client.get(url("gradebook", course)).content.decode()
        assert first.count('<th scope="row">') == PER_PAGE
        assert f"Student{PER_PAGE - 1:02d}" in first and f"Student{PER_PAGE:02d}" not in first
        assert f"Students 1–{PER_PAGE} of {size}" in first and 'href="?page=2" rel="next"' in first
        assert "<svg" not in first and "Distribution of the class" in first, "opened on demand"
        chart = client.get(url("gradebook_chart", course), headers=HTMX).content.decode()
        assert chart.lstrip().startswith('<figure class="distribution"') and f"0–10: {size}</title>" in chart
        assert "Distribution of the class" in client.get(url("gradebook_chart", course)).content.decode()
        # Sorted by a grade, the order is the whole class's, and the pages and the search keep it.
        best = client.get(url("gradebook", course), {"sort": "total", "order": "desc"}).content.decode()
        assert "Student02<" in best and "Student00<" not in best, "the best totals first: 2 points, not 0"
        last = client.get(url("gradebook", course), {"sort": "total", "order": "desc", "page": 3}).content.decode()
        assert last.count('<th scope="row">') == 10 and "sort=total&amp;order=desc&amp;page=2" in last
        found = client.get(url("gradebook", course), {"q": "student1", "sort": "total"}).content.decode()
        assert found.count('<th scope="row">') == 10 and 'value="student1"' in found  # Student10 to Student19
        assert "?q=student1&amp;sort=total&amp;order=desc" in found, "sorting keeps the search"

    def test_csv_for_an_lms_has_one_row_per_student(self, course, presented_paper, instructor, client_for):
        _, ada, *_ = presented_paper
        crit = rubric_criterion(course, "final_exam", "Oral quiz")
        service.score_set(course=course, criterion_id=crit.pk, students=[ada], points=10, by=instructor)
        response = client_for(instructor).get(url("gradebook_export", course))
        assert response["Content-Disposition"] == f'attachment; filename="{course.slug}-grades.csv"'
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == [
            "Email", "Last name", "First name", "Reading (40)", "Presentation (40)", "Participation (10)",
            "Final exam (10)", "Total (100)", "Letter",
        ]  # fmt: skip
        mine = next(row for row in rows if row[0] == ada.email)
        assert mine[1:3] == [ada.last_name, ada.first_name] and mine[6:] == ["10.0", "10.0", "F"]
        assert len(rows) == 1 + 3

    def test_sorting_by_total(self, course, presented_paper, instructor, client_for):
        _, ada, bruno, chen = presented_paper
        crit = rubric_criterion(course, "final_exam", "Oral quiz")
        for student, points in ((ada, 3), (bruno, 9), (chen, 6)):
            service.score_set(course=course, criterion_id=crit.pk, students=[student], points=points, by=instructor)
        html = client_for(instructor).get(url("gradebook", course), {"sort": "total", "order": "desc"}).content.decode()
        assert html.index(bruno.display_name) < html.index(chen.display_name) < html.index(ada.display_name)


class TestTimerAndRubrics:
    def test_the_timer_records_on_the_server(self, course, presented_paper, instructor, client_for):
        slot, *_ = presented_paper
        client = client_for(instructor)
        html = client.post(
            url("timer_record", course, slot.pk), {"action": "start_talk"}, headers=HTMX
        ).content.decode()
        assert html.lstrip().startswith('<div id="clocks"') and "Stop the talk" in html
        assert slot.timing.talk_started_at is not None
        page = client.get(url("timer", course, slot.pk)).content.decode()
        assert "Stop the talk" in page and "js/timer.js" in page

    def test_a_rubric_change_that_breaks_a_score_is_refused_in_the_page(
        self, course, presented_paper, instructor, client_for
    ):
        slot, ada, *_ = presented_paper
        crit = rubric_criterion(course, "presentation", "Initial slides")
        service.score_set(course=course, criterion_id=crit.pk, students=[ada], points=9, slot=slot, by=instructor)
        data = {"component": "presentation", "criterion": crit.pk, "name": crit.name, "max_points": "5"}
        response = client_for(instructor).post(url("criterion_save", course), data, headers=HTMX)
        assert response.status_code == 409
        assert "“Initial slides” has a score of 9.0 already" in response.content.decode()

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"max_points": "ten"}, "Maximum points must be a whole number."),
            ({"name": ""}, "Give the criterion a name."),
            ({"levels": "full marks: 5"}, "Write one level a line, the points first"),
            ({"max_points": "0"}, "Maximum points must be between 1 and 1000."),
        ],
    )
    def test_a_criterion_that_cannot_be_saved_says_why(self, course, instructor, client_for, change, message):
        data = {"component": "reviews", "name": "Clarity", "max_points": "5", "levels": "5: clear"} | change
        response = client_for(instructor).post(url("criterion_save", course), data, headers=HTMX)
        assert response.status_code == 400
        assert message in response.content.decode() and '<div id="rubrics"' in response.content.decode()
        assert not course.rubrics.filter(criteria__name="Clarity").exists()

    def test_only_the_presentation_rubric_offers_the_timer(self, course, instructor, client_for):
        client = client_for(instructor)
        page = client.get(url("rubrics", course)).content.decode()
        presentation = page[page.index("<h2>Presentation</h2>") :]
        presentation = presentation[: presentation.index("</section>")]
        assert 'name="timed"' in presentation and page.count('name="timed"') == presentation.count('name="timed"')
        data = {"component": "reviews", "name": "Timed?", "max_points": "5", "timed": "on"}
        client.post(url("criterion_save", course), data, headers=HTMX)
        assert rubric_criterion(course, "reviews", "Timed?").timed is False

    def test_the_slot_page_says_when_it_is_presented_and_if_by_anyone(
        self, course, presented_paper, instructor, client_for
    ):
        slot, *_ = presented_paper  # a week from now
        client = client_for(instructor)
        assert "To be presented" in client.get(url("grade_slot", course, slot.pk)).content.decode()
        nobody = SlotFactory(meeting=MeetingFactory(course=course, date=datetime.date(2024, 10, 7)))
        page = client.get(url("grade_slot", course, nobody.pk)).content.decode()
        assert "Scheduled Mon Oct 7, 2024; nobody presents it." in page and "Presented" not in page


def test_what_is_missing_is_counted_in_words_that_agree(course, presented_paper):
    from courseapp.selectors import grade_rows

    *_, chen = presented_paper  # chen comments once
    course.commentaries_per_student = 2
    (row,) = grade_rows(course, [chen], course_rubrics(course))
    assert row.components["participation"].missing == "1 commentary missing"
    course.commentaries_per_student = 3
    (row,) = grade_rows(course, [chen], course_rubrics(course))
    assert row.components["participation"].missing == "2 commentaries missing"


def test_a_new_class_is_not_a_wall_of_red_and_a_finished_one_shows_what_is_missing(course, instructor, client_for):
    """Red only for what was due already; before that, neutral words saying it is still to come."""
    student = MembershipFactory(course=course, user__first_name="Nell", user__last_name="New").user
    SlotFactory(meeting__course=course)
    today = timezone.localdate(timezone=course.tzinfo)  # the course's day: the server's may be tomorrow already
    course.term_starts_on, course.term_ends_on = today, today + datetime.timedelta(days=70)
    course.signup_closes_at = timezone.now() + datetime.timedelta(days=7)
    course.exam_starts_at = timezone.now() + datetime.timedelta(days=69)
    course.exam_ends_at = course.exam_starts_at + datetime.timedelta(hours=2)
    course.save()
    page = client_for(instructor).get(url("gradebook", course)).content.decode()
    assert 'class="badge late"' not in page
    assert "20 of 20 reviews to come" in page and "sign-ups still open" in page and "not yet due" in page
    assert " to grade</small>" not in page  # the exam before its window: nothing to grade yet

    course.term_starts_on, course.term_ends_on = today - datetime.timedelta(days=90), today - datetime.timedelta(days=1)
    course.signup_closes_at = timezone.now() - datetime.timedelta(days=60)
    course.save()
    page = client_for(instructor).get(url("gradebook", course)).content.decode()
    assert '<span class="badge late">20 of 20 reviews missing</span>' in page
    assert '<span class="badge late">no presentation signed up</span>' in page
    assert student.display_name in page
