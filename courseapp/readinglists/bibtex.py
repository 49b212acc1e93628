"""BibTeX in and out, with bibtexparser: a reference manager's export becomes one section of readings."""

import re

import bibtexparser
from bibtexparser.middlewares import LatexDecodingMiddleware, MergeNameParts, SeparateCoAuthors, SplitNameParts
from bibtexparser.model import Entry, Field

from . import metadata
from .parsed import ParsedList, ParsedReading, ParsedSection

_PAPER_TYPES = {
    "article",
    "inproceedings",
    "conference",
    "incollection",
    "phdthesis",
    "mastersthesis",
    "techreport",
    "unpublished",
    "report",
    "thesis",
}
_BOOK_TYPES = {"book", "inbook", "booklet", "mvbook"}
_VIDEO_TYPES = {"video", "movie"}
_BRACES = re.compile(r"[{}]")


def _value(entry: Entry, name: str):
    """A field's value by name, whatever its case (BibTeX field names are case-insensitive)."""
    return next((field.value for field in entry.fields if field.key.lower() == name), None)


def _field(entry: Entry, *names: str) -> str:
    for name in names:
        value = _value(entry, name)
        if value is not None:
            return " ".join(_BRACES.sub("", str(value)).split())
    return ""


def _authors(entry: Entry) -> str:
    value = _value(entry, "author")
    if value is None:
        return ""
    names = value if isinstance(value, list) else [value]
    return ", ".join(" ".join(_BRACES.sub("", str(name)).split()) for name in names)


def _reading(entry: Entry, section: str) -> ParsedReading | None:
    title = _field(entry, "title")
    if not title:
        return None
    url = _field(entry, "url")
    doi = metadata.doi(_field(entry, "doi")) or metadata.doi(url)
    arxiv = metadata.arxiv_id(url)
    eprint = _field(entry, "eprint")
    if not arxiv and eprint and _field(entry, "archiveprefix", "eprinttype").lower() == "arxiv":
        arxiv = metadata.arxiv_id(f"arxiv.org/abs/{eprint}")
    if not url:
        url = f"https://arxiv.org/abs/{arxiv}" if arxiv else (f"https://doi.org/{doi}" if doi else "")
    year_text = _field(entry, "year") or _field(entry, "date")[:4]
    year = int(year_text) if re.fullmatch(r"(1|2)\d{3}", year_text) else None
    stated = _field(entry, "kind").lower()  # written by our own export
    kind_of_type = (
        stated
        if stated in metadata.KINDS
        else "paper"
        if entry.entry_type.lower() in _PAPER_TYPES
        else "book"
        if entry.entry_type.lower() in _BOOK_TYPES
        else "video"
        if entry.entry_type.lower() in _VIDEO_TYPES
        else ""
    )
    annotation = _field(entry, "annote", "annotation", "note")
    return ParsedReading(
        title=title,
        url=url,
        annotation=annotation,
        kind=kind_of_type or metadata.kind_of(url, title, annotation, section),
        kind_is_guess=not (kind_of_type or metadata.kind_from_url(url) or metadata.kind_from_text(title, annotation)),
        arxiv_id=arxiv,
        doi=doi,
        venue=_field(entry, "journal", "booktitle", "journaltitle", "publisher", "howpublished")[:200],
        year=year,
        authors=_authors(entry)[:1000],
        line=entry.start_line + 1,
    )


def _failure(block) -> str:
    """What is wrong with a block bibtexparser could not read, showing how the block starts."""
    start = " ".join(str(getattr(block, "raw", "")).split())[:60]
    what = "this entry repeats a key" if "duplicate" in type(block).__name__.lower() else "this entry is malformed"
    return f"{what}: “{start}…”." if start else f"{what}."


def parse_bibtex(text: str, *, section: str = "Readings") -> ParsedList:
    """Every entry of a BibTeX file as a reading of one section. Never raises: malformed entries become errors."""
    try:
        library = bibtexparser.parse_string(
            text,
            append_middleware=[
                LatexDecodingMiddleware(),
                SeparateCoAuthors(),
                SplitNameParts(),
                MergeNameParts(style="first"),
            ],
        )
    except Exception as error:  # bibtexparser raises assorted errors on garbage; the user gets one message
        return ParsedList(title="", sections=[], warnings=[], errors=[f"This is not BibTeX that can be read: {error}"])
    errors = [f"Line {block.start_line + 1}: {_failure(block)}" for block in library.failed_blocks]
    warnings = [
        f"The entry “{entry.key}” (line {entry.start_line + 1}) has no title; it was left out."
        for entry in library.entries
        if not _field(entry, "title")
    ]
    readings = [reading for entry in library.entries if (reading := _reading(entry, section)) is not None]
    sections = [ParsedSection(title=section, level=1, readings=readings)] if readings else []
    return ParsedList(title="", sections=sections, warnings=warnings, errors=errors)


_ENTRY_TYPE = {"paper": "article", "book": "book", "video": "video"}


def _key(reading, taken: set[str]) -> str:
    """A citation key in the usual style: first author's surname, year, first title word (vaswani2017attention)."""
    surname = (reading.authors.split(",")[0].split() or [""])[-1]
    word = next((w for w in re.findall(r"[A-Za-z]+", reading.title) if len(w) > 3), "reading")
    base = re.sub(r"[^a-z0-9]", "", f"{surname}{reading.year or ''}{word}".lower()) or "reading"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}{n}"
    taken.add(key)
    return key


def export_bibtex(readings) -> str:
    """The readings as BibTeX: each with its kind as the entry type, its link, DOI, arXiv id and section."""
    taken: set[str] = set()
    entries = []
    for reading in readings:
        fields = [Field("title", "{" + reading.title + "}")]
        if reading.authors:
            fields.append(Field("author", " and ".join(name.strip() for name in reading.authors.split(","))))
        if reading.year:
            fields.append(Field("year", str(reading.year)))
        if reading.venue:
            fields.append(Field("journal" if reading.kind == "paper" else "howpublished", reading.venue))
        if reading.doi:
            fields.append(Field("doi", reading.doi))
        if reading.arxiv_id:
            fields.extend([Field("eprint", reading.arxiv_id), Field("archivePrefix", "arXiv")])
        if reading.url:
            fields.append(Field("url", reading.url))
        if getattr(reading, "annotation", ""):
            fields.append(Field("annote", reading.annotation))
        # Not a standard field: reference managers keep it, and our import reads the kind back.
        fields.append(Field("kind", reading.kind))
        if getattr(reading, "section_titles", None):
            fields.append(Field("keywords", "; ".join(reading.section_titles)))
        entries.append(Entry(_ENTRY_TYPE.get(reading.kind, "misc"), _key(reading, taken), fields))
    return bibtexparser.write_string(bibtexparser.Library(entries))
