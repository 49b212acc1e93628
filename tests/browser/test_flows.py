import re
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from courseapp.models import Listing, Membership, Reading, Review, Section, Signup, Slot, User
from courseapp.selectors import FIRST_OF_SECTION
from courseapp.services.demo import demo_course_load

from ..linkserver import LinkServer
from ..workers import celery_worker
from .conftest import SUBMITTED

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


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
    newcomer.sign_up("Grace", "Hopper", "grace@example.edu")
    expect(page.locator(".confirm-email")).to_contain_text("Confirm your e-mail address")
    newcomer.confirm_email("grace@example.edu")
    expect(page.locator(".confirm-email")).to_have_count(0)
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


def test_presenter_invites_a_partner_who_accepts_and_a_third_student_joins_the_waitlist(demo, new_page):
    title = "The Curious Case of Neural Text Degeneration"

    ada = new_page()
    ada.login("student01")
    ada.page.goto(f"/courses/{demo.slug}/schedule/")
    row = ada.page.locator("tr.slot", has_text=title)
    row.get_by_role("button", name="Present").click()
    expect(row.get_by_text("You are now a presenter of this paper.")).to_be_visible()
    panel = ada.page.locator("#my-term")
    expect(panel).to_contain_text(title)
    panel.get_by_label("Invite a partner").select_option(label="Bruno Bianchi")
    panel.get_by_role("button", name="Invite").click()
    expect(ada.page.locator("tr.slot", has_text=title)).to_contain_text("Held for Bruno Bianchi")

    bruno = new_page()
    bruno.login("student02")
    bruno.page.goto(f"/courses/{demo.slug}/schedule/")
    invitation = bruno.page.locator("#my-term li", has_text="Ada Achebe invites you to present")
    expect(invitation).to_be_visible()
    invitation.get_by_role("button", name="Accept").click()
    expect(bruno.page.locator("#my-term")).to_contain_text("with Ada Achebe")
    expect(bruno.page.locator("tr.slot", has_text=title).locator(".seat.taken")).to_have_count(2)

    chen = new_page()
    chen.login("student03")
    chen.page.goto(f"/courses/{demo.slug}/schedule/")
    row = chen.page.locator("tr.slot", has_text=title)
    expect(row.get_by_role("button", name="Present")).to_have_count(0)
    row.get_by_role("button", name="Join the waitlist").first.click()
    expect(row).to_contain_text("You are number 1 in line.")
    chen.screenshot("schedule-waitlist")

    # Ada gives up her seat: Chen, first in line, gets it and is told.
    ada.page.reload()
    ada.page.locator("tr.slot", has_text=title).get_by_role("button", name="Give up my seat").click()
    expect(ada.page.locator("tr.slot", has_text=title)).to_contain_text("You gave up your seat.")
    chen.page.reload()
    expect(chen.page.locator("#my-term")).to_contain_text("freed up and is now yours")
    expect(chen.page.locator("#my-term")).to_contain_text("with Bruno Bianchi")
    assert ada.errors == [] and bruno.errors == [] and chen.errors == []


