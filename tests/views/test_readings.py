"""The reading list's pages: finding, importing, exporting and curating, as users meet them."""

import concurrent.futures
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from courseapp.models import Listing, Membership, Reading, ReadingImport, Review
from courseapp.services.readings import ALREADY_APPLIED
from tests.asserts import shows

from ..asserts import HTMX, url
from ..factories import CourseFactory, ListingFactory, MeetingFactory, MembershipFactory, SectionFactory, SlotFactory
from ..servers import post_as, session_cookie

ROADMAP = (Path(__file__).resolve().parent.parent / "fixtures" / "genai-roadmap.md").read_bytes()


def titles(response) -> list[str]:
    """The titles of the readings a response shows, in order."""
    html = response.content.decode()
    return [part.split("</")[0].split(">")[-1] for part in html.split('class="reading-title"')[1:]]


@pytest.fixture
def shelf(course):
    """A small list: a section with a subsection, a scheduled paper, a blog post, a reading with authors."""
    top = SectionFactory(course=course, title="Transformers")
    sub = SectionFactory(course=course, title="Efficiency", parent=top)
    other = SectionFactory(course=course, title="GANs")
    attention = ListingFactory(
        section=top, reading__title="Attention Is All You Need", annotation="Start here."
    ).reading
    ListingFactory(section=sub, reading__title="Reformer", reading__authors="Nikita Kitaev, Łukasz Kaiser")
    ListingFactory(section=other, reading__title="The Illustrated GAN", reading__kind="blog", annotation="A blog.")
    SlotFactory(meeting=MeetingFactory(course=course), reading=attention)
    return {"top": top, "sub": sub, "other": other, "attention": attention}


class TestFinding:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("q=attention", ["Attention Is All You Need"]),
            ("q=start+here", ["Attention Is All You Need"]),  # the note
            ("q=kaiser", ["Reformer"]),  # an author
            ("kind=blog", ["The Illustrated GAN"]),
            ("scheduled=1", ["Attention Is All You Need"]),
            ("q=nothing+like+this", []),
        ],
    )
    def test_search_and_filters(self, course, shelf, student, client_for, query, expected):
        response = client_for(student).get(url("reading_list", course) + "?" + query)
        assert titles(response) == expected

    def test_a_section_filter_includes_its_subsections(self, course, shelf, student, client_for):
        response = client_for(student).get(url("reading_list", course), {"section": shelf["top"].pk})
        assert titles(response) == ["Attention Is All You Need", "Reformer"]

    def test_my_reviews_filter_counts_submitted_reviews_only(self, course, shelf, student, client_for):
        Review.objects.create(
            reading=shelf["attention"], student=student, text="Done.", submitted_at="2024-10-01T12:00Z"
        )
        reformer = Reading.objects.get(title="Reformer")
        Review.objects.create(reading=reformer, student=student, draft="Not yet.")
        client = client_for(student)
        assert titles(client.get(url("reading_list", course), {"mine": "reviewed"})) == ["Attention Is All You Need"]
        assert titles(client.get(url("reading_list", course), {"mine": "not_reviewed"})) == [
            "Reformer",
            "The Illustrated GAN",
        ]

    def test_counts_per_section_and_badges(self, course, shelf, student, client_for):
        html = client_for(student).get(url("reading_list", course), {"q": "a"}).content.decode()
        assert "3 of 3 readings match." in html
        assert '<small class="muted section-count">2 of 2</small>' in html  # Transformers, with Efficiency
        meeting = shelf["attention"].slots.get().meeting
        assert (
            f'class="badge scheduled" title="On the schedule">{meeting.date:%b} {meeting.date.day}, '
            f"{meeting.date.year}</a>" in html
        )

    def test_htmx_gets_only_the_results(self, course, shelf, student, client_for):
        response = client_for(student).get(
            url("reading_list", course), {"q": "gan"}, HTTP_HX_TARGET="results", headers=HTMX
        )
        html = response.content.decode()
        assert html.lstrip().startswith('<div id="results"') and "<html" not in html
        assert titles(response) == ["The Illustrated GAN"]

    def test_nonsense_filters_are_ignored(self, course, shelf, student, client_for):
        response = client_for(student).get(url("reading_list", course), {"section": "x", "kind": "poem", "mine": "?"})
        assert response.status_code == 200 and len(titles(response)) == 3

    def test_students_see_no_curation_and_staff_do(self, course, shelf, student, instructor, client_for):
        assert "Import a list" not in client_for(student).get(url("reading_list", course)).content.decode()
        html = client_for(instructor).get(url("reading_list", course)).content.decode()
        assert "Import a list" in html and html.count(">Edit</a>") == 3


