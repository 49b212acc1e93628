"""Importing reading lists, and curating them: the rules an instructor relies on."""

from pathlib import Path

import pytest

from courseapp.models import Listing, Reading, ReadingImport, Review, Section
from courseapp.services import ServiceError
from courseapp.services import readings as service

from ..factories import ListingFactory, MeetingFactory, ReadingFactory, SectionFactory, SlotFactory, UserFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ROADMAP = (FIXTURES / "genai-roadmap.md").read_bytes()
COURSE_PAGE = (FIXTURES / "cs496-course-page.txt").read_bytes()
LIMIT = 2 * 1024 * 1024


def run_import(course, data: bytes, *, filename="list.md", mode="merge", format="", section_title=""):
    pending = service.reading_import_create(
        course=course, by=None, data=data, filename=filename, format=format, mode=mode,
        section_title=section_title, limit=LIMIT,
    )  # fmt: skip
    return service.reading_import_apply(reading_import_id=pending.pk, course=course)


def snapshot(course):
    """The list as a reader sees it: sections in order with their readings and notes."""
    return [
        (section.title, section.parent.title if section.parent else None, section.questions,
         [(listing.reading.title, listing.reading.url, listing.annotation) for listing in
          section.listings.select_related("reading").order_by("position")])
        for section in course.sections.select_related("parent").order_by("position", "pk")
    ]  # fmt: skip


class TestImportingTheSeeds:
    def test_the_roadmap_makes_its_sections_readings_and_questions(self, course):
        plan = run_import(course, ROADMAP, filename="genai-roadmap.md")
        assert plan.summary() == {
            "created": 21, "updated": 0, "unchanged": 0, "removed": 0, "kept": 0, "sections_created": 6,
        }  # fmt: skip
        tree = [(s.title, s.parent.title if s.parent else None) for s in course.sections.order_by("position")]
        assert tree == [
            ("Background Knowledge", None),
            ("Neural Networks Inference and Training", "Background Knowledge"),
            ("Transformer Architecture", "Background Knowledge"),
            ("Common Transformer-based Models", "Background Knowledge"),
            ("Large Language Models (LLMs)", None),
            ("Pretraining and Finetuning", "Large Language Models (LLMs)"),
        ]
        vit = Reading.objects.get(course=course, arxiv_id="2010.11929")
        assert (vit.venue, vit.year, vit.kind) == ("ICLR", 2021, "paper")
        assert vit.listings.get().annotation == "Vision Transformer"
        nn = Section.objects.get(course=course, title="Neural Networks Inference and Training")
        assert nn.questions[0] == "Why do CNNs work better than MLPs on images?" and len(nn.questions) == 6

    def test_importing_the_roadmap_twice_gives_the_same_list(self, course):
        run_import(course, ROADMAP)
        before, ids = snapshot(course), set(course.readings.values_list("pk", flat=True))
        plan = run_import(course, ROADMAP)
        assert (len(plan.created), len(plan.updated), len(plan.unchanged)) == (0, 0, 21)
        assert snapshot(course) == before
        assert set(course.readings.values_list("pk", flat=True)) == ids

    def test_the_course_page_makes_one_reading_of_a_paper_listed_twice(self, course):
        plan = run_import(course, COURSE_PAGE, filename="cs496.txt")
        assert plan.summary()["created"] == 141 and course.sections.count() == 40
        assert Listing.objects.filter(section__course=course).count() == 144
        soundstream = Reading.objects.get(course=course, title="SoundStream: An End-to-End Neural Audio Codec")
        assert sorted(soundstream.listings.values_list("section__title", flat=True)) == [
            "Language Modeling in the Audio Domain",
            "VAE Applications",
        ]
        assert run_import(course, COURSE_PAGE, filename="cs496.txt").summary()["unchanged"] == 141


