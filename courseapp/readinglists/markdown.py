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
# "Paper: [Title](url)": a label before the link says what the link is.
_LABEL = re.compile(r"^(?:paper|title|link|pdf|reading|article|blog(?: post)?|video|slides)\s*[:：]\s*", re.I)
# A link anywhere in an item: "Vaswani et al. [Attention Is All You Need](url). NeurIPS 2017."
_ANY_LINK = re.compile(r"(?<!!)\[(?P<title>(?:[^\[\]]|\[[^\[\]]*\])+)\]\(\s*<?(?P<url>[^)\s>]+)>?[^)]*\)")
_BARE_URL = re.compile(r"^<?(?P<url>https?://\S+?)>?$")
# Captions of links that belong to the reading above them rather than being readings.
_CAPTION = re.compile(
    r"^\[?\s*(paper|pdf|arxiv|code|github|slides|video|blog|project|website|demo|poster)\s*\]?$", re.I
)
_PROSE_OPENERS = {
    "please", "read", "bring", "note", "remember", "make", "try", "see", "check", "also", "you", "we", "i", "this",
    "these", "there", "if", "when", "all", "each", "every", "do", "don't", "submit", "come", "prepare", "skim",
}  # fmt: skip
_CITATION_SIGNS = re.compile(r"\b(?:19|20)\d{2}\b|\bet al\b|[“\"].{8,}[”\"]", re.I)
_QUESTIONS_INTRO = re.compile(r"answer\s+(?:these|the\s+following)\s+questions", re.IGNORECASE)
_CONTENTS = {"contents", "table of contents", "toc"}


def _annotation(rest: str) -> str:
    """The note after an item's link: bracketed notes, or the text after a dash or colon."""
    rest = _NESTED_LINK.sub(lambda m: f"[{m.group('text')}: {m.group('url')}]", rest).strip()
    notes = [note.strip() for note in _BRACKET_NOTE.findall(rest)]
    if notes and not _BRACKET_NOTE.sub("", rest).strip(" -–—:;,."):
        return "; ".join(notes)
    return plain(rest.lstrip(" -–—:").strip())


