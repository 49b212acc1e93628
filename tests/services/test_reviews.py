import datetime

import pytest
from django.core.cache import cache

from courseapp.models import Review, ReviewSubmission, SimilarityFlag
from courseapp.services.reviews import (
    ATTESTATION_REQUIRED,
    SIMILARITY_QUEUED,
    draft_save,
    review_deadline,
    review_submit,
    similarity_check,
    similarity_check_soon,
)

from ..asserts import refused
from ..factories import MeetingFactory, MembershipFactory, ReadingFactory, SlotFactory

SECOND = datetime.timedelta(seconds=1)
TEXT = "Nucleus sampling truncates the unreliable tail of the distribution. " * 3


@pytest.fixture
def scheduled(course):
    """A paper presented on Wed Oct 16; class starts at 2 PM in Chicago."""
    meeting = MeetingFactory(course=course, date=datetime.date(2024, 10, 16))
    return SlotFactory(meeting=meeting, reading__title="The Curious Case of Neural Text Degeneration").reading


@pytest.fixture
def due(course, scheduled):
    return datetime.datetime(2024, 10, 16, 14, tzinfo=course.tzinfo)


def submit(reading, student, text=TEXT, *, now, attested=True):
    return review_submit(reading=reading, student=student, text=text, attested=attested, now=now)


class TestDeadlines:
    def test_scheduled_reading_is_due_when_its_class_starts(self, course, scheduled, due):
        assert review_deadline(scheduled, course) == due

    def test_the_first_class_that_discusses_it_decides(self, course, scheduled, due):
        SlotFactory(meeting__course=course, meeting__date=datetime.date(2024, 11, 6), reading=scheduled)
        assert review_deadline(scheduled, course) == due

    def test_other_readings_are_due_at_the_end_of_term(self, course):
        reading = ReadingFactory(course=course)
        assert review_deadline(reading, course) == datetime.datetime(2024, 12, 13, 23, 59, 59, tzinfo=course.tzinfo)

    @pytest.mark.parametrize(("offset", "late"), [(-SECOND, False), (datetime.timedelta(0), False), (SECOND, True)])
    def test_one_second_before_at_and_after(self, course, scheduled, student, due, offset, late):
        review = submit(scheduled, student, now=due + offset)
        assert (review.is_late, review.submitted_at) == (late, due + offset)

    def test_no_late_work_policy_refuses_and_keeps_the_draft(self, course, scheduled, student, due):
        course.late_policy = "refuse"
        course.save()
        message = refused("late_refused", submit, scheduled, student, now=due + SECOND)
        assert message == (
            "The deadline was Wed Oct 16, 2024, 2:00 PM; this course does not accept late reviews. "
            "Your text is kept as a draft."
        )
        review = Review.objects.get()
        assert (review.draft, review.submitted_at) == (TEXT, None)


class TestSubmitting:
    def test_attestation_is_required(self, scheduled, student, due):
        message = refused("attestation_required", submit, scheduled, student, now=due, attested=False)
        assert message == ATTESTATION_REQUIRED
        assert Review.objects.get().draft == TEXT

    def test_over_the_word_limit_is_refused_with_the_count_and_kept_as_draft(self, course, scheduled, student, due):
        long_text = "word " * 601
        message = refused("over_limit", submit, scheduled, student, long_text, now=due)
        assert message == (
            "Your review has 601 words; the limit is 600. It is saved as a draft: shorten it and submit again."
        )
        assert Review.objects.get().draft == long_text
        assert submit(scheduled, student, "word " * 600, now=due).word_count == 600

    def test_revising_before_the_deadline_keeps_each_submission(self, scheduled, student, due):
        submit(scheduled, student, "First version.", now=due - 10 * SECOND)
        review = submit(scheduled, student, "Second version.", now=due - SECOND)
        assert (review.text, review.is_late) == ("Second version.", False)
        assert list(review.submissions.values_list("text", flat=True)) == ["Second version.", "First version."]

    def test_a_refused_revision_before_the_deadline_leaves_the_submitted_version_as_it_was(
        self, scheduled, student, due
    ):
        first = submit(scheduled, student, "Submitted first.", now=due - 60 * SECOND)
        refused("attestation_required", submit, scheduled, student, "A revision.", now=due - SECOND, attested=False)
        review = Review.objects.get()
        assert (review.text, review.draft, review.submitted_at) == (
            "Submitted first.",
            "A revision.",
            first.submitted_at,
        )
        assert (review.created_at, review.submissions.count()) == (first.created_at, 1)

    def test_after_the_deadline_the_on_time_version_stands(self, scheduled, student, due):
        submit(scheduled, student, "On time.", now=due)
        message = refused("revision_closed", submit, scheduled, student, "Improved later.", now=due + SECOND)
        assert message.startswith("The deadline was Wed Oct 16, 2024, 2:00 PM: your on-time version stands.")
        review = Review.objects.get()
        assert (review.text, review.draft, review.is_late) == ("On time.", "Improved later.", False)

    def test_a_late_review_can_be_revised_and_stays_late(self, scheduled, student, due):
        submit(scheduled, student, "Late.", now=due + SECOND)
        review = submit(scheduled, student, "Late, revised.", now=due + 60 * SECOND)
        assert (review.text, review.is_late) == ("Late, revised.", True)

    def test_drafts_are_kept_apart_from_the_submitted_text(self, scheduled, student, due):
        submit(scheduled, student, "Submitted.", now=due - SECOND)
        draft_save(reading=scheduled, student=student, text="Still thinking…")
        review = Review.objects.get()
        assert (review.text, review.draft, review.has_unsubmitted_changes) == ("Submitted.", "Still thinking…", True)

    def test_each_submission_records_the_attestation(self, scheduled, student, due):
        submit(scheduled, student, now=due)
        assert ReviewSubmission.objects.get().attested is True


class TestSimilarity:
    def test_a_copied_review_is_flagged_for_staff_and_unflagged_when_rewritten(
        self, course, scheduled, student, due, django_capture_on_commit_callbacks
    ):
        other = MembershipFactory(course=course).user
        third = MembershipFactory(course=course).user
        with django_capture_on_commit_callbacks(execute=True):
            submit(scheduled, student, TEXT, now=due)
            submit(scheduled, other, "My own take. " + TEXT, now=due)
            submit(scheduled, third, "Watermarks bias generation toward a green list of tokens.", now=due)
        [flag] = SimilarityFlag.objects.all()
        assert {flag.review.student, flag.other.student} == {student, other} and flag.overlap == 1.0
        review = Review.objects.get(student=other)
        review.text = "Entirely different words about decoding strategies and their failure modes."
        review.save()
        similarity_check(reading_id=scheduled.pk)
        assert not SimilarityFlag.objects.exists()

    def test_a_check_queued_and_not_started_takes_in_later_submissions(
        self, course, scheduled, student, due, django_capture_on_commit_callbacks
    ):
        """A deadline rush runs a few checks of the reading, not one per submission against every text."""
        other = MembershipFactory(course=course).user
        cache.add(SIMILARITY_QUEUED.format(reading_id=scheduled.pk), True)  # a check waits for a worker
        with django_capture_on_commit_callbacks(execute=True):
            submit(scheduled, student, TEXT, now=due)
            submit(scheduled, other, TEXT, now=due)
        assert not SimilarityFlag.objects.exists(), "no second check was queued"
        similarity_check(reading_id=scheduled.pk)  # the waiting check starts
        assert SimilarityFlag.objects.count() == 1
        assert similarity_check_soon(reading_id=scheduled.pk), "once it started, a new submission queues one"