class TestReimport:
    def test_an_edited_file_updates_in_place_matched_by_link_then_title(self, course):
        run_import(course, b"## Papers\n- [Old title](https://example.org/p1) - first note\n- Unlinked Paper\n")
        first = {r.title: r.pk for r in course.readings.all()}
        plan = run_import(
            course,
            b"## Papers\n- [New title](https://example.org/p1/) - second note\n"
            b"- [Unlinked paper](https://example.org/p2)\n- [Brand new](https://example.org/p3)\n",
        )
        assert [(p.reading.pk, p.matched_by) for p in plan.updated] == [
            (first["Old title"], "url"),
            (first["Unlinked Paper"], "title"),
        ]
        assert course.readings.count() == 3
        assert Reading.objects.get(pk=first["Old title"]).title == "New title"
        assert Listing.objects.get(reading_id=first["Old title"]).annotation == "second note"
        assert Reading.objects.get(pk=first["Unlinked Paper"]).url == "https://example.org/p2"

    def test_arxiv_ids_match_whatever_the_address_form(self, course):
        run_import(course, b"## A\n- [Attention](https://arxiv.org/abs/1706.03762)\n")
        plan = run_import(course, b"## A\n- [Attention Is All You Need](https://arxiv.org/pdf/1706.03762v7.pdf)\n")
        assert [p.matched_by for p in plan.updated] == ["arXiv id"]
        reading = course.readings.get()
        # The title changes; the link stays: abs and pdf of one paper are the same paper.
        assert (reading.title, reading.url) == ("Attention Is All You Need", "https://arxiv.org/abs/1706.03762")

    def test_what_the_instructor_corrected_survives_a_reimport(self, course):
        run_import(course, b"## A\n- [Notes on GANs](https://www.youtube.com/watch?v=gans)\n")
        listing = Listing.objects.get(section__course=course)
        assert listing.reading.kind == "video"
        service.reading_update(
            course=course, listing_id=listing.pk, values={"kind": "slides", "title": "Notes on GANs"}, annotation=""
        )
        plan = run_import(course, b"## A\n- [Notes on GANs](https://www.youtube.com/watch?v=gans)\n")
        assert plan.unchanged[0].kept_edits == ["kind"]
        assert course.readings.get().kind == "slides"

    def test_a_guessed_kind_never_overwrites_a_chosen_one(self, course):
        section = SectionFactory(course=course, title="Papers")
        ListingFactory(section=section, reading__title="Image GPT", reading__kind="blog", reading__url="")
        plan = run_import(course, b"Papers\n\n  1. Image GPT: Using a Transformer to make images.\n", filename="x.txt")
        assert plan.unchanged and course.readings.get().kind == "blog"


class TestReplace:
    def test_replace_removes_what_the_file_dropped_but_never_scheduled_or_reviewed_readings(self, course):
        old = SectionFactory(course=course, title="Old section")
        dropped, scheduled, reviewed = (ListingFactory(section=old).reading for _ in range(3))
        SlotFactory(meeting=MeetingFactory(course=course), reading=scheduled)
        Review.objects.create(reading=reviewed, student=UserFactory(), draft="half a thought")
        plan = run_import(course, b"## New\n- [Kept](https://example.org/kept)\n", mode="replace")
        assert [r.pk for r in plan.removed] == [dropped.pk]
        assert sorted((r.pk, why) for r, why in plan.kept) == sorted(
            [(scheduled.pk, "scheduled"), (reviewed.pk, "reviewed")]
        )
        assert set(course.readings.values_list("pk", flat=True)) == {
            scheduled.pk, reviewed.pk, course.readings.get(title="Kept").pk,
        }  # fmt: skip
        # Their section stays too, so students still find them in the list.
        assert sorted(course.sections.values_list("title", flat=True)) == ["New", "Old section"]

    def test_merge_mode_removes_nothing(self, course):
        ListingFactory(section=SectionFactory(course=course))
        run_import(course, b"## New\n- [A](https://example.org/a)\n")
        assert course.readings.count() == 2