def test_instructor_builds_a_meeting_in_the_editor(demo, new_page):
    tab = new_page()
    tab.login("instructor")
    page = tab.page
    page.goto(f"/courses/{demo.slug}/schedule/edit/")
    card = page.locator("article.meeting-card", has_text="No class: read some papers!")
    card.get_by_label("Add a reading").fill("mamba")
    result = card.locator(".picker li", has_text="Mamba: Linear-Time Sequence Modeling")
    expect(result).to_be_visible()
    result.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    assert before > 2000, "the meeting is far down the term"
    result.get_by_role("button", name="Add").click()
    card = page.locator("article.meeting-card", has_text="No class: read some papers!")
    expect(card.locator(".agenda")).to_contain_text("Mamba: Linear-Time Sequence Modeling")
    expect(card.locator(".flash-success")).to_contain_text("Added")  # said next to what changed
    tab.settled()
    expect(card.locator(".flash-success")).to_be_in_viewport()
    assert abs(page.evaluate("window.scrollY") - before) < 300, "the page stays where the user was"
    assert page.locator("#editor > .flash").count() == 0

    # The meeting's form and a slot's seat forms load when asked for.
    card = page.locator("article.meeting-card", has_text="No class: read some papers!")
    card.get_by_text("Edit date, kind, topic").click()
    card.get_by_label("Topic").fill("Read some papers: state spaces")
    card.get_by_role("button", name="Save meeting").click()
    card = page.locator("article.meeting-card", has_text="Read some papers: state spaces")
    expect(card.locator(".flash-success")).to_contain_text("Saved the meeting")
    tab.settled()
    card = page.locator("article.meeting-card", has_text="Read some papers: state spaces")
    slot = card.locator("li", has_text="Mamba: Linear-Time Sequence Modeling")
    slot.get_by_role("link", name="Assign, move or remove students").click()
    slot.get_by_label("Student for “Mamba: Linear-Time Sequence Modeling").select_option(index=1)
    slot.get_by_role("button", name="Assign").click()
    expect(card.locator(".flash-success")).to_contain_text("is now a presenter")
    expect(card.locator(".flash-success")).to_be_in_viewport()
    expect(page.locator("article.meeting-card", has_text="state spaces")).to_contain_text("Ada Achebe presenter")
    tab.screenshot("schedule-editor")

    # Opened again, the editor is kept for this session until the schedule changes: it shows every
    # change made above, and what is done from the kept copy takes effect and shows on the next visit.
    for _ in range(2):
        page.reload()
        card = page.locator("article.meeting-card", has_text="Read some papers: state spaces")
        expect(card).to_contain_text("Ada Achebe presenter")
    card.get_by_text("Edit date, kind, topic").click()
    card.get_by_label("Topic").fill("State space models")
    card.get_by_role("button", name="Save meeting").click()
    expect(page.locator("article.meeting-card", has_text="State space models")).to_contain_text("Saved the meeting")
    page.reload()
    expect(page.locator("article.meeting-card", has_text="State space models")).to_contain_text("Ada Achebe presenter")
    page.goto(f"/courses/{demo.slug}/schedule/")
    expect(page.locator("#schedule-table")).to_contain_text("State space models")
    assert tab.errors == []


def test_student_writes_a_review_that_autosaves_survives_a_reload_and_is_submitted(demo, new_page):
    reading = Reading.objects.get(course=demo, arxiv_id="2301.10226")
    tab = new_page()
    tab.login("student05")
    page = tab.page
    page.goto(f"/courses/{demo.slug}/readings/")
    page.locator(f"#listing-{reading.listings.first().pk}").get_by_role("link", name="write a review").click()
    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    page.wait_for_load_state()  # htmx and the editor's script listen from the load on; typing before is lost

    editor = page.get_by_label("Your review")
    editor.fill("The watermark **biases** sampling toward a green list.")
    expect(page.locator("#save-status")).to_contain_text("Draft saved at")
    expect(page.locator("#save-status")).to_contain_text("8 of 600 words")
    expect(page.locator("#preview strong")).to_have_text("biases")

    page.reload()
    expect(page.get_by_label("Your review")).to_have_value("The watermark **biases** sampling toward a green list.")

    attest = page.get_by_label("I wrote this review myself, without a generative model.")
    page.get_by_role("button", name="Submit the review").click()
    assert attest.evaluate("box => box.validity.valueMissing"), "the browser asks for the attestation first"
    assert Review.objects.get(reading=reading, student__username="student05").submitted_at is None
    attest.check()
    page.get_by_role("button", name="Submit the review").click()
    expect(page.locator("#editor")).to_contain_text(SUBMITTED)
    review = Review.objects.get(reading=reading, student__username="student05")
    assert review.text == "The watermark **biases** sampling toward a green list." and review.is_late
    tab.screenshot("review-submitted")
    assert tab.errors == []


