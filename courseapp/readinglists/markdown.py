"""Reading lists kept as Markdown "awesome lists": headings, list items with links, and notes.

The rules, from the lists instructors keep on GitHub:

- Headings become sections, nested by level. A single level-1 heading at the top is the
  list's title, not a section; a "Contents" section is a table of contents and is skipped.
- A list item that starts with ``[title](url)`` is a reading. A trailing bracketed note
  (``[Vision Transformer]``) or the text after a dash becomes its annotation.
- A list item of plain text is a reading without a link.
- Links to ``#anchors``, images and badges, and prose paragraphs are not readings.
- List items after a line saying "you should be able to answer these questions" are the
  section's self-check questions.
- A section with neither readings nor subsections is reported, not created.
"""

import dataclasses
import re

from . import metadata

_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
_ITEM = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d{1,3}[.)])\s+(?P<body>.*\S)\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
# [title](url "optional title") at the start of an item; the title may hold [brackets].
_LEADING_LINK = re.compile(
    r"^\[(?P<title>(?:[^\[\]]|\[[^\[\]]*\])+)\]\(\s*<?(?P<url>[^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)(?P<rest>.*)$"
)
_NESTED_LINK = re.compile(r"\[\[(?P<text>[^\[\]]+)\]\]\((?P<url>[^)\s]+)\)")
_INLINE_LINK = re.compile(r"\[(?P<text>[^\[\]]+)\]\((?P<url>[^)\s]+)\)")
_BRACKET_NOTE = re.compile(r"\[(?P<note>[^\[\]]+)\](?!\()")
_QUESTIONS_INTRO = re.compile(r"answer\s+(?:these|the\s+following)\s+questions", re.IGNORECASE)
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?P<text>.+?)\1")
_CONTENTS = {"contents", "table of contents", "toc"}


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
    line: int = 0


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


@dataclasses.dataclass
class ParsedList:
    title: str
    sections: list[ParsedSection]
    warnings: list[str]

    def all_sections(self) -> list[ParsedSection]:
        return [section for top in self.sections for section in top.walk()]

    def all_readings(self) -> list[ParsedReading]:
        return [reading for section in self.all_sections() for reading in section.readings]


def plain(text: str) -> str:
    """Markdown inline text as a reader sees it: emphasis and link syntax removed."""
    text = _INLINE_LINK.sub(lambda m: m.group("text"), text)
    for _ in range(3):  # nested emphasis such as **_text_**
        text = _EMPHASIS.sub(lambda m: m.group("text"), text)
    return re.sub(r"\s+", " ", text).strip()


def reading_from(title: str, url: str = "", annotation: str = "", *, line: int = 0) -> ParsedReading:
    """A reading with the metadata its link and title carry."""
    title, venue, year = metadata.venue_and_year(plain(title))
    return ParsedReading(
        title=title,
        url=url,
        annotation=annotation,
        kind=metadata.kind_from_url(url),
        arxiv_id=metadata.arxiv_id(url),
        doi=metadata.doi(url),
        venue=venue,
        year=year,
        line=line,
    )


def _annotation(rest: str) -> str:
    """The note after an item's link: bracketed notes, or the text after a dash or colon."""
    rest = _NESTED_LINK.sub(lambda m: f"[{m.group('text')}: {m.group('url')}]", rest).strip()
    notes = [note.strip() for note in _BRACKET_NOTE.findall(rest)]
    if notes and not _BRACKET_NOTE.sub("", rest).strip(" -–—:;,."):
        return "; ".join(notes)
    return plain(rest.lstrip(" -–—:").strip())


def _item(body: str, line: int) -> ParsedReading | None:
    if body.startswith("!["):
        return None  # an image or a badge
    match = _LEADING_LINK.match(body)
    if match:
        if match.group("title").lstrip().startswith("!["):
            return None  # a badge that links somewhere
        url = match.group("url")
        if url.startswith("#"):
            return None  # table of contents
        return reading_from(match.group("title"), url, _annotation(match.group("rest")), line=line)
    text = plain(body)
    if not text:
        return None
    title, *note = re.split(r"\s[-–—]\s", text, maxsplit=1)
    return reading_from(title, annotation=note[0].strip() if note else "", line=line)


def parse_markdown(text: str) -> ParsedList:
    """Parse a Markdown reading list. Never raises: whatever is not understood is skipped."""
    lines = text.splitlines()
    headings = [(i, m) for i, raw in enumerate(lines) if (m := _HEADING.match(raw))]
    title = ""
    h1 = [m for _, m in headings if len(m.group("hashes")) == 1]
    skip_title_line = None
    if len(h1) == 1 and headings and headings[0][1] is h1[0]:
        title, skip_title_line = plain(h1[0].group("title")), headings[0][0]

    roots: list[ParsedSection] = []
    stack: list[ParsedSection] = []
    warnings: list[str] = []
    in_fence = in_contents = questions = False
    contents_level = 0
    for index, raw in enumerate(lines):
        number = index + 1
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence or index == skip_title_line:
            continue
        heading = _HEADING.match(raw)
        if heading:
            level = len(heading.group("hashes"))
            name = plain(heading.group("title"))
            questions = False
            if in_contents and level <= contents_level:
                in_contents = False
            if name.lower().strip(":") in _CONTENTS:
                in_contents, contents_level = True, level
                continue
            if in_contents:
                continue
            section = ParsedSection(title=name, level=level, line=number)
            while stack and stack[-1].level >= level:
                stack.pop()
            (stack[-1].children if stack else roots).append(section)
            stack.append(section)
            continue
        if in_contents:
            continue
        item = _ITEM.match(raw)
        if item:
            if questions and stack:
                stack[-1].questions.append(plain(item.group("body")))
                continue
            reading = _item(item.group("body"), number)
            if reading is None:
                continue
            if not stack:
                stack.append(ParsedSection(title=title or "Readings", level=1, line=number))
                roots.append(stack[-1])
            stack[-1].readings.append(reading)
            continue
        if raw.strip():
            questions = bool(_QUESTIONS_INTRO.search(raw))

    def prune(sections: list[ParsedSection]) -> list[ParsedSection]:
        kept = []
        for section in sections:
            section.children = prune(section.children)
            if section.readings or section.children:
                kept.append(section)
            else:
                warnings.append(f"Line {section.line}: the section “{section.title}” has no readings; it was left out.")
        return kept

    return ParsedList(title=title, sections=prune(roots), warnings=warnings)
