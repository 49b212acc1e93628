"""The instructor's extension pages, what TAs and students see of them, and what the student's own pages say."""

import concurrent.futures
import datetime

import icalendar
import pytest
from django.utils import timezone

from courseapp.models import Extension, Membership
from courseapp.services.extensions import extension_grant

from ..asserts import htmx_to, url
from ..factories import CourseFactory, MeetingFactory, MembershipFactory, SignupFactory, SlotFactory
from ..servers import post_as, session_cookie

HTMX = htmx_to("extensions")
DAY = datetime.timedelta(days=1)


@pytest.fixture
def meeting(course):
    meeting = MeetingFactory(course=course, date=datetime.date(2024, 10, 16))
    SlotFactory(meeting=meeting, reading__title="Nucleus Sampling")
    return meeting


@pytest.fixture
def paper(meeting):
    return meeting.slots.get().reading


def granted(course, student, instructor, paper, **fields):
    fields = {"reason": "Accommodation letter of Sep 3"} | fields
    due = paper.slots.get().meeting.starts()
    return extension_grant(
        course=course, student=student, scope="review", by=instructor, now=timezone.now(), reading=paper,
        until=due + 2 * DAY, **fields,
    )  # fmt: skip


class TestGranting:
    def test_the_form_offers_the_meetings_and_presentations_by_date(
        self, course, student, instructor, meeting, client_for
    ):
        meeting.kind, meeting.topic = "papers", "Decoding"
        meeting.save()
        slot = meeting.slots.get()
        SignupFactory(slot=slot, student=student, role="presenter")
        html = client_for(instructor).get(url("student_extensions", course, student.pk)).content.decode()
        assert f'<option value="{meeting.pk}">Wed Oct 16, 2024: Decoding</option>' in html
        assert f'<option value="{slot.pk}">Wed Oct 16, 2024: Nucleus Sampling</option>' in html
        assert f'<option value="{slot.reading_id}">Nucleus Sampling</option>' in html

    def test_the_instructor_grants_one_and_sees_it_listed_with_who_and_when(
        self, course, student, instructor, paper, client_for
    ):
        client = client_for(instructor)
        data = {"scope": "review", "reading": paper.pk, "until": "2024-10-18T17:00", "reason": "Flu, note seen"}
        response = client.post(url("extension_grant", course, student.pk), data, headers=HTMX)
        html = response.content.decode()
        assert response.status_code == 200 and html.lstrip().startswith('<div id="extensions">')
        assert f"Granted. Review of “Nucleus Sampling”: due Fri Oct 18, 2024, 5:00 PM. {student.display_name}" in html
        assert f"granted by {instructor.display_name}" in html and "Reason: Flu, note seen" in html
        extension = Extension.objects.get()
        assert extension.until == datetime.datetime(2024, 10, 18, 17, tzinfo=course.tzinfo), "the course's time zone"

    def test_without_javascript_it_returns_to_the_page_with_the_message(
        self, course, student, instructor, paper, client_for
    ):
        data = {"scope": "course", "extra_hours": "48"}
        response = client_for(instructor).post(url("extension_grant", course, student.pk), data, follow=True)
        assert response.redirect_chain[-1][0] == url("student_extensions", course, student.pk)
        assert "Granted. Every deadline: 48 hours later." in response.content.decode()

    def test_a_form_missing_its_target_says_so_and_keeps_what_was_typed(
        self, course, student, instructor, paper, client_for
    ):
        data = {"scope": "review", "until": "2024-10-18T17:00", "reason": "Flu, note seen"}
        response = client_for(instructor).post(url("extension_grant", course, student.pk), data, headers=HTMX)
        html = response.content.decode()
        assert response.status_code == 400 and "Choose the reading." in html
        assert 'value="2024-10-18T17:00"' in html and 'value="Flu, note seen"' in html
        assert not Extension.objects.exists()

    def test_a_deadline_no_later_than_the_courses_is_refused_in_the_page(
        self, course, student, instructor, paper, client_for
    ):
        data = {"scope": "review", "reading": paper.pk, "until": "2024-10-16T13:00"}
        response = client_for(instructor).post(url("extension_grant", course, student.pk), data, headers=HTMX)
        html = response.content.decode()
        assert response.status_code == 400
        assert "The new deadline must be after the course&#x27;s (Wed Oct 16, 2024, 2:00 PM)." in html
        assert 'value="2024-10-16T13:00"' in html

    def test_withdrawing_keeps_it_on_record(self, course, student, instructor, paper, client_for):
        extension = granted(course, student, instructor, paper)
        client = client_for(instructor)
        response = client.post(url("extension_revoke", course, student.pk, extension.pk), headers=HTMX)
        html = response.content.decode()
        assert "Withdrawn. Review of “Nucleus Sampling”: the course&#x27;s deadline applies again." in html
        assert "None: the course's deadlines apply." in html
        assert "Withdrawn or replaced (1)" in html and f"ended by {instructor.display_name}" in html
        again = client.post(url("extension_revoke", course, student.pk, extension.pk), headers=HTMX)
        assert again.status_code == 404, "a withdrawn extension cannot be withdrawn twice"