class TestQueryCounts:
    @pytest.mark.parametrize("n_readings", [3, 120])
    def test_filtered_list_for_a_student(self, course, student, client, django_assert_num_queries, n_readings):
        section = SectionFactory(course=course)
        for n in range(n_readings):
            ListingFactory(section=section, reading__title=f"Paper {n} on attention")
        client.force_login(student)
        # session, user, the course, my membership, sections, listings per section, matching listings
        # with their readings, unlisted scheduled readings, the schedule's slots, my reviews
        with django_assert_num_queries(10):
            response = client.get(url("reading_list", course), {"q": "attention", "scheduled": "", "mine": "reviewed"})
        assert response.status_code == 200

    @pytest.mark.parametrize("n_readings", [3, 120])
    def test_whole_list_for_staff(self, course, instructor, client, django_assert_num_queries, n_readings):
        section = SectionFactory(course=course)
        for _ in range(n_readings):
            ListingFactory(section=section)
        client.force_login(instructor)
        # as for a student, without the student's reviews
        with django_assert_num_queries(9):
            response = client.get(url("reading_list", course))
        assert len(titles(response)) == n_readings


class TestImportPages:
    def test_paste_preview_confirm(self, course, instructor, client_for):
        client = client_for(instructor)
        response = client.post(url("reading_import", course), {"text": ROADMAP.decode(), "mode": "merge"})
        pending = ReadingImport.objects.get()
        assert response.status_code == 302 and response["Location"] == url("reading_import_preview", course, pending.pk)
        preview = client.get(response["Location"]).content.decode()
        assert "<strong>21</strong> new readings" in preview and "Nothing has changed yet." in preview
        assert not course.readings.exists()
        done = client.post(url("reading_import_confirm", course, pending.pk), follow=True)
        assert "Imported: 21 new, 0 updated, 0 unchanged." in done.content.decode()
        assert course.readings.count() == 21

    def test_an_uploaded_bibtex_file_goes_into_the_named_section(self, course, instructor, client_for):
        upload = SimpleUploadedFile(
            "refs.bib", b"@article{a, title={Attention}, eprint={1706.03762}, archivePrefix={arXiv}}"
        )
        client = client_for(instructor)
        client.post(url("reading_import", course), {"file": upload, "mode": "merge", "section_title": "From Zotero"})
        client.post(url("reading_import_confirm", course, ReadingImport.objects.get().pk))
        listing = Listing.objects.get(section__course=course)
        assert (listing.section.title, listing.reading.arxiv_id) == ("From Zotero", "1706.03762")

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"text": "Just prose about the seminar.\n"}, "No readings were found in this file."),
            ({"file": SimpleUploadedFile("slides.pdf", b"%PDF-1.5\x00\x00")}, "This looks like a binary file"),
            ({"file": SimpleUploadedFile("list.txt", "Lecture: é".encode("cp1252"))}, "The file is not UTF-8 text"),
            ({"file": SimpleUploadedFile("list.md", b"")}, "Choose a file or paste a reading list."),
            (
                {"file": SimpleUploadedFile("big.md", b"- [a](https://x.org)\n" * 120_000)},
                "The file is 2.4 MB; reading lists up to 2 MB can be imported.",
            ),
        ],
    )
    def test_bad_input_is_refused_in_the_page_keeping_what_was_typed(
        self, course, instructor, client_for, data, message
    ):
        response = client_for(instructor).post(url("reading_import", course), {"mode": "replace", **data})
        html = response.content.decode()
        assert response.status_code == 400 and message in html
        assert re.search(r'value="replace"[^>]*checked', html), "the chosen mode is kept"
        if "text" in data:
            assert data["text"].strip() in html
        assert not ReadingImport.objects.exists() and not course.readings.exists()

    def test_export_then_import_changes_nothing(self, course, instructor, client_for):
        client = client_for(instructor)
        client.post(url("reading_import", course), {"text": ROADMAP.decode(), "mode": "merge"})
        client.post(url("reading_import_confirm", course, ReadingImport.objects.get().pk))
        for fmt, name in (("md", "list.md"), ("bib", "list.bib"), ("ris", "list.ris"), ("json", "list.json")):
            exported = client.get(url("reading_export", course, fmt))
            assert exported["Content-Disposition"] == f'attachment; filename="{course.slug}-readings.{fmt}"'
            upload = SimpleUploadedFile(name, exported.content)
            client.post(url("reading_import", course), {"file": upload, "mode": "merge", "section_title": "Readings"})
            pending = ReadingImport.objects.latest("pk")
            preview = client.get(url("reading_import_preview", course, pending.pk)).content.decode()
            assert "<strong>0</strong> new readings" in preview and "<strong>0</strong> updated" in preview, fmt

    def test_a_double_click_on_import_imports_once(self, gunicorn_url, course, instructor):
        from courseapp.services import readings as service

        pending = service.reading_import_create(
            course=course, by=instructor, data=ROADMAP, filename="r.md", mode="merge", limit=2**21
        )
        session = session_cookie(instructor)
        target = gunicorn_url + url("reading_import_confirm", course, pending.pk)
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(lambda _: post_as(target, session, {}), range(2)))
        statuses = sorted(status for status, _ in results)
        assert statuses == [200, 409], statuses
        assert any(shows(body, ALREADY_APPLIED) for _, body in results)
        assert course.readings.count() == 21 and Listing.objects.filter(section__course=course).count() == 21


