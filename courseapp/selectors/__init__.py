"""Reads for pages: a fixed number of queries whatever the number of students or readings."""

import csv
import dataclasses
import datetime
import io
from collections import defaultdict
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.translation import ngettext

from .. import dates, marking, reviewing
from ..models import (
    Component,
    Course,
    Criterion,
    Invitation,
    Listing,
    Meeting,
    Membership,
    Notice,
    Reading,
    Review,
    Rubric,
    Score,
    Section,
    Signup,
    SimilarityFlag,
    Slot,
    Swap,
    User,
    WaitlistEntry,
)
from ..params import int_or_none
from .extensions import Extensions, extension_history


@dataclasses.dataclass
class Seat:
    """One seat of a slot as the schedule shows it."""

    state: str  # "taken", "held" (kept for an invited partner) or "open"
    student: User | None = None
    signup_id: int | None = None
    first_open: bool = False  # the open seat that carries the sign-up button


def schedule(course: Course, viewer=None, *, reviewer=None) -> list[Meeting]:
    """The term's meetings with their slots and seats (five queries, six with a ``reviewer``).

    Each paper slot carries, per role, ``<role>_seats`` (a list of Seat), ``<role>_full`` and
    ``<role>_waiting`` (people in line); for a ``viewer`` also ``my_role`` (their seat's role
    or None) and ``my_place`` ((role, place in line) or None); for a ``reviewer`` (a student)
    every slot with a reading carries ``my_review``, their review of it or None.
    """
    signups = Signup.objects.select_related("student").order_by("role", "seat")
    invitations = Invitation.objects.filter(status=Invitation.Status.PENDING).select_related("invitee")
    slots = Slot.objects.select_related("reading").prefetch_related(
        Prefetch("signups", queryset=signups),
        Prefetch("invitations", queryset=invitations, to_attr="pending_invitations"),
        Prefetch("waitlist", queryset=WaitlistEntry.objects.order_by("created_at", "pk"), to_attr="queue"),
    )
    meetings = list(course.meetings.prefetch_related(Prefetch("slots", queryset=slots)))
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    reviews = {}
    if reviewer is not None:
        reviews = {r.reading_id: r for r in Review.objects.filter(student=reviewer, reading__course=course)}
    for meeting in meetings:
        for slot in meeting.slots.all():
            _annotate_seats(slot, course, viewer_id)
            slot.my_review = reviews.get(slot.reading_id)
    return meetings


def _annotate_seats(slot: Slot, course: Course, viewer_id: int | None) -> None:
    taken: dict[str, dict[int, Signup]] = defaultdict(dict)
    slot.my_role = None
    for signup in slot.signups.all():
        taken[signup.role][signup.seat] = signup
        if signup.student_id == viewer_id:
            slot.my_role = signup.role
    held = [invitation.invitee for invitation in slot.pending_invitations]
    for role, capacity in (
        (Signup.Role.PRESENTER, course.presenters_per_slot),
        (Signup.Role.COMMENTATOR, course.commentators_per_slot),
    ):
        seats = []
        for number in range(1, capacity + 1):
            signup = taken[role].get(number)
            if signup is not None:
                seats.append(Seat("taken", signup.student, signup.pk))
            elif role == Signup.Role.PRESENTER and held:
                seats.append(Seat("held", held.pop(0)))
            else:
                seats.append(Seat("open"))
        if open_seats := [seat for seat in seats if seat.state == "open"]:
            open_seats[0].first_open = True
        setattr(slot, f"{role}_seats", seats)
        setattr(slot, f"{role}_full", all(seat.state != "open" for seat in seats))
    waiting = dict.fromkeys(Signup.Role.values, 0)
    slot.my_place = None
    for entry in slot.queue:
        waiting[entry.role] += 1
        if entry.student_id == viewer_id:
            slot.my_place = (entry.role, waiting[entry.role])
    slot.presenter_waiting, slot.commentator_waiting = waiting[Signup.Role.PRESENTER], waiting[Signup.Role.COMMENTATOR]