def test_text_typed_while_offline_is_kept_and_saved_when_the_connection_returns(demo, new_page):
    reading = Reading.objects.get(course=demo, arxiv_id="2301.10226")
    tab = new_page()
    tab.login("student06")
    page = tab.page
    page.goto(f"/courses/{demo.slug}/readings/{reading.pk}/review/")
    tab.context.set_offline(True)
    page.get_by_label("Your review").fill("Written on a train without network.")
    expect(page.locator("#save-status")).to_contain_text("No connection: your text is kept in this browser")
    assert not Review.objects.filter(student__username="student06").exists()
    tab.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#save-status")).to_contain_text("Draft saved at")
    assert Review.objects.get(student__username="student06").draft == "Written on a train without network."
    tab.errors.clear()  # the failed request while offline is logged by the browser, as it should be


def test_text_typed_after_the_session_expired_survives_the_new_login(demo, new_page):
    reading = Reading.objects.get(course=demo, arxiv_id="2301.10226")
    tab = new_page()
    tab.login("student07")
    page = tab.page
    page.goto(f"/courses/{demo.slug}/readings/{reading.pk}/review/")
    Session.objects.all().delete()  # the session expires on the server while the student writes
    page.get_by_label("Your review").fill("Written after my session ended.")
    expect(page.locator("#save-status")).to_contain_text("You were logged out. Log in again")
    assert not Review.objects.filter(student__username="student07").exists()

    tab.login("student07")
    page.goto(f"/courses/{demo.slug}/readings/{reading.pk}/review/")
    expect(page.get_by_label("Your review")).to_have_value("Written after my session ended.")
    expect(page.locator("#save-status")).to_contain_text("Draft saved at")
    assert Review.objects.get(student__username="student07").draft == "Written after my session ended."
    tab.errors.clear()  # the refused autosave (401) is logged by the browser, as it should be


def test_instructor_imports_a_list_previews_it_and_curates_a_reading_inline(demo, new_page):
    tab = new_page()
    tab.login("instructor")
    page = tab.page
    page.goto(f"/courses/{demo.slug}/readings/")
    page.get_by_role("button", name="Import a list").click()
    page.set_input_files("input[name=file]", str(FIXTURES / "genai-roadmap.md"))
    page.locator("main").get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name="Preview the import")).to_be_visible()
    expect(page.locator(".import-summary")).to_contain_text("15 new readings")
    expect(page.get_by_text("Line 113: the section “Prompting” has no readings")).to_be_visible()
    tab.screenshot("import-preview")
    assert Reading.objects.filter(course=demo).count() == 144, "nothing is written before the confirmation"
    # CLIP and ViT are on the schedule: the file's other titles and CLIP's PMLR link are held back.
    expect(page.get_by_role("heading", name="The file says otherwise about 2 readings you own")).to_be_visible()
    page.locator("main").get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("Imported: 15 new, 4 updated, 2 unchanged.")).to_be_visible()
    clip = Reading.objects.get(course=demo, arxiv_id="2103.00020")
    assert clip.url == "https://arxiv.org/abs/2103.00020", "a scheduled reading keeps its link"
    assert Reading.objects.filter(course=demo).count() == 159

    row = page.locator("li.reading", has_text="Teacher Forcing vs Scheduled Sampling vs Normal Mode")
    page.evaluate("window.notReloaded = true")
    row.get_by_role("link", name="Edit").click()
    editor = page.locator("li.reading.editing")
    editor.get_by_label("Kind").select_option(label="Blog post")
    editor.get_by_label("Authors").fill("Ren-Hung Wang")
    editor.get_by_label("Note in this section").fill("Read before the RNN lecture.")
    editor.get_by_role("button", name="Save").click()
    row = page.locator("li.reading", has_text="Teacher Forcing vs Scheduled Sampling vs Normal Mode")
    expect(row).to_contain_text("Saved.")
    expect(row).to_contain_text("Read before the RNN lecture.")
    expect(row).to_contain_text("Ren-Hung Wang")
    assert page.evaluate("window.notReloaded") is True, "edited in place, without a page load"
    tab.screenshot("readings-curated")
    assert tab.errors == []


