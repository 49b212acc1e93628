"""A brand-new instructor starts a course of their own and runs its first week, in Chromium."""

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from courseapp.models import Course, Meeting, Membership, Reading, Review, Signup

from .conftest import SUBMITTED

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


class Clicks:
    """Clicks a person makes, counted: the instructor's part of the flow must stay short."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator):
        self.count += 1
        locator.click()


def next_wednesday(after: datetime.date) -> datetime.date:
    return after + datetime.timedelta(days=(2 - after.weekday()) % 7 or 7)


def test_a_new_instructor_starts_a_course_and_a_student_joins_and_submits_a_review(
    new_page, transactional_db, settings
):
    settings.COURSE_CREATORS = "anyone"
    today = timezone.localdate()
    first = next_wednesday(today)
    last = first + datetime.timedelta(weeks=9)
    holiday = first + datetime.timedelta(weeks=5)
    click = Clicks()

    tab = new_page()
    page = tab.page
    # Sign up: a brand-new user, no course yet.
    tab.sign_up("Grace", "Hopper", "grace@uni.edu")
    click.count += 1  # the "Sign up" button

    # A new course: Wednesdays for ten weeks, with a holiday.
    click(page.get_by_role("button", name="New course"))  # a link styled as a button
    page.locator("#id_title").fill("CS 497 Reading Generative AI")
    page.locator("#id_term").fill("Winter 2027")
    page.locator("#id_term").dispatch_event("change")
    expect(page.locator("#id_slug")).to_have_value("cs-497-reading-generative-ai-winter-2027")
    page.locator("#id_first_day").fill(first.isoformat())
    page.locator("#id_last_day").fill(last.isoformat())
    click(page.get_by_label("Wed"))
    page.get_by_label("Find a time zone").fill("chicago")
    page.locator("#id_time_zone").select_option("America/Chicago")
    page.locator("#id_days_off").fill(holiday.isoformat())
    tab.screenshot("course-new")
    click(page.get_by_role("button", name="Create the course"))
    expect(page.get_by_role("heading", name="Getting started")).to_be_visible()
    course = Course.objects.get(slug="cs-497-reading-generative-ai-winter-2027")
    assert course.meetings.count() == 10
    assert course.meetings.get(date=holiday).kind == Meeting.Kind.NO_CLASS
    tab.screenshot("course-checklist")

    # The checklist leads: the reading list first.
    click(page.locator("#checklist a", has_text="Import a reading list"))
    page.set_input_files("input[name=file]", str(FIXTURES / "genai-roadmap.md"))
    click(page.locator("main").get_by_role("button", name="Preview the import"))
    click(page.locator("main").get_by_role("button", name="Import", exact=True))
    expect(page.get_by_text(re.compile(r"Imported: \d+ new"))).to_be_visible()

    # Three papers into each of the first four meetings.
    click(page.get_by_role("navigation", name="Course").get_by_role("link", name="Course", exact=True))
    click(page.locator("#checklist a", has_text="Put papers into meetings"))
    papers = list(Reading.objects.filter(course=course, kind="paper").order_by("pk")[:12])
    cards = [f"#edit-meeting-{pk}" for pk in course.meetings.order_by("date").values_list("pk", flat=True)[:4]]
    for n, reading in enumerate(papers):
        card = page.locator(cards[n // 3])
        card.get_by_label("Add a reading").fill(reading.title[:40])
        result = card.locator(".picker li", has_text=reading.title[:40]).first
        click(result.get_by_role("button", name="Add"))
        expect(page.locator(cards[n // 3]).locator(".agenda")).to_contain_text(reading.title[:40])
        tab.settled()

    # The sign-up window, from the checklist.
    click(page.get_by_role("navigation", name="Course").get_by_role("link", name="Course", exact=True))
    click(page.locator("#checklist a", has_text="Set when sign-ups open"))
    opens, closes = (
        timezone.localtime(timezone=course.tzinfo) - datetime.timedelta(hours=1),
        timezone.now() + datetime.timedelta(days=7),
    )
    page.locator("input[name=signup_opens_at]").fill(opens.strftime("%Y-%m-%dT%H:%M"))
    page.locator("input[name=signup_closes_at]").fill(
        timezone.localtime(closes, course.tzinfo).strftime("%Y-%m-%dT%H:%M")
    )
    click(page.get_by_role("button", name="Save settings"))
    expect(page.get_by_text("Course settings saved.")).to_be_visible()

    # Three students, pasted with their names.
    click(page.get_by_role("navigation", name="Course").get_by_role("link", name="Members"))
    page.locator("#id_addresses").fill("Alan Turing <alan@uni.edu>\nLovelace, Ada, ada@uni.edu\nkatherine@uni.edu")
    click(page.locator("#bulk_add").get_by_role("button", name="Add"))
    expect(page.locator("#bulk_add")).to_contain_text("Made accounts for and invited 3")
    assert Membership.objects.filter(course=course, role="student", status="active").count() == 3
    instructor_clicks = click.count

    # A student signs up and asks to join; the instructor admits them from the badge.
    student = new_page()
    spage = student.page
    student.sign_up("Dana", "Dvořák", "dana@uni.edu")
    student.confirm_email("dana@uni.edu")
    spage.get_by_role("link", name="CS 497 Reading Generative AI").click()
    spage.fill("textarea[name=note]", "Second-year PhD student.")
    spage.get_by_role("button", name="Ask to join").click()
    expect(spage.get_by_text("You asked to join this course.")).to_be_visible()
    assert any("asked to join" in message.subject for message in mail.outbox)

    page.goto(f"/courses/{course.slug}/")
    badge = page.get_by_role("navigation", name="Course").locator(".badge", has_text="1")
    expect(badge).to_be_visible()
    click(badge)
    click(page.locator("tr", has_text="Dana Dvořák").get_by_role("button", name="Approve"))
    expect(page.locator("tr", has_text="Dana Dvořák")).to_contain_text("Approved")
    expect(page.locator("#requests-badge .badge")).to_have_count(0)  # the badge follows, without a reload
    assert any(m.to == ["dana@uni.edu"] and "admitted" in m.subject for m in mail.outbox)
    instructor_clicks = click.count
    print(f"The instructor needed {instructor_clicks} clicks")
    assert instructor_clicks < 40, f"the instructor needed {instructor_clicks} clicks"

    # The student takes a seat and submits a review.
    spage.goto(f"/courses/{course.slug}/schedule/")
    title = papers[0].title
    row = spage.locator("tr.slot", has_text=title[:40])
    row.get_by_role("button", name="Present").click()
    expect(spage.locator("tr.slot", has_text=title[:40])).to_contain_text("Dana Dvořák")
    assert Signup.objects.filter(student__email="dana@uni.edu", role="presenter").count() == 1
    spage.goto(f"/courses/{course.slug}/readings/{papers[1].pk}/review/")
    spage.get_by_label("Your review").fill("A clear paper with one weak experiment. " * 5)
    expect(spage.locator("#save-status")).to_contain_text("Draft saved at")
    spage.get_by_label("I wrote this review myself, without a generative model.").check()
    spage.get_by_role("button", name="Submit the review").click()
    expect(spage.locator("#editor")).to_contain_text(SUBMITTED)
    assert Review.objects.get(student__email="dana@uni.edu").submitted_at is not None
    tab.screenshot("course-members")
    # Removing a student updates the roster's count in place.
    page.goto(f"/courses/{course.slug}/members/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("tr", has_text="katherine@uni.edu").get_by_role("button", name="Remove").click()
    expect(page.locator("tr", has_text="katherine@uni.edu")).to_contain_text("Removed")
    expect(page.locator("#member-count")).to_contain_text("3 students")
    assert tab.errors == [] and student.errors == []


def test_instructor_copies_the_demo_to_a_new_term_and_imports_its_calendar_again(transactional_db, new_page):
    from courseapp.services.demo import demo_course_load

    demo = demo_course_load().course
    tab = new_page()
    tab.login("instructor")
    page = tab.page
    page.goto(f"/courses/{demo.slug}/settings/")
    page.get_by_role("button", name="Copy to a new term").click()  # a link styled as a button
    page.locator("#id_term").fill("Fall 2027")
    page.locator("#id_slug").fill("cs496-fall-2027")
    page.locator("#id_first_day").fill("2027-09-22")
    tab.screenshot("course-copy")
    page.get_by_role("button", name="Copy the course").click()
    expect(page.get_by_text("Copied to Fall 2027")).to_be_visible()
    copy = Course.objects.get(slug="cs496-fall-2027")
    assert copy.meetings.order_by("date").first().date.isoformat() == "2027-09-22"

    # The copy's schedule emptied, then imported from the course page's calendar text.
    copy.meetings.all().delete()
    page.goto(f"/courses/{copy.slug}/schedule/edit/")
    page.get_by_role("button", name="Import a calendar").click()
    text = (FIXTURES / "cs496-course-page.txt").read_text(encoding="utf-8")
    page.locator("#id_text").fill(text.replace("Fall 2024", "Fall 2027"))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name="Preview the calendar")).to_be_visible()
    expect(page.locator(".import-summary")).to_contain_text("12 new meetings")
    expect(page.locator(".import-summary")).to_contain_text("20 papers")
    expect(page.locator(".warnings")).to_contain_text("12 meetings fall outside the course's term")
    tab.screenshot("calendar-preview")
    page.get_by_role("button", name="Import the calendar").click()
    expect(page.get_by_text("Calendar imported: 12 new meetings")).to_be_visible()
    assert copy.meetings.count() == 12
    assert tab.errors == []
