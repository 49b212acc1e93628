"""Reminders by e-mail: to the right students, on the right day, once, and never to one who turned them off."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from courseapp.models import Membership, OneOnOneTime, Review, SentMail, SlideUpload
from courseapp.services.reminders import reminders_send
from courseapp.services.signups import seat_drop, seat_take, waitlist_join

from ..asserts import htmx_to
from ..factories import MeetingFactory, MembershipFactory, ReadingFactory, SignupFactory, SlotFactory

Kind = SentMail.Kind


def student_of(course, **fields):
    return MembershipFactory(course=course, **fields).user


def submit(student, reading):
    Review.objects.create(reading=reading, student=student, text="x", submitted_at=timezone.now())


@pytest.fixture
def meeting(course):
    meeting = MeetingFactory(course=course, date=datetime.date(2024, 10, 16))
    SlotFactory.create_batch(2, meeting=meeting)
    return meeting


def day_before(meeting):
    return meeting.starts() - datetime.timedelta(hours=20)


def test_the_day_before_a_meeting_students_who_still_need_reviews_hear_about_its_papers(course, meeting):
    needs = student_of(course)
    reviewed = student_of(course)
    submit(reviewed, meeting.slots.first().reading)
    quota_met = student_of(course)
    for reading in ReadingFactory.create_batch(course.scheduled_paper_reviews_required, course=course):
        SlotFactory(meeting=MeetingFactory(course=course, date=datetime.date(2024, 11, 6)), reading=reading)
        submit(quota_met, reading)
    opted_out = student_of(course)
    Membership.objects.filter(user=opted_out).update(reminders=False)

    assert reminders_send(now=day_before(meeting)) == 1

    [message] = mail.outbox
    assert message.to == [needs.email]
    assert message.subject == f"[{course.title}] Reviews due at tomorrow's meeting"
    body = message.body
    for slot in meeting.slots.all():
        assert f"“{slot.reading.title}”" in body
    assert f"You have {course.scheduled_paper_reviews_required} more reviews of scheduled papers" in body
    assert "turn reminders off on the course page" in body and "#reminders" in body


def test_each_reminder_is_sent_once(course, meeting):
    student_of(course)
    reminders_send(now=day_before(meeting))
    reminders_send(now=day_before(meeting) + datetime.timedelta(hours=1))

    assert len(mail.outbox) == 1
    assert SentMail.objects.get().kind == Kind.REVIEWS_DUE


def test_nothing_is_sent_two_days_before_or_after_the_meeting_started(course, meeting):
    student_of(course)
    reminders_send(now=meeting.starts() - datetime.timedelta(hours=30))
    reminders_send(now=meeting.starts() + datetime.timedelta(minutes=1))
    assert mail.outbox == []


def test_commentators_hear_the_day_before_their_session(course, meeting):
    slot = meeting.slots.first()
    commentator = student_of(course)
    SignupFactory(slot=slot, student=commentator, role="commentator")
    submit(commentator, slot.reading)  # no review reminder: they reviewed this meeting's paper

    reminders_send(now=day_before(meeting))

    [message] = mail.outbox
    assert message.to == [commentator.email]
    assert f"You comment on “{slot.display_title}” tomorrow" in message.subject


def test_presenters_hear_of_the_1_on_1_and_slide_deadlines(course, meeting):
    slot = meeting.slots.first()
    presenters = [student_of(course), student_of(course)]
    for seat, presenter in enumerate(presenters, start=1):
        SignupFactory(slot=slot, student=presenter, seat=seat)
    talk = meeting.starts()
    book_by = talk - datetime.timedelta(days=course.one_on_one_days_before)

    reminders_send(now=book_by - datetime.timedelta(hours=30))
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in presenters)
    assert all("Book your 1-on-1" in m.subject for m in mail.outbox)

    OneOnOneTime.objects.create(course=course, starts_at=talk - datetime.timedelta(days=3), slot=slot)
    mail.outbox.clear()
    reminders_send(now=talk - datetime.timedelta(days=3, hours=5))
    assert {m.subject for m in mail.outbox} == {f"[{course.title}] Initial slides due"}

    SlideUpload.objects.create(
        slot=slot, stage="final", original_name="x.pdf", size=1, file="slides/x.pdf", uploaded_at=timezone.now()
    )
    mail.outbox.clear()
    reminders_send(now=meeting.ends() + datetime.timedelta(days=course.final_slides_days_after - 1))
    assert mail.outbox == []  # the final slides are in


def test_final_slides_are_asked_for_after_the_talk(course, meeting):
    slot = meeting.slots.first()
    presenter = student_of(course)
    SignupFactory(slot=slot, student=presenter)
    reminders_send(now=meeting.ends() + datetime.timedelta(days=course.final_slides_days_after - 1))

    [message] = mail.outbox
    assert message.subject == f"[{course.title}] Final slides due"
    assert reverse("courseapp:presentation", args=[course.slug, slot.pk]) in message.body


def test_taking_a_seat_is_confirmed_and_a_waitlist_promotion_is_told(
    course, meeting, django_capture_on_commit_callbacks
):
    slot = meeting.slots.first()
    first, second, waiting = (student_of(course) for _ in range(3))
    with django_capture_on_commit_callbacks(execute=True):
        for student in (first, second):
            seat_take(course=course, slot_id=slot.pk, student=student, role="presenter")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])
    assert f"You present “{slot.display_title}”" in mail.outbox[0].subject
    assert "Book your 1-on-1 with the instructor by" in mail.outbox[0].body

    waitlist_join(course=course, slot_id=slot.pk, student=waiting, role="presenter")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        seat_drop(course=course, slot_id=slot.pk, student=first)
    [message] = mail.outbox
    assert message.to == [waiting.email] and message.subject == f"[{course.title}] A change to your seats"
    assert "freed up and is now yours" in message.body


def test_a_student_turns_reminders_off_and_on(client, course, student, meeting):
    client.force_login(student)
    home = reverse("courseapp:course_home", args=[course.slug])
    assert "Turn reminders off" in client.get(home).content.decode()

    response = client.post(
        reverse("courseapp:reminders_set", args=[course.slug]),
        {"on": "false"},
        headers=htmx_to("reminders"),
    )
    assert "E-mail reminders are off" in response.content.decode()
    assert Membership.objects.get(user=student).reminders is False
    reminders_send(now=day_before(meeting))
    assert mail.outbox == []

    client.post(reverse("courseapp:reminders_set", args=[course.slug]), {"on": "true"})
    assert "E-mail reminders are on" in client.get(home).content.decode()
    reminders_send(now=day_before(meeting))
    assert [m.to for m in mail.outbox] == [[student.email]]


def test_an_archived_course_sends_nothing(course, meeting):
    student_of(course)
    course.archived_at = timezone.now()
    course.save()
    assert reminders_send(now=day_before(meeting)) == 0
    assert mail.outbox == []


def test_the_reminder_counts_what_is_left_as_my_reviews_does(course, meeting):
    """Instructor-led papers and late reviews under a no-late policy do not count toward the scheduled
    papers, in the reminder as on My reviews (they once counted in the reminder only)."""
    from courseapp.models import Course
    from courseapp.selectors import review_progress

    Course.objects.filter(pk=course.pk).update(late_policy=Course.LatePolicy.REFUSE)
    course.refresh_from_db()
    later = MeetingFactory(course=course, date=datetime.date(2024, 11, 6))
    led = SlotFactory(meeting=later, kind="instructor", reading__kind="paper")
    late, on_time = SlotFactory.create_batch(2, meeting=later)
    student = student_of(course)
    for slot in (led, on_time):
        submit(student, slot.reading)
    Review.objects.create(reading=late.reading, student=student, text="x", submitted_at=timezone.now(), is_late=True)

    progress = review_progress(course, student, now=day_before(meeting))
    left = course.scheduled_paper_reviews_required - progress.tally.scheduled_papers
    assert progress.tally.scheduled_papers == 1
    assert reminders_send(now=day_before(meeting)) == 1
    assert f"You have {left} more reviews of scheduled papers" in mail.outbox[0].body