@dataclasses.dataclass
class Term:
    """A student's own side of the schedule: the "my term" panel."""

    signups: list[Signup]
    invitations_received: list[Invitation]
    invitations_sent: list[Invitation]
    waits: list[WaitlistEntry]
    swaps_received: list[Swap]
    swaps_sent: list[Swap]
    notices: list[Notice]
    classmates: list[User]

    @property
    def presenting(self) -> list[Signup]:
        return [s for s in self.signups if s.role == Signup.Role.PRESENTER]

    @property
    def commenting(self) -> list[Signup]:
        return [s for s in self.signups if s.role == Signup.Role.COMMENTATOR]

    @property
    def can_invite(self) -> list[Signup]:
        """My presentations with a presenter seat still free for a partner I have not invited yet."""
        invited = {invitation.slot_id for invitation in self.invitations_sent}
        return [s for s in self.presenting if s.open_presenter_seats and s.slot_id not in invited]


def my_term(course: Course, user) -> Term:
    """Everything the panel shows, in a fixed number of queries (seven)."""
    slot_parts = ("slot__reading", "slot__meeting__course")
    signups = list(
        Signup.objects.filter(student=user, slot__meeting__course=course)
        .select_related(*slot_parts)
        .prefetch_related(Prefetch("slot__signups", queryset=Signup.objects.select_related("student")))
        .order_by("slot__meeting__date", "slot__position")
    )
    for signup in signups:
        others = [s for s in signup.slot.signups.all() if s.student_id != user.pk]
        signup.partners = [s.student for s in others if s.role == Signup.Role.PRESENTER]
        signup.commentators = [s.student for s in others if s.role == Signup.Role.COMMENTATOR]
        signup.open_presenter_seats = course.presenters_per_slot - 1 - len(signup.partners)
    invitations = list(
        Invitation.objects.filter(status=Invitation.Status.PENDING, slot__meeting__course=course)
        .filter(Q(invitee=user) | Q(inviter=user))
        .select_related("inviter", "invitee", *slot_parts)
    )
    earlier = WaitlistEntry.objects.filter(slot=OuterRef("slot"), role=OuterRef("role")).filter(
        Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__lte=OuterRef("pk"))
    )
    waits = (
        WaitlistEntry.objects.filter(student=user, slot__meeting__course=course)
        .select_related(*slot_parts)
        .annotate(place=Subquery(earlier.values("slot").annotate(n=Count("pk")).values("n")))
        .order_by("slot__meeting__date")
    )
    swaps = list(
        Swap.objects.filter(status=Swap.Status.PENDING, proposer_slot__meeting__course=course)
        .filter(Q(partner=user) | Q(proposer=user))
        .select_related(
            *(f"{side}_slot__{part}" for side in ("proposer", "partner") for part in ("reading", "meeting"))
        )
        .select_related("proposer", "partner")
    )
    classmates = course_students(course).exclude(pk=user.pk)
    return Term(
        signups=signups,
        invitations_received=[i for i in invitations if i.invitee_id == user.pk],
        invitations_sent=[i for i in invitations if i.inviter_id == user.pk],
        waits=list(waits),
        swaps_received=[swap for swap in swaps if swap.partner_id == user.pk],
        swaps_sent=[swap for swap in swaps if swap.proposer_id == user.pk],
        notices=list(Notice.objects.filter(course=course, user=user, read_at__isnull=True)[:20]),
        classmates=list(classmates),
    )


class SectionNode:
    """A section with its listings, at its depth in the tree (0 for a top-level section)."""

    def __init__(self, section: Section):
        self.section = section
        self.depth = 0
        self.listings: list[Listing] = []
        self.children: list[SectionNode] = []
        self.total = 0  # readings listed here and in the subsections, before any filter
        self.hidden = 0  # readings listed here but left out of a long list's first view

    @property
    def heading_level(self) -> int:
        return min(self.depth + 2, 6)

    @property
    def shown(self) -> int:
        return len(self.listings) + sum(child.shown for child in self.children)


def _section_tree(sections: list[Section]) -> list[SectionNode]:
    """Sections in reading order, subsections after their parent, each with its depth."""
    nodes = {section.pk: SectionNode(section) for section in sections}
    roots = []
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
            condition &= Exists(Slot.objects.filter(reading=OuterRef(ref)))
        if self.mine and viewer is not None:
            reviewed = Exists(Review.objects.filter(reading=OuterRef(ref), student=viewer, submitted_at__isnull=False))
            condition &= reviewed if self.mine == "reviewed" else ~reviewed
        return condition


