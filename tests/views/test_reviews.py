import datetime

import pytest
from django.utils import timezone

from courseapp.models import Reading, Review, User
from courseapp.selectors import STUDENTS_PER_PAGE as PER_PAGE
from courseapp.services.demo import demo_course_load
from courseapp.services.reviews import ATTESTATION_REQUIRED, review_submit
from tests.asserts import shows

from ..asserts import HTMX, url
from ..factories import MembershipFactory, ReadingFactory, SlotFactory


@pytest.fixture
def reading(course):
    return SlotFactory(meeting__course=course, reading__title="A Watermark for Large Language Models").reading


class TestWriting:
    def test_autosave_answers_with_the_state_and_the_preview(self, course, reading, student, client_for):
        response = client_for(student).post(
            url("review_draft", course, reading.pk), {"text": "The **green list** idea."}, headers=HTMX
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert html.lstrip().startswith('<p id="save-status"') and "Draft saved at" in html and "4 of 600 words" in html
        assert (
            '<div id="preview" class="preview" hx-swap-oob="true"><p>The <strong>green list</strong> idea.</p>' in html
        )
        assert Review.objects.get(student=student).draft == "The **green list** idea."

    def test_autosave_after_the_session_ended_is_401_not_the_login_page(self, course, reading, client):
        response = client.post(url("review_draft", course, reading.pk), {"text": "lost?"}, headers=HTMX)
        assert response.status_code == 401
        assert not Review.objects.exists()

    def test_the_editor_reopens_with_the_draft_deadline_and_count(self, course, reading, student, client_for):
        client = client_for(student)
        client.post(url("review_draft", course, reading.pk), {"text": "Half a thought"})
        html = client.get(url("review_edit", course, reading.pk)).content.decode()
        assert ">Half a thought</textarea>" in html and "3 of 600 words" in html
        assert "Due <strong><time" in html and "(America/Chicago)" in html

    def test_refused_submission_says_why_and_keeps_the_text(self, course, reading, student, client_for):
        response = client_for(student).post(
            url("review_submit", course, reading.pk), {"text": "My honest review."}, headers=HTMX
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert shows(html, ATTESTATION_REQUIRED)
        assert ">My honest review.</textarea>" in html

    def test_submit(self, course, reading, student, client_for):
        response = client_for(student).post(
            url("review_submit", course, reading.pk), {"text": "My honest review.", "attest": "yes"}, headers=HTMX
        )
        assert response.status_code == 200
        review = Review.objects.get(student=student)
        assert f"Submitted {course.when(review.submitted_at)}" in response.content.decode()
        assert review.text == "My honest review."
        page = client_for(student).get(url("review_edit", course, reading.pk)).content.decode()
        status = page[page.index('id="save-status"') :]
        status = status[: status.index("</p>")]
        assert "no changes since" in status and "Draft saved" not in status

    def test_a_student_never_sees_another_students_review(self, course, reading, student, client_for):
        other = MembershipFactory(course=course).user
        review_submit(reading=reading, student=other, text="Secret thoughts of another student.", attested=True)
        html = client_for(student).get(url("review_edit", course, reading.pk)).content.decode()
        assert "Secret thoughts" not in html
        assert client_for(student).get(url("reading_reviews", course, reading.pk)).status_code == 404
        assert client_for(student).get(url("student_reviews", course, other.pk)).status_code == 404

    def test_a_reading_of_another_course_is_404(self, course, student, client_for):
        elsewhere = ReadingFactory()
        assert client_for(student).get(url("review_edit", course, elsewhere.pk)).status_code == 404


@pytest.fixture
def demo(db):
    return demo_course_load().course


class TestProgress:
    def test_counts_and_reasons_with_the_scheduled_blog_post(self, demo, client):
        student = User.objects.get(username="student01")
        long_ago = datetime.datetime(2024, 9, 1, tzinfo=datetime.UTC)
        for title in (
            "Deep Reinforcement Learning: Pong from Pixels",  # scheduled, but a blog post
            "The Curious Case of Neural Text Degeneration",  # a scheduled paper
            "Generative Adversarial Nets",  # a paper not on the calendar
        ):
            reading = Reading.objects.get(course=demo, title=title)
            review_submit(reading=reading, student=student, text=f"On {title}.", attested=True, now=long_ago)
        client.force_login(student)
        html = client.get(url("my_reviews", demo)).content.decode()
        assert '<p class="big">3 <small>of 20</small>' in html
        assert '<p class="big">1 <small>of at least 15</small>' in html
        assert '<p class="big">2 <small>of at most 5</small>' in html
        assert "Counts as one of the 5 other readings: a blog post, not a paper." in html
        assert "Counts: a paper scheduled for presentation." in html
        assert "Counts as one of the 5 other readings: a paper not scheduled for presentation." in html
        # The staff table applies the same rule: 3 counted, 1 scheduled paper, 2 others.
        client.force_login(User.objects.get(username="instructor"))
        table = client.get(url("reviews_table", demo)).content.decode()
        row = table[table.index(student.display_name) :]
        row = row[: row.index("</tr>")]
        assert [cell.split("<")[0] for cell in row.split('<td class="num">')[1:4]] == ["3/20", "1", "2"]

    def test_the_reading_list_shows_my_review_status(self, demo, client):
        student = User.objects.get(username="student01")
        reading = Reading.objects.get(course=demo, arxiv_id="1904.09751")
        review_submit(reading=reading, student=student, text="Done.", attested=True, now=timezone.now())
        client.force_login(student)
        html = client.get(url("reading_list", demo)).content.decode()
        assert html.count('<span class="badge ok">reviewed, late</span>') == 1
        assert html.count("write a review</a>") == 146


class TestStaff:
    def test_per_reading_page_renders_reviews_and_flags_copies(
        self, course, reading, instructor, client_for, django_capture_on_commit_callbacks
    ):
        text = "Watermarking works by softly promoting a pseudo-random green list at each step of generation."
        with django_capture_on_commit_callbacks(execute=True):
            for prefix in ("", "Indeed: "):
                student = MembershipFactory(course=course).user
                review_submit(
                    reading=reading, student=student, text=prefix + text + " <script>x</script>", attested=True
                )
        html = client_for(instructor).get(url("reading_reviews", course, reading.pk)).content.decode()
        assert html.count("Watermarking works by softly promoting") == 2
        assert "<script>x" not in html and "&lt;script&gt;x" in html
        assert "100% of the shorter review" in html

    def test_table_query_count_does_not_grow_with_students(
        self, course, reading, instructor, client_for, django_assert_num_queries
    ):
        for n in range(25):
            student = MembershipFactory(course=course).user
            if n % 2:
                review_submit(reading=reading, student=student, text="A review.", attested=True)
        client = client_for(instructor)
        # session, user, the course (and the requests to join), my membership; the class's size, a page of
        # students; columns, readings, their reviews, flags
        with django_assert_num_queries(10):
            html = client.get(url("reviews_table", course)).content.decode()
        assert html.count('title="late">L</span>') == 12
        assert '<td class="num">1/20</td>' in html and '<td class="num">0/20</td>' in html

    def test_a_large_class_is_shown_a_page_at_a_time(
        self, course, reading, instructor, client_for, django_assert_num_queries
    ):
        size = PER_PAGE + 10
        students = [MembershipFactory(course=course, user__last_name=f"Student{n:02d}").user for n in range(size)]
        for student in students[::2]:
            review_submit(reading=reading, student=student, text="A review.", attested=True)
        client = client_for(instructor)
        with django_assert_num_queries(10):  # as for 25 students: a page costs the same whatever the class size
            first = client.get(url("reviews_table", course)).content.decode()
        assert first.count('<th scope="row">') == PER_PAGE and f"Student{PER_PAGE:02d}" not in first
        assert f"Students 1–{PER_PAGE} of {size}" in first and 'href="?page=2" rel="next"' in first
        second = client.get(url("reviews_table", course), {"page": 2}).content.decode()
        assert second.count('<th scope="row">') == 10 and f"Student{size - 1:02d}" in second
        assert second.count('title="late">L</span>') == 5
        found = client.get(url("reviews_table", course), {"q": f"Student{size - 1:02d}"}).content.decode()
        assert found.count('<th scope="row">') == 1 and "Students 1–" not in found, "one page: no pager"
        nobody = client.get(url("reviews_table", course), {"q": "nobody"}).content.decode()
        assert "or e-mail contains “nobody”." in nobody and "No student found." in nobody

    def test_my_reviews_query_count_is_fixed(self, course, reading, student, client_for, django_assert_num_queries):
        next_week = timezone.now().date() + datetime.timedelta(days=7)
        SlotFactory(meeting__course=course, meeting__date=next_week)
        for n in range(6):
            other = SlotFactory(meeting__course=course).reading
            review_submit(reading=other if n else reading, student=student, text="A review.", attested=True)
        client = client_for(student)
        # session, user, the course, my membership; deadlines, my extensions (listed, and as deadlines),
        # presented readings, my reviews, next meetings, their slots
        with django_assert_num_queries(11):
            client.get(url("my_reviews", course))


class TestWayIn:
    """Every scheduled paper leads to its review, on the schedule and on My reviews, in any term."""

    def test_the_schedule_offers_write_then_edit(self, course, reading, student, ta, client_for):
        link = f'href="{url("review_edit", course, reading.pk)}" class="small-link review-link">'
        page = client_for(student).get(url("schedule", course)).content.decode()
        assert link + "Write a review</a>" in page
        review_submit(reading=reading, student=student, text="A review.", attested=True)
        page = client_for(student).get(url("schedule", course)).content.decode()
        assert link + "Edit your review</a>" in page
        assert "review-link" not in client_for(ta).get(url("schedule", course)).content.decode()

    def test_in_a_past_term_my_reviews_lists_the_papers_still_unreviewed(self, course, student, client_for):
        course.term_starts_on, course.term_ends_on = datetime.date(2023, 9, 1), datetime.date(2023, 12, 15)
        course.save()
        done, left = (
            SlotFactory(meeting__course=course, meeting__date=datetime.date(2023, 10, d), reading__title=title).reading
            for d, title in ((4, "Done Paper"), (11, "Left Paper"))
        )
        review_submit(reading=done, student=student, text="A review.", attested=True)
        page = client_for(student).get(url("my_reviews", course)).content.decode()
        section = page[page.index('id="next-heading"') :]
        section = section[: section.index("</section>")]
        assert "Scheduled papers you have not reviewed" in section
        assert "Left Paper" in section and "Done Paper" not in section
        assert f'<a href="{url("review_edit", course, left.pk)}">Write a review</a>' in section


def test_a_new_review_starts_from_the_instructors_prompts_shown_again_when_grading(
    course, reading, student, ta, client_for
):
    course.review_template = "## Summary\n\n## Weaknesses"
    course.save()
    client = client_for(student)
    page = client.get(url("review_edit", course, reading.pk)).content.decode()
    assert ">## Summary\n\n## Weaknesses</textarea>" in page and "starts from the instructor's prompts" in page
    client.post(url("review_draft", course, reading.pk), {"text": "## Summary\nGreen lists."}, headers=HTMX)
    page = client.get(url("review_edit", course, reading.pk)).content.decode()
    assert ">## Summary\nGreen lists.</textarea>" in page and "starts from the instructor's prompts" not in page
    review = review_submit(reading=reading, student=student, text="## Summary\nGreen lists.", attested=True)
    page = client_for(ta).get(url("grade_review", course, review.pk)).content.decode()
    assert "The prompts students answer" in page and "<h2>Weaknesses</h2>" in page


def test_staff_export_a_papers_reviews_and_the_whole_course(course, reading, student, ta, client_for):
    import csv
    import io
    import zipfile

    other = MembershipFactory(course=course, user__first_name="Bo", user__last_name="Lee").user
    review_submit(reading=reading, student=student, text="Green lists *work*.", attested=True)
    review_submit(reading=reading, student=other, text="Watermarks fade.", attested=True)
    Review.objects.create(reading=ReadingFactory(course=course), student=student, draft="Not submitted.")
    client = client_for(ta)
    page = client.get(url("reading_reviews", course, reading.pk)).content.decode()
    assert url("reading_reviews_export", course, reading.pk) in page
    markdown = client.get(url("reading_reviews_export", course, reading.pk))
    assert markdown["Content-Type"] == "text/markdown; charset=utf-8"
    text = markdown.content.decode()
    assert text.startswith("# Reviews of “A Watermark for Large Language Models”")
    assert "## Bo Lee, submitted " in text and "Green lists *work*." in text and "Watermarks fade." in text

    response = client.get(url("reviews_export", course))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    index = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode())))
    by_student = {row["student"]: row for row in index}
    assert set(by_student) == {"Bo Lee", student.display_name}  # drafts are not exported
    assert set(archive.namelist()) == {"index.csv", *(row["file"] for row in index)}
    assert "Watermarks fade." in archive.read(by_student["Bo Lee"]["file"]).decode()
    assert client_for(student).get(url("reviews_export", course)).status_code == 404
