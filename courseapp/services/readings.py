"""The reading list's writes: importing a list (a plan first, then one transaction) and curating it.

An import matches each reading of the file to one already in the course by arXiv id, DOI,
link, then title, so a re-import updates in place and never duplicates. Nothing an import
does removes a reading that is scheduled or has reviews; fields the instructor corrected by
hand are left as they are.
"""

import dataclasses
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import CharField, ProtectedError
from django.utils import timezone

from .. import dates
from ..models import Course, Listing, Reading, ReadingImport, Review, Section, Slot, User
from ..readinglists import formats, metadata
from ..readinglists.parsed import ParsedList, ParsedReading, ParsedSection
from .errors import ServiceError
from .ordering import move_one_place, next_position

# The reading fields an import fills and an instructor may correct.
READING_FIELDS = ("title", "url", "kind", "authors", "year", "venue", "arxiv_id", "doi")

NO_READINGS = "No readings were found in this file. {hint}"
NO_READINGS_HINT = {
    formats.MARKDOWN: "Markdown readings are list items, such as “- [Title](https://…)”.",
    formats.TEXT: "Plain-text readings are numbered items under a heading, such as “1. Title: why to read it”.",
    formats.BIBTEX: "BibTeX readings are entries with a title, such as “@article{key, title={…}}”.",
    formats.RIS: "RIS readings are references with a title, from “TY  - JOUR” to “ER  -”.",
    formats.CSL_JSON: "CSL-JSON readings are items with a “title”, in a list.",
}
ALREADY_APPLIED = "This import was confirmed already; the reading list shows its result."
DUPLICATE_ID = "“{title}” has this {field} already: merge the two readings instead."
ALREADY_IN_SECTION = "“{title}” is in “{section}” already."
MERGE_SELF = "Choose another reading to merge with."
MERGE_REVIEWED_BOTH = "{names} reviewed both readings; merging would lose one of their reviews."
MERGE_SAME_MEETING = "Both readings are on the agenda of {date}; take one off the schedule first."
DELETE_SCHEDULED = "“{title}” is on the schedule ({dates}); take it off the schedule before deleting it."
DELETE_REVIEWED = (
    "{count} student{s} wrote a review of “{title}”, so it stays. If it is a duplicate, merge it into the other one."
)


def normalized_title(title: str) -> str:
    """Titles compare equal whatever their case, punctuation and spacing, in any script.

    NFKC and case folding, never folding to ASCII: that would leave a Korean or Chinese title
    empty, so it would match nothing, not even itself, and each re-import would add it again.
    """
    text = unicodedata.normalize("NFKC", title).casefold()
    return " ".join(re.findall(r"[^\W_]+", text))


def normalized_url(url: str) -> str:
    """Links compare equal with or without https, www, a trailing slash or a #fragment."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host:
        return ""
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{parts.path.rstrip('/')}{query}"


def _keys(arxiv_id: str, doi: str, url: str, title: str) -> list[tuple[str, str]]:
    keys = [("arxiv", arxiv_id), ("doi", doi.lower()), ("url", normalized_url(url)), ("title", normalized_title(title))]
    return [(kind, value) for kind, value in keys if value]


def _compatible(a_arxiv: str, a_doi: str, b_arxiv: str, b_doi: str) -> bool:
    """Two works with different arXiv ids (or DOIs) are different works, whatever their titles say."""
    return not (a_arxiv and b_arxiv and a_arxiv != b_arxiv) and not (a_doi and b_doi and a_doi.lower() != b_doi.lower())


def _same_work(key_kind: str, a_url: str, b_url: str) -> bool:
    """A title match joins two entries unless their links say they are different kinds of work:
    a paper and its blog post share a title and stay two readings (an arXiv id or DOI would join them)."""
    if key_kind != "title" or not a_url or not b_url:
        return True
    a, b = metadata.kind_from_url(a_url), metadata.kind_from_url(b_url)
    return not (a and b and a != b)


@dataclasses.dataclass(eq=False)
class PlannedReading:
    """A reading of the file: the row it creates or updates, and what changes."""

    parsed: ParsedReading
    reading: Reading | None = None
    matched_by: str = ""
    changes: dict[str, tuple] = dataclasses.field(default_factory=dict)
    kept_edits: list[str] = dataclasses.field(default_factory=list)
    # Changes the file makes to what the instructor owns (fields edited by hand; the title and link of a
    # scheduled or reviewed reading), held back unless they choose to take the file's version.
    held: dict[str, tuple] = dataclasses.field(default_factory=dict)
    held_because: str = ""
    taken: bool = False
    section_titles: list[str] = dataclasses.field(default_factory=list)
    # "create", "update" or "unchanged": decided by the plan, so applying it does not change the answer.
    action: str = "create"

    @property
    def title(self) -> str:
        """The reading's title as it stands: the file's, for a reading the import creates."""
        return self.reading.title if self.reading is not None else self.parsed.title

    @property
    def row(self) -> Reading:
        """The reading's row: an update's from the plan, a new reading's once applying made it."""
        if self.reading is None:
            raise ValueError(f"“{self.parsed.title}” has no row until the import makes it.")
        return self.reading

    @property
    def kind_label(self) -> str:
        return Reading.Kind(self.parsed.kind).label


