import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..reviewing import Due, Verdict
from .readings import Reading


class Review(models.Model):
    """A student's one-page review of a reading: the draft they are writing, and what they last submitted."""

    reading = models.ForeignKey(Reading, on_delete=models.PROTECT, related_name="reviews")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    draft = models.TextField(blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    # The last submitted version, kept apart from the draft.
    text = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    is_late = models.BooleanField(default=False)
    word_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    # Not stored: the student's deadline and what a read makes of it (selectors.reviews), the deadlines a
    # submission was judged by (services.reviews), and the text rendered for the page that shows it.
    due: datetime.datetime
    deadlines: Due
    verdict: Verdict | None
    html: str

    class Meta:
        ordering = ["reading", "student"]
        constraints = [
            models.UniqueConstraint(fields=["reading", "student"], name="review_once_per_student_and_reading"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | ~Q(text=""), name="review_submitted_has_text"
            ),
        ]
        indexes = [models.Index(fields=["student", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.student}'s review of {self.reading}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def has_unsubmitted_changes(self) -> bool:
        return bool(self.draft.strip()) and self.draft != self.text


class ReviewSubmission(models.Model):
    """Each time a review was submitted: its text, when, and whether it was late."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="submissions")
    text = models.TextField()
    word_count = models.PositiveIntegerField()
    submitted_at = models.DateTimeField()
    is_late = models.BooleanField(default=False)
    attested = models.BooleanField(
        help_text="The student attested: I wrote this review myself, without a generative model."
    )

    class Meta:
        ordering = ["review", "-submitted_at"]
        constraints = [models.CheckConstraint(condition=Q(attested=True), name="submission_attested")]

    def __str__(self) -> str:
        return f"{self.review} at {self.submitted_at:%Y-%m-%d %H:%M}"


class SimilarityFlag(models.Model):
    """Two reviews of one reading that share much of their wording: a hint for staff, never a penalty."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    overlap = models.FloatField(help_text="Share of word 5-grams the shorter review has in common with the other.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-overlap"]
        constraints = [
            # One row per pair, stored with the lower id first.
            models.UniqueConstraint(fields=["review", "other"], name="similarity_once_per_pair"),
            models.CheckConstraint(condition=Q(review__lt=models.F("other")), name="similarity_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.overlap:.0%}: {self.review} ~ {self.other}"
