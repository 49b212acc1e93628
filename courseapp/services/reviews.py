"""Writing and submitting reviews. The server's clock decides what is late, never the browser's."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .. import reviewing
from ..caching import drawn_from, kept, kept_many
from ..models import Course, Extension, Meeting, Reading, Review, ReviewSubmission, SimilarityFlag, Slot, User
from ..selectors import review_deadlines
from ..selectors.extensions import Extensions
from .errors import BAD_INPUT, ServiceError
from .queue import queue_after

DRAFT_TOO_LARGE = "This text is too long to save ({size} characters; at most {limit})."
ATTESTATION_REQUIRED = "Tick the box to confirm you wrote this review yourself, without a generative model."
EMPTY_REVIEW = "Write your review before submitting it."
OVER_WORD_LIMIT = (
    "Your review has {count} words; the limit is {limit}. It is saved as a draft: shorten it and submit again."
)
LATE_REFUSED = "The deadline was {due}; this course does not accept late reviews. Your text is kept as a draft."
REVISION_CLOSED = "The deadline was {due}: your on-time version stands. Your changes are kept as a draft."

MAX_DRAFT_CHARS = 100_000
# Set while a similarity check of a reading is queued and not started (services only; expires if lost).
SIMILARITY_QUEUED = "similarity-queued:{reading_id}"
SIMILARITY_QUEUED_FOR = 600


def review_due(reading: Reading, course: Course, student: User) -> reviewing.Due:
    """When the first class that discusses the reading starts, or the end of term if no class does,
    and when it is due for ``student``.

    Both are kept until the schedule or an extension changes (courseapp/caching.py), and read in one
    round trip, so a deadline rush of a class submitting the same paper asks the database for neither.
    """
    changed = _deadlines_changed()
    due_key, extensions_key = _due_key(reading, changed), f"extensions:{course.pk}:{changed}"
    found = kept_many({due_key: lambda: _course_due(reading, course), extensions_key: lambda: Extensions.load(course)})
    due: datetime.datetime = found[due_key]
    extended: Extensions = found[extensions_key]
    return reviewing.Due(due, extended.review_due(student.pk, reading.pk, due))


def review_deadline(reading: Reading, course: Course, student: User | None = None) -> datetime.datetime:
    """The course's deadline for the reading, or ``student``'s own."""
    if student is None:
        return kept(_due_key(reading, _deadlines_changed()), lambda: _course_due(reading, course))
    return review_due(reading, course, student).mine


def _deadlines_changed() -> str:
    """When what a deadline is drawn from last changed: the course, its schedule, its extensions."""
    return drawn_from(Course, Extension, Meeting, Slot).key


def _due_key(reading: Reading, changed: str) -> str:
    return f"review-due:{reading.pk}:{changed}"


def _course_due(reading: Reading, course: Course) -> datetime.datetime:
    deadlines = review_deadlines(course, reading_ids=[reading.pk])
    return deadlines.get(reading.pk) or reviewing.end_of_term(course.term_ends_on, course.tzinfo)


def draft_save(*, reading: Reading, student: User, text: str, now: datetime.datetime | None = None) -> Review:
    """Keep what the student has written so far; a draft may be any length up to a sanity cap."""
    _check_size(text)
    with transaction.atomic():
        review = _locked(reading, student)
        review.draft = text
        review.draft_saved_at = now or timezone.now()
        review.save(update_fields=["draft", "draft_saved_at"])
        return review


def review_submit(
    *, reading: Reading, student: User, text: str, attested: bool, now: datetime.datetime | None = None
) -> Review:
    """Submit the text as the review. Whatever is refused, the text stays saved as the draft.

    One transaction, and the deadline read before it, so a deadline rush holds each row lock for
    a few statements only. On time, nothing stored changes the outcome: the review is written by one
    insert-or-update, under the lock the database takes for it. Late, whether the text may replace an
    on-time version depends on the stored review, which is read and locked first. The review comes
    back with ``deadlines``, those it was judged by.
    """
    now = now or timezone.now()
    course = reading.course
    _check_size(text)
    due = review_due(reading, course, student)
    late = reviewing.is_late(now, due.mine)
    words = reviewing.word_count(text)
    with transaction.atomic():
        review = _locked(reading, student) if late else Review(reading=reading, student=student)
        review.draft, review.draft_saved_at = text, now
        refusal = _refusal(course, review, text=text, words=words, attested=attested, late=late, due=due.mine)
        fields = ["draft", "draft_saved_at"]
        if refusal is None:
            review.text, review.word_count, review.submitted_at, review.is_late = text, words, now, late
            fields += ["text", "word_count", "submitted_at", "is_late"]
        if late:
            review.save(update_fields=fields)
        else:
            _upsert(review, fields)
        if refusal is None:
            ReviewSubmission.objects.create(
                review=review, text=text, word_count=words, submitted_at=now, is_late=late, attested=True
            )
            # Robust: the submission has committed, and a check that could not be queued (the broker down)
            # is logged, not answered with an error that would tell the student it failed.
            transaction.on_commit(lambda: similarity_check_soon(reading_id=reading.pk), robust=True)
    if refusal is not None:  # raised once the draft is saved: nothing the student typed is lost
        raise refusal
    review.deadlines = due
    return review


def _check_size(text: str) -> None:
    if len(text) > MAX_DRAFT_CHARS:
        raise ServiceError(
            DRAFT_TOO_LARGE.format(size=len(text), limit=MAX_DRAFT_CHARS), code="draft_too_large", status=BAD_INPUT
        )


def _locked(reading: Reading, student: User) -> Review:
    """The student's review of the reading, locked for this transaction (made if there is none yet)."""
    review, _ = Review.objects.select_for_update().get_or_create(reading=reading, student=student)
    return review


