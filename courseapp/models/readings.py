from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from .courses import Course
from .imports import PendingImport

if TYPE_CHECKING:
    from .reviews import Review
    from .schedule import Slot


class Section(models.Model):
    """A heading of the reading list; sections nest (section, subsection, ...)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    title = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)
    # "You should be able to answer these questions": shown with the section, and to the
    # instructor at the final quiz.
    questions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["course", "position"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="section_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.title


class Reading(models.Model):
    """A work students can read: one row per work in a course, however often the list names it."""

    class Kind(models.TextChoices):
        PAPER = "paper", "Paper"
        BLOG_POST = "blog", "Blog post"
        VIDEO = "video", "Video"
        BOOK = "book", "Book"
        SLIDES = "slides", "Lecture slides or notes"
        NOTEBOOK = "notebook", "Notebook"
        CODE = "code", "Code"
        OTHER = "other", "Other"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="readings")
    title = models.CharField(max_length=500)
    url = models.URLField("link", max_length=1000, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PAPER)
    authors = models.CharField(max_length=1000, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    arxiv_id = models.CharField("arXiv id", max_length=40, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    # The latest link check's verdict on ``url`` (its history: ``link_results``).
    link_result = models.ForeignKey(
        "LinkResult", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    # Fields the instructor corrected by hand; a re-import leaves them as they are.
    edited_fields = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Not stored: where the schedule has it and the viewer's review (selectors.readings), and, in an export,
    # the sections that list it and its note there.
    scheduled_slots: list["Slot"]
    my_review: "Review | None"
    section_titles: list[str]
    annotation: str

    class Meta:
        ordering = ["course", "title"]
        constraints = [
            # The same paper twice in one list splits its reviews and its slot between two rows.
            models.UniqueConstraint(
                fields=["course", "arxiv_id"], condition=~Q(arxiv_id=""), name="reading_arxiv_once_per_course"
            ),
            models.UniqueConstraint(fields=["course", "doi"], condition=~Q(doi=""), name="reading_doi_once_per_course"),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1000, year__lte=2999), name="reading_year_plausible"
            ),
        ]
        indexes = [models.Index(fields=["course", "kind"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_paper(self) -> bool:
        return self.kind == self.Kind.PAPER

    @property
    def link_check(self):
        """The latest check's verdict when it was about the link the reading has now, else None."""
        result = self.link_result
        return result if result is not None and result.url == self.url else None


class Listing(models.Model):
    """A reading's place in a section, with the instructor's note on why to read it there."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="listings")
    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="listings")
    position = models.PositiveIntegerField(default=0)
    annotation = models.TextField(blank=True)

    class Meta:
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(fields=["section", "reading"], name="listing_once_per_section"),
        ]

    def __str__(self) -> str:
        return f"{self.reading} in {self.section}"


class ReadingImport(PendingImport):
    """A reading list uploaded or pasted for import, kept until the instructor confirms its preview."""

    class Format(models.TextChoices):
        MARKDOWN = "markdown", "Markdown (headings and lists of links)"
        TEXT = "text", "Plain text (a course page: headings and numbered items)"
        BIBTEX = "bibtex", "BibTeX"
        RIS = "ris", "RIS (Zotero, Mendeley, EndNote)"
        CSL_JSON = "csljson", "CSL-JSON (Zotero, Paperpile)"

    class Mode(models.TextChoices):
        MERGE = "merge", "Add and update: keep readings the file does not mention"
        REPLACE = "replace", "Replace: remove readings the file no longer lists (never scheduled or reviewed ones)"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="reading_imports")
    format = models.CharField(max_length=20, choices=Format.choices)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.MERGE)
    # For BibTeX, which has no headings: the section its entries go into.
    section_title = models.CharField(max_length=300, blank=True)
    # ...or a section for each of their keywords (BibTeX: JabRef's groups, else keywords).
    sections_by_keyword = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.get_format_display()} import into {self.course} ({self.created_at:%Y-%m-%d %H:%M})"
