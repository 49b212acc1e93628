"""Importing a course calendar: the CS 496 page's calendar gives the demo's schedule; previews write nothing."""

import datetime
from pathlib import Path

import pytest

from courseapp.models import CalendarImport, Course, Meeting, Reading, Slot
from courseapp.services import ServiceError
from courseapp.services.calendar_import import calendar_import_apply, calendar_import_create, calendar_import_preview
from courseapp.services.demo import demo_course_load

from ..factories import SignupFactory

COURSE_PAGE = (Path(__file__).parent.parent / "fixtures" / "cs496-course-page.txt").read_text(encoding="utf-8")
CALENDAR = COURSE_PAGE[COURSE_PAGE.index("Course Calendar") : COURSE_PAGE.index("Course assignments")]


def schedule_of(course: Course) -> list:
    """The schedule as a user sees it: each meeting's date, kind, topic and hours, and its agenda."""
    return [
        (
            meeting.date, meeting.kind, meeting.topic, meeting.starts_at, meeting.ends_at,
            [(slot.kind, slot.display_title, slot.note) for slot in meeting.slots.all()],
        )
        for meeting in course.meetings.prefetch_related("slots__reading").order_by("date")
    ]  # fmt: skip


def import_into(course, text, *, create=(), format=""):
    pending = calendar_import_create(
        course=course, by=None, data=text.encode(), size=None, filename="", format=format, limit=1_000_000
    )
    plan = calendar_import_preview(calendar_import=pending)
    keys = {slot.key for slot in plan.unmatched if slot.parsed.title in create or create == "all"}
    return calendar_import_apply(import_id=pending.pk, course=course, create=keys)


@pytest.fixture
def demo_without_schedule(db):
    """The demo course's reading list, with the schedule load_demo builds taken off (and kept to compare)."""
    course = demo_course_load().course
    expected = schedule_of(course)
    course.meetings.all().delete()
    return course, expected


class TestTheModelCourse:
    @pytest.mark.parametrize("text", [CALENDAR, COURSE_PAGE], ids=["calendar", "whole page"])
    def test_gives_exactly_the_demo_schedule(self, demo_without_schedule, text):
        course, expected = demo_without_schedule
        plan = import_into(course, text)
        assert schedule_of(course) == expected
        assert Slot.objects.filter(meeting__course=course, kind="paper").count() == 20
        assert plan.unmatched == []

    def test_a_second_import_changes_nothing(self, demo_without_schedule):
        course, expected = demo_without_schedule
        import_into(course, CALENDAR)
        slot_ids = set(Slot.objects.filter(meeting__course=course).values_list("pk", flat=True))
        plan = import_into(course, CALENDAR)
        assert schedule_of(course) == expected
        assert set(Slot.objects.filter(meeting__course=course).values_list("pk", flat=True)) == slot_ids
        assert plan.summary()["new_meetings"] == 0 and plan.summary()["changed_meetings"] == 0

    def test_the_preview_writes_nothing(self, demo_without_schedule):
        course, _ = demo_without_schedule
        pending = calendar_import_create(
            course=course, by=None, data=CALENDAR.encode(), size=None, filename="", format="", limit=10**6
        )
        plan = calendar_import_preview(calendar_import=pending)
        assert plan.summary()["new_meetings"] == 12 and plan.summary()["papers"] == 20
        assert not Meeting.objects.filter(course=course).exists()

    def test_a_slot_students_signed_up_for_stays(self, demo_without_schedule):
        course, _ = demo_without_schedule
        import_into(course, CALENDAR)
        slot = Slot.objects.get(meeting__course=course, reading__title="A Watermark for Large Language Models")
        SignupFactory(slot=slot)
        without = "\n".join(line for line in CALENDAR.splitlines() if "A Watermark" not in line)
        plan = import_into(course, without)
        assert Slot.objects.filter(pk=slot.pk).exists()
        assert any("signed up" in warning for warning in plan.warnings)

    def test_confirming_twice_is_refused(self, demo_without_schedule):
        course, _ = demo_without_schedule
        pending = calendar_import_create(
            course=course, by=None, data=CALENDAR.encode(), size=None, filename="", format="", limit=10**6
        )
        calendar_import_apply(import_id=pending.pk, course=course, create=set())
        with pytest.raises(ServiceError) as refused:
            calendar_import_apply(import_id=pending.pk, course=course, create=set())
        assert refused.value.code == "already_applied"
        assert Meeting.objects.filter(course=course).count() == 12


