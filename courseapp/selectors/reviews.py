"""Reads of reviews: deadlines, the 20 / 15 tally, a student's progress, the reviews table."""

import dataclasses
import datetime
from collections import defaultdict

from django.db.models import Prefetch

from .. import reviewing
from ..models import (
    Course,
    Meeting,
    Reading,
    Review,
    SimilarityFlag,
    Slot,
    User,
)
from .extensions import Extensions, extension_history


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
        if (reading_id := slot.reading_id) is None:  # none, as asked: for the type checker
            continue
        slot.meeting.course = course  # the course its time zone comes from, without joining it in again
        starts = slot.meeting.starts()
        if reading_id not in deadlines or starts < deadlines[reading_id]:
            deadlines[reading_id] = starts
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
    by_reading: dict[int | None, Review] = {review.reading_id: review for review in reviews}
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
    rows: list[tuple[User, list["SubmittedReview | None"], reviewing.Tally]]  # student, a cell per column, a tally
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
    reviews: defaultdict[int, list[SubmittedReview]] = defaultdict(list)
    for pk, student_id, reading_id, submitted_at, is_late in submitted.values_list(
        "pk", "student_id", "reading_id", "submitted_at", "is_late"
    ):
        if submitted_at is not None:  # always, as asked: for the type checker
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
    presented = {slot.reading_id for slot in columns if slot.reading_id is not None}
    reviews = submitted_reviews(course, [student.pk for student in students])
    rows = []
    for student in students:
        mine: dict[int | None, SubmittedReview] = {review.reading_id: review for review in reviews[student.pk]}
        result = tally_reviews(course, reviews[student.pk], presented)
        cells = [mine.get(slot.reading_id) for slot in columns]
        rows.append((student, cells, result))
    flagged = SimilarityFlag.objects.filter(review__reading__course=course).count()
    return ReviewTable(columns=columns, rows=rows, flagged=flagged)