@dataclasses.dataclass(eq=False)
class PlannedSection:
    parsed: ParsedSection
    path: tuple[str, ...]
    depth: int
    parent: "PlannedSection | None"
    section: Section | None
    listings: list[tuple[PlannedReading, str]] = dataclasses.field(default_factory=list)
    questions_change: bool = False
    is_new: bool = False  # decided by the plan; applying it fills in ``section``

    @property
    def row(self) -> Section:
        """The section's row: an existing one's from the plan, a new one's once applying made it."""
        if self.section is None:
            raise ValueError(f"“{self.parsed.title}” has no row until the import makes it.")
        return self.section


@dataclasses.dataclass
class ImportPlan:
    mode: str
    sections: list[PlannedSection]
    readings: list[PlannedReading]
    removed: list[Reading]
    kept: list[tuple[Reading, str]]
    warnings: list[str]
    # What the file held that is not a reading, counted by reason ("3 images or badges").
    skipped: list[str] = dataclasses.field(default_factory=list)

    def with_action(self, action: str) -> list[PlannedReading]:
        return [planned for planned in self.readings if planned.action == action]

    @property
    def created(self):
        return self.with_action("create")

    @property
    def updated(self):
        return self.with_action("update")

    @property
    def unchanged(self):
        return self.with_action("unchanged")

    # The preview lists this many new readings of a section; the rest are counted (a 3,000-reading
    # list would otherwise make a page too heavy to read).
    PREVIEW_PER_SECTION = 50

    def created_by_section(self) -> list[dict]:
        """The new readings by the first section that lists them, in the file's order, each group cut short."""
        groups: dict[str, list[PlannedReading]] = {}
        for planned in self.created:
            groups.setdefault(planned.section_titles[0] if planned.section_titles else "", []).append(planned)
        many = len(self.created) > 4 * self.PREVIEW_PER_SECTION
        return [
            {"title": title, "shown": readings[: self.PREVIEW_PER_SECTION], "count": len(readings),
             "more": max(0, len(readings) - self.PREVIEW_PER_SECTION), "open": not many or index == 0}
            for index, (title, readings) in enumerate(groups.items())
        ]  # fmt: skip

    @property
    def held(self) -> list[PlannedReading]:
        """Readings whose file version differs from what the instructor owns, for the keep-or-take choice."""
        return [planned for planned in self.readings if planned.held and not planned.taken]

    @property
    def new_sections(self) -> list[PlannedSection]:
        return [planned for planned in self.sections if planned.is_new]

    def summary(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "removed": len(self.removed),
            "kept": len(self.kept),
            "sections_created": len(self.new_sections),
        }


_is_web_address = URLValidator(schemes=["http", "https"])


def _max_length(name: str) -> int:
    """How long a reading's text field may be."""
    field = Reading._meta.get_field(name)
    assert isinstance(field, CharField) and field.max_length is not None
    return field.max_length


