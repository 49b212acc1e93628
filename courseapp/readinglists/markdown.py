"""Reading lists kept as Markdown "awesome lists", read from markdown-it-py's token stream.

The rules, from the lists instructors keep on GitHub:

- Headings (ATX, setext or HTML) become sections, nested by level. A single level-1 heading at
  the top is the list's title, not a section; a "Contents" section is a table of contents and is
  skipped, as are fenced and indented code.
- A list item that starts with ``[title](url)`` is a reading. A trailing bracketed note
  (``[Vision Transformer]``) or the text after a dash becomes its annotation; italic authors,
  venue and year after the link are read out of it. A link later in the item ("Vaswani et al.
  [Title](url). NeurIPS 2017.") is the title, the words before it the authors.
- Items nested under a reading are its notes and links ("[Code](…)", "Presenter: Kim") unless they
  hold a titled link of their own; an item with items under it and no link labels a group.
- An item of plain text is a reading only where it reads as a citation, never a prose bullet.
- Tables, bold-title paragraphs (see ``blocks``), paragraphs of linked titles and HTML lists of
  anchors give readings too; reference-style links and ``<a href>`` read like inline links.
- Links to ``#anchors``, images and badges, and prose paragraphs are not readings.
- List items after a line saying "you should be able to answer these questions" are the
  section's self-check questions.
- A section with neither readings nor subsections is reported, not created.
"""

import dataclasses
import re
from collections import Counter

from markdown_it.token import Token

from . import blocks, metadata
from .parsed import (
    ParsedList,
    ParsedReading,
    ParsedSection,
    is_placeholder,
    plain,
    reading_from,
    without_empty_sections,
)

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
_REFERENCE_DEFINITION = re.compile(
    r"^[ ]{0,3}\[(?P<ref>[^\]]+)\]:[ \t]*<?(?P<url>\S+?)>?(?:[ \t]+[\"'(].*)?[ \t]*$", re.M
)
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
    # An anchor spread over lines keeps its line breaks after it, so that line numbers stay right.
    return _ANCHOR.sub(lambda m: f"[{plain(m.group('title'))}]({m.group('url')})" + "\n" * m.group(0).count("\n"), text)


def _note(rest: str) -> str:
    """The note after a linked title, where there is one: decoration alone ("⭐") is none."""
    return "" if _DECORATION.match(plain(rest)) else _annotation(rest)


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


# "**[Title](url)**": a bold link reads as the link.
_BOLD_LINK = re.compile(r"^(\*\*|__)(?P<link>\[.+?\]\([^)]*\))\1")
# A venue and year before the title: "[NeurIPS 2020] Title", "`ICLR 2021` [Title](…)", "(CVPR 2016) Title".
_LEADING_VENUE = re.compile(
    r"^[\[`(]\s*(?P<venue>[A-Za-z][\w&\-]{1,30}(?: [A-Z][\w&\-]+)?)\s*['’]?(?P<year>(?:19|20)\d{2})\s*[\]`)]\s*"
)
# "Title. Authors et al. Venue 2019.": a citation after its title sentence.
_SENTENCE_BREAK = re.compile(r"\.\s+(?=[A-Z])")
_VENUE_YEAR_END = re.compile(r"(?:^|[\s.,;])(?P<venue>[A-Za-z][\w&\-]{1,30})\s*['’]?(?P<year>(?:19|20)\d{2})\.?$")
# Decoration around a link ("📄 [LoRA](…) ⭐"): not authors, not a note.
_DECORATION = re.compile(r"^[\W_]*$")


def _item(body: str, line: int, section: str) -> ParsedReading | None:
    if body.startswith("!["):
        return None  # an image or a badge
    body = _BOLD_LINK.sub(lambda m: m.group("link"), _LABEL.sub("", body))
    leading = _LEADING_VENUE.match(body)
    if leading:
        body = body[leading.end() :]
    reading = _item_reading(body, line, section)
    if reading is not None and leading and not reading.year:
        reading.venue, reading.year = leading.group("venue"), int(leading.group("year"))
    return reading


def _item_reading(body: str, line: int, section: str) -> ParsedReading | None:
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
        if _CAPTION.match(match.group("title")):
            return _captioned(body, line, section)
        rest = match.group("rest")
        note = _note(rest)
        reading = reading_from(match.group("title"), url, note, line=line, section=section)
        _citation_details(reading, rest)
        left, venue, year = metadata.venue_and_year(reading.annotation)
        if year and not left and not reading.year:  # "[Title](url) (ICLR 2022)"
            reading.annotation, reading.venue, reading.year = "", venue, year
        return reading
    inner = _ANY_LINK.search(body)
    if inner and not inner.group("url").startswith("#") and not _CAPTION.match(inner.group("title")):
        # A citation with its title linked: the words before are the authors, those after the note.
        rest = body[inner.end() :]
        note = _note(rest)
        reading = reading_from(inner.group("title"), inner.group("url"), note, line=line, section=section)
        before = plain(body[: inner.start()]).strip(" .,:;-–—")
        if before and len(before) < 300 and not _DECORATION.match(before):
            reading.authors = before
        return reading
    if inner:
        return _captioned(body, line, section)
    text = plain(body)
    if not text or is_placeholder(text):
        return None
    title, *after = re.split(r"\s[-–—]\s", text, maxsplit=1)
    return reading_from(title, annotation=after[0].strip() if after else "", line=line, section=section)


