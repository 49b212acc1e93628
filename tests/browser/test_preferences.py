"""The preference round in Chromium: a student ranks on a phone, the instructor runs, previews and publishes."""

import datetime
import random

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courseapp.models import AssignmentRun, Signup, Slot
from courseapp.selectors import course_students
from courseapp.services import preferences as service
from courseapp.services.demo import demo_course_load

from ..workers import celery_worker

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def course(transactional_db):
    course = demo_course_load().course
    Signup.objects.filter(slot__meeting__course=course).delete()
    course.signup_mode = course.SignupMode.PREFERENCES
    course.signup_opens_at = timezone.now() - datetime.timedelta(days=1)
    course.signup_closes_at = timezone.now() + datetime.timedelta(days=1)
    course.commentators_per_slot, course.min_choices = 3, 3  # room for two commentaries each
    course.save()
    return course


def test_a_student_ranks_on_a_phone_and_sees_the_seat_the_run_gave_them(course, new_page, broker, tmp_path):
    papers = list(Slot.objects.filter(meeting__course=course, kind="paper").order_by("meeting__date", "position"))
    students = list(course_students(course))
    me = next(s for s in students if s.username == "student01")
    rng = random.Random(4)
    for other in students:
        if other != me:
            for kind, count in (("present", 3), ("comment", 4)):
                for slot in rng.sample(papers, count):
                    service.ranking_change(course=course, student=other, kind=kind, action="add", slot_id=slot.pk)

    phone = new_page(PHONE)
    phone.login("student01")
    page = phone.page
    page.goto(f"/courses/{course.slug}/schedule/")
    page.get_by_role("button", name="Rank the papers").click()  # a link styled as a button
    expect(page.get_by_role("heading", name="Rank the papers")).to_be_visible()
    # The site's and the course's navigation leave the phone's screen to the page (they took 328 px).
    assert page.evaluate("document.querySelector('main').getBoundingClientRect().top") < 220
    first, second, third = papers[3], papers[7], papers[11]
    for slot in (first, second, third):
        page.get_by_role("button", name=f"Present: {slot.display_title}").click()
        phone.settled()
    expect(page.locator("#present-heading")).to_contain_text("3 of at least 3")
    page.get_by_role("button", name=f"Move up: {third.display_title}").click()  # third becomes second
    phone.settled()
    expect(page.locator("#ranking")).to_contain_text("Still a draft: rank 4 more to comment on.")
    for slot in papers[12:16]:
        page.get_by_role("button", name=f"Comment: {slot.display_title}").click()
        phone.settled()
    expect(page.locator("#ranking")).to_contain_text("Your ranking is complete")
    present = page.locator("section.choice-list").first.locator("ol > li")
    expect(present.nth(1)).to_contain_text(third.display_title)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing runs off the side
    phone.screenshot("ranking-phone")
    page.reload()  # saved on the server, not only on the page
    expect(page.locator("#ranking")).to_contain_text("Complete.")

    course.signup_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    course.save(update_fields=["signup_closes_at"])
    with celery_worker(tmp_path):
        desk = new_page()
        desk.login("instructor")
        page = desk.page
        page.goto(f"/courses/{course.slug}/schedule/edit/")
        page.get_by_role("button", name="Seat assignment").click()
        expect(page.get_by_role("heading", name="Rankings")).to_contain_text("24 of 24 students complete")
        page.fill("#seed", "lucky")
        page.get_by_role("button", name="Run the assignment").click()
        assert page.locator("#seed").evaluate("seed => seed.validity.patternMismatch"), "the browser asks for a number"
        page.fill("#seed", "11")
        page.get_by_role("button", name="Run the assignment").click()
        expect(page.get_by_role("button", name="Publish these seats")).to_be_visible(timeout=30000)  # polled
        expect(page.locator("svg.bar-chart")).to_have_count(2)
        expect(page.locator("table.compare")).to_contain_text("A lottery (random serial dictatorship)")
        desk.screenshot("assignment-preview")
        page.get_by_role("button", name="Publish these seats").click()
        expect(page.locator("#assignment-run")).to_contain_text("seats; every student was told theirs.")
    assert AssignmentRun.objects.get(course=course).status == "published"

    seat = Signup.objects.get(student=me, role="presenter")
    page = phone.page
    page.reload()
    expect(page.locator(".outcomes")).to_contain_text(f"You present {seat.slot.display_title}")
    phone.screenshot("ranking-phone-published")
    page.goto(f"/courses/{course.slug}/schedule/")
    expect(page.locator(f"#slot-{seat.slot_id}")).to_contain_text(me.display_name)
    assert phone.errors == [] and desk.errors == []