def searching_the_reading_list(new_page, course, words):
    """A student's tab on the reading list, with ``words`` typed into its search (the page is never reloaded:
    ``window.notReloaded`` stays true)."""
    tab = new_page()
    tab.login("student01")
    tab.page.goto(f"/courses/{course.slug}/readings/")
    tab.page.evaluate("window.notReloaded = true")
    tab.page.get_by_label("Search the reading list").press_sequentially(words, delay=30)
    return tab


def test_student_searches_the_reading_list_as_they_type(demo, new_page):
    tab = searching_the_reading_list(new_page, demo, "diffusion")
    page = tab.page
    expect(page.locator(".result-count")).to_contain_text("24 of 144 readings match.")
    page.get_by_label("Kind").select_option(label="Blog post")
    expect(page.locator(".result-count")).to_contain_text("of 144 readings match.")
    expect(page.locator("li.reading .badge.kind-paper")).to_have_count(0)
    assert "q=diffusion" in page.url and "kind=blog" in page.url, "the address keeps the search, for the back button"
    assert page.evaluate("window.notReloaded") is True
    tab.screenshot("readings-search")
    assert tab.errors == []


def test_a_search_matching_hundreds_opens_section_by_section_and_a_section_shows_all_its_matches(demo, new_page):
    extra = Section.objects.create(course=demo, title="Diffusion, at length", position=99)
    readings = Reading.objects.bulk_create(
        Reading(course=demo, title=f"Diffusion study {n:03d}", kind="paper") for n in range(400)
    )
    Listing.objects.bulk_create(Listing(section=extra, reading=r, position=n) for n, r in enumerate(readings))
    tab = searching_the_reading_list(new_page, demo, "diffusion")
    page = tab.page
    expect(page.locator(".result-count")).to_contain_text("424 of 544 readings match. So many show the first 8")
    expect(page.locator(f"#section-{extra.pk} li.reading")).to_have_count(FIRST_OF_SECTION)
    tab.screenshot("readings-search-many")
    page.get_by_role("link", name="Show all 400 matches in “Diffusion, at length”").click()
    expect(page.locator("li.reading")).to_have_count(400)
    assert "q=diffusion" in page.url and f"section={extra.pk}" in page.url
    assert page.evaluate("window.notReloaded") is True
    assert tab.errors == []


