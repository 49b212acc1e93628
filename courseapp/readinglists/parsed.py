"""What every reading-list parser produces: sections with readings, plain data and no database."""

import dataclasses
import re
from collections import Counter

from django.utils.translation import ngettext

from . import metadata

_INLINE_LINK = re.compile(r"\[(?P<text>[^\[\]]+)\]\((?P<url>[^)\s]+)\)")
_EMPHASIS = re.compile(r"(\*\*|\*|`)(?P<text>.+?)\1")
# Underscores emphasise only at word edges, as in CommonMark: never inside spm_id_from=...
_UNDERSCORES = re.compile(r"(?<!\w)(__|_)(?P<text>\S(?:.*?\S)??)\1(?!\w)")


@dataclasses.dataclass
class ParsedReading:
    title: str
    url: str = ""
    annotation: str = ""
    kind: str = ""
    arxiv_id: str = ""
    doi: str = ""
    venue: str = ""
    year: int | None = None
    authors: str = ""
    line: int = 0
    # True when nothing in the list said what it is and ``kind`` is the default: an import
    # does not overwrite a kind someone chose with a guess.
    kind_is_guess: bool = False
    # Plain text only: the other places the title could end, as (title, annotation), longest first, and
    # whether the parser guessed. An import prefers a choice that names a reading the course has.
    title_choices: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    title_unsure: bool = False


@dataclasses.dataclass
class ParsedSection:
    title: str
    level: int
    readings: list[ParsedReading] = dataclasses.field(default_factory=list)
    questions: list[str] = dataclasses.field(default_factory=list)
    children: list["ParsedSection"] = dataclasses.field(default_factory=list)
    line: int = 0

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


SKIPPED = {
    "prose": ("prose bullet (an instruction, not a work)", "prose bullets (instructions, not works)"),
    "contents": ("table-of-contents link", "table-of-contents links"),
    "badge": ("image or badge", "images or badges"),
    "row": ("table row without a title", "table rows without a title"),
    "untitled": ("entry without a title", "entries without a title"),
    "unreadable": ("entry that could not be read", "entries that could not be read"),
}


@dataclasses.dataclass
class ParsedList:
    title: str
    sections: list[ParsedSection]
    warnings: list[str]
    # Problems that make the whole file unusable (malformed BibTeX): nothing is imported.
    errors: list[str] = dataclasses.field(default_factory=list)
    # What was read past on purpose, by reason (keys of SKIPPED): the preview counts them.
    skipped: Counter[str] = dataclasses.field(default_factory=Counter)

    def skipped_counts(self) -> list[str]:
        """ "12 prose bullets (instructions, not works)", one per reason, largest first."""
        return [
            f"{count} {ngettext(*SKIPPED[reason], count)}"
            for reason, count in self.skipped.most_common()
            if reason in SKIPPED
        ]

    def all_sections(self) -> list[ParsedSection]:
        return [section for top in self.sections for section in top.walk()]

    def all_readings(self) -> list[ParsedReading]:
        return [reading for section in self.all_sections() for reading in section.readings]


def without_empty_sections(sections: list[ParsedSection]) -> tuple[list[ParsedSection], list[ParsedSection]]:
    """The sections that have readings or subsections with some, and those left out for having none."""
    kept: list[ParsedSection] = []
    dropped: list[ParsedSection] = []
    for section in sections:
        section.children, dropped_below = without_empty_sections(section.children)
        dropped.extend(dropped_below)
        (kept if section.readings or section.children else dropped).append(section)
    return kept, dropped


def keywords(value) -> list[str]:
    """A reference's keywords or groups: a list as given, or text split at semicolons (else commas)."""
    if isinstance(value, list | tuple):
        parts = [str(part) for part in value]
    else:
        text = str(value or "")
        parts = text.split(";") if ";" in text else text.split(",")
    found: dict[str, str] = {}
    for part in parts:
        name = " ".join(part.split())[:300]
        if name:
            found.setdefault(name.casefold(), name)
    return list(found.values())


def reference_list(
    entries: list[tuple[ParsedReading, list[str]]],
    warnings: list[str],
    *,
    section: str,
    by_keywords: bool = False,
    skipped: Counter[str] | None = None,
) -> ParsedList:
    """A reference manager's entries (with their keywords) as a list: all in ``section``, or, when asked,
    under each of their keywords or groups, entries without any in ``section``."""
    sections: dict[str, ParsedSection] = {}
    for reading, tags in entries:
        for title in tags if by_keywords and tags else [section]:
            sections.setdefault(title.casefold(), ParsedSection(title=title, level=1)).readings.append(reading)
    return ParsedList(title="", sections=list(sections.values()), warnings=warnings, skipped=skipped or Counter())


_BADGE = re.compile(r"\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)|!\[[^\]]*\]\([^)]*\)")


def plain(text: str) -> str:
    """Markdown inline text as a reader sees it: images and badges gone, emphasis and link syntax removed."""
    text = _BADGE.sub("", text)
    text = _INLINE_LINK.sub(lambda m: m.group("text"), text)
    for _ in range(3):  # nested emphasis such as **_text_**
        text = _EMPHASIS.sub(lambda m: m.group("text"), text)
        text = _UNDERSCORES.sub(lambda m: m.group("text"), text)
    return re.sub(r"\s+", " ", text).strip()


# Pictographs, dingbats and the emoji variation selector: decoration, not part of a title.
_EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+")


def clean_title(text: str) -> str:
    """A title as a reader names it: no markup, badges, emoji, list markers or trailing period."""
    text = _EMOJI.sub("", plain(text))
    text = re.sub(r"^(?:[*•◦▪‣·-]\s+)+", "", text)
    text = " ".join(text.split()).strip(" :;,-–—")
    # A final period ends a sentence, not a title ("… Language Models."); "et al." and "U.S." keep theirs.
    if text.endswith(".") and not re.search(r"(?:\b\w|et al)\.$", text):
        text = text[:-1].rstrip()
    return text


_PLACEHOLDERS = {"tbd", "tba", "tbc", "n/a", "na", "none", "todo", "to do", "?", "-", "—", "–", "...", "…", "xxx"}


def is_placeholder(text: str) -> bool:
    """A table cell or bullet that stands for a reading to come ("TBD", "TBA (your choice)"), not a work."""
    words = plain(text).casefold().strip(" .:;!()[]")
    return words in _PLACEHOLDERS or words.split(" ")[0].strip(".:;,()") in ("tbd", "tba", "tbc")


def reading_from(title: str, url: str = "", annotation: str = "", *, line: int = 0, section: str = "") -> ParsedReading:
    """A reading with the metadata its link, title and note carry (``section``: its heading, a hint at its kind)."""
    title, venue, year = metadata.venue_and_year(clean_title(title))
    stated = metadata.kind_from_url(url) or metadata.kind_from_text(title, annotation, section)
    return ParsedReading(
        title=title,
        url=url,
        annotation=annotation,
        kind=stated or metadata.kind_of(url, title),
        kind_is_guess=not stated,
        arxiv_id=metadata.arxiv_id(url),
        doi=metadata.doi(url),
        venue=venue,
        year=year,
        line=line,
    )