@dataclasses.dataclass
class ReadingList:
    nodes: list[SectionNode]  # every section, in order, with its matching listings
    unlisted: list[Reading]  # on the schedule, in no section
    filters: ReadingFilters
    total: int
    collapsed: bool = False  # a long list, each section showing its first readings

    @property
    def shown(self) -> int:
        return sum(len(node.listings) for node in self.nodes) + len(self.unlisted)

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
    # A long list opens with the first readings of each section (the database picks them); a section's
    # link, or a search, shows the rest: a 2,000-reading list was megabytes of HTML.
    collapsed = not filters.active and listing_id is None and sum(totals.values()) > LONG_LIST
    if collapsed:
        place = Window(RowNumber(), partition_by=[F("section_id")], order_by=[F("position").asc(), F("pk").asc()])
        listings = listings.annotate(place=place).filter(place__lte=FIRST_OF_SECTION)
    listings = list(listings.select_related("reading__link_result").order_by("position", "pk"))
    unlisted = unlisted.filter(filters.matching(viewer, through_listing=False)).select_related("link_result")
    unlisted = list(unlisted.distinct().order_by("title"))
    _with_badges(course, [listing.reading for listing in listings] + unlisted, viewer)
    for listing in listings:
        by_id[listing.section_id].listings.append(listing)
    if collapsed:
        for node in nodes:
            node.hidden = totals.get(node.section.pk, 0) - len(node.listings)
    return ReadingList(nodes=nodes, unlisted=unlisted, filters=filters, total=sum(totals.values()), collapsed=collapsed)


def course_students(course: Course) -> QuerySet[User]:
    """The course's admitted students, by name."""
    return User.objects.filter(
        memberships__course=course,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role=Membership.Role.STUDENT,
    ).order_by("last_name", "first_name", "username")


def roster(course: Course) -> QuerySet[Membership]:
    return course.memberships.select_related("user").order_by("user__last_name", "user__first_name", "user__username")


def schedule_warnings(course: Course, meetings: list[Meeting]) -> list[str]:
    """What the instructor should look at twice: computed from ``schedule(course)``, no queries."""
    warnings = []
    by_date = defaultdict(list)
    by_reading = defaultdict(list)
    for meeting in meetings:
        by_date[meeting.date].append(meeting)
        if not course.term_starts_on <= meeting.date <= course.term_ends_on:
            warnings.append(
                f"The meeting of {course.day(meeting.date)} is outside the term "
                f"({dates.show(course.term_starts_on, 'short_day')} to {dates.show(course.term_ends_on, 'short_day')})."
            )
        for slot in meeting.slots.all():
            if slot.reading_id:
                by_reading[slot.reading_id].append(slot)
    for date, same_day in by_date.items():
        if len(same_day) > 1:
            warnings.append(f"{len(same_day)} meetings are on {course.day(date)}.")
    for slots in by_reading.values():
        if len(slots) > 1:
            days = ", ".join(dates.show(slot.meeting.date, "short_day") for slot in slots)
            warnings.append(f"“{slots[0].display_title}” is scheduled {len(slots)} times ({days}).")
    return warnings


def presented_reading_ids(course: Course) -> set[int]:
    """Readings in a slot that students present: their reviews count toward the scheduled-paper rule."""
    slots = Slot.objects.filter(meeting__course=course, kind=Slot.Kind.PAPER, reading__isnull=False)
    return set(slots.values_list("reading_id", flat=True))


def review_deadlines(course: Course, reading_ids: list[int] | None = None) -> dict[int, datetime.datetime]:
    """Reading id to the start of the first class that discusses it (one query); others: end of term.

    ``reading_ids``: only these readings (a submission needs its own deadline, not the term's).
    """
    deadlines: dict[int, datetime.datetime] = {}
    slots = Slot.objects.filter(meeting__course=course, reading__isnull=False).select_related("meeting")
    if reading_ids is not None:
        slots = slots.filter(reading__in=reading_ids)
    for slot in slots:
        slot.meeting.course = course  # the course its time zone comes from, without joining it in again
        starts = slot.meeting.starts()
        if slot.reading_id not in deadlines or starts < deadlines[slot.reading_id]:
            deadlines[slot.reading_id] = starts
    return deadlines


KIND_LABELS = dict(Reading.Kind.choices)


