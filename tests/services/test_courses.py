"""Copying a course to a new term, archiving, and the getting-started checklist."""

import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from courseapp.models import Course, Listing, Meeting, Membership, Reading, Review, Section, Signup, Slot
from courseapp.selectors import course_rubrics, getting_started
from courseapp.services import ServiceError
from courseapp.services.courses import course_archive_set, course_copy
from courseapp.services.demo import demo_course_load

from ..factories import CourseFactory, MembershipFactory, ReadingFactory, SignupFactory, SlotFactory


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in apps.get_app_config("courseapp").get_models()}


@pytest.fixture
def demo(db):
    course = demo_course_load().course
    slot = Slot.objects.filter(meeting__course=course, kind="paper").first()
    student = Membership.objects.filter(course=course, role="student").first().user
    SignupFactory(slot=slot, student=student)
    Review.objects.create(reading=slot.reading, student=student, text="Mine.", submitted_at=timezone.now())
    criterion = course_rubrics(course)["reviews"].criteria.first()
    criterion.name = "Insight, as I grade it"
    criterion.save()
    course.signup_opens_at = datetime.datetime(2024, 9, 25, 9, tzinfo=course.tzinfo)
    course.signup_closes_at = datetime.datetime(2024, 10, 2, 9, tzinfo=course.tzinfo)
    course.review_word_limit = 750
    course.save()
    return course


class TestCopy:
    def test_moves_the_schedule_by_whole_weeks_onto_the_same_weekdays(self, demo):
        instructor = Membership.objects.get(course=demo, role="instructor").user
        before = row_counts()
        originals = list(demo.meetings.values_list("date", "kind", "topic"))
        # Fall 2024 started Wed Sep 25; Fall 2026 classes begin on Monday Sep 21.
        copy = course_copy(
            source=demo, by=instructor, title=demo.title, term="Fall 2026", slug="cs496-fall-2026",
            first_day=datetime.date(2026, 9, 21),
        )  # fmt: skip
        dates = list(copy.meetings.values_list("date", "kind", "topic"))
        assert len(dates) == len(originals)
        for (old, kind, topic), (new, new_kind, new_topic) in zip(originals, dates, strict=True):
            assert new.weekday() == old.weekday() and (new - old).days % 7 == 0
            assert (new_kind, new_topic) == (kind, topic)
        assert dates[0][0] == datetime.date(2026, 9, 23)  # the first Wednesday on or after the first day
        assert copy.exam_starts_at == datetime.datetime(2026, 12, 11, 9, tzinfo=copy.tzinfo)  # a Friday, at 9 AM
        assert copy.signup_opens_at.astimezone(copy.tzinfo).time() == datetime.time(9)
        assert copy.review_word_limit == 750 and copy.time_zone == demo.time_zone

        # The list, the rubrics (as edited) and the slots come along, pointing at the copy's own readings.
        assert copy.readings.count() == demo.readings.count()
        assert (
            Listing.objects.filter(section__course=copy).count() == Listing.objects.filter(section__course=demo).count()
        )
        assert (
            Section.objects.filter(course=copy, parent__isnull=False).count()
            == demo.sections.filter(parent__isnull=False).count()
        )
        assert course_rubrics(copy)["reviews"].criteria.filter(name="Insight, as I grade it").exists()
        slots = Slot.objects.filter(meeting__course=copy)
        assert slots.count() == Slot.objects.filter(meeting__course=demo).count()
        assert not slots.exclude(reading__isnull=True).exclude(reading__course=copy).exists()

        # Nothing a student owns, and nobody but the copying instructor.
        assert list(copy.memberships.values_list("user", "role")) == [(instructor.pk, "instructor")]
        assert not Signup.objects.filter(slot__meeting__course=copy).exists()
        assert not Review.objects.filter(reading__course=copy).exists()

        # The original is as it was: every table grew only by the copy's rows.
        after = row_counts()
        assert after["Review"] == before["Review"] and after["Signup"] == before["Signup"]
        assert after["Score"] == before["Score"] and after["LinkResult"] == before["LinkResult"]
        assert list(demo.meetings.values_list("date", "kind", "topic")) == originals

    def test_the_copy_is_independent(self, demo):
        instructor = Membership.objects.get(course=demo, role="instructor").user
        copy = course_copy(
            source=demo, by=instructor, title="X", term="Y", slug="xy", first_day=datetime.date(2025, 1, 6)
        )
        reading = copy.readings.first()
        reading.title = "Renamed in the copy"
        reading.save()
        copy.meetings.all().delete()
        assert not Reading.objects.filter(course=demo, title="Renamed in the copy").exists()
        assert Meeting.objects.filter(course=demo).count() == 12

    def test_onto_a_taken_address(self, demo):
        CourseFactory(slug="taken")
        with pytest.raises(ServiceError) as refused:
            course_copy(source=demo, by=None, title="X", term="Y", slug="taken", first_day=datetime.date(2025, 1, 6))
        assert refused.value.code == "slug_taken"
        assert Course.objects.filter(slug="taken").count() == 1


class TestArchive:
    def test_archive_and_back(self, course):
        course_archive_set(course=course, archived=True)
        assert Course.objects.get(pk=course.pk).is_archived
        with pytest.raises(ServiceError):
            course_archive_set(course=course, archived=True)
        course_archive_set(course=course, archived=False)
        assert not Course.objects.get(pk=course.pk).is_archived


class TestChecklist:
    def test_counts_and_the_next_step(self, course, django_assert_num_queries):
        with django_assert_num_queries(1):
            checklist = getting_started(course)
        assert [step.done for step in checklist.steps] == [False, False, False, False]
        assert checklist.next_step.action_label == "Import a reading list"
        ReadingFactory(course=course)
        SlotFactory(meeting__course=course)
        MembershipFactory(course=course)
        course.signup_opens_at = timezone.now()
        course.signup_closes_at = timezone.now() + datetime.timedelta(days=7)
        checklist = getting_started(course)
        assert [step.count for step in checklist.steps] == [2, 1, 1, 1]
        assert checklist.done and checklist.next_step is None
