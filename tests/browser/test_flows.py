import pytest
from playwright.sync_api import expect

from courseapp.models import Membership
from courseapp.services.demo import demo_course_load

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    return demo_course_load().course


def test_student_logs_in_and_sees_the_schedule_with_open_seats(demo, new_page):
    tab = new_page()
    tab.login("student01")
    page = tab.page
    page.get_by_role("link", name="CS 496 Deep Generative Models").click()
    page.get_by_role("navigation", name="Course").get_by_role("link", name="Schedule").click()
    expect(page.get_by_role("heading", name="Schedule")).to_be_visible()
    row = page.locator("tr.slot", has_text="Quantifying Memorization Across Neural Language Models")
    expect(row.locator(".seat.open")).to_have_count(4)
    expect(page.locator(".seat.open")).to_have_count(80)
    expect(page.locator("tr.slot", has_text="Pong from Pixels").get_by_text("Blog post")).to_be_visible()
    tab.screenshot("schedule-student")
    assert tab.errors == []


def test_newcomer_signs_up_asks_to_join_and_the_instructor_approves_inline(demo, new_page):
    newcomer = new_page()
    page = newcomer.page
    page.goto("/signup/")
    page.fill("input[name=first_name]", "Grace")
    page.fill("input[name=last_name]", "Hopper")
    page.fill("input[name=email]", "grace@example.edu")
    page.fill("input[name=password1]", "a-long-passphrase")
    page.fill("input[name=password2]", "a-long-passphrase")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("link", name="CS 496 Deep Generative Models").click()
    page.fill("textarea[name=note]", "PhD student; I took CS 449.")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Ask to join").click()
    expect(page.get_by_text("You asked to join this course.")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True, "htmx swapped the panel without a page load"

    instructor = new_page()
    instructor.login("instructor")
    instructor.page.goto(f"/courses/{demo.slug}/members/")
    row = instructor.page.locator("tr", has_text="Grace Hopper")
    expect(row).to_contain_text("PhD student; I took CS 449.")
    instructor.screenshot("members-pending")
    row.get_by_role("button", name="Approve").click()
    expect(row.get_by_text("Approved")).to_be_visible()
    assert Membership.objects.get(user__email="grace@example.edu").status == "active"

    page.get_by_role("navigation", name="Course").get_by_role("link", name="Course").click()
    page.get_by_role("navigation", name="Course").get_by_role("link", name="Readings").click()
    expect(page.get_by_role("heading", name="Reading list")).to_be_visible()
    newcomer.screenshot("readings-student")
    assert newcomer.errors == [] and instructor.errors == []
