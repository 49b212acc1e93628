"""Writing and submitting reviews. The server's clock decides what is late, never the browser's."""

import datetime

from django.db import transaction
from django.utils import timezone

from .. import reviewing
from ..models import Course, Reading, Review, ReviewSubmission, SimilarityFlag
from ..selectors import review_deadlines
from ..selectors.extensions import Extensions
from .errors import ServiceError

DRAFT_TOO_LARGE = "This text is too long to save ({size} characters; at most {limit})."
ATTESTATION_REQUIRED = "Tick the box to confirm you wrote this review yourself, without a generative model."
EMPTY_REVIEW = "Write your review before submitting it."
OVER_WORD_LIMIT = (
    "Your review has {count} words; the limit is {limit}. It is saved as a draft: shorten it and submit again."
)
LATE_REFUSED = "The deadline was {due}; this course does not accept late reviews. Your text is kept as a draft."
REVISION_CLOSED = "The deadline was {due}: your on-time version stands. Your changes are kept as a draft."

MAX_DRAFT_CHARS = 100_000


def review_deadline(reading: Reading, course: Course, student=None) -> datetime.datetime:
    """When the first class that discusses the reading starts, or the end of term if no class does;
    for ``student``, as their extensions move it."""
    deadlines = review_deadlines(course, reading_ids=[reading.pk])
    due = deadlines.get(reading.pk) or reviewing.end_of_term(course.term_ends_on, course.tzinfo)
    if student is None:
        return due
    return Extensions.load(course, [student.pk]).review_due(student.pk, reading.pk, due)


def draft_save(*, reading: Reading, student, text: str, now: datetime.datetime | None = None) -> Review:
    """Keep what the student has written so far; a draft may be any length up to a sanity cap."""
    if len(text) > MAX_DRAFT_CHARS:
        raise ServiceError(DRAFT_TOO_LARGE.format(size=len(text), limit=MAX_DRAFT_CHARS), code="draft_too_large")
    with transaction.atomic():
        review, _ = Review.objects.select_for_update().get_or_create(reading=reading, student=student)
        review.draft = text
        review.draft_saved_at = now or timezone.now()
        review.save(update_fields=["draft", "draft_saved_at"])
        return review


def review_submit(
    *, reading: Reading, student, text: str, attested: bool, now: datetime.datetime | None = None
) -> Review:
    """Submit the text as the review. Whatever is refused, the text stays saved as the draft."""
    from ..tasks import check_review_similarity  # tasks import services; import late to avoid a cycle

    now = now or timezone.now()
    course = reading.course
    draft_save(reading=reading, student=student, text=text, now=now)
    if not text.strip():
        raise ServiceError(EMPTY_REVIEW, code="empty")
    if not attested:
        raise ServiceError(ATTESTATION_REQUIRED, code="attestation_required")
    words = reviewing.word_count(text)
    if words > course.review_word_limit:
        raise ServiceError(OVER_WORD_LIMIT.format(count=words, limit=course.review_word_limit), code="over_limit")
    due = review_deadline(reading, course, student)
    late = reviewing.is_late(now, due)
    with transaction.atomic():
        review = Review.objects.select_for_update().get(reading=reading, student=student)
        if late and review.is_submitted and not review.is_late:
            raise ServiceError(REVISION_CLOSED.format(due=course.when(due)), code="revision_closed")
        if late and course.late_policy == Course.LatePolicy.REFUSE:
            raise ServiceError(LATE_REFUSED.format(due=course.when(due)), code="late_refused")
        ReviewSubmission.objects.create(
            review=review, text=text, word_count=words, submitted_at=now, is_late=late, attested=True
        )
        review.text, review.word_count, review.submitted_at, review.is_late = text, words, now, late
        review.save(update_fields=["text", "word_count", "submitted_at", "is_late"])
        check_review_similarity.delay_on_commit(review.pk)
    return review


def similarity_check(*, review_id: int) -> list[SimilarityFlag]:
    """Compare a submitted review with the other submitted reviews of its reading; flag close pairs.

    Idempotent: it recomputes the review's flags from the texts as they are now.
    """
    review = Review.objects.select_related("reading__course").filter(pk=review_id, submitted_at__isnull=False).first()
    if review is None:
        return []
    threshold = review.reading.course.similarity_threshold
    mine = reviewing.shingles(review.text)
    others = Review.objects.filter(reading=review.reading_id, submitted_at__isnull=False).exclude(pk=review.pk)
    flags = []
    with transaction.atomic():
        SimilarityFlag.objects.filter(review=review).delete()
        SimilarityFlag.objects.filter(other=review).delete()
        for other in others.only("pk", "text"):
            score = reviewing.overlap(mine, reviewing.shingles(other.text))
            if score >= threshold:
                low, high = sorted((review.pk, other.pk))
                flags.append(SimilarityFlag.objects.create(review_id=low, other_id=high, overlap=score))
    return flags