class TestCuration:
    def test_edit_inline_then_save_returns_the_row(self, course, shelf, instructor, client_for):
        listing = Listing.objects.get(reading=shelf["attention"])
        client = client_for(instructor)
        editor = client.get(url("listing_edit", course, listing.pk), headers=HTMX).content.decode()
        assert editor.lstrip().startswith(f'<li class="reading editing" id="listing-{listing.pk}"')
        response = client.post(
            url("listing_edit", course, listing.pk),
            {"title": "Attention Is All You Need", "kind": "paper", "url": "https://arxiv.org/abs/1706.03762",
             "arxiv_id": "1706.03762", "year": "2017", "venue": "NeurIPS", "annotation": "Read first."},
            headers=HTMX,
        )  # fmt: skip
        html = response.content.decode()
        assert response.status_code == 200 and "Saved." in html and "Read first." in html and "NeurIPS 2017" in html
        reading = Reading.objects.get(pk=shelf["attention"].pk)
        assert sorted(reading.edited_fields) == ["arxiv_id", "url", "venue", "year"]

    def test_an_invalid_edit_keeps_what_was_typed(self, course, shelf, instructor, client_for):
        listing = Listing.objects.get(reading=shelf["attention"])
        response = client_for(instructor).post(
            url("listing_edit", course, listing.pk),
            {"title": "Typed title", "kind": "paper", "url": "not a link", "year": "17", "annotation": "typed note"},
            headers=HTMX,
        )
        html = response.content.decode()
        assert response.status_code == 400 and "Not saved: see the form." in html
        assert 'value="Typed title"' in html and "typed note" in html and 'value="not a link"' in html
        assert Reading.objects.get(pk=shelf["attention"].pk).title == "Attention Is All You Need"

    def test_delete_asks_first_and_is_refused_for_a_scheduled_reading(self, course, shelf, instructor, client_for):
        client = client_for(instructor)
        scheduled = Listing.objects.get(reading=shelf["attention"])
        ask = client.get(url("reading_delete", course, scheduled.pk), headers=HTMX).content.decode()
        assert "Delete “Attention Is All You Need” from the list?" in ask
        refused = client.post(url("reading_delete", course, scheduled.pk), headers=HTMX)
        assert refused.status_code == 409 and "is on the schedule" in refused.content.decode()
        blog = Listing.objects.get(reading__title="The Illustrated GAN")
        deleted = client.post(url("reading_delete", course, blog.pk), headers=HTMX)
        assert "Deleted “The Illustrated GAN”." in deleted.content.decode()
        assert not Reading.objects.filter(title="The Illustrated GAN").exists()

    def test_move_and_merge_answer_with_the_results(self, course, shelf, instructor, client_for):
        client = client_for(instructor)
        blog = Listing.objects.get(reading__title="The Illustrated GAN")
        moved = client.post(url("listing_move", course, blog.pk), {"section": shelf["top"].pk}, headers=HTMX)
        assert "Moved “The Illustrated GAN” to “Transformers”." in moved.content.decode()
        duplicate = ListingFactory(section=shelf["other"], reading__title="Attention is all you need (copy)")
        found = client.get(
            url("reading_merge", course, duplicate.pk), {"q": "attention"}, headers=HTMX
        ).content.decode()
        assert "Attention Is All You Need" in found and "Merge into this" in found
        merged = client.post(url("reading_merge", course, duplicate.pk), {"into": shelf["attention"].pk}, headers=HTMX)
        assert "Merged “Attention is all you need (copy)” into “Attention Is All You Need”." in merged.content.decode()
        assert Listing.objects.filter(reading=shelf["attention"]).count() == 2

    def test_a_listing_of_another_course_is_not_found(self, course, instructor, client_for):
        stranger = ListingFactory()  # another course's list
        client = client_for(instructor)
        assert client.get(url("listing_edit", course, stranger.pk)).status_code == 404
        assert client.post(url("reading_delete", course, stranger.pk)).status_code == 404
        assert client.post(url("reading_merge", course, ListingFactory(section=SectionFactory(course=course)).pk),
                           {"into": stranger.reading_id}).status_code == 404  # fmt: skip
        assert Reading.objects.filter(pk=stranger.reading_id).exists()


