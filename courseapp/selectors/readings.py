"""Reads of the reading list: its sections as a tree, searched and filtered, with badges."""

import dataclasses
from collections import defaultdict

from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber

from ..models import (
    Course,
    Listing,
    Reading,
    Review,
    Section,
    Slot,
)
from ..params import int_or_none


class SectionNode:
    """A section with its listings, at its depth in the tree (0 for a top-level section)."""

    def __init__(self, section: Section):
        self.section = section
        self.depth = 0
        self.listings: list[Listing] = []
        self.children: list[SectionNode] = []
        self.total = 0  # readings listed here and in the subsections, before any filter
        self.hidden = 0  # readings listed here (and matching) but left out of a long list's first view

    @property
    def heading_level(self) -> int:
        return min(self.depth + 2, 6)

    @property
    def shown(self) -> int:
        return len(self.listings) + sum(child.shown for child in self.children)

    @property
    def matching(self) -> int:
        """Readings here and in the subsections that match (all of them without a filter), shown or not."""
        return len(self.listings) + self.hidden + sum(child.matching for child in self.children)


def _section_tree(sections: list[Section]) -> list[SectionNode]:
    """Sections in reading order, subsections after their parent, each with its depth."""
    nodes: dict[int | None, SectionNode] = {section.pk: SectionNode(section) for section in sections}
    roots: list[SectionNode] = []
    for section in sections:
        parent = nodes.get(section.parent_id)
        (parent.children if parent else roots).append(nodes[section.pk])
    ordered: list[SectionNode] = []

    def visit(level: list[SectionNode], depth: int) -> None:
        for node in level:
            node.depth = depth
            ordered.append(node)
            visit(node.children, depth + 1)

    visit(roots, 0)
    return ordered


@dataclasses.dataclass
class ReadingFilters:
    """What the reading list is narrowed to: words, a section (with its subsections), a kind, and more."""

    q: str = ""
    section: int | None = None
    kind: str = ""
    scheduled: bool = False
    mine: str = ""  # "reviewed" or "not_reviewed": the viewer's own submitted reviews

    MINE = {"reviewed": "I reviewed it", "not_reviewed": "I have not reviewed it"}

    @classmethod
    def from_query(cls, params) -> "ReadingFilters":
        """Filters from a query string; values that mean nothing are ignored, never an error."""
        section = params.get("section", "")
        return cls(
            q=" ".join(params.get("q", "").split())[:200],
            section=int_or_none(section),
            kind=params.get("kind", "") if params.get("kind", "") in Reading.Kind.values else "",
            scheduled=params.get("scheduled") == "1",
            mine=params.get("mine", "") if params.get("mine", "") in cls.MINE else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.section or self.kind or self.scheduled or self.mine)

    def matching(self, viewer, *, through_listing: bool) -> Q:
        """The condition on readings (or on listings, through their reading) these filters ask for."""
        prefix, ref = ("reading__", "reading_id") if through_listing else ("", "pk")
        condition = Q()
        for word in self.q.split():
            any_field = Q(annotation__icontains=word) if through_listing else Q()
            for field in ("title", "authors", "venue", "arxiv_id", "doi"):
                any_field |= Q(**{f"{prefix}{field}__icontains": word})
            condition &= any_field
        if self.kind:
            condition &= Q(**{f"{prefix}kind": self.kind})
        if self.scheduled:
            condition &= Q(Exists(Slot.objects.filter(reading=OuterRef(ref))))
        if self.mine and viewer is not None:
            reviewed = Exists(Review.objects.filter(reading=OuterRef(ref), student=viewer, submitted_at__isnull=False))
            condition &= Q(reviewed) if self.mine == "reviewed" else ~Q(reviewed)
        return condition


@dataclasses.dataclass
class ReadingList:
    nodes: list[SectionNode]  # every section, in order, with its matching listings
    unlisted: list[Reading]  # on the schedule, in no section
    filters: ReadingFilters
    total: int
    collapsed: bool = False  # a long list, or many matches, each section showing its first readings

    @property
    def shown(self) -> int:
        return sum(len(node.listings) for node in self.nodes) + len(self.unlisted)

    @property
    def matching(self) -> int:
        """Readings that match the filters, shown or left for their section's link."""
        return self.shown + sum(node.hidden for node in self.nodes)

    @property
    def visible_nodes(self) -> list[SectionNode]:
        """The sections to draw: all of them, or under a filter those with a match in or below them."""
        return [node for node in self.nodes if node.shown] if self.filters.active else self.nodes