def _fit(item: ParsedReading, warnings: list[str]) -> None:
    """Make a parsed reading fit the columns: a link that is no web address is dropped with a warning."""
    if item.url:
        try:
            if len(item.url) > _max_length("url"):
                raise ValidationError("too long")
            _is_web_address(item.url)
        except ValidationError:
            warnings.append(f"Line {item.line}: “{item.url[:80]}” is not a web address; “{item.title}” has no link.")
            item.url = ""
    for field in ("title", "authors", "venue", "arxiv_id", "doi"):
        setattr(item, field, getattr(item, field)[: _max_length(field)])


def _section_paths(sections: list[Section]) -> dict[tuple[str, ...], Section]:
    by_id: dict[int | None, Section] = {section.pk: section for section in sections}

    def path(section: Section) -> tuple[str, ...]:
        parts, seen = [], set()
        up: Section | None = section
        while up is not None and up.pk not in seen:
            seen.add(up.pk)
            parts.append(normalized_title(up.title))
            up = by_id.get(up.parent_id)
        return tuple(reversed(parts))

    return {path(section): section for section in sections}


def protected_reading_ids(course: Course) -> dict[int, str]:
    """Readings an import never deletes, with the reason: on the schedule, or reviewed (drafts count)."""
    reasons = dict.fromkeys(
        Review.objects.filter(reading__course=course).values_list("reading_id", flat=True), "reviewed"
    )
    scheduled = Slot.objects.filter(meeting__course=course, reading__isnull=False).values_list("reading_id", flat=True)
    reasons.update({reading_id: "scheduled" for reading_id in scheduled if reading_id is not None})
    return reasons


UNSURE_TITLE = (
    "Line {line}: “{title}” was kept whole as the title, since what follows its last colon could be a "
    "subtitle or a note. Edit the reading after the import if it is a note."
)

# The fields of a scheduled or reviewed reading that students know it by.
OWNED_FIELDS = ("title", "url")
TAKE_ALL = "all"