class TestKeepOrTakeInThePreview:
    FIRST = "## Papers\n- [Attention Is All You Need](https://arxiv.org/abs/1706.03762)\n- [BERT](https://arxiv.org/abs/1810.04805)\n"
    RENAMED = FIRST.replace("Attention Is All You Need", "Attention (the file's title)").replace(
        "[BERT]", "[BERT (file)]"
    )

    @pytest.mark.parametrize(
        ("choice", "titles"),
        [
            ({}, {"Attention Is All You Need", "BERT"}),
            ({"choice": "take_all"}, {"Attention (the file's title)", "BERT (file)"}),
            ({"take": "ATTENTION"}, {"Attention (the file's title)", "BERT"}),
        ],
    )
    def test_scheduled_readings_keep_their_titles_unless_taken(self, course, instructor, client_for, choice, titles):
        client = client_for(instructor)
        client.post(url("reading_import", course), {"text": self.FIRST, "mode": "merge"})
        client.post(url("reading_import_confirm", course, ReadingImport.objects.get().pk))
        for reading in Reading.objects.filter(course=course):
            SlotFactory(meeting=MeetingFactory(course=course), reading=reading)
        client.post(url("reading_import", course), {"text": self.RENAMED, "mode": "merge"})
        pending = ReadingImport.objects.latest("pk")
        preview = client.get(url("reading_import_preview", course, pending.pk)).text
        assert "The file says otherwise about 2 readings you own" in preview
        attention = Reading.objects.get(course=course, arxiv_id="1706.03762")
        data = {"take": str(attention.pk)} if choice.get("take") else choice
        client.post(url("reading_import_confirm", course, pending.pk), data)
        assert set(Reading.objects.filter(course=course).values_list("title", flat=True)) == titles


def test_a_big_list_previews_light(course, instructor, client_for):
    rows = "\n".join(f"- [Paper number {n}](https://example.org/p{n})" for n in range(260))
    text = f"## Big\n{rows}\n## Small\n- [One](https://example.org/one)\n"
    client = client_for(instructor)
    client.post(url("reading_import", course), {"text": text, "mode": "merge"})
    preview = client.get(url("reading_import_preview", course, ReadingImport.objects.get().pk)).text
    assert "Paper number 49<" in preview and "Paper number 50<" not in preview
    assert "…and 210 more in this section, all imported." in preview
    # Only the first section is open: the page stays light to read.
    assert (
        preview.count('<details class="plan-group" open>') == 1 and preview.count('<details class="plan-group">') == 1
    )


class TestReferenceExportsBySection:
    def test_an_export_read_back_by_keyword_rebuilds_its_sections(self, course, instructor, client_for):
        """Each format's export names each reading's sections as keywords; ticking "file them under their
        keywords" brings a reading list back into a new course's sections, all listings included."""
        client = client_for(instructor)
        client.post(url("reading_import", course), {"text": ROADMAP.decode(), "mode": "merge"})
        client.post(url("reading_import_confirm", course, ReadingImport.objects.get().pk))
        listed = sorted(Listing.objects.filter(section__course=course).values_list("section__title", "reading__title"))
        other = CourseFactory()
        MembershipFactory(course=other, user=instructor, role=Membership.Role.INSTRUCTOR)
        for fmt in ("bib", "ris", "json"):
            exported = client.get(url("reading_export", course, fmt)).content
            upload = SimpleUploadedFile(f"list.{fmt}", exported)
            form = {"file": upload, "mode": "merge", "section_title": "Unsorted", "by_keywords": "on"}
            response = client.post(url("reading_import", other), form)
            pending = ReadingImport.objects.filter(course=other).latest("pk")
            assert response.status_code == 302 and pending.sections_by_keyword, fmt
            client.post(url("reading_import_confirm", other, pending.pk))
            rebuilt = Listing.objects.filter(section__course=other).values_list("section__title", "reading__title")
            assert sorted(rebuilt) == listed, fmt
            other.sections.all().delete()
            other.readings.all().delete()


