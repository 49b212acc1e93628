"""Which parser reads a file, and the checks every uploaded or pasted list passes first."""

import re

from .bibtex import parse_bibtex
from .markdown import parse_markdown
from .parsed import ParsedList
from .references import parse_csl_json, parse_ris
from .text import parse_text

MARKDOWN, TEXT, BIBTEX, RIS, CSL_JSON = "markdown", "text", "bibtex", "ris", "csljson"
# Formats without headings: their entries go into one section.
ONE_SECTION = (BIBTEX, RIS, CSL_JSON)
_RIS_RECORD = re.compile(r"^TY  - ", re.MULTILINE)
_CSL_JSON_START = re.compile(r"^\s*[\[{]\s*[\[{\"]")

_BIBTEX_ENTRY = re.compile(r"^\s*@\w+\s*[{(]", re.MULTILINE)
_MARKDOWN_SIGNS = re.compile(r"^#{1,6}\s|\]\(|^\s*[-*+]\s+\[", re.MULTILINE)


class UnreadableInput(ValueError):
    """The bytes are not a reading list at all; ``code`` says why, the message says it to a person."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"


def decode(data: bytes, *, limit: int, size: int | None = None) -> str:
    """The text of an upload, or UnreadableInput: empty, too large, binary or not UTF-8.

    ``size`` is the whole file's size when ``data`` is only its first ``limit + 1`` bytes.
    """
    size = len(data) if size is None else size
    if size > limit:
        raise UnreadableInput(
            f"The file is {_megabytes(size)}; reading lists up to {_megabytes(limit)} can be imported.",
            code="too_large",
        )
    if not data.strip():
        raise UnreadableInput("The file is empty.", code="empty")
    if b"\x00" in data[:8192]:
        raise UnreadableInput(
            "This looks like a binary file (a PDF or a Word document?). Import Markdown, plain text or BibTeX.",
            code="binary",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableInput(
            f"The file is not UTF-8 text (byte {error.start} cannot be read). Save it as UTF-8 and try again.",
            code="not_utf8",
        ) from None
    return text


def detect(text: str, filename: str = "") -> str:
    """The format a file is most likely in: by its name's ending, else by what its lines look like."""
    name = filename.lower()
    if name.endswith(".bib"):
        return BIBTEX
    if name.endswith(".ris"):
        return RIS
    if name.endswith(".json"):
        return CSL_JSON
    if _RIS_RECORD.search(text):
        return RIS
    if _CSL_JSON_START.match(text):
        return CSL_JSON
    if name.endswith((".md", ".markdown")):
        return MARKDOWN
    if _BIBTEX_ENTRY.search(text):
        return BIBTEX
    if _MARKDOWN_SIGNS.search(text):
        return MARKDOWN
    return TEXT


def parse(text: str, format: str, *, section: str = "", by_keywords: bool = False) -> ParsedList:
    """Parse ``text`` as ``format``. BibTeX, RIS and CSL-JSON entries go in ``section``, or, with
    ``by_keywords``, in a section for each of their keywords (BibTeX: groups, else keywords)."""
    references = {BIBTEX: parse_bibtex, RIS: parse_ris, CSL_JSON: parse_csl_json}
    if format in references:
        return references[format](text, section=section or "Readings", by_keywords=by_keywords)
    if format == MARKDOWN:
        return parse_markdown(text)
    return parse_text(text)