def import_plan(
    *, course: Course, parsed: ParsedList, mode: str = ReadingImport.Mode.MERGE, take: Collection[int] | str = ()
) -> ImportPlan:
    """What importing ``parsed`` would create, update, keep and remove. Reads only: four queries.

    ``take``: the readings (by id, or TAKE_ALL) whose held-back changes the instructor chose to take.
    """
    existing = list(course.readings.all())
    protected = protected_reading_ids(course)
    index: dict[tuple[str, str], Reading] = {}
    for reading in existing:
        for key in _keys(reading.arxiv_id, reading.doi, reading.url, reading.title):
            index.setdefault(key, reading)
    by_path = _section_paths(list(course.sections.all()))

    planned_index: dict[tuple[str, str], PlannedReading] = {}
    planned_by_reading: dict[int, PlannedReading] = {}
    readings: list[PlannedReading] = []
    sections: list[PlannedSection] = []
    warnings = list(parsed.warnings)

    def plan_reading(item: ParsedReading) -> PlannedReading:
        # Where a plain-text item's title could end elsewhere, the course's own readings decide.
        for title, annotation in item.title_choices:
            if ("title", normalized_title(title)) in index:
                item.title, item.annotation, item.title_unsure = title, annotation, False
                break
        item.title_choices = []
        if item.title_unsure:
            item.title_unsure = False  # one warning, though the item may be listed in several sections
            warnings.append(UNSURE_TITLE.format(line=item.line, title=item.title))
        _fit(item, warnings)
        keys = _keys(item.arxiv_id, item.doi, item.url, item.title)
        for key in keys:  # listed twice in the file
            twin = planned_index.get(key)
            if (
                twin
                and _compatible(twin.parsed.arxiv_id, twin.parsed.doi, item.arxiv_id, item.doi)
                and _same_work(key[0], twin.parsed.url, item.url)
            ):
                return twin
        planned = PlannedReading(parsed=item)
        for kind, value in keys:
            match = index.get((kind, value))
            if (
                match
                and _compatible(match.arxiv_id, match.doi, item.arxiv_id, item.doi)
                and _same_work(kind, match.url, item.url)
            ):
                if match.pk in planned_by_reading:
                    return planned_by_reading[match.pk]
                planned.reading, planned.matched_by = match, {"arxiv": "arXiv id", "doi": "DOI"}.get(kind, kind)
                planned_by_reading[match.pk] = planned
                break
        if planned.reading is not None:
            for field in READING_FIELDS:
                new, old = getattr(item, field), getattr(planned.reading, field)
                if new in ("", None) or (field == "kind" and item.kind_is_guess) or new == old:
                    continue
                if field == "url" and metadata.arxiv_id(new) and metadata.arxiv_id(new) == metadata.arxiv_id(old):
                    continue  # abs, pdf or another version of the same arXiv paper: not worth a change
                if field in planned.reading.edited_fields:
                    planned.kept_edits.append(field)
                    planned.held[field] = (old, new)
                    planned.held_because = planned.held_because or "you edited it"
                elif field in OWNED_FIELDS and planned.reading.pk in protected:
                    planned.held[field] = (old, new)
                    planned.held_because = f"it is {protected[planned.reading.pk]}"
                else:
                    planned.changes[field] = (old, new)
            if planned.held and (take == TAKE_ALL or planned.reading.pk in take):
                planned.changes.update(planned.held)
                planned.taken, planned.kept_edits = True, []
        if planned.reading is not None:
            planned.action = "update" if planned.changes else "unchanged"
        for key in keys:
            planned_index.setdefault(key, planned)
        readings.append(planned)
        return planned

    def plan_section(item: ParsedSection, parent: PlannedSection | None) -> None:
        path = (parent.path if parent else ()) + (normalized_title(item.title),)
        planned = PlannedSection(parsed=item, path=path, depth=len(path) - 1, parent=parent, section=by_path.get(path))
        planned.is_new = planned.section is None
        planned.questions_change = planned.section is not None and item.questions != planned.section.questions
        sections.append(planned)
        listed: set[int] = set()
        for reading in item.readings:
            target = plan_reading(reading)
            if id(target) in listed:
                warnings.append(
                    f"Line {reading.line}: “{reading.title}” is in “{item.title}” twice; it is listed once."
                )
                continue
            listed.add(id(target))
            target.section_titles.append(item.title)
            planned.listings.append((target, reading.annotation))
        for child in item.children:
            plan_section(child, planned)

    for top in parsed.sections:
        plan_section(top, None)

    removed: list[Reading] = []
    kept: list[tuple[Reading, str]] = []
    if mode == ReadingImport.Mode.REPLACE:
        for reading in existing:
            if reading.pk in planned_by_reading:
                continue
            if reading.pk in protected:
                kept.append((reading, protected[reading.pk]))
            else:
                removed.append(reading)
    return ImportPlan(
        mode=mode, sections=sections, readings=readings, removed=removed, kept=kept, warnings=warnings,
        skipped=parsed.skipped_counts(),
    )  # fmt: skip


def import_parse(*, text: str, format: str, section_title: str = "", by_keywords: bool = False) -> ParsedList:
    """Parse a list for import, refusing what cannot be imported: malformed BibTeX, or no readings at all.

    ``section_title`` and ``by_keywords``: where BibTeX, RIS and CSL-JSON entries go (see ``formats.parse``).
    """
    parsed = formats.parse(text, format, section=section_title, by_keywords=by_keywords)
    if parsed.errors:
        raise ServiceError(" ".join(parsed.errors[:3]), code="malformed")
    if not parsed.all_readings():
        raise ServiceError(NO_READINGS.format(hint=NO_READINGS_HINT[format]), code="no_readings")
    return parsed