class TestUnmatchedTitles:
    def test_created_as_readings_or_skipped(self, demo_without_schedule):
        course, _ = demo_without_schedule
        text = "Wed Sep 25 A Paper Nobody Listed ? ?\n  Another Unlisted Paper ? ?\n  Attention is All You Need ? ?\n"
        import_into(course, text, create={"A Paper Nobody Listed"})
        meeting = Meeting.objects.get(course=course)
        titles = [slot.reading.title for slot in meeting.slots.all()]
        assert titles == ["A Paper Nobody Listed", "Attention is All You Need"]
        assert Reading.objects.filter(course=course, title="A Paper Nobody Listed").count() == 1
        assert not Reading.objects.filter(course=course, title="Another Unlisted Paper").exists()


class TestOtherShapes:
    def test_csv(self, demo_without_schedule):
        course, _ = demo_without_schedule
        text = (
            "Date,Topic or paper,Kind\n"
            "2024-09-25,Basics of Transformers,lecture\n"
            "2024-10-09,Quantifying Memorization Across Neural Language Models,paper\n"
            "2024-10-09,Allocating Ownership Rights in Computer Generated Works,paper\n"
            "2024-11-13,No class: read some papers!,no class\n"
            "2024-12-13,Final Exam 9am - 11am,exam\n"
        )
        import_into(course, text.replace("Topic or paper", "Topic"))
        schedule = schedule_of(course)
        assert [(m[0], m[1]) for m in schedule] == [
            (datetime.date(2024, 9, 25), "lecture"), (datetime.date(2024, 10, 9), "papers"),
            (datetime.date(2024, 11, 13), "no_class"), (datetime.date(2024, 12, 13), "exam"),
        ]  # fmt: skip
        assert [slot[1] for slot in schedule[1][5]] == [
            "Quantifying Memorization Across Neural Language Models",
            "Allocating Ownership Rights in Computer Generated Works",
        ]
        assert schedule[3][3:5] == (datetime.time(9), datetime.time(11))

    def test_csv_without_the_needed_columns(self, demo_without_schedule):
        course, _ = demo_without_schedule
        with pytest.raises(ServiceError) as refused:
            calendar_import_create(
                course=course, by=None, data=b"When?,What\nx,y\n", size=None, filename="c.csv", format="", limit=10**6
            )
        assert refused.value.code == "csv_columns"
        assert "“when?”, “what”" in refused.value.message
        assert not CalendarImport.objects.exists()

    def test_ics_round_trip_of_the_course_feed(self, client, db):
        source = demo_course_load().course
        feed = client.get(f"/courses/{source.slug}/calendar.ics").content.decode()
        expected = [(m[0], m[1], m[5]) for m in schedule_of(source)]
        source.meetings.all().delete()
        import_into(source, feed)
        got = [(m[0], m[1], m[5]) for m in schedule_of(source)]
        # The feed has no notes and no kinds of slot: the dates, kinds of meeting and papers come back.
        assert [(d, k, [t for _, t, _ in s]) for d, k, s in got] == [
            (d, k, [t for _, t, _ in s]) for d, k, s in expected
        ]

    def test_text_that_is_not_a_calendar(self, demo_without_schedule):
        course, _ = demo_without_schedule
        with pytest.raises(ServiceError) as refused:
            calendar_import_create(
                course=course,
                by=None,
                data=b"Just some notes\nabout nothing\n",
                size=None,
                filename="",
                format="",
                limit=10**6,
            )
        assert refused.value.code == "no_meetings"


def test_a_paper_listed_twice_in_one_meeting_is_scheduled_once(demo_without_schedule):
    course, _ = demo_without_schedule
    text = "Wed Oct 9 A Watermark for Large Language Models ? ?\n  A Watermark for Large Language Models ? ?\n"
    plan = import_into(course, text)
    assert Slot.objects.filter(meeting__course=course).count() == 1
    assert any("on this meeting's agenda twice" in warning for warning in plan.warnings)
