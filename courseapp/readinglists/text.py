"""Reading lists kept as plain text, as on a course page: headings, then numbered items.

The rules, from the course pages instructors copy out of their web sites:

- A numbered item (``1. Title: why to read it``) is a reading. Its title ends at the first
  colon whose next part reads as a sentence rather than a subtitle, or at a sentence break
  (``. Read this``, `` This is``, `` As of 2021``); the rest is the annotation. When the last part
  could be a sentence-case subtitle as well as a note, the item is kept whole and the preview says
  so; an import prefers the split whose title names a reading the course already has. A web
  address in the item becomes its link.
- A short line standing alone (blank lines, or a list, around it) is a heading. A heading
  in capitals, or one followed directly by another heading, starts a top-level section; the
  headings after it are its subsections until a paragraph of prose ends the group. A heading
  indented inside a numbered list is a subsection of the section that list is in.
- Paragraphs, tables and bullet lists are prose, not readings; sections left without readings
  are dropped and counted in one warning.
"""

import dataclasses
import re

from .parsed import ParsedList, ParsedReading, ParsedSection, clean_title, reading_from, without_empty_sections

_ITEM = re.compile(r"^(?P<indent>\s*)(?P<number>\d{1,3})[.)]\s+(?P<body>.*\S)\s*$")
_URL = re.compile(r"<?(?P<url>https?://[^\s<>\"]+[^\s<>\".,;:)\]])>?")
# Where an item's title certainly ends: a sentence break, or a sentence opener after the title.
_TITLE_BREAK = re.compile(r"\s?\.\s+(?=[A-Z])|\s+(?=(?:This|These|As of)\b)|(?=…)")
# Colons that separate parts: "Title: note", "Title : note", "GPT-3:Language" (never "9:00").
_COLON = re.compile(r"\s*:(?!\d)\s*")
_MAX_HEADING = 120
# Link captions copied along with a page, never headings.
_NAVIGATION = re.compile(r"^\W*(back to (?:the )?top|return to top|top|to top|up|home|next|previous)\W*$", re.I)
# Bullets copied inside a numbered item ("1. * Title").
_MARKER = re.compile(r"^(?:[*•◦▪‣·-]\s+)+")
# A middle part between two colons that is still the title: short, no sentence end ("A perceiving ... automaton").
_MAX_SUBTITLE_WORDS = 12


def _is_blank(line: str) -> bool:
    return not line.strip()


def _title_like(part: str) -> bool:
    """Whether a part after a colon reads as a subtitle ("A Generative Model for Raw Audio")."""
    part = part.strip()
    if not part or part[-1] in ".!":
        return False
    words = [word for word in re.findall(r"[^\W\d_][\w’'\-]*", part) if len(word) > 3]
    if not words:
        return True
    return sum(word[0].isupper() for word in words) / len(words) >= 0.6


# Words a note opens with ("The paper that…", "This explores…"), which a subtitle seldom does.
_NOTE_OPENERS = {
    "the", "a", "an", "this", "these", "that", "it", "its", "our", "we", "you", "read", "see", "used", "good",
    "great", "perhaps", "probably", "also", "why", "how", "what", "when", "where", "can", "one", "two",
    "bring", "skim", "watch", "focus", "skip", "note", "start", "try", "look", "compare", "check", "optional",
}  # fmt: skip


@dataclasses.dataclass
class Split:
    """Where an item's title ends: the title, its annotation, the other places it could end (each a
    ``(title, annotation)``, longest title first), and whether the choice was a guess."""

    title: str
    annotation: str
    others: list[tuple[str, str]]
    unsure: bool = False


def split_item(text: str) -> tuple[str, str]:
    """An item's title and annotation: "WaveNet: A Generative Model for Raw Audio: A highly ..." ends after "Audio"."""
    split = item_split(text)
    return split.title, split.annotation


