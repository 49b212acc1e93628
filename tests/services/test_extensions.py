"""Extensions: a later deadline for one student moves what is late, what is refused, what is reminded of
and what the calendar says, for that student only; withdrawing it moves everything back."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from courseapp.models import Extension, Notice, OneOnOneTime, Review, ReviewSubmission, SentMail
from courseapp.selectors import review_progress
from courseapp.selectors.extensions import Extensions
from courseapp.selectors.presentations import presentation_deadlines
from courseapp.services import ServiceError
from courseapp.services.extensions import NOT_A_STUDENT, extension_grant, extension_revoke
from courseapp.services.presentations import one_on_one_book, slides_upload
from courseapp.services.reminders import due_reminders
from courseapp.services.reviews import review_deadline, review_submit

from ..factories import MeetingFactory, MembershipFactory, ReadingFactory, SignupFactory, SlotFactory, pdf_bytes

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
TEXT = "Nucleus sampling truncates the unreliable tail of the distribution. " * 3


@pytest.fixture
def meeting(course):
    """Wed Oct 16, 2024, class at 2 PM in Chicago, two papers."""
    meeting = MeetingFactory(course=course, date=datetime.date(2024, 10, 16))
    SlotFactory.create_batch(2, meeting=meeting)
    return meeting


@pytest.fixture
def paper(meeting):
    return meeting.slots.first().reading


@pytest.fixture
def due(meeting):
    return meeting.starts()


def grant(course, student, instructor, scope, *, now, **fields):
    return extension_grant(course=course, student=student, scope=scope, by=instructor, now=now, **fields)


def submit(reading, student, *, now):
    return review_submit(reading=reading, student=student, text=TEXT, attested=True, now=now)


class TestReviews:
    def test_a_review_handed_in_within_the_extension_is_on_time(self, course, student, instructor, paper, due):
        grant(course, student, instructor, "review", reading=paper, until=due + 2 * DAY, now=due - DAY)
        assert review_deadline(paper, course, student) == due + 2 * DAY
        assert review_deadline(paper, course) == due, "the course's deadline is unchanged for everyone else"
        assert submit(paper, student, now=due + DAY).is_late is False
        other = MembershipFactory(course=course).user
        assert submit(paper, other, now=due + DAY).is_late is True

    def test_a_course_that_refuses_late_work_accepts_it_within_the_extension(
        self, course, student, instructor, paper, due
    ):
        course.late_policy = "refuse"
        course.save()
        with pytest.raises(ServiceError) as refused:
            submit(paper, student, now=due + HOUR)
        assert refused.value.code == "late_refused"
        grant(course, student, instructor, "review", reading=paper, until=due + DAY, now=due + 2 * HOUR)
        review = submit(paper, student, now=due + 3 * HOUR)
        assert review.is_submitted and not review.is_late

    def test_granted_afterwards_it_clears_the_late_flag_and_withdrawn_it_sets_it_again(
        self, course, student, instructor, paper, due
    ):
        submit(paper, student, now=due + HOUR)
        assert Review.objects.get(student=student).is_late
        extension = grant(course, student, instructor, "review", reading=paper, until=due + DAY, now=due + 2 * HOUR)
        review = Review.objects.get(student=student)
        assert not review.is_late and not ReviewSubmission.objects.get(review=review).is_late
        assert review_progress(course, student, now=due + 3 * HOUR).reviews[0].due == due + DAY

        extension_revoke(course=course, extension_id=extension.pk, by=instructor, now=due + 3 * HOUR)
        review.refresh_from_db()
        assert review.is_late and ReviewSubmission.objects.get(review=review).is_late
        extension.refresh_from_db()
        assert (extension.revoked_by, extension.revoked_at) == (instructor, due + 3 * HOUR)

    def test_a_meeting_extension_covers_every_paper_of_that_meeting_and_no_other(
        self, course, student, instructor, meeting, due
    ):
        grant(course, student, instructor, "meeting", meeting=meeting, until=due + 3 * DAY, now=due - DAY)
        for slot in meeting.slots.all():
            assert review_deadline(slot.reading, course, student) == due + 3 * DAY
        later = SlotFactory(meeting=MeetingFactory(course=course, date=datetime.date(2024, 10, 23))).reading
        assert review_deadline(later, course, student) == later.slots.get().meeting.starts()

    def test_extra_time_moves_every_deadline_and_a_specific_one_wins_when_later(
        self, course, student, instructor, paper, due
    ):
        grant(course, student, instructor, "course", extra_hours=48, now=due - 5 * DAY)
        assert review_deadline(paper, course, student) == due + 2 * DAY
        unscheduled = ReadingFactory(course=course)
        term_end = datetime.datetime(2024, 12, 13, 23, 59, 59, tzinfo=course.tzinfo)
        assert review_deadline(unscheduled, course, student) == term_end + 2 * DAY
        grant(course, student, instructor, "review", reading=paper, until=due + 5 * DAY, now=due - 5 * DAY)
        assert review_deadline(paper, course, student) == due + 5 * DAY


class TestPresentations:
    @pytest.fixture
    def pair(self, course, meeting):
        slot = meeting.slots.first()
        ada, bruno = (MembershipFactory(course=course).user for _ in range(2))
        SignupFactory(slot=slot, student=ada, seat=1)
        SignupFactory(slot=slot, student=bruno, seat=2)
        return slot, ada, bruno

    def test_the_1_on_1_can_be_booked_after_the_course_closed_booking(self, course, instructor, pair, due):
        slot, ada, bruno = pair
        closes = presentation_deadlines(course, slot)["book"]
        time = OneOnOneTime.objects.create(course=course, starts_at=due - DAY)
        with pytest.raises(ServiceError) as closed:
            one_on_one_book(course=course, slot_id=slot.pk, time_id=time.pk, by=bruno, now=closes + HOUR)
        assert closed.value.code == "closed"
        grant(course, ada, instructor, "one_on_one", slot=slot, until=closes + DAY, now=closes)
        # The pair books one meeting: Ada's extension lets her partner book it too.
        booked = one_on_one_book(course=course, slot_id=slot.pk, time_id=time.pk, by=bruno, now=closes + HOUR)
        assert booked.slot == slot

    def test_slides_within_the_extension_are_on_time_and_withdrawing_marks_them_late(
        self, course, instructor, pair, due
    ):
        slot, ada, bruno = pair
        upload = SimpleUploadedFile("talk.pdf", pdf_bytes(), content_type="application/pdf")
        extension = grant(course, bruno, instructor, "slides", slot=slot, until=due + DAY, now=due - DAY)
        slides = slides_upload(course=course, slot_id=slot.pk, stage="initial", upload=upload, by=ada, now=due + HOUR)
        assert slides.is_late is False
        extension_revoke(course=course, extension_id=extension.pk, by=instructor, now=due + 2 * HOUR)
        slides.refresh_from_db()
        assert slides.is_late is True

    def test_extra_time_moves_the_pipeline_but_not_the_talk(self, course, instructor, pair, due):
        slot, ada, _ = pair
        before = presentation_deadlines(course, slot)
        grant(course, ada, instructor, "course", extra_hours=24, now=due - 10 * DAY)
        after = presentation_deadlines(course, slot)
        assert after["talk"] == before["talk"]
        assert [after[step] - before[step] for step in ("book", "initial", "final")] == [DAY, DAY, DAY]


class TestGranting:
    def test_the_student_is_told_and_by_e_mail(
        self, course, student, instructor, paper, due, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            grant(course, student, instructor, "review", reading=paper, until=due + DAY, now=due - DAY)
        notice = Notice.objects.get(user=student)
        assert notice.message == (
            f"The instructor extended a deadline for you. Review of “{paper.title}”: due Thu Oct 17, 2024, 2:00 PM."
        )
        assert [message.to for message in mail.outbox] == [[student.email]]

    def test_a_second_grant_replaces_the_first_which_stays_on_record(self, course, student, instructor, paper, due):
        first = grant(course, student, instructor, "review", reading=paper, until=due + DAY, now=due - 2 * DAY)
        second = grant(course, student, instructor, "review", reading=paper, until=due + 2 * DAY, now=due - DAY)
        first.refresh_from_db()
        assert first.revoked_at == due - DAY and first.revoked_by == instructor
        assert Extension.objects.filter(student=student, revoked_at__isnull=True).get() == second
        assert review_deadline(paper, course, student) == due + 2 * DAY

    @pytest.mark.parametrize(
        ("scope", "fields", "code"),
        [
            ("review", {"until": None}, "no_until"),
            ("review", {}, "not_later"),  # until == the course's deadline
            ("course", {"extra_hours": 0}, "extra_range"),
            ("course", {"extra_hours": 24 * 31}, "extra_range"),
            ("slides", {"until": "later"}, "no_target"),  # the student does not present it
        ],
    )
    def test_what_is_refused_and_why(self, course, student, instructor, paper, due, meeting, scope, fields, code):
        fields = {"until": due} | fields
        if fields["until"] == "later":
            fields |= {"until": due + DAY, "slot": meeting.slots.first()}
        if scope == "review":
            fields["reading"] = paper
        if scope == "course":
            fields.pop("until")
        with pytest.raises(ServiceError) as refused:
            grant(course, student, instructor, scope, now=due - DAY, **fields)
        assert refused.value.code == code
        assert not Extension.objects.exists()

    def test_only_the_courses_students_and_readings(self, course, student, instructor, due, ta, other_student):
        with pytest.raises(ServiceError) as refused:
            grant(course, ta, instructor, "course", extra_hours=24, now=due)
        assert refused.value.message == NOT_A_STUDENT
        stranger = ReadingFactory()  # another course's
        with pytest.raises(ServiceError) as refused:
            grant(course, student, instructor, "review", reading=stranger, until=due + DAY, now=due)
        assert refused.value.code == "no_target"


class TestReminders:
    def test_the_reminder_comes_the_day_before_the_students_own_deadline(
        self, course, student, instructor, meeting, due
    ):
        Extension.objects.create(
            course=course, student=student, scope="meeting", meeting=meeting, until=due + 3 * DAY, granted_at=due
        )
        other = MembershipFactory(course=course).user
        at_the_usual_time = {m["user"] for m in due_reminders(course, due - 20 * HOUR)}
        assert other in at_the_usual_time and student not in at_the_usual_time
        [message] = due_reminders(course, due + 3 * DAY - 20 * HOUR)
        assert message["user"] == student
        assert message["subject"] == "Your extended review deadline is tomorrow"
        assert "due Sat Oct 19, 2024, 2:00 PM" in message["lines"][0]
        assert message["key"] != str(meeting.pk), "a new deadline gets its own reminder"
        assert message["kind"] == SentMail.Kind.REVIEWS_DUE


def test_one_query_answers_for_every_student(course, instructor, meeting, due, django_assert_num_queries):
    students = [MembershipFactory(course=course).user for _ in range(5)]
    for n, student in enumerate(students):
        grant(course, student, instructor, "meeting", meeting=meeting, until=due + (n + 1) * DAY, now=due)
    with django_assert_num_queries(1):
        extended = Extensions.load(course)
    paper = meeting.slots.first().reading_id
    assert [extended.review_due(s.pk, paper, due) for s in students] == [due + (n + 1) * DAY for n in range(5)]
