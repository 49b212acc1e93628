"""Reads for pages: a fixed number of queries whatever the number of students or readings."""

from collections import defaultdict

from django.db.models import Prefetch, QuerySet

from .models import Course, Listing, Meeting, Membership, Reading, Section, Signup, Slot


def schedule(course: Course) -> list[Meeting]:
    """The term's meetings with their slots; each paper slot carries its seats (three queries).

    ``slot.presenter_seats`` and ``slot.commentator_seats`` list the signed-up student of each
    seat in order, or None for an open seat.
    """
    signups = Signup.objects.select_related("student").order_by("role", "seat")
    slots = Slot.objects.select_related("reading").prefetch_related(Prefetch("signups", queryset=signups))
    meetings = list(course.meetings.prefetch_related(Prefetch("slots", queryset=slots)))
    for meeting in meetings:
        for slot in meeting.slots.all():
            taken = defaultdict(dict)
            for signup in slot.signups.all():
                taken[signup.role][signup.seat] = signup.student
            slot.presenter_seats = [
                taken[Signup.Role.PRESENTER].get(n) for n in range(1, course.presenters_per_slot + 1)
            ]
            slot.commentator_seats = [
                taken[Signup.Role.COMMENTATOR].get(n) for n in range(1, course.commentators_per_slot + 1)
            ]
    return meetings


class SectionNode:
    """A section with its listings, at its depth in the tree (0 for a top-level section)."""

    def __init__(self, section: Section):
        self.section = section
        self.depth = 0
        self.listings: list[Listing] = []
        self.children: list[SectionNode] = []

    @property
    def heading_level(self) -> int:
        return min(self.depth + 2, 6)


def reading_sections(course: Course) -> list[SectionNode]:
    """The reading list's sections in reading order, subsections after their parent (two queries)."""
    sections = list(course.sections.order_by("position", "pk"))
    nodes = {section.pk: SectionNode(section) for section in sections}
    listings = Listing.objects.filter(section__course=course).select_related("reading").order_by("position", "pk")
    for listing in listings:
        nodes[listing.section_id].listings.append(listing)
    roots = []
    for section in sections:
        (nodes[section.parent_id].children if section.parent_id else roots).append(nodes[section.pk])

    ordered: list[SectionNode] = []

    def visit(level: list[SectionNode], depth: int) -> None:
        for node in level:
            node.depth = depth
            ordered.append(node)
            visit(node.children, depth + 1)

    visit(roots, 0)
    return ordered


def unlisted_scheduled_readings(course: Course) -> QuerySet[Reading]:
    """Readings on the calendar that no section lists, so the list page still shows them."""
    return course.readings.filter(listings__isnull=True, slots__isnull=False).distinct().order_by("title")


def roster(course: Course) -> QuerySet[Membership]:
    return course.memberships.select_related("user").order_by("user__last_name", "user__first_name", "user__username")
