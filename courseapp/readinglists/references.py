"""RIS and CSL-JSON, the other two formats Zotero, Mendeley and Paperpile export, in and out.

RIS is read and written with rispy; CSL-JSON is JSON. Like a BibTeX file, each becomes one section of
readings, and an entry that cannot be read is skipped with a warning instead of refusing the file.
"""

import json
import re
from collections import Counter

import rispy

from . import metadata
from .parsed import ParsedList, ParsedReading, keywords, reference_list

# Reference types by the kind of reading they are.
_RIS_KINDS = {
    "paper": {"JOUR", "JFULL", "CONF", "CPAPER", "RPRT", "THES", "UNPB", "MANSCPT", "EJOUR", "INPR", "GEN"},
    "book": {"BOOK", "EBOOK", "CHAP", "ECHAP", "EDBOOK"},
    "blog": {"BLOG"},
    "video": {"VIDEO", "MPCT"},
    "code": {"COMP"},
}
_CSL_KINDS = {
    "paper": {"article", "article-journal", "paper-conference", "report", "thesis", "manuscript", "preprint"},
    "book": {"book", "chapter"},
    "blog": {"post-weblog"},
    "video": {"motion_picture", "broadcast"},
    "code": {"software"},
}
_RIS_TYPE_OF_KIND = {"paper": "JOUR", "book": "BOOK", "blog": "BLOG", "video": "VIDEO", "code": "COMP"}
_CSL_TYPE_OF_KIND = {"paper": "article-journal", "book": "book", "blog": "post-weblog", "video": "motion_picture",
                     "code": "software"}  # fmt: skip


def _kind_of_type(kinds: dict[str, set[str]], reference_type: str) -> str:
    return next((kind for kind, types in kinds.items() if reference_type in types), "")


def _reading(
    *, title, url, doi, year, authors, venue, note, kind_of_type, section, line, stated_kind=""
) -> ParsedReading:
    """A reading from a reference manager's fields: the link, or else the arXiv or DOI address."""
    url = (url or "").strip()
    doi = metadata.doi(doi or "") or metadata.doi(url)
    arxiv = metadata.arxiv_id(url) or metadata.arxiv_id(doi)
    if not url:
        url = f"https://arxiv.org/abs/{arxiv}" if arxiv else (f"https://doi.org/{doi}" if doi else "")
    kind = stated_kind if stated_kind in metadata.KINDS else kind_of_type
    title = " ".join(str(title).split())
    return ParsedReading(
        title=title,
        url=url,
        annotation=" ".join((note or "").split()),
        kind=kind or metadata.kind_of(url, title, note or "", section),
        kind_is_guess=not (kind or metadata.kind_from_url(url) or metadata.kind_from_text(title, note or "")),
        arxiv_id=arxiv,
        doi=doi,
        venue=" ".join((venue or "").split())[:200],
        year=year if isinstance(year, int) and 1000 <= year <= 2999 else None,
        authors=", ".join(authors)[:1000],
        line=line,
    )


def _year(text) -> int | None:
    found = re.search(r"\b(1|2)\d{3}\b", str(text or ""))
    return int(found.group(0)) if found else None


def _ris_name(name: str) -> str:
    """RIS writes "Hopper, Grace"; the reading list says "Grace Hopper"."""
    last, _, first = name.partition(",")
    return f"{first.strip()} {last.strip()}".strip() if first else name.strip()


def parse_ris(text: str, *, section: str = "Readings", by_keywords: bool = False) -> ParsedList:
    """Every reference of an RIS file as a reading of ``section``, or of its keywords' sections."""
    try:
        entries = rispy.loads(text, skip_unknown_tags=True)
    except (OSError, ValueError, KeyError) as error:
        return ParsedList(title="", sections=[], warnings=[], errors=[f"This is not RIS that can be read: {error}"])
    readings: list[tuple[ParsedReading, list[str]]] = []
    warnings: list[str] = []
    skipped: Counter[str] = Counter()
    for number, entry in enumerate(entries, start=1):
        title = entry.get("title") or entry.get("primary_title") or entry.get("short_title") or ""
        if not title:
            warnings.append(f"Reference {number} has no title; it was left out.")
            skipped["untitled"] += 1
            continue
        authors = [_ris_name(name) for name in entry.get("authors", []) + entry.get("first_authors", [])]
        notes = entry.get("notes") or []
        readings.append((
            _reading(
                title=title, url=(entry.get("urls") or [""])[0], doi=entry.get("doi", ""),
                year=_year(entry.get("year") or entry.get("publication_year") or entry.get("date")),
                authors=authors,
                venue=entry.get("journal_name") or entry.get("secondary_title") or entry.get("publisher") or "",
                note=notes[0] if isinstance(notes, list) and notes else str(notes or ""),
                kind_of_type=_kind_of_type(_RIS_KINDS, entry.get("type_of_reference", "")),
                stated_kind=(entry.get("custom1") or "").lower(), section=section, line=number,
            ),
            keywords(entry.get("keywords") or []),
        ))  # fmt: skip
    return reference_list(readings, warnings, section=section, by_keywords=by_keywords, skipped=skipped)