class TestBadInput:
    @pytest.mark.parametrize(
        ("data", "filename", "code"),
        [
            (b"", "list.md", "empty"),
            (b"  \n\n", "list.md", "empty"),
            (b"%PDF-1.7\x00\x01\x02", "list.pdf", "binary"),
            ("Liste de lecture: é".encode("latin-1"), "list.txt", "not_utf8"),
            (b"x" * (LIMIT + 1), "list.md", "too_large"),
            (b"Just a paragraph of prose about the course.\n", "list.txt", "no_readings"),
            (b"# Title\n\nSome prose, no list.\n", "list.md", "no_readings"),
            (b"@article{b title={Broken}}\n", "refs.bib", "no_readings"),
        ],
    )
    def test_is_refused_with_a_reason_and_changes_nothing(self, course, data, filename, code):
        with pytest.raises(ServiceError) as refused:
            service.reading_import_create(
                course=course, by=None, data=data, filename=filename, mode="merge", limit=LIMIT
            )
        assert refused.value.code == code and refused.value.message
        assert not ReadingImport.objects.exists() and not course.readings.exists()

    def test_a_failure_midway_leaves_the_list_as_it_was(self, course, monkeypatch):
        ListingFactory(section=SectionFactory(course=course), reading__title="Already there")
        before = snapshot(course)
        pending = service.reading_import_create(
            course=course, by=None, data=ROADMAP, filename="r.md", mode="replace", limit=LIMIT
        )

        def fail(*args, **kwargs):
            raise RuntimeError("the database went away")

        monkeypatch.setattr(Listing.objects, "bulk_create", fail)
        with pytest.raises(RuntimeError):
            service.reading_import_apply(reading_import_id=pending.pk, course=course)
        assert snapshot(course) == before and course.readings.count() == 1
        assert ReadingImport.objects.get().applied_at is None

    def test_a_second_confirmation_changes_nothing(self, course):
        pending = service.reading_import_create(
            course=course, by=None, data=ROADMAP, filename="r.md", mode="merge", limit=LIMIT
        )
        service.reading_import_apply(reading_import_id=pending.pk, course=course)
        with pytest.raises(ServiceError) as again:
            service.reading_import_apply(reading_import_id=pending.pk, course=course)
        assert again.value.code == "already_applied" and course.readings.count() == 21

    def test_links_that_are_not_web_addresses_are_dropped_with_a_warning(self, course):
        plan = run_import(course, b"## A\n- [Local](docs/paper.pdf)\n- [Mail](mailto:x@example.org)\n")
        assert [r.url for r in course.readings.order_by("title")] == ["", ""]
        assert len([w for w in plan.warnings if "is not a web address" in w]) == 2


class TestCuration:
    def test_move_to_another_section_and_reorder(self, course):
        a, b = SectionFactory(course=course), SectionFactory(course=course)
        first, second, third = (ListingFactory(section=a, position=n) for n in (1, 2, 3))
        service.listing_reorder(course=course, listing_id=third.pk, direction="up")
        assert list(a.listings.order_by("position").values_list("pk", flat=True)) == [first.pk, third.pk, second.pk]
        service.listing_move(course=course, listing_id=first.pk, section_id=b.pk)
        assert Listing.objects.get(pk=first.pk).section == b

    def test_moving_into_a_section_that_lists_it_already_is_refused(self, course):
        a, b = SectionFactory(course=course), SectionFactory(course=course)
        listing = ListingFactory(section=a)
        ListingFactory(section=b, reading=listing.reading)
        with pytest.raises(ServiceError) as refused:
            service.listing_move(course=course, listing_id=listing.pk, section_id=b.pk)
        assert refused.value.code == "already_listed"

    def test_merge_moves_reviews_slots_and_listings_to_the_survivor(self, course):
        a, b = SectionFactory(course=course), SectionFactory(course=course)
        duplicate = ListingFactory(section=a, annotation="why").reading
        survivor = ListingFactory(section=b, reading__url="", reading__arxiv_id="").reading
        duplicate.arxiv_id = "1706.03762"
        duplicate.save()
        ListingFactory(section=b, reading=duplicate, annotation="")
        review = Review.objects.create(reading=duplicate, student=UserFactory(), text="x", draft="x")
        slot = SlotFactory(meeting=MeetingFactory(course=course), reading=duplicate)
        service.reading_merge(course=course, reading_id=duplicate.pk, into_id=survivor.pk)
        assert not Reading.objects.filter(pk=duplicate.pk).exists()
        survivor.refresh_from_db()
        assert survivor.arxiv_id == "1706.03762" and survivor.url == duplicate.url
        assert Review.objects.get(pk=review.pk).reading == survivor
        assert slot.__class__.objects.get(pk=slot.pk).reading == survivor
        assert sorted(survivor.listings.values_list("section_id", flat=True)) == sorted([a.pk, b.pk])

    def test_merge_is_refused_when_a_student_reviewed_both(self, course):
        one, two = ReadingFactory(course=course), ReadingFactory(course=course)
        student = UserFactory(first_name="Ada", last_name="Achebe")
        for reading in (one, two):
            Review.objects.create(reading=reading, student=student, draft="mine")
        with pytest.raises(ServiceError) as refused:
            service.reading_merge(course=course, reading_id=one.pk, into_id=two.pk)
        assert refused.value.code == "reviewed_both" and "Ada Achebe" in refused.value.message
        assert Reading.objects.filter(pk=one.pk).exists()

    def test_delete_is_refused_while_scheduled_or_reviewed(self, course):
        scheduled, reviewed, free = (ReadingFactory(course=course) for _ in range(3))
        SlotFactory(meeting=MeetingFactory(course=course), reading=scheduled)
        Review.objects.create(reading=reviewed, student=UserFactory(), draft="a draft counts")
        for reading, code in ((scheduled, "scheduled"), (reviewed, "reviewed")):
            with pytest.raises(ServiceError) as refused:
                service.reading_delete(course=course, reading_id=reading.pk)
            assert refused.value.code == code
        service.reading_delete(course=course, reading_id=free.pk)
        assert set(course.readings.values_list("pk", flat=True)) == {scheduled.pk, reviewed.pk}

    def test_an_arxiv_id_another_reading_has_is_refused_with_a_hint_to_merge(self, course):
        ReadingFactory(course=course, title="Attention", arxiv_id="1706.03762")
        listing = ListingFactory(section=SectionFactory(course=course))
        with pytest.raises(ServiceError) as refused:
            service.reading_update(
                course=course, listing_id=listing.pk, values={"arxiv_id": "1706.03762"}, annotation=""
            )
        assert refused.value.code == "duplicate_arxiv_id" and "merge" in refused.value.message


