"""Readings that Markdown lists keep outside list items, read from markdown-it-py's token stream:

- tables (``| Title | Venue | Date | Code |``): a row is a reading; its title is the cell under a
  title-like header, else the first cell with a link; the other columns give venue, year, authors
  and a note by their header; code links are not the paper's link;
- paragraphs that open with a bold or linked title (``**Title** \\``), followed by an italic author
  line and the links (``[[Paper](https://arxiv.org/abs/…)]``).

The caller walks the token stream (``MARKDOWN.parse``) and hands each table and paragraph over.
"""

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from . import metadata
from .parsed import ParsedReading, clean_title, is_placeholder, reading_from


class _LinksAsWritten(MarkdownIt):
    """Links as written: the list's own addresses are what a reading keeps (and percent-encoding each one
    again was most of the time a 3,000-row list took to read)."""

    def normalizeLink(self, url: str) -> str:
        return url.strip()

    def normalizeLinkText(self, link: str) -> str:
        return link


MARKDOWN = _LinksAsWritten("commonmark").enable("table")

_TITLE_HEADERS = re.compile(r"^(title|paper|papers|name|reading|article|publication|work)s?$", re.I)
_VENUE_HEADERS = re.compile(r"^(venue|conference|conf|journal|published|publication venue|where)$", re.I)
_YEAR_HEADERS = re.compile(r"^(year|date|time|published on|when)$", re.I)
_AUTHOR_HEADERS = re.compile(r"^(authors?|by|who)$", re.I)
_NOTE_HEADERS = re.compile(r"^(notes?|description|summary|comment|comments|remarks?|tl;?dr|keywords?|topic)$", re.I)
_CODE_HEADERS = re.compile(r"^(code|github|repo|repository|implementation|project|demo|stars?)$", re.I)
_PAPER_LINK_TEXTS = re.compile(
    r"^\s*\[?\s*(paper|pdf|arxiv|openreview|link|abs|project|code|github|website)\s*\]?\s*$", re.I
)
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
# A row's number or a date in a column of its own: not a note.
_NUMBERING = re.compile(r"^[#\d\s./\-–:]*$")
# "arXiv 2023.", "NeurIPS 2022", "ICLR'24": a venue and a year.
_VENUE_YEAR = re.compile(
    r"\b(?P<venue>[A-Za-z][A-Za-z&\-]{1,30}(?: [A-Z][A-Za-z&\-]+)?)\s*['’]?(?P<year>(?:19|20)\d{2})\b"
)


def _is_br(token: Token) -> bool:
    return token.type == "html_inline" and token.content.lower().startswith("<br")


class _Cell:
    """One table cell or paragraph: its text as a reader sees it and its links (text, href)."""

    def __init__(self, inline: Token | None):
        self.links: list[tuple[str, str]] = []
        self.text = ""
        self.bold = ""
        self.italic = ""
        self.opens_bold = False  # the first thing in it is bold: a title, in lists kept as paragraphs
        if inline is None or not inline.children:
            return
        first = next((c for c in inline.children if not (c.type == "text" and not c.content.strip())), None)
        self.opens_bold = first is not None and first.type == "strong_open"
        words: list[str] = []
        link_href: str | None = None
        link_text: list[str] = []
        strong: list[str] = []
        emphasis: list[str] = []
        depth = {"strong": 0, "em": 0}
        for child in inline.children:
            if child.type == "link_open":
                link_href, link_text = str(child.attrGet("href") or ""), []
            elif child.type == "link_close":
                self.links.append(("".join(link_text).strip(), link_href or ""))
                link_href = None
            elif child.type in ("strong_open", "em_open"):
                depth[child.type[:-5]] += 1
            elif child.type in ("strong_close", "em_close"):
                depth[child.type[:-6]] -= 1
            elif child.type in ("text", "code_inline"):
                words.append(child.content)
                if link_href is not None:
                    link_text.append(child.content)
                if depth["strong"]:
                    strong.append(child.content)
                elif depth["em"]:
                    emphasis.append(child.content)
            elif child.type in ("softbreak", "hardbreak") or _is_br(child):
                words.append("\n")
        self.text = "".join(words).strip()
        self.bold = " ".join("".join(strong).split())
        self.italic = " ".join("".join(emphasis).split())


def paper_link(links: list[tuple[str, str]]) -> str:
    """The link that is the paper: one to a paper site, else one captioned "Paper" or "PDF", else the first."""
    usable = [(text, href) for text, href in links if href and not href.startswith("#")]
    for _, href in usable:
        if metadata.kind_from_url(href) == "paper":
            return href
    for text, href in usable:
        if _PAPER_LINK_TEXTS.match(text):
            return href
    non_code = [href for _, href in usable if metadata.kind_from_url(href) != "code"]
    return non_code[0] if non_code else ""