def _with_badges(course: Course, readings: list[Reading], viewer) -> None:
    """Each reading's dates on the schedule and (for a student) their review of it: one query each.

    A reading listed in two sections arrives as two objects; each gets its badges.
    """
    slots = defaultdict(list)
    for slot in Slot.objects.filter(meeting__course=course, reading__isnull=False).select_related("meeting"):
        slots[slot.reading_id].append(slot)
    for dated in slots.values():
        dated.sort(key=lambda slot: slot.meeting.date)
    mine = {}
    if viewer is not None:
        mine = {review.reading_id: review for review in Review.objects.filter(student=viewer, reading__course=course)}
    for reading in readings:
        reading.scheduled_slots = slots[reading.pk]
        reading.my_review = mine.get(reading.pk)


def section_tree(course: Course) -> list[SectionNode]:
    """The course's sections in reading order, without their readings (one query)."""
    return _section_tree(list(course.sections.order_by("position", "pk")))


LONG_LIST, FIRST_OF_SECTION = 300, 8


def reading_list(
    course: Course, filters: ReadingFilters | None = None, *, viewer=None, listing_id: int | None = None
) -> ReadingList:
    """The reading list, narrowed by ``filters``, with badges: seven queries however long the list is.

    ``viewer`` is the student whose reviews the badges and the "I reviewed it" filter are about;
    ``listing_id`` narrows it to one row, to redraw that row after a change.
    """
    filters = filters or ReadingFilters()
    nodes = section_tree(course)
    by_id = {node.section.pk: node for node in nodes}
    totals = dict(
        Listing.objects.filter(section__course=course).values_list("section").annotate(n=Count("pk")).order_by()
    )
    for node in reversed(nodes):  # children come after their parent, so totals roll up
        node.total = totals.get(node.section.pk, 0) + sum(child.total for child in node.children)
    listings = Listing.objects.filter(section__course=course).filter(filters.matching(viewer, through_listing=True))
    unlisted = course.readings.filter(listings__isnull=True, slots__isnull=False)
    if listing_id is not None:
        listings, unlisted = listings.filter(pk=listing_id), unlisted.none()
    if filters.section in by_id:
        chosen = by_id[filters.section]
        below = [chosen]
        for node in below:
            below.extend(node.children)
        listings = listings.filter(section__in=[node.section.pk for node in below])
        unlisted = unlisted.none()
    # A long list opens with the first readings of each section (the database picks them), and so does a
    # search of one that matches more than a long list's worth; a section's link shows the rest (of its
    # matches): a 2,000-reading list was megabytes of HTML, and a one-word search of it 342 KiB.
    may_collapse = listing_id is None and filters.section not in by_id and sum(totals.values()) > LONG_LIST
    matches = totals
    if may_collapse and filters.active:  # how many match in each section: one query, for long lists only
        matches = dict(listings.values_list("section").annotate(n=Count("pk")).order_by())
    collapsed = may_collapse and sum(matches.values()) > LONG_LIST
    if collapsed:
        place = Window(RowNumber(), partition_by=[F("section_id")], order_by=[F("position").asc(), F("pk").asc()])
        listings = listings.annotate(place=place).filter(place__lte=FIRST_OF_SECTION)
    shown = list(listings.select_related("reading__link_result").order_by("position", "pk"))
    unlisted = unlisted.filter(filters.matching(viewer, through_listing=False)).select_related("link_result")
    outside = list(unlisted.distinct().order_by("title"))
    _with_badges(course, [listing.reading for listing in shown] + outside, viewer)
    for listing in shown:
        by_id[listing.section_id].listings.append(listing)
    if collapsed:
        for node in nodes:
            node.hidden = matches.get(node.section.pk, 0) - len(node.listings)
    return ReadingList(nodes=nodes, unlisted=outside, filters=filters, total=sum(totals.values()), collapsed=collapsed)