class TestReferenceManagerExports:
    @pytest.mark.parametrize("filename", ["library.ris", "library.json"])
    def test_import_into_a_section_and_a_second_import_changes_nothing(self, course, filename):
        from ..readinglists.test_references import ZOTERO_CSL, ZOTERO_RIS

        data = (ZOTERO_RIS if filename.endswith(".ris") else ZOTERO_CSL).encode()
        run_import(course, data, filename=filename, section_title="From Zotero")
        section = Section.objects.get(course=course)
        assert section.title == "From Zotero" and section.listings.count() == 3
        before = snapshot(course)
        plan = run_import(course, data, filename=filename, section_title="From Zotero")
        assert snapshot(course) == before and plan.summary()["created"] == 0


class TestTitlesInAnyScript:
    def test_a_korean_list_re_imports_without_duplicates(self, course):
        text = (
            "## 논문\n\n- 트랜스포머 구조에 대한 연구\n- 확산 모델 입문: 개요\n- Attention Is All You Need\n".encode()
        )
        run_import(course, text)
        run_import(course, text)
        assert course.readings.count() == 3

    @pytest.mark.parametrize(
        ("listed", "matching"),
        [("Attention is all you need", "ATTENTION IS ALL YOU NEED."), ("Ｔｒａｎｓｆｏｒｍｅｒｓ", "Transformers"),
         ("Straße der Modelle", "STRASSE der Modelle")],
    )  # fmt: skip
    def test_titles_match_whatever_their_case_width_and_punctuation(self, listed, matching):
        assert service.normalized_title(listed) == service.normalized_title(matching)

    def test_accents_are_letters_of_their_own(self):
        assert service.normalized_title("Dvořák") != service.normalized_title("Dvorak")


def run_import_taking(course, data: bytes, take):
    pending = service.reading_import_create(
        course=course, by=None, data=data, filename="list.md", mode="merge", limit=LIMIT
    )
    return service.reading_import_apply(reading_import_id=pending.pk, course=course, take=take)


