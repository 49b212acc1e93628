"""Starting a course of one's own: who may, the one-page form, what a new course holds."""

import datetime

import pytest
from django.urls import reverse

from courseapp.models import Course, Criterion, Meeting, Membership, Rubric

from ..asserts import htmx_to
from ..factories import CourseFactory, UserFactory

NEW = reverse("courseapp:course_new")


def form_data(**changes) -> dict:
    data = {
        "title": "CS 497 Reading Machine Learning",
        "term": "Winter 2027",
        "slug": "",
        "first_day": "2027-01-06",
        "last_day": "2027-03-10",
        "weekdays": ["2"],  # Wednesdays
        "class_starts_at": "14:00",
        "class_ends_at": "16:50",
        "time_zone": "America/Chicago",
        "days_off": "2027-02-17",
        "exam_date": "2027-03-12",
        "exam_starts_at": "09:00",
        "exam_ends_at": "11:00",
    }
    return data | changes


@pytest.fixture
def newcomer(db):
    return UserFactory(username="grace", first_name="Grace", last_name="Hopper")


class TestWhoMayCreate:
    def test_anyone_signed_up_by_default(self, newcomer, client_for):
        client = client_for(newcomer)
        assert "New course" in client.get(reverse("courseapp:course_list")).text
        assert client.get(NEW).status_code == 200

    def test_staff_only(self, newcomer, client_for, settings, admin_user):
        settings.COURSE_CREATORS = "staff"
        client = client_for(newcomer)
        assert "New course" not in client.get(reverse("courseapp:course_list")).text
        assert client.get(NEW).status_code == 403
        assert client.post(NEW, form_data()).status_code == 403
        assert not Course.objects.exists()
        assert client_for(admin_user).get(NEW).status_code == 200

    def test_granted_in_the_admin_or_by_command(self, newcomer, client_for, settings):
        from django.core.management import call_command

        settings.COURSE_CREATORS = "granted"
        client = client_for(newcomer)
        assert client.get(NEW).status_code == 403
        call_command("grant_course_creator", newcomer.email.upper())
        assert client.get(NEW).status_code == 200
        call_command("grant_course_creator", newcomer.email, "--revoke")
        assert client.get(NEW).status_code == 403

    def test_anonymous_is_sent_to_log_in(self, client, db):
        response = client.get(NEW)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


class TestCreate:
    def test_a_course_with_its_meetings_rules_and_rubrics(self, newcomer, client_for):
        response = client_for(newcomer).post(NEW, form_data())
        course = Course.objects.get()
        assert response.status_code == 302 and response["Location"] == course.get_absolute_url()
        assert course.slug == "cs-497-reading-machine-learning-winter-2027"
        assert course.time_zone == "America/Chicago"
        assert course.reviews_required == 20 and course.presenters_per_slot == 2
        assert Membership.objects.get(course=course).user == newcomer
        assert Membership.objects.get(course=course).role == "instructor"
        # Rubrics exist from the start: no page view has to make them.
        assert Rubric.objects.filter(course=course).count() == 4
        assert Criterion.objects.filter(rubric__course=course).count() > 4
        meetings = list(course.meetings.order_by("date"))
        # Wednesdays from Jan 6 to Mar 10 (10), the holiday as "no class", then the exam on Friday Mar 12.
        assert [m.date for m in meetings[:10]] == [
            datetime.date(2027, 1, 6) + datetime.timedelta(weeks=n) for n in range(10)
        ]
        kinds = {m.date: m.kind for m in meetings}
        assert kinds[datetime.date(2027, 2, 17)] == Meeting.Kind.NO_CLASS
        assert list(kinds.values()).count(Meeting.Kind.PAPERS) == 9
        exam = meetings[-1]
        assert (exam.date, exam.kind, exam.starts_at, exam.ends_at) == (
            datetime.date(2027, 3, 12), Meeting.Kind.EXAM, datetime.time(9), datetime.time(11),
        )  # fmt: skip
        assert course.exam_starts_at == datetime.datetime(2027, 3, 12, 9, tzinfo=course.tzinfo)

    def test_two_weekdays(self, newcomer, client_for):
        client_for(newcomer).post(
            NEW, form_data(weekdays=["1", "3"], days_off="", exam_date="", exam_starts_at="", exam_ends_at="")
        )
        dates = list(Course.objects.get().meetings.values_list("date", flat=True))
        assert {d.strftime("%a") for d in dates} == {"Tue", "Thu"}
        assert len(dates) == 18  # Thu Jan 7 to Tue Mar 9

    def test_htmx_create_redirects_the_browser(self, newcomer, client_for):
        response = client_for(newcomer).post(NEW, form_data(), headers=htmx_to("course_form"))
        assert response.status_code == 200
        assert response["HX-Redirect"] == Course.objects.get().get_absolute_url()

    def test_slug_suggestion_is_unique_and_keeps_an_edited_one(self, newcomer, client_for):
        CourseFactory(slug="cs-497-winter-2027")
        client = client_for(newcomer)
        headers = htmx_to("slug_field")
        suggested = client.get(NEW, {"title": "CS 497", "term": "Winter 2027", "slug": ""}, headers=headers)
        assert 'value="cs-497-winter-2027-2"' in suggested.text
        kept = client.get(
            NEW, {"title": "CS 497 b", "term": "Winter 2027", "slug": "mine", "suggested": "cs-497-winter-2027-2"},
            headers=headers,
        )  # fmt: skip
        assert 'value="mine"' in kept.text


