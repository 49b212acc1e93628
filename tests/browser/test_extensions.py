"""The instructor grants a student an extension from the gradebook; the student finds it on My reviews."""

import pytest
from playwright.sync_api import expect

from courseapp.models import Extension, Meeting, User
from courseapp.services.demo import demo_course_load

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    return demo_course_load().course


def test_instructor_grants_an_extension_for_a_meeting_and_the_student_sees_it(demo, new_page):
    student = User.objects.get(username="student01")
    meeting = demo.meetings.filter(kind=Meeting.Kind.PAPERS).order_by("date").first()
    staff = new_page()
    staff.login("instructor")
    page = staff.page
    page.goto(f"/courses/{demo.slug}/grades/")
    page.get_by_role("link", name="Extensions").click()
    page.get_by_role("link", name=student.display_name).click()
    expect(page.get_by_role("heading", name=f"Extensions for {student.display_name}")).to_be_visible()

    # The form shows the fields of the kind chosen: a reading for one review, a meeting for its reviews.
    expect(page.get_by_label("Reading:", exact=True)).to_be_visible()
    expect(page.get_by_label("Meeting:", exact=True)).to_be_hidden()
    page.get_by_label("Every review due at a meeting").check()
    expect(page.get_by_label("Reading:", exact=True)).to_be_hidden()
    expect(page.get_by_label("Extra time, in hours")).to_be_hidden()
    page.get_by_label("Meeting:", exact=True).select_option(str(meeting.pk))
    page.get_by_label("New deadline").fill("2024-12-01T17:00")
    page.get_by_label("Reason").fill("Accommodation letter of Sep 3")
    page.get_by_role("button", name="Grant").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Granted. Reviews due at the meeting of")
    expect(page.locator("#extensions ul.extensions li")).to_have_count(1)
    staff.screenshot("extensions-granted")
    until = Extension.objects.get(student=student).until.astimezone(demo.tzinfo)
    assert until.isoformat() == "2024-12-01T17:00:00-06:00", "read in the course's time zone"
    assert staff.errors == []

    mine = new_page()
    mine.login("student01")
    mine.page.goto(f"/courses/{demo.slug}/reviews/mine/")
    section = mine.page.get_by_role("region", name="Your extensions")
    expect(section).to_contain_text("Reviews due at the meeting of")
    expect(section).to_contain_text("due Sun Dec 1, 2024, 5:00 PM")
    expect(section).not_to_contain_text("Accommodation")
    mine.screenshot("extensions-my-reviews")
    assert mine.errors == []