class TestKeepOrTake:
    FIRST = b"## Papers\n- [Attention Is All You Need](https://arxiv.org/abs/1706.03762)\n"
    RENAMED = b"## Papers\n- [Attention is all you need (Vaswani et al.)](https://arxiv.org/abs/1706.03762)\n"

    def test_a_scheduled_readings_title_survives_a_reimport_that_renames_it(self, course):
        run_import(course, self.FIRST)
        reading = course.readings.get()
        SlotFactory(meeting=MeetingFactory(course=course), reading=reading)
        plan = run_import(course, self.RENAMED)
        assert course.readings.get().title == "Attention Is All You Need"
        [held] = plan.held
        assert held.held == {"title": ("Attention Is All You Need", "Attention is all you need (Vaswani et al.)")}
        assert held.held_because == "it is scheduled"

    def test_unless_the_instructor_takes_the_files_version(self, course):
        run_import(course, self.FIRST)
        reading = course.readings.get()
        Review.objects.create(reading=reading, student=UserFactory(), text="Mine.")
        run_import_taking(course, self.RENAMED, take={reading.pk})
        assert course.readings.get().title == "Attention is all you need (Vaswani et al.)"

    def test_an_edit_by_hand_is_kept_or_taken_and_then_no_longer_an_edit(self, course):
        run_import(course, self.FIRST)
        listing = Listing.objects.get(section__course=course)
        service.reading_update(course=course, listing_id=listing.pk, values={"title": "Transformers"}, annotation="")
        run_import(course, self.RENAMED)
        assert course.readings.get().title == "Transformers"
        run_import_taking(course, self.RENAMED, take=service.TAKE_ALL)
        reading = course.readings.get()
        assert reading.title == "Attention is all you need (Vaswani et al.)" and "title" not in reading.edited_fields


SHAPES = {"table-list.md": 4, "bold-paragraphs.md": 3, "nested-seminar.md": 5, "loose-markdown.md": 7,
          "mixed-items.md": 10}  # fmt: skip


@pytest.mark.parametrize("name", SHAPES)
def test_lists_in_other_shapes_import_and_re_import_without_change(course, name):
    data = (Path(__file__).resolve().parent.parent / "fixtures" / "lists" / name).read_bytes()
    plan = run_import(course, data, filename=name)
    assert plan.summary()["created"] == SHAPES[name]
    before = snapshot(course)
    again = run_import(course, data, filename=name)
    assert snapshot(course) == before and again.summary()["created"] == again.summary()["updated"] == 0


def test_a_nested_seminar_list_imports_its_papers_and_no_junk(course):
    data = (Path(__file__).resolve().parent.parent / "fixtures" / "lists" / "nested-seminar.md").read_bytes()
    run_import(course, data, filename="seminar.md")
    titles = sorted(course.readings.values_list("title", flat=True))
    assert titles == [
        "Attention Is All You Need", "Denoising Diffusion Probabilistic Models",
        "Mamba: Linear-Time Sequence Modeling with Selective State Spaces", "The Deep Learning Book, chapter 14",
        "arXiv:2305.10601",
    ]  # fmt: skip
    before = snapshot(course)
    run_import(course, data, filename="seminar.md")
    assert snapshot(course) == before


def test_a_paper_and_its_blog_post_stay_two_readings(course):
    text = (
        b"## Diffusion\n- [Denoising Diffusion Probabilistic Models](https://arxiv.org/abs/2006.11239)\n"
        b"- [Denoising Diffusion Probabilistic Models](https://lilianweng.github.io/posts/2021-07-11-diffusion-models/)\n"
    )
    run_import(course, text)
    assert sorted(course.readings.values_list("kind", flat=True)) == ["blog", "paper"]
    run_import(course, text)
    assert course.readings.count() == 2


class TestPlainTextTitles:
    def test_an_unsure_title_is_kept_whole_with_a_warning_in_the_preview(self, course):
        page = b"Week 1\n\n1. Wav2vec: Learning speech representations from raw audio\n"
        plan = run_import(course, page, filename="page.txt")
        assert [r.title for r in course.readings.all()] == ["Wav2vec: Learning speech representations from raw audio"]
        assert plan.warnings == [service.UNSURE_TITLE.format(line=3, title=course.readings.get().title)]

    def test_the_split_naming_a_reading_the_course_has_wins(self, course):
        ReadingFactory(course=course, title="Wav2vec")  # the instructor's reading, by its short title
        ReadingFactory(course=course, title="Music Transformer: Applying Transformers to music composition")
        page = (
            b"Audio\n\n1. Wav2vec: Learning speech representations from raw audio\n"
            b"2. Music Transformer: Applying Transformers to music composition.\n"
        )
        plan = run_import(course, page, filename="page.txt")
        assert plan.summary()["created"] == 0 and plan.warnings == []
        notes = Listing.objects.filter(section__course=course).order_by("position")
        assert [(n.reading.title, n.annotation) for n in notes] == [
            ("Wav2vec", "Learning speech representations from raw audio"),
            ("Music Transformer: Applying Transformers to music composition", ""),
        ]
