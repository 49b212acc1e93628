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

import re

from . import metadata
from .blocks import block_readings
from .parsed import ParsedList, ParsedReading, ParsedSection, plain, reading_from, without_empty_sections

_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
_ITEM = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d{1,3}[.)])\s+(?P<body>.*\S)\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
# [title](url "optional title") at the start of an item; the title may hold [brackets].
_LEADING_LINK = re.compile(
    r"^\[(?P<title>(?:[^\[\]]|\[[^\[\]]*\])+)\]\(\s*<?(?P<url>[^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)(?P<rest>.*)$"
)
_NESTED_LINK = re.compile(r"\[\[(?P<text>[^\[\]]+)\]\]\((?P<url>[^)\s]+)\)")
_BRACKET_NOTE = re.compile(r"\[(?P<note>[^\[\]]+)\](?!\()")
_QUESTIONS_INTRO = re.compile(r"answer\s+(?:these|the\s+following)\s+questions", re.IGNORECASE)
_CONTENTS = {"contents", "table of contents", "toc"}


def _annotation(rest: str) -> str:
    """The note after an item's link: bracketed notes, or the text after a dash or colon."""
    rest = _NESTED_LINK.sub(lambda m: f"[{m.group('text')}: {m.group('url')}]", rest).strip()
    notes = [note.strip() for note in _BRACKET_NOTE.findall(rest)]
    if notes and not _BRACKET_NOTE.sub("", rest).strip(" -–—:;,."):
        return "; ".join(notes)
    return plain(rest.lstrip(" -–—:").strip())


def _item(body: str, line: int, section: str) -> ParsedReading | None:
    if body.startswith("!["):
        return None  # an image or a badge
    match = _LEADING_LINK.match(body)
    if match:
        if match.group("title").lstrip().startswith("!["):
            return None  # a badge that links somewhere
        url = match.group("url")
        if url.startswith("#"):
            return None  # table of contents
        return reading_from(match.group("title"), url, _annotation(match.group("rest")), line=line, section=section)
    text = plain(body)
    if not text:
        return None
    title, *note = re.split(r"\s[-–—]\s", text, maxsplit=1)
    return reading_from(title, annotation=note[0].strip() if note else "", line=line, section=section)


def parse_markdown(text: str) -> ParsedList:
    """Parse a Markdown reading list. Never raises: whatever is not understood is skipped."""
    lines = text.splitlines()
    headings = [(i, m) for i, raw in enumerate(lines) if (m := _HEADING.match(raw))]
    title = ""
    h1 = [m for _, m in headings if len(m.group("hashes")) == 1]
    skip_title_line = None
    if len(h1) == 1 and headings and headings[0][1] is h1[0]:
        title, skip_title_line = plain(h1[0].group("title")), headings[0][0]

    def section_at(line: int) -> str:
        above = [plain(m.group("title")) for i, m in headings if i + 1 < line]
        return above[-1] if above else title

    blocks = block_readings(text, section_at)
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
        if number in blocks:  # a table or a bold-title paragraph starts here
            if not stack:
                stack.append(ParsedSection(title=title or "Readings", level=1, line=number))
                roots.append(stack[-1])
            stack[-1].readings.extend(blocks[number])
            continue
        item = _ITEM.match(raw)
        if item:
            if questions and stack:
                stack[-1].questions.append(plain(item.group("body")))
                continue
            reading = _item(item.group("body"), number, stack[-1].title if stack else title)
            if reading is None:
                continue
            if not stack:
                stack.append(ParsedSection(title=title or "Readings", level=1, line=number))
                roots.append(stack[-1])
            stack[-1].readings.append(reading)
            continue
        if raw.strip():
            questions = bool(_QUESTIONS_INTRO.search(raw))

    sections, dropped = without_empty_sections(roots)
    for section in sorted(dropped, key=lambda section: section.line):
        warnings.append(f"Line {section.line}: the section “{section.title}” has no readings; it was left out.")
    return ParsedList(title=title, sections=sections, warnings=warnings)


def _title_with_venue(reading: ParsedReading) -> str:
    """ "Attention Is All You Need (NeurIPS 2017)": the form the parser reads venue and year back from."""
    if reading.venue and reading.year:
        candidate = f"{reading.title} ({reading.venue} {reading.year})"
        if metadata.venue_and_year(candidate)[1:] == (reading.venue, reading.year):
            return candidate
    return reading.title


def export_markdown(parsed: ParsedList) -> str:
    """A reading list as Markdown that ``parse_markdown`` reads back to the same sections and readings."""
    lines = [f"# {parsed.title or 'Reading list'}", ""]

    def write(section: ParsedSection, depth: int) -> None:
        lines.extend([f"{'#' * min(depth + 2, 6)} {section.title}", ""])
        for reading in section.readings:
            title = " ".join(_title_with_venue(reading).split())
            note = " ".join(reading.annotation.split())
            item = f"- [{title}]({reading.url})" if reading.url else f"- {title}"
            lines.append(f"{item} - {note}" if note else item)
        if section.readings:
            lines.append("")
        if section.questions:
            lines.extend(["You should be able to answer these questions:", ""])
            lines.extend(f"- {' '.join(question.split())}" for question in section.questions)
            lines.append("")
        for child in section.children:
            write(child, depth + 1)

    for section in parsed.sections:
        write(section, 0)
    return "\n".join(lines).rstrip() + "\n"