def tally_reviews(course: Course, submitted: list, presented: set[int]) -> reviewing.Tally:
    """The course's 20 / 15 rule applied to submitted reviews (Reviews or SubmittedReviews, readings loaded)."""
    return reviewing.tally(
        [
            reviewing.ReviewFacts(
                key=review.pk,
                is_paper=review.reading.is_paper,
                scheduled_for_presentation=review.reading_id in presented,
                kind_label=KIND_LABELS[review.reading.kind],
                late=review.is_late,
                submitted_at=review.submitted_at,
            )
            for review in submitted
        ],
        required=course.reviews_required,
        scheduled_required=course.scheduled_paper_reviews_required,
        late_refused=course.late_policy == Course.LatePolicy.REFUSE,
    )


@dataclasses.dataclass
class ReviewProgress:
    tally: reviewing.Tally
    reviews: list[Review]  # submitted, each with .verdict and .due
    drafts: list[Review]  # started, never submitted, each with .due
    upcoming: list[Meeting]  # the next meetings; their slots carry .my_review
    # When no class is left (a past term): the scheduled papers not reviewed yet, latest first.
    unreviewed: list[Slot] = dataclasses.field(default_factory=list)
    extensions: list = dataclasses.field(default_factory=list)  # the student's standing Extensions


def review_progress(course: Course, student, *, now: datetime.datetime) -> ReviewProgress:
    """A student's reviews against the 20 / 15 rule, and what is due next (eight queries)."""
    deadlines = review_deadlines(course)
    granted = [e for e in extension_history(course, student) if e.revoked_at is None]
    extended = Extensions.load(course, [student.pk])
    term_end = reviewing.end_of_term(course.term_ends_on, course.tzinfo)
    presented = presented_reading_ids(course)
    reviews = list(
        Review.objects.filter(student=student, reading__course=course)
        .select_related("reading")
        .order_by("-submitted_at")
    )
    submitted = [review for review in reviews if review.is_submitted]
    result = tally_reviews(course, submitted, presented)
    by_reading = {review.reading_id: review for review in reviews}
    for review in reviews:
        review.verdict = result.verdicts.get(review.pk)
        review.due = extended.review_due(student.pk, review.reading_id, deadlines.get(review.reading_id, term_end))
    today = now.astimezone(course.tzinfo).date()
    upcoming = list(
        course.meetings.filter(date__gte=today, kind=Meeting.Kind.PAPERS).prefetch_related(
            Prefetch("slots", queryset=Slot.objects.filter(reading__isnull=False).select_related("reading"))
        )[:3]
    )
    for meeting in upcoming:
        for slot in meeting.slots.all():
            slot.my_review = by_reading.get(slot.reading_id)
    unreviewed = []
    if not upcoming:
        reviewed = {r.reading_id for r in submitted}
        unreviewed = [
            slot
            for slot in Slot.objects.filter(meeting__course=course, kind=Slot.Kind.PAPER)
            .select_related("reading", "meeting")
            .order_by("-meeting__date", "position")
            if slot.reading_id not in reviewed
        ][:6]
        for slot in unreviewed:
            slot.my_review = by_reading.get(slot.reading_id)
    return ReviewProgress(
        tally=result,
        reviews=submitted,
        drafts=[r for r in reviews if not r.is_submitted],
        upcoming=upcoming,
        unreviewed=unreviewed,
        extensions=granted,
    )


@dataclasses.dataclass
class ReviewTable:
    columns: list[Slot]  # the papers students present, in calendar order
    rows: list[tuple[User, list[Review | None], reviewing.Tally]]  # student, a cell per column, their tally
    flagged: int


@dataclasses.dataclass(slots=True)
class SubmittedReview:
    """A submitted review as the gradebook needs it, read as a row: thousands of them, no text."""

    pk: int
    reading_id: int
    submitted_at: datetime.datetime
    is_late: bool
    reading: Reading


def submitted_reviews(course: Course, student_ids: list[int] | None = None) -> dict[int, list[SubmittedReview]]:
    """Each student's submitted reviews, read as rows with their (shared) readings: two queries.

    Rows, not model instances: at 300 students with 20 reviews each, building the instances and
    joining the readings in was most of the gradebook's and the reviews table's time.
    """
    readings = {reading.pk: reading for reading in course.readings.only("pk", "title", "kind")}
    submitted = Review.objects.filter(reading__course=course, submitted_at__isnull=False)
    if student_ids is not None:
        submitted = submitted.filter(student__in=student_ids)
    reviews = defaultdict(list)
    for pk, student_id, reading_id, submitted_at, is_late in submitted.values_list(
        "pk", "student_id", "reading_id", "submitted_at", "is_late"
    ):
        reviews[student_id].append(SubmittedReview(pk, reading_id, submitted_at, is_late, readings[reading_id]))
    return reviews


