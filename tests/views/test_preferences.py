"""The ranking page and the seat assignment page, as students and staff use them."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courseapp.models import AssignmentRun, Choice, Signup
from courseapp.services import preferences as service
from courseapp.services.preferences import NEEDS_REASON
from tests.asserts import shows

from ..asserts import htmx_to, url
from ..factories import MeetingFactory, MembershipFactory, SlotFactory

HTMX = htmx_to("ranking")
RUN = htmx_to("assignment-run")


@pytest.fixture
def papers(course):
    course.signup_mode = course.SignupMode.PREFERENCES
    course.signup_closes_at = timezone.now() + datetime.timedelta(days=2)
    course.min_choices, course.commentaries_per_student = 2, 1
    course.save()
    meeting = MeetingFactory(course=course, date=datetime.date(2024, 10, 9))
    return [SlotFactory(meeting=meeting, reading__title=f"Paper {n}") for n in "ABCD"]


def change(client, course, slot, kind="present", action="add", **extra):
    data = {"kind": kind, "action": action, "slot": slot.pk, **extra}
    return client.post(url("ranking_change", course), data, headers=HTMX)


class TestRankingPage:
    def test_popularity_is_shown_but_never_who(self, client_for, course, papers, student, other_student):
        classmate = MembershipFactory(course=course, user__first_name="Zelda", user__last_name="Quist").user
        service.ranking_change(course=course, student=classmate, kind="present", action="add", slot_id=papers[0].pk)
        page = client_for(student).get(url("ranking", course)).content.decode()
        paper = page[page.index(f'id="paper-{papers[0].pk}"') :]
        paper = paper[: paper.index("</li>")]
        assert "Ranked by 1 to present, 0 to comment on" in paper
        assert "Zelda" not in paper

    def test_each_change_saves_and_answers_with_the_ranking(self, client_for, course, papers, student):
        client = client_for(student)
        response = change(client, course, papers[1])
        body = response.content.decode()
        assert response.status_code == 200 and "<html" not in body
        assert "Saved. Still a draft: rank 1 more paper to present and 2 more to comment on." in body
        change(client, course, papers[2])
        response = change(client, course, papers[2], action="up")
        assert re.findall(r'<b class="rank">\d+.</b> (Paper \w)', response.content.decode())[:2] == [
            "Paper C",
            "Paper B",
        ]

    def test_a_refused_change_says_why_and_keeps_the_ranking(self, client_for, course, papers, student):
        client = client_for(student)
        change(client, course, papers[0])
        response = change(client, course, papers[0], kind="avoid", reason="")
        assert response.status_code == 409
        assert shows(response.content.decode(), NEEDS_REASON)
        assert "Your ranking is as it was." in response.content.decode()
        assert Choice.objects.filter(kind="present").count() == 1

    def test_without_javascript_it_redirects_with_the_message(self, client_for, course, papers, student):
        response = client_for(student).post(
            url("ranking_change", course), {"kind": "comment", "action": "add", "slot": papers[0].pk}, follow=True
        )
        assert response.redirect_chain[-1][0] == url("ranking", course)
        assert "Saved." in response.content.decode()

    def test_a_first_come_course_says_so(self, client_for, course, student):
        page = client_for(student).get(url("ranking", course)).content.decode()
        assert service.NOT_RANKED_MODE in page

    def test_the_schedule_offers_ranking_instead_of_seats(self, client_for, course, papers, student):
        page = client_for(student).get(url("schedule", course)).content.decode()
        assert "Rank the papers" in page and url("ranking", course) in page
        assert 'value="take"' not in page


def rank_everyone(course, papers, students):
    for n, s in enumerate(students):
        for k in range(2):
            service.ranking_change(course=course, student=s, kind="present", action="add",
                                   slot_id=papers[(n + k) % 4].pk)  # fmt: skip
        service.ranking_change(course=course, student=s, kind="comment", action="add", slot_id=papers[(n + 2) % 4].pk)
        service.ranking_change(course=course, student=s, kind="comment", action="add", slot_id=papers[(n + 3) % 4].pk)


class TestAssignmentPage:
    @pytest.fixture
    def students(self, course):
        return [MembershipFactory(course=course).user for _ in range(6)]

    def test_a_queued_run_is_polled_until_done(self, client_for, course, papers, instructor, students):
        rank_everyone(course, papers, students)
        course.signup_closes_at = timezone.now() - datetime.timedelta(minutes=1)
        course.save()
        client = client_for(instructor)
        response = client.post(url("assignment_start", course), {"seed": "5"}, headers=RUN)
        body = response.content.decode()
        assert 'hx-trigger="every 1s"' in body and "Waiting for a worker" in body  # the task runs after commit
        run = AssignmentRun.objects.get()
        service.assignment_run(run_id=run.pk)
        body = client.get(url("assignment", course), headers=RUN)
        body = body.content.decode()
        assert "every 1s" not in body
        assert body.count('class="bar bar-optimal"') >= 2 and "<svg" in body
        assert "A lottery (random serial dictatorship)" in body and "Publish these seats" in body

    @pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
    def test_a_seed_that_is_no_number_is_refused_in_the_run_section(
        self, client_for, course, papers, instructor, settings, debug
    ):
        settings.DEBUG = debug  # Django's own debug page for a 400 must never land in the section
        response = client_for(instructor).post(url("assignment_start", course), {"seed": "lucky"}, headers=RUN)
        body = response.content.decode()
        assert response.status_code == 400 and body.lstrip().startswith('<section id="assignment-run"')
        assert "“seed” must be a whole number" in body and 'value="lucky"' in body  # what was typed stays
        assert not AssignmentRun.objects.exists()

    def test_staff_see_the_conflicts_and_their_reasons(self, client_for, course, papers, instructor, students):
        service.ranking_change(course=course, student=students[0], kind="avoid", action="add",
                               slot_id=papers[2].pk, reason="My advisor wrote it")  # fmt: skip
        page = client_for(instructor).get(url("assignment", course)).content.decode()
        assert f"{students[0].display_name}: “Paper C” — My advisor wrote it" in page
        assert "My advisor wrote it" not in client_for(students[1]).get(url("ranking", course)).content.decode()

    def test_publish_then_the_student_sees_the_seat(self, client_for, course, papers, instructor, students):
        rank_everyone(course, papers, students)
        course.signup_closes_at = timezone.now() - datetime.timedelta(minutes=1)
        course.save()
        run, _ = service.assignment_start(course=course, by=instructor, seed=2)
        service.assignment_run(run_id=run.pk)
        response = client_for(instructor).post(url("assignment_publish", course), {"run": run.pk}, follow=True)
        assert "Published 12 seats; every student was told theirs." in response.content.decode()
        seat = Signup.objects.filter(student=students[0], role="presenter").get()
        page = client_for(students[0]).get(url("ranking", course)).content.decode()
        assert f"You present\n        <strong>{seat.slot.display_title}</strong>" in page

    def test_queries_do_not_grow_with_the_class(self, client_for, course, papers, instructor):
        counts = []
        for size in (4, 12):
            for student in [MembershipFactory(course=course).user for _ in range(size - len(counts) * 4)]:
                service.ranking_change(course=course, student=student, kind="present", action="add",
                                       slot_id=papers[0].pk)  # fmt: skip
            client = client_for(instructor)
            with CaptureQueriesContext(connection) as staff:
                client.get(url("assignment", course))
            with CaptureQueriesContext(connection) as mine:
                client_for(student).get(url("ranking", course))
            counts.append((len(staff), len(mine)))
        assert counts[0] == counts[1], counts
