import pytest
from django.test import RequestFactory
from django.urls import reverse

from courseapp.models import Membership, Signup, User
from courseapp.services.demo import demo_course_load

from ..asserts import htmx_to
from ..factories import ListingFactory, MembershipFactory, SectionFactory, SignupFactory, SlotFactory


@pytest.fixture
def demo(db):
    return demo_course_load().course


@pytest.fixture
def taken_seat(demo):
    """student05 presents the first paper, student06 comments on it."""
    slot = demo.meetings.get(date="2024-10-09").slots.first()
    SignupFactory(slot=slot, student=User.objects.get(username="student05"), role=Signup.Role.PRESENTER, seat=1)
    SignupFactory(slot=slot, student=User.objects.get(username="student06"), role=Signup.Role.COMMENTATOR, seat=1)
    return slot


class TestCourseHome:
    def test_public_page_shows_description_assignments_and_schedule(self, demo, client):
        response = client.get(reverse("courseapp:course_home", args=[demo.slug]))
        html = response.content.decode()
        assert response.status_code == 200
        assert "WARNING: This course is about reading papers." in html
        assert "CS 449 Deep Learning" in html
        assert "20 one-page reviews" in html and "at least 15 of papers scheduled" in html
        assert "Fri Dec 13, 2024, 9 AM–11 AM" in html, (
            "the exam is shown in the course's time zone, with the year of a past term"
        )
        assert "Quantifying Memorization Across Neural Language Models" in html
        assert "Log in</a> or <a" in html

    def test_anonymous_sees_no_student_names(self, demo, taken_seat, client):
        html = client.get(reverse("courseapp:course_home", args=[demo.slug])).content.decode()
        html += client.get(reverse("courseapp:schedule", args=[demo.slug])).content.decode()
        assert "Emeka" not in html and "Farah" not in html and "student05" not in html
        assert html.count('class="seat taken">Taken') == 4

    def test_a_student_of_another_course_sees_no_names_either(self, demo, taken_seat, client_for, other_student):
        html = client_for(other_student).get(reverse("courseapp:schedule", args=[demo.slug])).content.decode()
        assert "Emeka" not in html and "Taken" in html

    def test_members_see_who_presents_and_comments(self, demo, taken_seat, client):
        client.login(request=RequestFactory().post("/accounts/login/"), username="student01", password="demo")
        html = client.get(reverse("courseapp:schedule", args=[demo.slug])).content.decode()
        assert "Emeka Eze" in html and "Farah Fayed" in html
        assert html.count('class="seat open"') == 78


class TestJoin:
    def test_htmx_request_swaps_in_the_pending_notice(self, course, outsider, client_for):
        client = client_for(outsider)
        response = client.post(
            reverse("courseapp:course_join", args=[course.slug]),
            {"note": "PhD student, took CS 449."},
            headers=htmx_to("join"),
        )
        assert response.status_code == 200
        assert response.content.decode().lstrip().startswith('<div id="join">')
        assert "You asked to join this course" in response.content.decode()
        membership = Membership.objects.get(course=course, user=outsider)
        assert (membership.status, membership.request_note) == ("pending", "PhD student, took CS 449.")

    def test_without_javascript_it_redirects_with_a_message(self, course, outsider, client_for):
        response = client_for(outsider).post(reverse("courseapp:course_join", args=[course.slug]), follow=True)
        assert "Your request to join was sent" in response.content.decode()

    def test_declined_user_may_ask_again(self, course, outsider, client_for):
        MembershipFactory(course=course, user=outsider, status=Membership.Status.DECLINED)
        client = client_for(outsider)
        page = client.get(reverse("courseapp:course_home", args=[course.slug])).content.decode()
        assert "Your earlier request was declined" in page
        client.post(reverse("courseapp:course_join", args=[course.slug]), {"note": "Now I took CS 449."})
        assert Membership.objects.get(course=course, user=outsider).status == "pending"

    def test_an_overlong_note_is_refused_and_kept(self, course, outsider, client_for):
        note = "x" * 2001
        response = client_for(outsider).post(
            reverse("courseapp:course_join", args=[course.slug]),
            {"note": note},
            headers=htmx_to("join"),
        )
        assert response.status_code == 400
        assert "at most 2000 characters" in response.content.decode()
        assert note in response.content.decode()
        assert not Membership.objects.filter(user=outsider).exists()


class TestCourseList:
    def test_my_courses_first_then_the_others(self, course, student, client_for):
        other = MembershipFactory(course__title="Another seminar").course
        MembershipFactory(course__title="Pending seminar", user=student, status="pending")
        html = client_for(student).get(reverse("courseapp:course_list")).content.decode()
        mine, others = html.split("Other courses")
        assert course.title in mine and other.title not in mine
        assert other.title in others and "Pending seminar" in others and "Request pending" in others


class TestQueryCounts:
    """The schedule and the reading list cost the same number of queries for 2 or 200 students."""

    def _schedule_queries(self, course, client, django_assert_num_queries, n_students):
        slots = [SlotFactory(meeting__course=course) for _ in range(3)]
        students = [MembershipFactory(course=course).user for _ in range(n_students)]
        for i, student in enumerate(students[: len(slots) * 2]):
            SignupFactory(slot=slots[i // 2], student=student, seat=i % 2 + 1)
        client.force_login(students[0])
        # session, user, the course, my membership (courseapp/caching.py keeps both for the next page);
        # meetings, slots, sign-ups, held seats, waitlists, my reviews (for "Write a review"); "my term":
        # my sign-ups and their slots' sign-ups, invitations, waitlist places, swaps, notices, classmates
        with django_assert_num_queries(17):
            response = client.get(reverse("courseapp:schedule", args=[course.slug]))
        assert response.status_code == 200

    @pytest.mark.parametrize("n_students", [2, 60])
    def test_schedule(self, course, client, django_assert_num_queries, n_students):
        self._schedule_queries(course, client, django_assert_num_queries, n_students)

    @pytest.mark.parametrize("n_readings", [1, 80])
    def test_reading_list(self, course, student, client, django_assert_num_queries, n_readings):
        sections = [SectionFactory(course=course), SectionFactory(course=course)]
        sections.append(SectionFactory(course=course, parent=sections[0]))
        for i in range(n_readings):
            ListingFactory(section=sections[i % 3])
        client.force_login(student)
        # session, user, the course, my membership, sections, listings per section, listings with
        # readings, unlisted scheduled readings, the schedule's slots (badges), my reviews
        with django_assert_num_queries(10):
            response = client.get(reverse("courseapp:reading_list", args=[course.slug]))
        assert response.content.decode().count('class="reading"') == n_readings

    def test_demo_reading_list_renders_every_section_in_order(self, demo, client):
        client.login(request=RequestFactory().post("/accounts/login/"), username="student01", password="demo")
        html = client.get(reverse("courseapp:reading_list", args=[demo.slug])).content.decode()
        assert html.count('class="reading"') == 144 + 3
        assert (
            html.index("Lecture Slides and Notebooks")
            < html.index("Adding Memory/Scratch Space")
            < html.index("Structured State Space Models")
        )
        assert "Also on the schedule" in html and "Should melodies be copyrightable?" in html