# After a linked title: "_A. Author, B. Author._ NeurIPS 2023." (authors in italics, then venue and year).
_ITALIC_AUTHORS = re.compile(r"^[\s,.:;–—-]*(?:_(?P<a>[^_]+)_|\*(?P<b>[^*]+)\*)")
_VENUE_YEAR_AFTER = re.compile(
    r"^[\s,.]*(?P<venue>[A-Za-z][\w&\-]{1,30}(?: [A-Z][\w&\-]+)?)\s*['’]?(?P<year>(?:19|20)\d{2})\b\.?"
)
# Reference-style links ("[Title][ref]" with "[ref]: https://…" below) and HTML anchors.
_REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[(?P<ref>[^\]]+)\]:\s*<?(?P<url>\S+?)>?(?:\s+[\"'(].*)?\s*$", re.M)
_REFERENCE_USE = re.compile(r"\[(?P<title>[^\[\]]+)\]\[(?P<ref>[^\]]*)\]")
_ANCHOR = re.compile(r"<a\s[^>]*?href=[\"'](?P<url>[^\"']+)[\"'][^>]*>(?P<title>.*?)</a>", re.I | re.S)


def _inline_links(text: str) -> str:
    """Reference-style links and HTML anchors written as inline links, so that every link reads alike."""
    references = {m.group("ref").strip().lower(): m.group("url") for m in _REFERENCE_DEFINITION.finditer(text)}
    if references:
        text = _REFERENCE_USE.sub(
            lambda m: (
                f"[{m.group('title')}]({references[key]})"
                if (key := (m.group("ref") or m.group("title")).strip().lower()) in references
                else m.group(0)
            ),
            text,
        )
        text = _REFERENCE_DEFINITION.sub("", text)
    return _ANCHOR.sub(lambda m: f"[{plain(m.group('title'))}]({m.group('url')})", text)


def _citation_details(reading: ParsedReading, rest: str) -> None:
    """Authors, venue and year written after a linked title, taken out of its note."""
    authors = _ITALIC_AUTHORS.match(rest)
    if not authors:
        return
    reading.authors = (authors.group("a") or authors.group("b")).strip(" .")[:1000]
    after = rest[authors.end() :]
    venue = _VENUE_YEAR_AFTER.match(after)
    if venue:
        reading.venue, reading.year = venue.group("venue"), int(venue.group("year"))
        after = after[venue.end() :]
    reading.annotation = _annotation(after)


def reads_as_citation(body: str) -> bool:
    """Whether an item without a link names a work (a bold or quoted title, a year, "et al.", Title Case),
    rather than being a prose bullet ("Read the first two chapters before class.")."""
    if body.lstrip().startswith(("**", "__", "“", '"')):
        return True
    text = plain(body)
    if _CITATION_SIGNS.search(text):
        return True
    # Title Case, or a script without case (Korean, Chinese): a title rather than a sentence.
    words = [word for word in re.findall(r"[^\W\d_][\w'’-]*", text) if len(word) > 3 or not word[0].islower()]
    if words and sum(not word[0].islower() for word in words) / len(words) >= 0.6:
        return True
    # A sentence-case title ("Attention is all you need") is short and ends no sentence; prose addresses the
    # reader ("Please read…", "Bring questions for the discussion.").
    first = text.split()[0].lower() if text.split() else ""
    return text[-1:] not in ".!?" and len(text.split()) <= 20 and first not in _PROSE_OPENERS


def _item(body: str, line: int, section: str) -> ParsedReading | None:
    if body.startswith("!["):
        return None  # an image or a badge
    body = _LABEL.sub("", body)
    bare = _BARE_URL.match(body)
    if bare:
        url = bare.group("url")
        arxiv = metadata.arxiv_id(url)
        return reading_from(f"arXiv:{arxiv}" if arxiv else url, url, line=line, section=section)
    match = _LEADING_LINK.match(body)
    if match:
        if match.group("title").lstrip().startswith("!["):
            return None  # a badge that links somewhere
        url = match.group("url")
        if url.startswith("#"):
            return None  # table of contents
        reading = reading_from(match.group("title"), url, _annotation(match.group("rest")), line=line, section=section)
        _citation_details(reading, match.group("rest"))
        return reading
    inner = _ANY_LINK.search(body)
    if inner and not inner.group("url").startswith("#") and not _CAPTION.match(inner.group("title")):
        # A citation with its title linked: the words before are the authors, those after the note.
        reading = reading_from(inner.group("title"), inner.group("url"), _annotation(body[inner.end() :]), line=line,
                               section=section)  # fmt: skip
        before = plain(body[: inner.start()]).strip(" .,:;-–—")
        if before and len(before) < 300:
            reading.authors = before
        return reading
    text = plain(body)
    if not text:
        return None
    title, *note = re.split(r"\s[-–—]\s", text, maxsplit=1)
    return reading_from(title, annotation=note[0].strip() if note else "", line=line, section=section)


def parse_markdown(text: str) -> ParsedList:
    """Parse a Markdown reading list. Never raises: whatever is not understood is skipped."""
    lines = _inline_links(text).splitlines()
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
    parent: ParsedReading | None = None  # the last reading, whose nested items may be its notes
    parent_indent = 0
    group_indent: int | None = None  # the indentation of the group label the items are under
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
            questions, parent, group_indent = False, None, None
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
            body, indent = item.group("body"), len(item.group("indent").expandtabs(4))
            if questions and stack:
                stack[-1].questions.append(plain(body))
                continue
            if group_indent is not None and indent <= group_indent:
                group_indent = None  # the group's items are over
            # Under a reading, or beside the one reading of a group ("Presenter: Kim" under a date):
            # a note, a link or metadata of that reading.
            about = parent is not None and (
                indent > parent_indent or (group_indent is not None and indent == parent_indent)
            )
            if about and _belongs_to(parent, body):
                continue
            if not about:
                parent = None
            has_link = bool(_ANY_LINK.search(body) or _BARE_URL.match(_LABEL.sub("", body)))
            if not has_link and _opens_group(lines, index, indent):
                group_indent, parent = indent, None
                continue  # a group's label ("**[2026.05.27]**"), not a work
            if not has_link and not reads_as_citation(body):
                continue  # a prose bullet
            reading = _item(body, number, stack[-1].title if stack else title)
            if reading is None:
                continue
            parent, parent_indent = reading, indent
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


def _opens_group(lines: list[str], index: int, indent: int) -> bool:
    """Whether the item at ``lines[index]`` has items nested under it (then it labels a group)."""
    for raw in lines[index + 1 :]:
        if not raw.strip():
            continue
        nested = _ITEM.match(raw)
        return bool(nested and len(nested.group("indent").expandtabs(4)) > indent)
    return False


def _belongs_to(parent: ParsedReading, body: str) -> bool:
    """A nested item that is about its parent: a captioned link (its paper link or code) or a plain note.

    A nested item with a titled link of its own is a reading itself.
    """
    link = _ANY_LINK.search(body)
    if link and not _CAPTION.match(link.group("title").strip()):
        return False
    if link:
        caption, url = link.group("title").strip(" []").lower(), link.group("url")
        if not parent.url and caption in ("paper", "pdf", "arxiv"):
            parent.url, parent.arxiv_id = url, metadata.arxiv_id(url)
            parent.kind = metadata.kind_from_url(url) or parent.kind
        return True
    note = plain(body)
    if note:
        parent.annotation = f"{parent.annotation}; {note}" if parent.annotation else note
    return True


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
            # An unlinked title in bold: it reads back as a work, not as a prose bullet.
            item = f"- [{title}]({reading.url})" if reading.url else f"- **{title}**"
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