def test_the_preview_says_what_it_read_and_what_it_left_out(course, instructor, client_for):
    client = client_for(instructor)
    text = (
        "# Seminar\n\n## Contents\n- [Papers](#papers)\n\n## Papers\n"
        "- [Attention Is All You Need](https://arxiv.org/abs/1706.03762)\n"
        "- Please read one paper before each session.\n- Bring questions for the discussion.\n"
        "- [![stars](https://img.shields.io/x.svg)](https://github.com/x/y)\n"
    )
    client.post(url("reading_import", course), {"text": text, "mode": "merge"})
    preview = client.get(url("reading_import_preview", course, ReadingImport.objects.get().pk)).content.decode()
    assert "Read as Markdown (headings and lists of links)." in preview
    assert (
        "Not readings, so left out: 2 prose bullets (instructions, not works); 1 table-of-contents link; "
        "1 image or badge." in preview
    )
    assert "<strong>1</strong> new reading" in preview


def test_a_long_list_opens_with_the_first_readings_of_each_section(course, student, client_for):
    from courseapp.selectors import FIRST_OF_SECTION, LONG_LIST

    sections = [SectionFactory(course=course, title=f"Part {n}", position=n) for n in range(2)]
    readings = Reading.objects.bulk_create(
        Reading(course=course, title=f"Study {n:03d}", kind="paper") for n in range(LONG_LIST + 2)
    )
    Listing.objects.bulk_create(
        Listing(section=sections[n % 2], reading=reading, position=n) for n, reading in enumerate(readings)
    )
    client = client_for(student)
    html = client.get(url("reading_list", course)).content.decode()
    assert len(titles_in(html)) == 2 * FIRST_OF_SECTION
    assert titles_in(html)[:2] == ["Study 000", "Study 002"]  # each section's first, in order
    more = LONG_LIST // 2 + 1 - FIRST_OF_SECTION
    assert f'Show all {LONG_LIST // 2 + 1} readings of “Part 0”</a> <small class="muted">({more} more)' in html
    opened = client.get(url("reading_list", course), {"section": sections[0].pk}).content.decode()
    assert len(titles_in(opened)) == LONG_LIST // 2 + 1 and "more)" not in opened
    searched = client.get(url("reading_list", course), {"q": "301"}).content.decode()
    assert titles_in(searched) == ["Study 301"]  # a search finds readings past the first few


def test_a_search_of_a_long_list_matching_most_of_it_opens_the_same_way(course, student, client_for):
    from courseapp.selectors import FIRST_OF_SECTION, LONG_LIST

    sections = [SectionFactory(course=course, title=f"Part {n}", position=n) for n in range(2)]
    readings = Reading.objects.bulk_create(
        Reading(course=course, title=f"{'Study' if n % 3 else 'Survey'} {n:03d}", kind="paper")
        for n in range(2 * LONG_LIST)
    )
    Listing.objects.bulk_create(
        Listing(section=sections[n % 2], reading=reading, position=n) for n, reading in enumerate(readings)
    )
    studies_in_part_0 = sum(1 for n in range(0, 2 * LONG_LIST, 2) if n % 3)
    client = client_for(student)
    html = client.get(url("reading_list", course), {"q": "study", "kind": "paper"}).content.decode()
    assert len(titles_in(html)) == 2 * FIRST_OF_SECTION
    assert titles_in(html)[:2] == ["Study 002", "Study 004"]  # the first matches of each section
    assert f"{2 * LONG_LIST * 2 // 3} of {2 * LONG_LIST} readings match. So many show the first 8" in html
    link = re.search(r'<a href="([^"]+)"[^>]*>Show all (\d+) matches in “Part 0”</a>', html)
    assert int(link[2]) == studies_in_part_0
    assert f"({studies_in_part_0 - FIRST_OF_SECTION} more)" in html
    opened = client.get(link[1].replace("&amp;", "&")).content.decode()  # the search, in that section
    assert len(titles_in(opened)) == studies_in_part_0 and "more)" not in opened
    assert all(title.startswith("Study") for title in titles_in(opened))
    narrow = client.get(url("reading_list", course), {"q": "study 05"}).content.decode()
    expected = [f"Study {n:03d}" for n in range(2 * LONG_LIST) if n % 3 and "05" in f"{n:03d}"]
    assert sorted(titles_in(narrow)) == expected and "more)" not in narrow  # fewer matches: all of them


def titles_in(html: str) -> list[str]:
    return re.findall(r'class="reading-title">([^<]+)<', html)