def _captioned(body: str, line: int, section: str) -> ParsedReading | None:
    """An item whose links are all captions: "**Segment Anything** [[paper](…)] [[code](…)]", or
    "Title. Radford et al. OpenAI 2019. [[pdf]](…)". The words are the title (and the citation after
    it), the paper's link the one a paper site, a "paper" caption or the first non-code link gives."""
    links = [(m.group("title").strip(" []"), m.group("url")) for m in _ANY_LINK.finditer(body)]
    text = plain(re.sub(r"\[\s*\]|\(\s*\)", "", _ANY_LINK.sub("", body))).strip(" |/,;-–—")
    if not text or is_placeholder(text):
        return None
    title, authors, venue, year = text, "", "", None
    parts = _SENTENCE_BREAK.split(text, maxsplit=1)
    if len(parts) == 2 and _CITATION_SIGNS.search(parts[1]):
        title, rest = parts[0], parts[1].strip(" .")
        found = _VENUE_YEAR_END.search(rest)
        if found:
            venue, year, rest = found.group("venue"), int(found.group("year")), rest[: found.start()]
        authors = rest.strip(" .,;")
    reading = reading_from(title, blocks.paper_link(links), line=line, section=section)
    reading.authors = reading.authors or authors[:1000]
    if year and not reading.year:
        reading.venue, reading.year = venue, year
    return reading


def parse_markdown(text: str) -> ParsedList:
    """Parse a Markdown reading list. Never raises: whatever is not understood is skipped."""
    reader = _Reader(blocks.MARKDOWN.parse(_inline_links(text)))
    reader.read()
    sections, dropped = without_empty_sections(reader.roots)
    warnings = [
        f"Line {section.line}: the section “{section.title}” has no readings; it was left out."
        for section in sorted(dropped, key=lambda section: section.line)
    ]
    return ParsedList(title=reader.title, sections=sections, warnings=warnings, skipped=+reader.skipped)


@dataclasses.dataclass
class _Item:
    """An open list item: the reading it holds, and whether it labels a group of items nested under it."""

    reading: ParsedReading | None = None
    group: bool = False
    last_in_group: ParsedReading | None = None  # a group's reading, which its other items are about
    read: bool = False  # its first paragraph (the item's own text) has been seen


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