def review_table(course: Course, students: list[User]) -> ReviewTable:
    """Who of ``students`` (a page of the class) has reviewed which presented paper, and their counts
    (four queries)."""
    columns = list(
        Slot.objects.filter(meeting__course=course, kind=Slot.Kind.PAPER)
        .select_related("reading", "meeting")
        .order_by("meeting__date", "position")
    )
    presented = {slot.reading_id for slot in columns}
    reviews = submitted_reviews(course, [student.pk for student in students])
    rows = []
    for student in students:
        mine = {review.reading_id: review for review in reviews[student.pk]}
        result = tally_reviews(course, reviews[student.pk], presented)
        cells = [mine.get(slot.reading_id) for slot in columns]
        rows.append((student, cells, result))
    flagged = SimilarityFlag.objects.filter(review__reading__course=course).count()
    return ReviewTable(columns=columns, rows=rows, flagged=flagged)


# Grades ------------------------------------------------------------------------------------------


def course_rubrics(course: Course) -> dict[str, Rubric]:
    """The course's four rubrics by component, their criteria loaded (two queries). A course has them
    from its creation (``services.grading.rubrics_create``)."""
    return {rubric.component: rubric for rubric in course.rubrics.prefetch_related("criteria")}


@dataclasses.dataclass(slots=True)
class GivenScore:
    """A score as the grade pages show it: its criterion, points and comment."""

    criterion: Criterion
    points: Decimal
    comment: str


@dataclasses.dataclass
class GradedItem:
    """One piece of graded work on a student's page: a review, a presentation, a commentary, the exam."""

    title: str
    scores: list[Score]
    possible: int
    when: datetime.date | None = None

    @property
    def earned(self) -> Decimal:
        return sum((score.points for score in self.scores), Decimal(0))


@dataclasses.dataclass
class ComponentGrade:
    component: str
    label: str
    points: int  # the component's share of the 100-point grade
    earned: Decimal = Decimal(0)  # rubric points
    possible: int = 0
    missing: str = ""
    overdue: bool = False  # what is missing was due already (red); otherwise it is not yet due (neutral)
    late: int = 0
    ungraded: int = 0
    items: list[GradedItem] = dataclasses.field(default_factory=list)

    @property
    def score(self) -> Decimal:
        return marking.scaled(self.earned, Decimal(self.possible), self.points)


@dataclasses.dataclass
class GradeRow:
    student: User
    components: dict[str, ComponentGrade]
    letter: str = ""
    extensions: int = 0  # standing extensions, set by the gradebook

    @property
    def total(self) -> Decimal:
        return sum((grade.score for grade in self.components.values()), Decimal(0))