def _rows(tokens: list[Token], start: int) -> tuple[list[str], list[tuple[int, list[_Cell]]], int]:
    """The header cells and the body rows (with their line) of the table opening at ``tokens[start]``."""
    header: list[str] = []
    rows: list[tuple[int, list[_Cell]]] = []
    in_head = False
    row: list[_Cell] | None = None
    row_line = 0
    index = start
    while index < len(tokens):
        token = tokens[index]
        if token.type == "table_close":
            return header, rows, index
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row, row_line = [], (token.map[0] + 1 if token.map else 0)
        elif token.type == "tr_close" and row is not None:
            if in_head:
                header = [cell.text.lower().strip(" *:") for cell in row]
            else:
                rows.append((row_line, row))
            row = None
        elif token.type == "inline" and row is not None:
            row.append(_Cell(token))
        index += 1
    return header, rows, index


def _column(header: list[str], pattern: re.Pattern) -> int | None:
    return next((i for i, name in enumerate(header) if pattern.match(name)), None)


def _table_readings(header: list[str], rows, section: str) -> list[ParsedReading]:
    title_col = _column(header, _TITLE_HEADERS)
    venue_col, year_col = _column(header, _VENUE_HEADERS), _column(header, _YEAR_HEADERS)
    author_col, note_col = _column(header, _AUTHOR_HEADERS), _column(header, _NOTE_HEADERS)
    code_cols = {i for i, name in enumerate(header) if _CODE_HEADERS.match(name)}
    roles = {title_col, venue_col, year_col, author_col, note_col, *code_cols}
    readings = []
    for line, cells in rows:
        col = title_col
        if col is None or col >= len(cells):
            col = next((i for i, cell in enumerate(cells) if cell.links and i not in code_cols), None)
        if col is None or col >= len(cells):
            continue
        cell = cells[col]
        used = roles | {col}
        first_line = cell.text.split("\n")[0]
        titled = [text for text, href in cell.links if text and not _PAPER_LINK_TEXTS.match(text)]
        if not titled:  # "Video Diffusion Models [[paper]](…)": the title is the text beside its links' captions
            for caption, _ in cell.links:
                first_line = first_line.replace(caption, "")
        title = clean_title(titled[0] if titled else re.sub(r"[\[\]()]+\s*$", "", first_line))
        if not title or len(title) < 3 or is_placeholder(title):
            continue
        links = cell.links + [
            link for i, other in enumerate(cells) if i != col and i not in code_cols for link in other.links
        ]
        reading = reading_from(title, paper_link(links), line=line, section=section)

        def text(i, cells=cells):
            return " ".join(cells[i].text.split()) if i is not None and i < len(cells) else ""

        if text(venue_col):
            reading.venue = clean_title(text(venue_col))[:200]
        year = _YEAR.search(text(year_col) or text(venue_col))
        if year:
            reading.year = int(year.group(0))
        rest = [" ".join(line.split()) for line in cell.text.split("\n")[1:] if line.strip()]
        if text(author_col):
            reading.authors = text(author_col)[:1000]
        elif cell.italic and cell.italic in rest:  # "[Title](…) <br> *Ho, Jain, Abbeel*"
            reading.authors = cell.italic.strip(" .")[:1000]
            rest.remove(cell.italic)
        # Columns with no role of their own ("Presenter", "Discussant"), by their header: "Presenter: Kim".
        others = [
            f"{header[i].capitalize()}: {text(i)}"
            for i in range(min(len(header), len(cells)))
            if i not in used and text(i) and not cells[i].links and not _NUMBERING.match(text(i))
        ]
        reading.annotation = "; ".join(filter(None, [text(note_col), *rest, *others]))
        readings.append(reading)
    return readings


def _bold_paragraph(paragraph: _Cell, line: int, section: str) -> ParsedReading | None:
    """``**Title** \\`` + ``_A. Author, B. Author._`` + ``arXiv 2023. [[Paper](…)] [[Code](…)]``."""
    lines = [part.strip() for part in paragraph.text.split("\n") if part.strip()]
    if not lines or not paragraph.opens_bold or not paragraph.bold:
        return None
    title = clean_title(paragraph.bold)
    url = paper_link(paragraph.links)
    if not title or not url:
        return None
    reading = reading_from(title, url, line=line, section=section)
    if paragraph.italic:
        reading.authors = paragraph.italic.strip(" .")[:1000]
    for rest in lines[1:]:
        plain_rest = re.sub(r"\[[^\]]*\]", "", rest)
        found = _VENUE_YEAR.search(plain_rest)
        if found and not reading.year:
            reading.venue, reading.year = found.group("venue").strip(), int(found.group("year"))
    return reading


def table_at(tokens: list[Token], start: int, section: str) -> tuple[list[ParsedReading], int, int]:
    """The readings of the table opening at ``tokens[start]``, how many rows had no title, and the index
    of the table's closing token."""
    header, rows, end = _rows(tokens, start)
    readings = _table_readings(header, rows, section)
    return readings, len(rows) - len(readings), end


def paragraph_reading(inline: Token, line: int, section: str) -> ParsedReading | None:
    """The reading a paragraph holds when it opens with a bold title followed by its links, else None."""
    return _bold_paragraph(_Cell(inline), line, section)