def _upsert(review: Review, fields: list[str]) -> None:
    """Insert ``review``, or write its ``fields`` over the stored review of the reading by the student:
    one statement (INSERT ... ON CONFLICT DO UPDATE), which sets ``review.pk``. Every field the editor
    shows is among ``fields``; only ``created_at`` may differ from the stored one."""
    Review.objects.bulk_create(
        [review], update_conflicts=True, unique_fields=["reading", "student"], update_fields=fields
    )


def _refusal(
    course: Course, review: Review, *, text: str, words: int, attested: bool, late: bool, due: datetime.datetime
) -> ServiceError | None:
    """Why this text cannot be submitted now, or None."""
    if not text.strip():
        return ServiceError(EMPTY_REVIEW, code="empty", status=BAD_INPUT)
    if not attested:
        return ServiceError(ATTESTATION_REQUIRED, code="attestation_required", status=BAD_INPUT)
    if words > course.review_word_limit:
        return ServiceError(
            OVER_WORD_LIMIT.format(count=words, limit=course.review_word_limit), code="over_limit", status=BAD_INPUT
        )
    if late and review.is_submitted and not review.is_late:
        return ServiceError(REVISION_CLOSED.format(due=course.when(due)), code="revision_closed")
    if late and course.late_policy == Course.LatePolicy.REFUSE:
        return ServiceError(LATE_REFUSED.format(due=course.when(due)), code="late_refused")
    return None


def similarity_check_soon(*, reading_id: int) -> bool:
    """Queue a check of the reading's reviews, unless one is queued and has not started: that one will
    see this submission too. True if queued.

    The check starts ``SIMILARITY_CHECK_DELAY`` seconds later (30 by default), so a deadline rush of
    300 submissions is checked once, after it, instead of over and over on a CPU it needs.
    """
    if not cache.add(SIMILARITY_QUEUED.format(reading_id=reading_id), True, timeout=SIMILARITY_QUEUED_FOR):
        return False
    queue_after(settings.SIMILARITY_CHECK_DELAY, "check_reading_similarity", reading_id)
    return True


def similarity_check(*, reading_id: int) -> list[SimilarityFlag]:
    """Compare the submitted reviews of a reading with each other and keep the flags their texts call for.

    Idempotent: it recomputes the reading's flags from the texts as they are now. Each text is cut into
    word 5-grams once, so all pairs of 300 reviews take well under a second. Checks of one reading
    run one at a time (the reading's row is locked, in a way that lets reviews of it be written
    meanwhile), so two workers, or two requests without a broker, never write the same flag twice.
    """
    cache.delete(SIMILARITY_QUEUED.format(reading_id=reading_id))  # a submission from now on queues another
    with transaction.atomic():
        reading = Reading.objects.select_for_update(no_key=True).select_related("course").filter(pk=reading_id).first()
        if reading is None:
            return []
        reviews = Review.objects.filter(reading=reading, submitted_at__isnull=False).order_by("pk")
        cut = [(pk, reviewing.shingles(text)) for pk, text in reviews.values_list("pk", "text")]
        threshold = reading.course.similarity_threshold
        close = {}
        for n, (low, mine) in enumerate(cut):
            for high, theirs in cut[n + 1 :]:
                score = reviewing.overlap(mine, theirs)
                if score >= threshold:
                    close[(low, high)] = score
        # A pair flagged before keeps its row (and when it was first flagged); its overlap follows the texts.
        kept = {(f.review_id, f.other_id): f for f in SimilarityFlag.objects.filter(review__reading=reading)}
        SimilarityFlag.objects.filter(pk__in=[f.pk for pair, f in kept.items() if pair not in close]).delete()
        changed = [f for pair, f in kept.items() if pair in close and f.overlap != close[pair]]
        for flag in changed:
            flag.overlap = close[(flag.review_id, flag.other_id)]
        SimilarityFlag.objects.bulk_update(changed, ["overlap"])
        SimilarityFlag.objects.bulk_create(
            SimilarityFlag(review_id=low, other_id=high, overlap=score)
            for (low, high), score in close.items()
            if (low, high) not in kept
        )
    return list(SimilarityFlag.objects.filter(review__reading=reading))