class _Reader:
    """One pass over markdown-it's token stream: headings open sections; list items, tables, paragraphs
    and HTML blocks give readings; fenced and indented code is skipped."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.roots: list[ParsedSection] = []
        self.stack: list[ParsedSection] = []
        self.items: list[_Item] = []
        self.skipped: Counter[str] = Counter()
        self.questions = self.in_contents = False
        self.contents_level = 0
        # A lone level-1 heading on top is the list's own name, not a section.
        headings = [(i, t) for i, t in enumerate(tokens) if t.type == "heading_open"]
        self.title, self.title_at = "", -1
        if headings and headings[0][1].tag == "h1" and sum(t.tag == "h1" for _, t in headings) == 1:
            self.title_at = headings[0][0]
            self.title = plain(tokens[self.title_at + 1].content)

    def read(self) -> None:
        tokens, index = self.tokens, 0
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            if kind == "heading_open":
                if index != self.title_at:
                    self.heading(int(token.tag[1]), plain(tokens[index + 1].content), _line(token))
                index += 2
            elif self.in_contents:
                self.skipped["contents"] += kind == "list_item_open"
            elif kind == "list_item_open":
                self.items.append(_Item())
            elif kind == "list_item_close":
                self.items.pop()
            elif kind == "table_open":
                readings, untitled, index = blocks.table_at(tokens, index, self.section_title())
                self.add(readings, _line(token))
                self.skipped["row"] += untitled
            elif kind == "paragraph_open":
                inline = tokens[index + 1]
                if self.items:
                    self.item_paragraph(inline, nested_list=tokens[index + 3].type.endswith("_list_open")
                                        if index + 3 < len(tokens) else False)  # fmt: skip
                else:
                    self.paragraph(inline)
                index += 2
            elif kind == "html_block":
                self.html(token)
            index += 1

    # Sections

    def section_title(self) -> str:
        return self.stack[-1].title if self.stack else self.title

    def section(self, line: int) -> ParsedSection:
        if not self.stack:  # readings before any heading: a section named after the list
            self.stack.append(ParsedSection(title=self.title or "Readings", level=1, line=line))
            self.roots.append(self.stack[-1])
        return self.stack[-1]

    def add(self, readings: list[ParsedReading], line: int) -> None:
        if readings:
            self.section(line).readings.extend(readings)

    def heading(self, level: int, name: str, line: int) -> None:
        self.questions = False
        if self.in_contents and level <= self.contents_level:
            self.in_contents = False
        if name.lower().strip(":") in _CONTENTS:
            self.in_contents, self.contents_level = True, level
            return
        if self.in_contents:
            return
        section = ParsedSection(title=name, level=level, line=line)
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        (self.stack[-1].children if self.stack else self.roots).append(section)
        self.stack.append(section)

    # List items

    def about(self) -> ParsedReading | None:
        """The reading the current item is about: its nearest enclosing reading, or its group's reading."""
        enclosing = self.items[:-1]
        if enclosing and enclosing[-1].group and enclosing[-1].last_in_group:
            return enclosing[-1].last_in_group
        return next((item.reading for item in reversed(enclosing) if item.reading), None)

    def item_paragraph(self, inline: Token, *, nested_list: bool) -> None:
        item, line = self.items[-1], _line(inline)
        lines = [part.strip() for part in inline.content.split("\n") if part.strip()]
        if not lines:
            return
        if item.read:  # a later paragraph of the item: more about its reading
            self.notes(item.reading or self.about(), lines, line)
            return
        item.read = True
        body, more = _item_text(lines)
        if self.questions:
            if self.stack:
                self.stack[-1].questions.append(plain(" ".join(lines)))
            return
        parent = self.about()
        if parent is not None and _belongs_to(parent, body):
            self.notes(parent, more, line)
            return
        has_link = bool(_ANY_LINK.search(body) or _BARE_URL.match(_LABEL.sub("", body)))
        if not has_link and nested_list:
            item.group = True  # a group's label ("**[2026.05.27]**"), not a work
            return
        if not has_link and not reads_as_citation(body):
            self.skipped["prose"] += 1
            return
        reading = _item(body, line, self.section_title())
        if reading is None:
            self.skipped["contents" if "](#" in body else "badge"] += 1
            return
        item.reading = reading
        if len(self.items) > 1 and self.items[-2].group:
            self.items[-2].last_in_group = reading
        self.add([reading], line)
        self.notes(reading, more, line)

    def notes(self, reading: ParsedReading | None, lines: list[str], line: int) -> None:
        """Lines under a reading: its links and notes, or, for a titled link, a reading of their own."""
        for text in lines:
            if reading is not None and _belongs_to(reading, text):
                continue
            found = _item(text, line, self.section_title())
            if found is not None:
                self.add([found], line)
                reading = found

    # Paragraphs and HTML

    def paragraph(self, inline: Token) -> None:
        line = _line(inline)
        self.questions = bool(_QUESTIONS_INTRO.search(inline.content))
        reading = blocks.paragraph_reading(inline, line, self.section_title())
        if reading is not None:
            self.add([reading], line)
            return
        # Lines that each open with a linked title ("[Title](url) - note"), written without bullets.
        reading = None
        for text in (part.strip() for part in inline.content.split("\n")):
            opening = _LEADING_LINK.match(text)
            if opening and _ends_title(opening.group("rest")):
                reading = _item(text, line, self.section_title())
                if reading is not None:
                    self.add([reading], line)
            elif reading is not None and text:
                _belongs_to(reading, text)
            elif text:
                return  # prose

    def html(self, token: Token) -> None:
        """An HTML block: its headings open sections, its links (``<li><a href>``, after ``<br>``) are items."""
        for chunk in _HTML_BREAKS.split(token.content):
            heading = _HTML_HEADING.search(chunk)
            if heading:
                self.heading(int(heading.group("level")), plain(_TAG.sub("", heading.group("text"))), _line(token))
                continue
            text = " ".join(_TAG.sub(" ", chunk).split())
            link = _ANY_LINK.search(text)
            if link and not link.group("url").startswith("#") and not _CAPTION.match(link.group("title")):
                reading = _item(text, _line(token), self.section_title())
                if reading is not None:
                    self.add([reading], _line(token))


_HTML_BREAKS = re.compile(r"<li\b[^>]*>|<br\s*/?>|</p>|</li>|\n", re.I)
_HTML_HEADING = re.compile(r"<h(?P<level>[1-6])\b[^>]*>(?P<text>.*?)</h(?P=level)>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
# What follows a linked title on its line when the link is a title, not a word in a sentence.
_TITLE_ENDS = re.compile(r"^\s*(?:$|[-–—:;,.(\[|]|by\b|\d{4})", re.I)


def _ends_title(rest: str) -> bool:
    return bool(_TITLE_ENDS.match(rest))


def _item_text(lines: list[str]) -> tuple[str, list[str]]:
    """An item's own text and the lines under it. A title wrapped onto the next line, or a link cut by
    the line break, is joined back; a line holding a link of its own stays apart."""
    body, more = lines[0], lines[1:]
    while more and (
        body.count("[") > body.count("]")
        or (not _ANY_LINK.search(body) and not _ANY_LINK.search(more[0]) and body[-1:] not in ".!?:;"
            and more[0][:1].islower())
    ):  # fmt: skip
        body, more = f"{body} {more[0]}", more[1:]
    return body, more


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