class TestBadInput:
    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            ({"last_day": "2027-01-01"}, "last_day", "The last day comes before the first day."),
            ({"weekdays": []}, "weekdays", "Choose at least one weekday"),
            ({"last_day": "2029-03-10"}, "last_day", "Check the years"),
            ({"days_off": "Spring break"}, "days_off", "is not a date"),
            ({"exam_starts_at": ""}, "exam_date", "Give the exam&#x27;s day, start and end"),
            ({"class_ends_at": "13:00"}, "class_ends_at", "Class must end after it starts."),
            (
                {
                    "weekdays": ["5"],
                    "last_day": "2027-01-07",
                    "exam_date": "",
                    "exam_starts_at": "",
                    "exam_ends_at": "",
                },
                "weekdays",
                "No class day",
            ),
            ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "Select a valid choice"),
            ({"slug": "new"}, "slug", "is a page of the site"),
        ],
    )
    def test_refused_with_the_reason_by_the_field_and_nothing_lost(self, newcomer, client_for, changes, field, message):
        data = form_data(title="My seminar", **changes)
        response = client_for(newcomer).post(NEW, data, headers=htmx_to("course_form"))
        assert response.status_code == 400
        assert message in response.text
        assert 'value="My seminar"' in response.text  # what was typed is still there
        assert not Course.objects.exists()

    def test_a_taken_slug(self, newcomer, client_for):
        CourseFactory(slug="taken")
        response = client_for(newcomer).post(NEW, form_data(slug="taken"))
        assert response.status_code == 400
        assert "The address “taken” is taken by another course" in response.text
        assert Course.objects.count() == 1


class TestCopyPage:
    def test_copy_onto_a_taken_address_keeps_what_was_typed(self, course, instructor, client_for):
        CourseFactory(slug="taken")
        response = client_for(instructor).post(
            reverse("courseapp:course_copy", args=[course.slug]),
            {"title": "Next year", "term": "Fall 2025", "slug": "taken", "first_day": "2025-09-24"},
        )
        assert response.status_code == 400
        assert "The address “taken” is taken by another course" in response.text
        assert 'value="Next year"' in response.text and 'value="Fall 2025"' in response.text
        assert Course.objects.count() == 2

    def test_a_first_day_in_another_millennium_is_refused(self, course, instructor, client_for):
        response = client_for(instructor).post(
            reverse("courseapp:course_copy", args=[course.slug]),
            {"title": "Far", "term": "Fall 9999", "slug": "far", "first_day": "9999-12-29"},
        )
        assert response.status_code == 400 and "Choose a first day between 1990 and 2200." in response.text
        assert not Course.objects.filter(slug="far").exists()

    def test_the_copy_opens_on_its_own_home_with_the_instructor_alone(self, course, instructor, student, client_for):
        response = client_for(instructor).post(
            reverse("courseapp:course_copy", args=[course.slug]),
            {"title": course.title, "term": "Fall 2025", "slug": "", "first_day": "2025-09-24"},
            follow=True,
        )
        copy = Course.objects.get(term="Fall 2025")
        assert response.redirect_chain[-1][0] == copy.get_absolute_url()
        assert "Copied to Fall 2025" in response.text
        assert list(copy.memberships.values_list("user", flat=True)) == [instructor.pk]


class TestCourseList:
    def test_current_courses_first_and_archived_ones_under_past_courses(self, course, instructor, client_for):
        from django.utils import timezone

        old = CourseFactory(title="Last year's seminar", archived_at=timezone.now())
        Membership.objects.create(course=old, user=instructor, role="instructor", status="active")
        html = client_for(instructor).get(reverse("courseapp:course_list")).text
        assert html.index(course.title) < html.index("Past courses") < html.index("Last year&#x27;s seminar")

    def test_an_instructor_with_only_past_courses_is_not_told_they_have_none(self, instructor, course, client_for):
        from django.utils import timezone

        Course.objects.filter(pk=course.pk).update(archived_at=timezone.now())
        html = client_for(instructor).get(reverse("courseapp:course_list")).text
        assert "No current course." in html and "You are not in a course yet" not in html