def test_instructor_times_a_presentation_grades_it_and_the_student_sees_it_after_release(demo, new_page):
    slot = Slot.objects.get(meeting__course=demo, reading__title="A Watermark for Large Language Models")
    ada, bruno = (User.objects.get(username=name) for name in ("student01", "student02"))
    Signup.objects.create(slot=slot, student=ada, role="presenter", seat=1)
    Signup.objects.create(slot=slot, student=bruno, role="presenter", seat=2)

    tab = new_page()
    tab.login("instructor")
    page = tab.page
    page.goto(f"/courses/{demo.slug}/grades/")
    page.get_by_role("link", name="A Watermark for Large Language Models").click()
    page.get_by_role("button", name="Timer").click()  # a link styled as a button
    page.get_by_role("button", name="Start the talk").click()
    expect(page.locator(".clock").first).to_have_text("0:02", timeout=5000)  # counting in the browser
    page.get_by_role("button", name="Start the discussion").click()
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Stop the discussion").click()
    expect(page.get_by_text("recorded 0:01")).to_be_visible()
    tab.screenshot("timer")

    page.get_by_role("link", name="Grade this presentation").click()
    talk = page.locator(".criterion-row", has_text="Presenting and leading the discussion")
    expect(talk).to_contain_text("Timer: talk 0:02 of 30:00")
    page.evaluate("window.notReloaded = true")
    talk.get_by_label(re.compile("^Comment on Presenting")).fill("Good pacing; cut the related work.")
    talk.get_by_role("button", name="15 Clear, within time, a lively discussion").click()  # the comment goes too
    expect(page.locator(".criterion-row", has_text="Presenting and leading").get_by_text("Saved")).to_be_visible()
    expect(talk.get_by_label(re.compile("^Comment on Presenting"))).to_have_value("Good pacing; cut the related work.")
    for name, points in (("1-on-1 meeting", "10"), ("Initial slides", "8"), ("Final slides", "5")):
        row = page.locator(".criterion-row", has_text=name).first
        row.get_by_label(f"Points for {name}").fill(points)
        if name == "Initial slides":
            row.get_by_label(f"Comment on {name}").fill("Too much text on the method slides.")
        row.get_by_role("button", name="Save").click()
        expect(page.locator(".criterion-row", has_text=name).first.get_by_text("Saved")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True, "graded on one screen, without a page load"
    tab.screenshot("grade-presentation")

    student = new_page()
    student.login("student01")
    student.page.goto(f"/courses/{demo.slug}/grades/mine/")
    expect(
        student.page.get_by_text("Not released yet: Reading, Presentation, Participation, Final exam.")
    ).to_be_visible()
    expect(student.page.get_by_text("Too much text on the method slides.")).to_have_count(0)

    page.goto(f"/courses/{demo.slug}/grades/")
    page.locator(".releases form", has_text="Presentation").get_by_role("button", name="Release").click()
    expect(page.get_by_text("Presentation grades are now visible to students.")).to_be_visible()
    tab.screenshot("gradebook")

    student.page.reload()
    section = student.page.locator("#component-presentation")
    expect(section).to_contain_text("38 of 40")
    expect(section).to_contain_text("Too much text on the method slides.")
    expect(section).to_contain_text("Good pacing; cut the related work.")
    student.screenshot("my-grades")
    assert tab.errors == [] and student.errors == []


def test_instructor_checks_the_links_watches_the_progress_and_fixes_a_moved_one(demo, new_page, broker, tmp_path):
    """A real worker on Redis checks the links; the page polls the progress, then lists what it found."""
    readings = list(Reading.objects.filter(course=demo).order_by("pk")[:40])
    with LinkServer() as server:
        Reading.objects.filter(course=demo).update(url="")
        for n, reading in enumerate(readings):
            reading.url = f"{server.base}/wait?{n}"
        moved, lost = readings[0], readings[1]
        moved.url, lost.url = server.base + "/moved/2", server.base + "/missing"
        Reading.objects.bulk_update(readings, ["url"])
        # One request at a time on the one local host: slow enough to watch the bar move.
        with celery_worker(tmp_path, env={"LINKCHECK_PER_HOST": "1", "LINKCHECK_HOST_INTERVAL": "0"}):
            tab = new_page()
            tab.login("instructor")
            page = tab.page
            page.goto(f"/courses/{demo.slug}/readings/")
            page.get_by_role("button", name="Check links").click()  # a link styled as a button
            page.get_by_role("button", name="Check all links now").click()
            expect(page.locator("#progress progress")).to_be_visible()
            expect(page.get_by_role("button", name="Checking…")).to_be_disabled()  # no second run from here
            expect(page.locator("#progress")).to_contain_text("Checking links:")
            tab.screenshot("link-check-progress")
            expect(page.get_by_text("38 of 40 links OK")).to_be_visible(timeout=30000)  # reloaded when done
            expect(page.locator(f"#link-{lost.pk}")).to_contain_text("404: not found")
            tab.screenshot("link-check-results")

            page.evaluate("window.notReloaded = true")
            page.locator(f"#link-{moved.pk}").get_by_role("button", name="Use the new address").click()
            expect(page.locator(f"#link-{moved.pk}")).to_contain_text(f"now links to {server.base}/ok")
            assert page.evaluate("window.notReloaded") is True, "fixed in place, without a page load"

            page.goto(f"/courses/{demo.slug}/readings/?q={lost.title}")
            expect(page.get_by_role("link", name="link failed once")).to_be_visible()
            tab.screenshot("readings-link-badge")
            page.get_by_role("link", name="link failed once").click()
            expect(page.locator("tbody tr").first).to_contain_text("Failed once 404")
            expect(page.locator("tbody tr").first).to_contain_text("not found")
            tab.screenshot("link-history")
    assert Reading.objects.get(pk=moved.pk).url == server.base + "/ok"
    assert tab.errors == []


def test_instructor_runs_the_final_exam_and_the_student_sees_only_their_slot(demo, new_page):
    students = list(User.objects.filter(username__in=["student01", "student02", "student03"]).order_by("username"))
    papers = list(Reading.objects.filter(course=demo, kind="paper").order_by("pk")[:2])
    for student in students:
        for paper in papers:
            Review.objects.create(reading=paper, student=student, text="My review.", submitted_at=timezone.now())

    ada = new_page()
    ada.login("student01")
    ada.page.goto(f"/courses/{demo.slug}/exam/mine/")
    expect(ada.page.get_by_text("The instructor has not opened the exam slots yet.")).to_be_visible()

    tab = new_page()
    tab.login("instructor")
    page = tab.page
    page.goto(f"/courses/{demo.slug}/exam/")
    page.get_by_role("button", name="Make the slots").click()
    expect(page.get_by_text("Added 24 exam slots.")).to_be_visible()

    ada.page.reload()
    ada.page.get_by_role("button", name="10:00 AM").click()
    expect(ada.page.get_by_text("Your exam is at Fri Dec 13, 2024, 10:00 AM.")).to_be_visible()

    page.reload()
    page.get_by_role("button", name="Assign the 23 students without a slot").click()
    expect(page.get_by_text("Assigned 23 students a slot.")).to_be_visible()
    page.get_by_label("Seed (optional)").fill("2024")
    page.get_by_role("button", name="Draw the quiz papers").click()
    expect(page.get_by_text("seed 2024")).to_be_visible()
    expect(page.get_by_text("No review to draw from:")).to_be_visible()  # 21 students without reviews, listed
    page.get_by_role("link", name="See the run sheet").click()
    row = page.locator(f"#exam-{students[0].pk}")
    expect(row).to_contain_text("10:00 AM")
    drawn = row.get_by_role("link", name=re.compile("|".join(re.escape(p.title) for p in papers)))
    expect(drawn).to_be_visible()
    tab.screenshot("run-sheet")
    row.get_by_label("Points for Oral quiz").fill("9")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(f"#exam-{students[0].pk}").get_by_text("Saved")).to_be_visible()

    ada.page.reload()
    expect(ada.page.get_by_text("Your slot: Fri Dec 13, 2024, 10:00 AM.")).to_be_visible()
    for paper in papers:
        expect(ada.page.get_by_text(paper.title)).to_have_count(0)  # the paper stays the instructor's secret
    ada.screenshot("my-exam")

    # Reminders: the student turns them off from the course page, in place.
    ada.page.goto(f"/courses/{demo.slug}/")
    ada.page.get_by_role("button", name="Turn reminders off").click()
    expect(ada.page.get_by_text("E-mail reminders are off.")).to_be_visible()
    ada.screenshot("course-home-reminders-off")
    assert Membership.objects.get(course=demo, user=students[0]).reminders is False
    assert tab.errors == [] and ada.errors == []


