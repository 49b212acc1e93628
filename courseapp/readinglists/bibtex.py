"""BibTeX in and out, with bibtexparser: a reference manager's export becomes one section of readings."""

import re
from collections import Counter

import bibtexparser
from bibtexparser.middlewares import LatexDecodingMiddleware, MergeNameParts, SeparateCoAuthors, SplitNameParts
from bibtexparser.model import Entry, Field

from . import metadata
from .parsed import ParsedList, ParsedReading, keywords, reference_list

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
    arxiv = metadata.arxiv_id(url) or metadata.arxiv_id(doi)
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
        line=(entry.start_line or 0) + 1,
    )


# Fields read as they stand, not as LaTeX: "%" starts a comment in LaTeX, but "%20" is part of a link.
_VERBATIM_FIELDS = ("url", "doi", "eprint")
_LATEX_ESCAPES = re.compile(r"\\([%_&#$~])")
_URL_COMMAND = re.compile(r"\\url\{([^}]*)\}")


def _unwrapped(value) -> str:
    """A raw field value without its one pair of delimiters and without LaTeX's escapes (``\\%`` is ``%``)."""
    text = str(value).strip()
    if len(text) >= 2 and (text[0], text[-1]) in (("{", "}"), ('"', '"')):
        text = text[1:-1]
    return _LATEX_ESCAPES.sub(r"\1", text).strip()


def _recovered(block) -> tuple[Entry | None, str]:
    """An entry bibtexparser refused, kept when only a repeated field is wrong, and what to tell the user."""
    start = " ".join(str(getattr(block, "raw", "")).split())[:60]
    entry = getattr(block, "ignore_error_block", None)
    if isinstance(entry, Entry):
        seen: dict[str, Field] = {}
        repeated = []
        for field in entry.fields:
            if field.key.lower() in seen:
                repeated.append(field.key)
            else:
                seen[field.key.lower()] = field
        kept = Entry(entry.entry_type, entry.key, list(seen.values()), start_line=block.start_line)
        names = ", ".join(f"“{name}”" for name in dict.fromkeys(repeated))
        return kept, f"The entry “{entry.key}” (line {block.start_line + 1}) repeats {names}: the first value was kept."
    what = "repeats a citation key" if "duplicateblockkey" in type(block).__name__.lower() else "cannot be read"
    return None, f"Line {block.start_line + 1}: this entry {what} and was skipped: “{start}…”."


_MIDDLEWARE = (LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts, lambda: MergeNameParts(style="first"))


def parse_bibtex(text: str, *, section: str = "Readings", by_keywords: bool = False) -> ParsedList:
    """Every entry of a BibTeX file as a reading of ``section``, or of its groups' or keywords' sections
    (JabRef's ``groups``, else ``keywords``). Never raises, and never refuses a whole
    file for one bad entry: a repeated field keeps its first value, an unreadable entry is skipped, each
    with a warning naming it."""
    try:
        raw = bibtexparser.parse_string(text)
    except Exception as error:  # bibtexparser raises assorted errors on garbage; the user gets one message
        return ParsedList(title="", sections=[], warnings=[], errors=[f"This is not BibTeX that can be read: {error}"])
    entries = list(raw.entries)
    warnings: list[str] = []
    skipped: Counter[str] = Counter()
    for block in raw.failed_blocks:
        entry, message = _recovered(block)
        warnings.append(message)
        if entry is not None:
            entries.append(entry)
        else:
            skipped["unreadable"] += 1
    verbatim = {
        id(entry): {f.key.lower(): _unwrapped(f.value) for f in entry.fields if f.key.lower() in _VERBATIM_FIELDS}
        for entry in entries
    }
    howpublished = {id(entry): _URL_COMMAND.search(str(_value(entry, "howpublished") or "")) for entry in entries}
    library = bibtexparser.Library([*entries])
    for middleware in _MIDDLEWARE:
        library = middleware().transform(library)
    readings = []
    for entry in sorted(library.entries, key=lambda e: e.start_line or 0):
        fields = verbatim.get(id(entry), {})
        link = howpublished.get(id(entry))
        if "url" not in fields and link:
            fields["url"] = _unwrapped(link.group(1))
        for name, value in fields.items():
            entry.set_field(Field(name, value))
        if not _field(entry, "title"):
            warnings.append(
                f"The entry “{entry.key}” (line {(entry.start_line or 0) + 1}) has no title; it was left out."
            )
            skipped["untitled"] += 1
        elif (reading := _reading(entry, section)) is not None:
            readings.append((reading, keywords(_field(entry, "groups") or _field(entry, "keywords"))))
    return reference_list(readings, warnings, section=section, by_keywords=by_keywords, skipped=skipped)


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
    return bibtexparser.write_string(bibtexparser.Library([*entries]))
