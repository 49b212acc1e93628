import datetime
import zoneinfo

from django.urls import reverse

from courseapp.forms import CourseSettingsForm


def form_data(course, **changes):
    """The settings form as the page would post it, unchanged but for ``changes``."""
    form = CourseSettingsForm(instance=course)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        data[name] = field.prepare_value(value) if name == "grade_scale" else ("" if value is None else value)
    return data | changes


class TestCourseSettings:
    def test_instructor_changes_the_rules(self, course, instructor, client_for):
        client = client_for(instructor)
        url = reverse("courseapp:course_settings", args=[course.slug])
        data = form_data(
            course,
            review_word_limit=750,
            late_policy="refuse",
            exam_starts_at="2024-12-13T09:00",
            exam_ends_at="2024-12-13T11:00",
        )
        response = client.post(url, data, follow=True)
        assert "Course settings saved." in response.content.decode()
        course.refresh_from_db()
        assert (course.review_word_limit, course.late_policy) == (750, "refuse")
        # Typed in the course's zone, stored as that instant.
        assert course.exam_starts_at == datetime.datetime(2024, 12, 13, 9, tzinfo=zoneinfo.ZoneInfo("America/Chicago"))
        home = client.get(reverse("courseapp:course_home", args=[course.slug])).content.decode()
        assert "at most 750 words" in home and "Late reviews are not accepted." in home

    def test_a_sign_up_window_outside_the_term_is_saved_with_a_warning(self, course, instructor, client_for):
        url = reverse("courseapp:course_settings", args=[course.slug])
        data = form_data(course, signup_opens_at="2024-09-20T09:00", signup_closes_at="2025-01-20T09:00")
        page = client_for(instructor).post(url, data, follow=True).content.decode()
        assert "Course settings saved." in page
        assert (
            '<p class="flash flash-warning" role="status">Check this: Sign-ups close Mon Jan 20, 2025, 9:00 AM, '
            "outside the term (Sep 25, 2024 to Dec 13, 2024).</p>"
        ) in page
        assert page.count("Check this:") == 1  # opening five days before the term is fine
        course.refresh_from_db()
        assert course.signup_closes_at.month == 1

    def test_points_must_add_up_to_100_and_the_form_keeps_what_was_typed(self, course, instructor, client_for):
        response = client_for(instructor).post(
            reverse("courseapp:course_settings", args=[course.slug]),
            form_data(course, review_points=50, title="Renamed seminar"),
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert "The four components must add up to 100 points." in html
        assert 'value="Renamed seminar"' in html and 'value="50"' in html
        course.refresh_from_db()
        assert (course.review_points, course.title) == (40, course.title)

    def test_grade_scale_is_edited_as_lines(self, course, instructor, client_for):
        client = client_for(instructor)
        url = reverse("courseapp:course_settings", args=[course.slug])
        assert "A- 90\nB+ 87" in client.get(url).content.decode()
        client.post(url, form_data(course, grade_scale="A 90\nB 80\nC 70\nF 0"))
        course.refresh_from_db()
        assert course.grade_scale == [["A", 90], ["B", 80], ["C", 70], ["F", 0]]

    def test_a_bad_grade_scale_is_explained(self, course, instructor, client_for):
        url = reverse("courseapp:course_settings", args=[course.slug])
        client = client_for(instructor)
        cases = {
            "A 90\nB 95\nF 0": "Percentages must fall",
            "A 90\nB 80": "The last grade must start at 0%.",
            "A ninety\nF 0": "Line 1: write a letter",
            "A 90\nA 80\nF 0": "Each letter must appear once.",
        }
        for scale, message in cases.items():
            response = client.post(url, form_data(course, grade_scale=scale))
            assert response.status_code == 400 and message in response.content.decode(), scale

    def test_nav_shows_settings_to_the_instructor_only(self, course, instructor, ta, client_for):
        url = reverse("courseapp:course_home", args=[course.slug])
        assert ">Settings</a>" in client_for(instructor).get(url).content.decode()
        assert ">Settings</a>" not in client_for(ta).get(url).content.decode()


def test_the_settings_speak_the_instructors_language(course, instructor, client_for):
    html = client_for(instructor).get(reverse("courseapp:course_settings", args=[course.slug])).content.decode()
    for label in ("Sign-ups open", "1-on-1, days before the talk", "Largest slides file (MB)",
                  "Reviews (points of 100)", "Minutes per exam slot"):  # fmt: skip
        assert f">{label}:</label>" in html, label
    for field_name in ("Signup opens at", "One on one days before", "Slides max mb"):
        assert field_name not in html