def test_a_large_class_is_graded_a_page_at_a_time_found_by_name_and_its_distribution_opens(demo, new_page):
    for n in range(20):  # 44 students: two pages of the gradebook
        user = User.objects.create(username=f"extra{n:02d}", email=f"extra{n:02d}@example.edu", last_name=f"Zz{n:02d}")
        Membership.objects.create(course=demo, user=user, status="active")
    user = User.objects.create(username="mirzakhani", email="maryam@example.edu", first_name="Maryam",
                               last_name="Mirzakhani")  # fmt: skip
    Membership.objects.create(course=demo, user=user, status="active")

    tab = new_page()
    tab.login("instructor")
    page = tab.page
    page.goto(f"/courses/{demo.slug}/grades/")
    expect(page.get_by_text("Students 1–30 of 45")).to_be_visible()
    page.get_by_role("link", name="Next →").click()
    expect(page.get_by_text("Students 31–45 of 45")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Zz19"))).to_be_visible()

    page.get_by_label("Find a student").fill("mirzakh")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("row", name=re.compile("Maryam Mirzakhani"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Zz19"))).to_have_count(0)

    page.get_by_text("Distribution of the class's totals").click()  # loads when opened: it needs every total
    expect(page.locator("#distribution svg rect.bar")).to_have_count(10)
    tab.screenshot("gradebook-large-class")
    assert tab.errors == []