def grade_rows(course: Course, students: list[User], rubrics: dict[str, Rubric]) -> list[GradeRow]:
    """Each student's four components from their reviews, seats and scores: six queries for any class size.

    ``rubrics`` (with their criteria loaded) are the course's, from ``course_rubrics``.
    """
    ids = [student.pk for student in students]
    per_item = {component: sum(c.max_points for c in rubric.criteria.all()) for component, rubric in rubrics.items()}
    component_of = {c.pk: component for component, rubric in rubrics.items() for c in rubric.criteria.all()}
    presented = presented_reading_ids(course)
    reviews = submitted_reviews(course, ids)
    seats = defaultdict(list)
    for signup in (
        Signup.objects.filter(slot__meeting__course=course, student__in=ids)
        .select_related("slot__reading", "slot__meeting")
        .order_by("slot__meeting__date", "slot__position")
    ):
        seats[signup.student_id].append(signup)
    by_review, by_slot, exam = defaultdict(list), defaultdict(list), defaultdict(list)
    # A score's criterion came with the rubrics: attach it instead of joining it in.
    criteria = {c.pk: c for rubric in rubrics.values() for c in rubric.criteria.all()}
    scores = Score.objects.filter(criterion__rubric__course=course, student__in=ids).order_by("criterion__position")
    for criterion_id, student_id, review_id, slot_id, points, comment in scores.values_list(
        "criterion_id", "student_id", "review_id", "slot_id", "points", "comment"
    ):
        score = GivenScore(criteria[criterion_id], points, comment)
        if review_id:
            by_review[review_id].append(score)
        elif slot_id:
            by_slot[(slot_id, student_id, component_of[criterion_id])].append(score)
        else:
            exam[student_id].append(score)
    labels, shares = dict(Component.choices), course.component_points
    # What is missing is only overdue once its deadline passed: reviews at the end of term, seats when
    # sign-ups close (or the term ends), the exam once its window opened.
    now = timezone.now()
    term_over = now >= reviewing.end_of_term(course.term_ends_on, course.tzinfo)
    seats_due = term_over or bool(course.signup_closes_at and now >= course.signup_closes_at)
    exam_due = bool(course.exam_starts_at and now >= course.exam_starts_at) or term_over
    rows = []
    for student in students:
        grades = {c: ComponentGrade(c, labels[c], shares[c]) for c in Component.values}

        result = tally_reviews(course, reviews[student.pk], presented)
        counted = [
            r for r in sorted(reviews[student.pk], key=lambda r: r.submitted_at)
            if result.verdicts[r.pk].counts_as != reviewing.NOT_COUNTED
        ][: course.reviews_required]  # fmt: skip
        grade = grades[Component.REVIEWS]
        grade.possible = per_item[Component.REVIEWS] * course.reviews_required
        for review in counted:
            grade.items.append(GradedItem(review.reading.title, by_review[review.pk], per_item[Component.REVIEWS]))
            grade.late += review.is_late
            grade.ungraded += not by_review[review.pk]
        if len(counted) < course.reviews_required:
            left = course.reviews_required - len(counted)
            grade.overdue = term_over
            grade.missing = (
                f"{left} of {course.reviews_required} reviews missing"
                if term_over
                else f"{left} of {course.reviews_required} reviews to come"
            )

        for component, role, needed in (
            (Component.PRESENTATION, Signup.Role.PRESENTER, course.presentations_per_student),
            (Component.PARTICIPATION, Signup.Role.COMMENTATOR, course.commentaries_per_student),
        ):
            grade = grades[component]
            grade.possible = per_item[component] * needed
            mine = [signup for signup in seats[student.pk] if signup.role == role][:needed]
            for signup in mine:
                scores = by_slot[(signup.slot_id, student.pk, component)]
                item = GradedItem(signup.slot.display_title, scores, per_item[component], signup.slot.meeting.date)
                grade.items.append(item)
                grade.ungraded += not scores
            if len(mine) < needed:
                missing = needed - len(mine)
                if role == Signup.Role.PRESENTER:
                    counted = ngettext("%(n)d presentation missing", "%(n)d presentations missing", missing)
                else:
                    counted = ngettext("%(n)d commentary missing", "%(n)d commentaries missing", missing)
                noun = "presentation" if role == Signup.Role.PRESENTER else "commentary"
                grade.overdue = seats_due
                if seats_due:
                    grade.missing = f"no {noun} signed up" if not mine else counted % {"n": missing}
                else:
                    grade.missing = "seats not assigned yet" if course.ranks_papers else "sign-ups still open"

        grade = grades[Component.FINAL_EXAM]
        grade.possible = per_item[Component.FINAL_EXAM]
        grade.items.append(GradedItem("Final exam", exam[student.pk], per_item[Component.FINAL_EXAM]))
        grade.ungraded = int(exam_due and not exam[student.pk])
        if not exam_due:
            grade.missing = "not yet due"

        for grade in grades.values():
            grade.earned = sum((item.earned for item in grade.items), Decimal(0))
        row = GradeRow(student, grades)
        row.letter = marking.letter(row.total, course.grade_scale)
        rows.append(row)
    return rows


GRADEBOOK_SORTS = {"name", "total", *Component.values}


# A screenful of the gradebook: a seminar fits on one page, a lecture of 300 takes ten.
STUDENTS_PER_PAGE = 30


def students_found(course: Course, search: str = "") -> QuerySet[User]:
    """The course's students whose name, username or e-mail contains each word of ``search``."""
    students = course_students(course)
    for word in search.split():
        students = students.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    return students


def class_page(course: Course, number, *, search: str = "") -> Page:
    """One page of the class by name: the gradebook and the reviews table show a class of any size a
    page at a time, so a page costs the same for 30 students or 300."""
    return Paginator(students_found(course, search), STUDENTS_PER_PAGE).get_page(number)


