"""The calendar parsers on the shapes course pages use, without the database."""

import datetime

import pytest

from courseapp.calendars.dates import match_date, parse_date_ranges
from courseapp.calendars.parse import exam_hours, parse_text

NEAR = datetime.date(2024, 9, 25)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Wed Sep 25 Basics", datetime.date(2024, 9, 25)),
        ("Wednesday, September 25", datetime.date(2024, 9, 25)),
        ("9/25", datetime.date(2024, 9, 25)),
        ("2024-09-25", datetime.date(2024, 9, 25)),
        ("25 Sep 2024", datetime.date(2024, 9, 25)),
        ("Sept. 4th, 2024", datetime.date(2024, 9, 4)),
        ("Tue Jan 14", datetime.date(2025, 1, 14)),  # after a fall term, January is next year's
        ("Fri Dec 13", datetime.date(2024, 12, 13)),
    ],
)
def test_dates_people_write(text, date):
    assert match_date(text, near=NEAR)[0] == date


@pytest.mark.parametrize("text", ["Week 1", "Basics of Transformers", "Attention 2 go", ""])
def test_not_dates(text):
    assert match_date(text, near=NEAR) is None


def test_a_weekday_picks_the_year():
    # Sep 25 is a Wednesday in 2024 and in 2030; near 2029, the later one.
    assert match_date("Wed Sep 25", near=datetime.date(2029, 9, 1))[0] == datetime.date(2030, 9, 25)


def test_date_ranges_and_a_line_that_is_not_one():
    near = datetime.date(2026, 9, 1)
    assert parse_date_ranges("2026-11-25\nNov 23 – Nov 27\n\n2026-12-21 to 2027-01-01", near=near) == [
        (datetime.date(2026, 11, 25),) * 2,
        (datetime.date(2026, 11, 23), datetime.date(2026, 11, 27)),
        (datetime.date(2026, 12, 21), datetime.date(2027, 1, 1)),
    ]
    with pytest.raises(ValueError, match="Line 2"):
        parse_date_ranges("2026-11-25\nThanksgiving", near=near)
    with pytest.raises(ValueError, match="ends before it starts"):
        parse_date_ranges("2026-11-27 - 2026-11-23", near=near)


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("Final Exam 9am - 11am: quiz", (datetime.time(9), datetime.time(11))),
        ("Exam 1:30-3:30pm", (datetime.time(13, 30), datetime.time(15, 30))),
        ("Exam 13:00 to 15:00", (datetime.time(13), datetime.time(15))),
        ("Final exam, rooms 1-2", None),
    ],
)
def test_exam_hours(text, hours):
    assert exam_hours(text) == hours


def finder(*titles):
    lowered = [title.lower() for title in titles]
    return lambda text: max((len(t) for t in lowered if text.lower().startswith(t)), default=None)


def test_a_short_title_inside_a_topic_is_not_that_reading():
    parsed = parse_text(
        "Wed Sep 25 Basics of Transformers: attention Pardo\n    Pardo\nWed Oct 2 Transformers ? ?\n",
        near=NEAR,
        find_title=finder("Transformers"),
    )
    lecture, papers = parsed.meetings
    assert (lecture.kind, lecture.topic, lecture.slots) == ("lecture", "Basics of Transformers: attention", [])
    assert papers.kind == "papers" and [slot.title for slot in papers.slots] == ["Transformers"]


def test_week_numbers_tabs_and_the_end_of_the_calendar():
    text = "Week\tDate\tTopic\n1\tTue 1/14\tA Known Paper\t?\t?\n\tAn Unknown Paper\t?\n\nGrading\nReviews: 40%\n"
    parsed = parse_text(text, near=datetime.date(2025, 1, 1), find_title=finder("A Known Paper"))
    [meeting] = parsed.meetings
    assert meeting.date == datetime.date(2025, 1, 14)
    assert [(slot.title, slot.matched) for slot in meeting.slots] == [
        ("A Known Paper", True),
        ("An Unknown Paper", False),
    ]
