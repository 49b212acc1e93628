"""What several view tests share: a paper meeting of the term and its slot."""

import datetime

import pytest

from ..factories import MeetingFactory, SlotFactory


@pytest.fixture
def meeting(course):
    return MeetingFactory(course=course, date=datetime.date(2024, 10, 16))


@pytest.fixture
def slot(meeting):
    return SlotFactory(meeting=meeting, reading__title="The Curious Case of Neural Text Degeneration")