def gradebook_page(
    course: Course,
    rubrics: dict[str, Rubric],
    number,
    *,
    sort: str = "name",
    descending: bool = False,
    search: str = "",
) -> Page:
    """A page of grade rows. By name only the page's students are graded; sorted by a grade, the whole
    class is (the order needs every total)."""
    if sort == "name" and not descending:
        page = class_page(course, number, search=search)
        page.object_list = grade_rows(course, list(page.object_list), rubrics)
        return page
    rows = gradebook(course, rubrics, sort=sort, descending=descending, search=search)
    return Paginator(rows, STUDENTS_PER_PAGE).get_page(number)


def gradebook(
    course: Course, rubrics: dict[str, Rubric], *, sort: str = "name", descending: bool = False, search: str = ""
):
    """Every student's grade row (or those ``search`` finds), sorted by name, total or a component."""
    rows = grade_rows(course, list(students_found(course, search)), rubrics)
    if sort in Component.values:
        rows.sort(key=lambda row: row.components[sort].score, reverse=descending)
    elif sort == "total":
        rows.sort(key=lambda row: row.total, reverse=descending)
    elif descending:
        rows.reverse()
    return rows


def released_components(course: Course) -> set[str]:
    return set(course.releases.values_list("component", flat=True))


def gradebook_csv(course: Course, rubrics: dict[str, Rubric]) -> str:
    """The gradebook as CSV for an LMS import: one row per student, e-mail first, then name, components, total."""
    points = course.component_points
    out = io.StringIO()
    writer = csv.writer(out)
    components = [f"{label} ({points[c]})" for c, label in Component.choices]
    writer.writerow(["Email", "Last name", "First name", *components, "Total (100)", "Letter"])
    for row in gradebook(course, rubrics):
        student, scores = row.student, [row.components[c].score for c in Component.values]
        writer.writerow([student.email, student.last_name, student.first_name, *scores, row.total, row.letter])
    return out.getvalue()


@dataclasses.dataclass
class ChecklistStep:
    title: str
    count: int
    done: bool
    summary: str
    action: str  # URL name of the next step's page
    action_label: str
    perm: str  # who may take that step


@dataclasses.dataclass
class Checklist:
    steps: list[ChecklistStep]

    @property
    def done(self) -> bool:
        return all(step.done for step in self.steps)

    @property
    def next_step(self) -> ChecklistStep | None:
        return next((step for step in self.steps if not step.done), None)


def getting_started(course: Course) -> Checklist:
    """What a new course still needs before students can use it, in the order to do it (one query)."""
    counts = (
        Course.objects.filter(pk=course.pk)
        .annotate(
            n_readings=Subquery(
                Reading.objects.filter(course=course).values("course").annotate(n=Count("pk")).values("n")[:1]
            ),
            n_papers=Subquery(
                Slot.objects.filter(meeting__course=course, kind=Slot.Kind.PAPER)
                .values("meeting__course")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            n_students=Subquery(
                Membership.objects.filter(course=course, status=Membership.Status.ACTIVE, role=Membership.Role.STUDENT)
                .values("course")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
        )
        .values("n_readings", "n_papers", "n_students")
        .get()
    )
    readings, papers, students = (counts[key] or 0 for key in ("n_readings", "n_papers", "n_students"))
    window = course.signup_opens_at is not None and course.signup_closes_at is not None
    window_text = f"{course.when(course.signup_opens_at)} – {course.when(course.signup_closes_at)}" if window else ""
    return Checklist(
        [
            ChecklistStep(
                "Reading list", readings, readings > 0, f"{readings} reading{pluralize(readings)}",
                "courseapp:reading_import", "Import a reading list", "manage_readings",
            ),
            ChecklistStep(
                "Schedule", papers, papers > 0, f"{papers} paper{pluralize(papers)} in meeting slots",
                "courseapp:schedule_edit", "Put papers into meetings", "manage_schedule",
            ),
            ChecklistStep(
                "Sign-up window", int(window), window,
                window_text or "not set",
                "courseapp:course_settings", "Set when sign-ups open", "edit_course",
            ),
            ChecklistStep(
                "Students", students, students > 0, f"{students} student{pluralize(students)}",
                "courseapp:members", "Admit or add students", "manage_members",
            ),
        ]
    )  # fmt: skip