class TestWhoSeesWhat:
    def test_a_ta_sees_the_deadlines_but_not_the_reason_nor_the_form(self, course, student, instructor, ta, paper):
        from django.test import Client

        granted(course, student, instructor, paper)
        client = Client()
        client.force_login(ta)
        html = client.get(url("student_extensions", course, student.pk)).content.decode()
        assert "Review of “Nucleus Sampling”" in html
        assert "Accommodation letter" not in html and "Grant an extension" not in html and "Withdraw" not in html

    def test_the_student_sees_their_own_on_my_reviews_and_in_the_editor(
        self, course, student, instructor, paper, client_for
    ):
        granted(course, student, instructor, paper)
        client = client_for(student)
        mine = client.get(url("my_reviews", course)).content.decode()
        assert "Your extensions" in mine and "Review of “Nucleus Sampling”</strong>: due Fri Oct 18, 2024" in mine
        assert "Accommodation letter" not in mine
        editor = client.get(url("review_edit", course, paper.pk)).content.decode()
        assert "Fri Oct 18, 2024, 2:00 PM" in editor
        assert "Your extension: the class's deadline was Wed Oct 16, 2024, 2:00 PM." in editor

    def test_classmates_do_not_see_anothers_extension(self, course, student, instructor, paper, client_for):
        granted(course, student, instructor, paper)
        classmate = MembershipFactory(course=course).user
        assert "Your extensions" not in client_for(classmate).get(url("my_reviews", course)).content.decode()

    def test_the_gradebook_and_the_course_list_show_who_has_one(self, course, student, instructor, paper, client_for):
        granted(course, student, instructor, paper)
        client = client_for(instructor)
        gradebook = client.get(url("gradebook", course)).content.decode()
        assert f'href="{url("student_extensions", course, student.pk)}" class="badge">1 extension</a>' in gradebook
        listing = client.get(url("course_extensions", course)).content.decode()
        assert 'Standing <small class="muted">(1)</small>' in listing and student.display_name in listing


def test_the_private_calendar_feed_has_the_students_own_deadline(course, student, instructor, paper, client):
    granted(course, student, instructor, paper)
    token = Membership.objects.get(course=course, user=student).calendar_token
    feed = icalendar.Calendar.from_ical(client.get(url("member_calendar", course, token)).content)
    [event] = [e for e in feed.walk("VEVENT") if str(e["summary"]).startswith("Review due")]
    assert event.decoded("dtend") == datetime.datetime(2024, 10, 18, 14, tzinfo=course.tzinfo)
    assert "by your extension" in str(event["description"])


def test_two_instructors_granting_the_same_extension_at_once_leave_one_standing(gunicorn_url):
    course = CourseFactory()
    meeting = MeetingFactory(course=course, date=datetime.date(2024, 10, 16))
    SlotFactory(meeting=meeting)
    student = MembershipFactory(course=course).user
    instructors = [MembershipFactory(course=course, role=Membership.Role.INSTRUCTOR).user for _ in range(2)]
    sessions = [session_cookie(person) for person in instructors]
    target = gunicorn_url + url("extension_grant", course, student.pk)
    forms = [{"scope": "meeting", "meeting": meeting.pk, "until": f"2024-10-{18 + n % 4}T17:00"} for n in range(12)]

    with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(lambda n: post_as(target, sessions[n % 2], forms[n]), range(12)))

    assert all(status in (200, 302, 409) for status, _ in results), [status for status, _ in results]
    assert Extension.objects.filter(student=student, revoked_at__isnull=True).count() == 1
    assert Extension.objects.filter(student=student).count() == sum(status != 409 for status, _ in results)
