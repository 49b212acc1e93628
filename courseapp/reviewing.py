"""Reviews as plain logic, with no database: word counts, what counts toward 20 / 15, similarity,
and Markdown rendered safely."""

import dataclasses
import datetime
import re

import nh3
from markdown_it import MarkdownIt

# A word: letters or digits, possibly joined by apostrophes or hyphens ("don't", "state-of-the-art").
_WORD = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")
# Link targets and bare addresses are not words a reader reads.
_LINK_TARGET = re.compile(r"\]\([^)]*\)|https?://\S+|mailto:\S+")


@dataclasses.dataclass(frozen=True)
class Due:
    """A review's deadline: the course's, and the student's own as their extensions move it."""

    course: datetime.datetime
    mine: datetime.datetime


def word_count(text: str) -> int:
    """Words as a reader would count them in the rendered review."""
    return len(_WORD.findall(_LINK_TARGET.sub("]", text)))


def end_of_term(term_ends_on: datetime.date, tz) -> datetime.datetime:
    """Reviews of readings not on the calendar are due when the last day of term ends."""
    return datetime.datetime.combine(term_ends_on, datetime.time(23, 59, 59), tzinfo=tz)


def is_late(submitted_at: datetime.datetime, due: datetime.datetime) -> bool:
    """Due "when the class starts": a review handed in at that very second is on time."""
    return submitted_at > due


# Markdown: CommonMark with raw HTML off, then an allow-list cleaner, so a review never carries
# script, event handlers, styles or htmx attributes into the page, and links are web or mail only.
_markdown = MarkdownIt("commonmark", {"html": False})
_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip


def render_markdown(text: str) -> str:
    return nh3.clean(
        _markdown.render(text),
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "ol": {"start"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    words = [word.lower() for word in _WORD.findall(text)]
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def overlap(a: set, b: set) -> float:
    """Share of the smaller set found in the other: 1.0 when one review is copied into another."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


# What counts toward the reading grade.
SCHEDULED_PAPER = "scheduled_paper"
OTHER = "other"
NOT_COUNTED = "not_counted"


@dataclasses.dataclass
class ReviewFacts:
    key: object
    is_paper: bool
    scheduled_for_presentation: bool
    kind_label: str
    late: bool
    submitted_at: datetime.datetime


@dataclasses.dataclass
class Verdict:
    key: object
    counts_as: str
    reason: str


@dataclasses.dataclass
class Tally:
    required: int
    scheduled_required: int
    scheduled_papers: int  # counted reviews of papers scheduled for presentation
    others: int  # counted reviews of any other reading, at most required - scheduled_required
    submitted: int
    verdicts: "dict[object, Verdict]"  # by ReviewFacts.key

    @property
    def others_allowed(self) -> int:
        return self.required - self.scheduled_required

    @property
    def counted(self) -> int:
        return min(self.required, self.scheduled_papers + self.others)


def tally(reviews: list[ReviewFacts], *, required: int, scheduled_required: int, late_refused: bool) -> Tally:
    """Sort submitted reviews into scheduled papers, other readings and not counted, with a reason each.

    Papers scheduled for presentation all count; other readings count up to the number the rule
    leaves over (5 of 20), first submitted first.
    """
    others_allowed = required - scheduled_required
    verdicts: dict[object, Verdict] = {}
    scheduled = others = 0
    for facts in sorted(reviews, key=lambda f: f.submitted_at):
        if facts.late and late_refused:
            verdicts[facts.key] = Verdict(
                facts.key, NOT_COUNTED, "Does not count: it came in after its deadline, and late work is not accepted."
            )
        elif facts.is_paper and facts.scheduled_for_presentation:
            scheduled += 1
            verdicts[facts.key] = Verdict(facts.key, SCHEDULED_PAPER, "Counts: a paper scheduled for presentation.")
        elif others < others_allowed:
            others += 1
            why = (
                f"a {facts.kind_label.lower()}, not a paper"
                if not facts.is_paper
                else "a paper not scheduled for presentation"
            )
            verdicts[facts.key] = Verdict(
                facts.key, OTHER, f"Counts as one of the {others_allowed} other readings: {why}."
            )
        else:
            verdicts[facts.key] = Verdict(
                facts.key,
                NOT_COUNTED,
                f"Does not count: you already have {others_allowed} other readings, and beyond them only papers "
                "scheduled for presentation count.",
            )
    return Tally(
        required=required,
        scheduled_required=scheduled_required,
        scheduled_papers=scheduled,
        others=others,
        submitted=len(reviews),
        verdicts=verdicts,
    )
