"""Rules the database itself enforces, whatever code writes the rows."""

import datetime

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from courseapp.models import (
    Course,
    Extension,
    LinkCheckRun,
    LinkResult,
    Membership,
    OneOnOneTime,
    Reading,
    Release,
    SentMail,
    SlideUpload,
    Slot,
    Timing,
)
from courseapp.selectors import course_rubrics
from courseapp.services.grading import score_set

from .factories import CourseFactory, MembershipFactory, ReadingFactory, SignupFactory, SlotFactory, UserFactory


@pytest.mark.parametrize(
    ("factory", "kwargs"),
    [
        (CourseFactory, {"review_points": 50}),
        (CourseFactory, {"scheduled_paper_reviews_required": 21}),
        (CourseFactory, {"term_ends_on": "2024-01-01"}),
    ],
)
def test_course_rules(db, factory, kwargs):
    with pytest.raises(IntegrityError):
        factory(**kwargs)


def test_one_membership_per_user_and_course(course):
    user = MembershipFactory(course=course).user
    with pytest.raises(IntegrityError):
        Membership.objects.create(course=course, user=user, status="pending")


def test_one_account_per_email_whatever_its_case(db):
    UserFactory(email="ada@example.edu")
    with pytest.raises(IntegrityError):
        UserFactory(email="ADA@example.edu")


def test_a_paper_once_per_course_by_arxiv_id(course):
    ReadingFactory(course=course, arxiv_id="1706.03762")
    ReadingFactory(course=CourseFactory(), arxiv_id="1706.03762")  # another course may list it too
    with pytest.raises(IntegrityError):
        ReadingFactory(course=course, arxiv_id="1706.03762", title="Attention (again)")


def test_a_seat_is_taken_once_and_nobody_holds_two_seats_of_a_slot(course):
    slot = SlotFactory(meeting__course=course)
    first = SignupFactory(slot=slot, seat=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignupFactory(slot=slot, seat=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignupFactory(slot=slot, student=first.student, role="commentator", seat=1)


def test_a_scheduled_reading_cannot_be_deleted(course):
    slot = SlotFactory(meeting__course=course)
    with pytest.raises(ProtectedError):
        slot.reading.delete()
    assert Reading.objects.filter(pk=slot.reading_id).exists()


def test_a_paper_slot_needs_a_reading(course):
    with pytest.raises(IntegrityError):
        SlotFactory(meeting__course=course, reading=None, kind=Slot.Kind.PAPER, title="Something")


def test_admin_pages_of_every_model_render(admin_client, course):
    signup = SignupFactory(slot=SlotFactory(meeting__course=course))
    # One of each grading row, so their change pages render too (a private file included).
    MembershipFactory(course=course, user=signup.student)
    exam = course_rubrics(course)["final_exam"].criteria.get()
    score_set(course=course, criterion_id=exam.pk, students=[signup.student], points=5, by=None)
    Release.objects.create(course=course, component="final_exam")
    OneOnOneTime.objects.create(course=course, starts_at=timezone.now(), slot=signup.slot)
    Timing.objects.create(slot=signup.slot, talk_started_at=timezone.now())
    slides = SlideUpload(slot=signup.slot, stage="initial", original_name="a.pdf", size=5, uploaded_at=timezone.now())
    slides.file.save("a.pdf", ContentFile(b"%PDF-"), save=True)
    run = LinkCheckRun.objects.create(course=course, total=1)
    LinkResult.objects.create(run=run, reading=signup.slot.reading, url="https://example.org/a", status="ok")
    SentMail.objects.create(course=course, user=signup.student, kind="signup", key="1", subject="A seat")
    Extension.objects.create(
        course=course, student=signup.student, scope="course", extra=datetime.timedelta(hours=48),
        granted_at=timezone.now(),
    )  # fmt: skip

    for model in admin.site._registry:
        if model._meta.app_label != "courseapp":
            continue
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
        assert admin_client.get(changelist, {"q": "a"}).status_code == 200, changelist
        obj = model.objects.first()
        if obj is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert admin_client.get(change).status_code == 200, change
    assert {m.__name__ for m in admin.site._registry if m._meta.app_label == "courseapp"} == {
        "Course",
        "Extension",
        "LinkCheckRun",
        "LinkResult",
        "Listing",
        "Meeting",
        "Membership",
        "OneOnOneTime",
        "Reading",
        "ReadingImport",
        "Release",
        "Rubric",
        "Score",
        "Section",
        "SentMail",
        "Signup",
        "SlideUpload",
        "Slot",
        "Timing",
        "User",
    }
    assert Course.objects.exists()