def item_split(text: str) -> Split:
    """Where an item's title ends (see ``split_item``). When the part after the last colon could be a
    sentence-case subtitle as well as a note ("Wav2vec: Learning speech from raw audio"), the item is
    kept whole as the title and the split is marked unsure."""
    head_end = (m.start() for m in _TITLE_BREAK.finditer(text) if m.start() > 0)
    cut = next(head_end, len(text))
    head = text[:cut]
    parts = list(_COLON.finditer(head))
    end = parts[0].start() if parts else len(head)
    unsure = False
    for index, colon in enumerate(parts):
        last = index + 1 == len(parts)
        following = head[colon.end() : len(head) if last else parts[index + 1].start()]
        # "The Perceptron: A perceiving and recognizing automaton: a 1957 report": a part that another
        # colon closes is a subtitle even in sentence case, when it is short and ends no sentence.
        closed_subtitle = not last and len(following.split()) <= _MAX_SUBTITLE_WORDS
        if not following.strip() or not (
            _title_like(following) or (closed_subtitle and following.strip()[-1:] not in ".!?")
        ):
            words = following.split()
            unsure = (
                last and cut == len(text) and 0 < len(words) <= _MAX_SUBTITLE_WORDS
                and following.strip()[-1:] not in ".!?" and words[0][:1].isupper()
                and words[0].lower() not in _NOTE_OPENERS
            )  # fmt: skip
            if unsure:
                end = len(head)
            break
        end = len(head) if last else parts[index + 1].start()
    title = head[:end].strip(" :")
    annotation = text[end:].lstrip(" :.")
    if not title:  # an item that is all annotation: keep its words as the title
        return Split(annotation, "", [])
    others = [(text[: c.start()].strip(" :"), text[c.end() :].strip()) for c in reversed(parts) if c.start() != end]
    whole = (" ".join(text.split()).strip(" :"), "")
    if annotation and whole[0] != title:
        others.insert(0, whole)
    return Split(title, annotation, [(t, a) for t, a in others if t], unsure)


def _reading(body: str, line: int, section: str) -> ParsedReading | None:
    match = _URL.search(body)
    url = match.group("url") if match else ""
    if match:  # the link goes; so does the space it leaves before punctuation
        body = re.sub(r"\s+([.,;:])", r"\1", body[: match.start()] + body[match.end() :])
    split = item_split(_MARKER.sub("", re.sub(r"\s+", " ", body).strip()))
    if not split.title:
        return None
    reading = reading_from(split.title, url, split.annotation, line=line, section=section)
    reading.title_choices = [(clean_title(title), annotation) for title, annotation in split.others]
    reading.title_unsure = split.unsure
    return reading


def _is_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def parse_text(text: str) -> ParsedList:
    """Parse a plain-text reading list. Never raises: whatever is not understood is skipped."""
    lines = text.splitlines()
    roots: list[ParsedSection] = []
    group: ParsedSection | None = None  # the top-level section whose subsections come next
    current: ParsedSection | None = None
    in_list = False  # inside a numbered list (blank lines between items do not end it)

    def next_content(index: int) -> str:
        return next((raw for raw in lines[index + 1 :] if not _is_blank(raw)), "")

    def is_heading(index: int) -> bool:
        raw = lines[index]
        if _is_blank(raw) or _ITEM.match(raw) or len(raw.strip()) > _MAX_HEADING or _NAVIGATION.match(raw):
            return False
        before = lines[index - 1] if index else ""
        after = lines[index + 1] if index + 1 < len(lines) else ""
        stands_alone = _is_blank(before) or bool(_ITEM.match(before))
        return stands_alone and (_is_blank(after) or bool(_ITEM.match(after)))

    for index, raw in enumerate(lines):
        number = index + 1
        item = _ITEM.match(raw)
        if item:
            if current is None:
                current = ParsedSection(title="Readings", level=1, line=number)
                roots.append(current)
            reading = _reading(item.group("body"), number, current.title)
            if reading is not None:
                current.readings.append(reading)
            in_list = True
            continue
        if _is_blank(raw):
            continue
        if not is_heading(index):
            in_list = False
            group = None  # prose ends a group of subsections
            continue
        title = raw.strip().rstrip(":")
        section = ParsedSection(title=title, level=1, line=number)
        following = next_content(index)
        if in_list and raw[:1].isspace() and current is not None and current.readings:
            section.level = current.level + 1
            current.children.append(section)
        elif _is_caps(title) or (
            following and not _ITEM.match(following) and is_heading(lines.index(following, index + 1))
        ):
            group = section
            roots.append(section)
        elif group is not None:
            section.level = 2
            group.children.append(section)
        else:
            roots.append(section)
        current = section
        in_list = False

    sections, dropped = without_empty_sections(roots)
    warnings = []
    if dropped:
        warnings.append(
            f"{len(dropped)} heading{'s' if len(dropped) != 1 else ''} without numbered items under them "
            "(course description, assignments, calendar and the like) were left out."
        )
    return ParsedList(title="", sections=sections, warnings=warnings)