def parse_csl_json(text: str, *, section: str = "Readings", by_keywords: bool = False) -> ParsedList:
    """Every item of a CSL-JSON export (a list of objects, or one object) as a reading of ``section``, or of
    its keywords' sections."""
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        return ParsedList(title="", sections=[], warnings=[], errors=[f"This is not JSON that can be read: {error}"])
    items = [items] if isinstance(items, dict) else items if isinstance(items, list) else []
    readings: list[tuple[ParsedReading, list[str]]] = []
    warnings: list[str] = []
    skipped: Counter[str] = Counter()
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not str(item.get("title") or "").strip():
            warnings.append(f"Item {number} has no title; it was left out.")
            skipped["untitled"] += 1
            continue
        authors = [
            " ".join(part for part in (name.get("given", ""), name.get("family", "")) if part)
            or name.get("literal", "")
            for name in item.get("author", [])
            if isinstance(name, dict)
        ]
        issued = item.get("issued") or {}
        parts = issued.get("date-parts") if isinstance(issued, dict) else None
        year = parts[0][0] if parts and parts[0] else _year(issued.get("raw") if isinstance(issued, dict) else issued)
        readings.append((
            _reading(
                title=item["title"], url=item.get("URL", ""), doi=item.get("DOI", ""),
                year=int(str(year)) if str(year or "").isdigit() else None, authors=[a for a in authors if a],
                venue=item.get("container-title") or item.get("publisher") or "", note=item.get("note", ""),
                kind_of_type=_kind_of_type(_CSL_KINDS, item.get("type", "")),
                stated_kind=str(item.get("genre", "")).lower(), section=section, line=number,
            ),
            keywords(item.get("keyword") or ""),
        ))  # fmt: skip
    return reference_list(readings, warnings, section=section, by_keywords=by_keywords, skipped=skipped)


def export_ris(readings) -> str:
    """The readings as RIS, the kind kept in C1 so that an import reads it back."""
    entries = []
    for reading in readings:
        entry = {"type_of_reference": _RIS_TYPE_OF_KIND.get(reading.kind, "GEN"), "title": reading.title}
        if reading.authors:
            entry["authors"] = [name.strip() for name in reading.authors.split(",")]
        if reading.year:
            entry["year"] = str(reading.year)
        if reading.venue:
            entry["journal_name"] = reading.venue
        if reading.doi:
            entry["doi"] = reading.doi
        if reading.url:
            entry["urls"] = [reading.url]
        if getattr(reading, "annotation", ""):
            entry["notes"] = [reading.annotation]
        if getattr(reading, "section_titles", None):
            entry["keywords"] = list(reading.section_titles)
        entry["custom1"] = reading.kind
        entries.append(entry)
    return rispy.dumps(entries)


def export_csl_json(readings) -> str:
    """The readings as CSL-JSON, the kind kept in "genre" so that an import reads it back."""
    items = []
    for number, reading in enumerate(readings, start=1):
        item = {"id": f"reading-{number}", "type": _CSL_TYPE_OF_KIND.get(reading.kind, "document"),
                "title": reading.title, "genre": reading.kind}  # fmt: skip
        if reading.authors:
            item["author"] = [{"literal": name.strip()} for name in reading.authors.split(",")]
        if reading.year:
            item["issued"] = {"date-parts": [[reading.year]]}
        if reading.venue:
            item["container-title"] = reading.venue
        if reading.doi:
            item["DOI"] = reading.doi
        if reading.url:
            item["URL"] = reading.url
        if getattr(reading, "annotation", ""):
            item["note"] = reading.annotation
        if getattr(reading, "section_titles", None):
            item["keyword"] = "; ".join(reading.section_titles)
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2)