def import_read(
    *,
    data: bytes,
    size: int | None = None,
    filename: str = "",
    format: str = "",
    section_title: str = "",
    by_keywords: bool = False,
    limit: int,
) -> tuple[str, str, ParsedList]:
    """Bytes to an importable list: the text, its format (recognised when not given) and what it holds.

    ``size``: the whole upload's size, when ``data`` holds only its first ``limit + 1`` bytes.
    """
    try:
        text = formats.decode(data, limit=limit, size=size)
    except formats.UnreadableInput as error:
        raise ServiceError(str(error), code=error.code) from None
    format = format or formats.detect(text, filename)
    return text, format, import_parse(text=text, format=format, section_title=section_title, by_keywords=by_keywords)


def reading_import_create(
    *,
    course: Course,
    by: User | None,
    data: bytes,
    size: int | None = None,
    filename: str = "",
    format: str = "",
    mode: str,
    section_title: str = "",
    by_keywords: bool = False,
    limit: int,
) -> ReadingImport:
    """Check and keep an uploaded or pasted list for its preview; nothing in the reading list changes yet."""
    text, format, _ = import_read(
        data=data, size=size, filename=filename, format=format, section_title=section_title,
        by_keywords=by_keywords, limit=limit,
    )  # fmt: skip
    return ReadingImport.objects.create(
        course=course,
        created_by=by,
        format=format,
        mode=mode,
        filename=filename[:255],
        text=text,
        section_title=section_title,
        sections_by_keyword=by_keywords,
    )


def reading_import_preview(*, reading_import: ReadingImport, take: Collection[int] | str = ()) -> ImportPlan:
    parsed = import_parse(
        text=reading_import.text,
        format=reading_import.format,
        section_title=reading_import.section_title,
        by_keywords=reading_import.sections_by_keyword,
    )
    return import_plan(course=reading_import.course, parsed=parsed, mode=reading_import.mode, take=take)


@transaction.atomic
def reading_import_apply(*, reading_import_id: int, course: Course, take: Collection[int] | str = ()) -> ImportPlan:
    """Carry out a previewed import in one transaction; a second confirmation changes nothing.

    ``take``: the readings (or TAKE_ALL) that get the file's version of what the instructor owns.
    """
    # The course row serialises imports and curation of one list; the import row makes it once only.
    Course.objects.select_for_update().get(pk=course.pk)
    reading_import = ReadingImport.objects.select_for_update().get(pk=reading_import_id, course=course)
    if reading_import.applied_at is not None:
        raise ServiceError(ALREADY_APPLIED, code="already_applied")
    plan = reading_import_preview(reading_import=reading_import, take=take)

    new_readings = []
    for planned in plan.created:
        item = planned.parsed
        planned.reading = Reading(
            course=course, **{field: getattr(item, field) or _blank(field) for field in READING_FIELDS}
        )
        new_readings.append(planned.reading)
    Reading.objects.bulk_create(new_readings)
    changed_fields = sorted({field for planned in plan.updated for field in planned.changes})
    for planned in plan.updated:
        for field, (_, new) in planned.changes.items():
            setattr(planned.reading, field, new)
        if planned.taken:  # the file's version now: no longer an edit by hand
            planned.reading.edited_fields = [f for f in planned.reading.edited_fields if f not in planned.changes]
    if changed_fields:
        Reading.objects.bulk_update(
            [planned.reading for planned in plan.updated], [*changed_fields, "edited_fields", "updated_at"]
        )

    after_existing = next_position(course.sections.all())
    replace = plan.mode == ReadingImport.Mode.REPLACE
    for order, planned in enumerate(plan.sections):
        parent = planned.parent.section if planned.parent else None
        if planned.section is None:
            planned.section = Section.objects.create(
                course=course,
                parent=parent,
                title=planned.parsed.title[:300],
                questions=planned.parsed.questions,
                position=order if replace else after_existing + order,
            )
        else:
            changes: dict[str, object] = {"questions": planned.parsed.questions} if planned.questions_change else {}
            if replace:
                changes["position"] = order  # the file's order becomes the list's
            if changes:
                Section.objects.filter(pk=planned.section.pk).update(**changes)

    touched = [planned.row for planned in plan.sections]
    current = {
        (listing.section_id, listing.reading_id): listing for listing in Listing.objects.filter(section__in=touched)
    }
    by_section: defaultdict[int, list[Listing]] = defaultdict(list)
    for listing in current.values():
        by_section[listing.section_id].append(listing)
    to_create: list[Listing] = []
    to_update: list[Listing] = []
    in_file: set[int] = set()
    for planned in plan.sections:
        section = planned.row
        for position, (target, annotation) in enumerate(planned.listings, start=1):
            found = current.get((section.pk, target.row.pk))
            if found is None:
                to_create.append(Listing(section=section, reading=target.row, position=position, annotation=annotation))
                continue
            in_file.add(found.pk)
            if (found.position, found.annotation) != (position, annotation):
                found.position, found.annotation = position, annotation
                to_update.append(found)
        # What the file does not mention follows it, in its old order.
        others = sorted(
            (listing for listing in by_section[section.pk] if listing.pk not in in_file),
            key=lambda listing: (listing.position, listing.pk),
        )
        for position, listing in enumerate(others, start=len(planned.listings) + 1):
            if listing.position != position:
                listing.position = position
                to_update.append(listing)
    Listing.objects.bulk_create(to_create)
    Listing.objects.bulk_update(to_update, ["position", "annotation"])

    if replace:
        _remove_unlisted(course, plan, keep_listings=in_file | {listing.pk for listing in to_create})

    reading_import.applied_at = timezone.now()
    reading_import.summary = plan.summary()
    reading_import.save(update_fields=["applied_at", "summary"])
    return plan


def _blank(field: str):
    return None if field == "year" else ""


def _remove_unlisted(course: Course, plan: ImportPlan, *, keep_listings: set[int]) -> None:
    """Replace mode: drop what the file no longer lists, except readings that are scheduled or reviewed."""
    kept_ids = [reading.pk for reading, _ in plan.kept]
    Listing.objects.filter(section__course=course).exclude(pk__in=keep_listings).exclude(
        reading_id__in=kept_ids
    ).delete()
    Reading.objects.filter(pk__in=[reading.pk for reading in plan.removed]).delete()
    in_file = {planned.row.pk for planned in plan.sections}
    while True:  # empty sections go, leaves first
        empty = course.sections.exclude(pk__in=in_file).filter(listings__isnull=True, children__isnull=True)
        if not empty.delete()[0]:
            break


# Curation ---------------------------------------------------------------------------------------


def reading_update(*, course: Course, listing_id: int, values: dict, annotation: str) -> Listing:
    """Correct a reading's details and its note in one section; corrected fields survive re-imports."""
    with transaction.atomic():
        listing = Listing.objects.select_related("section").get(pk=listing_id, section__course=course)
        reading = Reading.objects.select_for_update().get(pk=listing.reading_id)
        changed = [field for field in READING_FIELDS if field in values and values[field] != getattr(reading, field)]
        for field in changed:
            setattr(reading, field, values[field])
        reading.edited_fields = sorted(set(reading.edited_fields) | set(changed))
        _check_unique_ids(course, reading)
        reading.full_clean(validate_constraints=False)
        reading.save()
        if listing.annotation != annotation:
            listing.annotation = annotation
            listing.save(update_fields=["annotation"])
        listing.reading = reading
        return listing


def _check_unique_ids(course: Course, reading: Reading) -> None:
    for field, label in (("arxiv_id", "arXiv id"), ("doi", "DOI")):
        value = getattr(reading, field)
        if value:
            twin = course.readings.filter(**{field: value}).exclude(pk=reading.pk).first()
            if twin:
                raise ServiceError(DUPLICATE_ID.format(title=twin.title, field=label), code=f"duplicate_{field}")


def listing_move(*, course: Course, listing_id: int, section_id: int) -> Listing:
    """Move a reading to another section, at its end."""
    with transaction.atomic():
        listing = (
            Listing.objects.select_for_update(of=("self",))
            .select_related("reading")
            .get(pk=listing_id, section__course=course)
        )
        section = Section.objects.get(pk=section_id, course=course)
        if section.pk == listing.section_id:
            return listing
        if section.listings.filter(reading_id=listing.reading_id).exists():
            raise ServiceError(
                ALREADY_IN_SECTION.format(title=listing.reading.title, section=section.title), code="already_listed"
            )
        listing.section, listing.position = section, next_position(section.listings.all())
        listing.save(update_fields=["section", "position"])
        return listing


def listing_reorder(*, course: Course, listing_id: int, direction: str) -> None:
    """Move a reading one place up or down in its section."""
    with transaction.atomic():
        listing = Listing.objects.select_for_update(of=("self",)).get(pk=listing_id, section__course=course)
        siblings = list(
            Listing.objects.select_for_update(of=("self",))
            .filter(section=listing.section_id)
            .order_by("position", "pk")
        )
        move_one_place(siblings, listing, direction)


def reading_merge(*, course: Course, reading_id: int, into_id: int) -> Reading:
    """Fold a duplicate into the reading that stays: its reviews, slots and places in the list follow.

    Refused, naming who or what is in the way, where following would lose work: a student who
    reviewed both, or both readings on one meeting's agenda.
    """
    if int(reading_id) == int(into_id):
        raise ServiceError(MERGE_SELF, code="merge_self")
    with transaction.atomic():
        # Both rows locked, lower id first, so two merges of the same pair cannot deadlock.
        pair = {
            r.pk: r
            for r in Reading.objects.select_for_update()
            .filter(pk__in=[reading_id, into_id], course=course)
            .order_by("pk")
        }
        if len(pair) != 2:
            raise Reading.DoesNotExist
        duplicate, survivor = pair[int(reading_id)], pair[int(into_id)]
        both = Review.objects.filter(reading=survivor, student__reviews__reading=duplicate).select_related("student")
        if names := [review.student.display_name for review in both]:
            raise ServiceError(MERGE_REVIEWED_BOTH.format(names=", ".join(names)), code="reviewed_both")
        clash = (
            Slot.objects.filter(reading=survivor, meeting__slots__reading=duplicate).select_related("meeting").first()
        )
        if clash:
            raise ServiceError(MERGE_SAME_MEETING.format(date=course.day(clash.meeting.date)), code="same_meeting")
        Review.objects.filter(reading=duplicate).update(reading=survivor)
        Slot.objects.filter(reading=duplicate).update(reading=survivor)
        survivor_sections = dict(survivor.listings.values_list("section_id", "pk"))
        for listing in duplicate.listings.all():
            if listing.section_id in survivor_sections:
                if listing.annotation:
                    Listing.objects.filter(pk=survivor_sections[listing.section_id], annotation="").update(
                        annotation=listing.annotation
                    )
                listing.delete()
            else:
                Listing.objects.filter(pk=listing.pk).update(reading=survivor)
        filled = {
            field: getattr(duplicate, field)
            for field in READING_FIELDS
            if not getattr(survivor, field) and getattr(duplicate, field)
        }
        duplicate.delete()  # first, so its arXiv id and DOI are free for the survivor
        for field, value in filled.items():
            setattr(survivor, field, value)
        survivor.save()
        return survivor


def reading_delete(*, course: Course, reading_id: int) -> Reading:
    """Delete a reading from the list; refused while it is scheduled or anyone reviewed it."""
    with transaction.atomic():
        reading = Reading.objects.select_for_update().get(pk=reading_id, course=course)
        meetings = list(Slot.objects.filter(reading=reading).select_related("meeting").order_by("meeting__date"))
        if meetings:
            days = ", ".join(dates.show(slot.meeting.date, "short_day") for slot in meetings)
            raise ServiceError(DELETE_SCHEDULED.format(title=reading.title, dates=days), code="scheduled")
        reviews = Review.objects.filter(reading=reading).count()
        if reviews:
            raise ServiceError(
                DELETE_REVIEWED.format(count=reviews, s="" if reviews == 1 else "s", title=reading.title),
                code="reviewed",
            )
        try:
            reading.delete()
        except ProtectedError:  # a review or slot arrived after the checks: the PROTECT foreign keys say no
            raise ServiceError(DELETE_REVIEWED.format(count=1, s="", title=reading.title), code="reviewed") from None
        return reading
