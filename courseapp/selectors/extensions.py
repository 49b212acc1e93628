"""Deadlines as each student has them: the course's rule moved by the extensions the instructor granted."""

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F, QuerySet

from ..models import Course, Extension

Key = tuple[int, int]  # (student id, reading or slot id)


@dataclasses.dataclass
class Extensions:
    """A course's standing extensions, read in one query, answering "when is this due for them?".

    Every answer is the latest of the course's deadline moved by the student's extra time and any
    new deadline granted for that very thing: an extension never makes anything due earlier.
    """

    extra: dict[int, datetime.timedelta] = dataclasses.field(default_factory=dict)
    reviews: dict[Key, datetime.datetime] = dataclasses.field(default_factory=dict)
    slides: dict[Key, datetime.datetime] = dataclasses.field(default_factory=dict)
    booking: dict[Key, datetime.datetime] = dataclasses.field(default_factory=dict)
    # The meetings whose reviews someone may hand in later than the class (for reminders).
    meetings: set[int] = dataclasses.field(default_factory=set)
    students: set[int] = dataclasses.field(default_factory=set)

    @classmethod
    def load(cls, course: Course, students: Iterable[int] | QuerySet | None = None) -> "Extensions":
        """One query; ``students`` (ids or a queryset of ids) narrows it to some students."""
        standing = Extension.objects.filter(course=course, revoked_at__isnull=True)
        if students is not None:
            standing = standing.filter(student__in=students)
        # A meeting's extension covers every reading on its agenda: one row per reading, from the join.
        rows = standing.values_list(
            "scope",
            "student_id",
            "reading_id",
            "slot_id",
            "until",
            "extra",
            F("meeting__slots__reading_id"),
            F("reading__slots__meeting_id"),
            "meeting_id",
        )
        found = cls()
        for scope, student, reading, slot, until, extra, meeting_reading, reading_meeting, meeting in rows:
            found.students.add(student)
            if scope == Extension.Scope.COURSE:
                found.extra[student] = extra
            elif scope == Extension.Scope.REVIEW:
                found._later(found.reviews, (student, reading), until)
                found.meetings.add(reading_meeting)
            elif scope == Extension.Scope.MEETING:
                if meeting_reading is not None:
                    found._later(found.reviews, (student, meeting_reading), until)
                found.meetings.add(meeting)
            elif scope == Extension.Scope.SLIDES:
                found.slides[(student, slot)] = until
            elif scope == Extension.Scope.ONE_ON_ONE:
                found.booking[(student, slot)] = until
        found.meetings.discard(None)
        return found

    @staticmethod
    def _later(into: dict, key, until: datetime.datetime) -> None:
        if key not in into or until > into[key]:
            into[key] = until

    @property
    def most_extra(self) -> datetime.timedelta:
        return max(self.extra.values(), default=datetime.timedelta(0))

    def review_due(self, student_id: int, reading_id: int, due: datetime.datetime) -> datetime.datetime:
        """When this student's review of this reading is due, given the course's deadline ``due``."""
        moved = due + self.extra.get(student_id, datetime.timedelta(0))
        granted = self.reviews.get((student_id, reading_id))
        return max(moved, granted) if granted else moved

    def slot_due(self, slot_id: int, step: str, due: datetime.datetime, presenters: Iterable[int]) -> datetime.datetime:
        """A presentation's step ("book", "initial", "final") for its pair: they share one booking and
        one set of slides, so an extension of either presenter's is the pair's."""
        granted = self.booking if step == "book" else self.slides
        latest = due
        for student in presenters:
            latest = max(latest, due + self.extra.get(student, datetime.timedelta(0)))
            if (student, slot_id) in granted:
                latest = max(latest, granted[(student, slot_id)])
        return latest


def extension_history(course: Course, student) -> list[Extension]:
    """Every extension the student was granted, standing first, with who granted and revoked it."""
    return list(
        Extension.objects.filter(course=course, student=student)
        .select_related("reading", "meeting", "slot__reading", "slot__meeting", "granted_by", "revoked_by")
        .order_by(F("revoked_at").desc(nulls_first=True), "-granted_at")
    )


def students_with_extensions(course: Course) -> dict[int, int]:
    """Student id to the number of standing extensions, for the gradebook's marker (one query)."""
    counts: dict[int, int] = defaultdict(int)
    for student in Extension.objects.filter(course=course, revoked_at__isnull=True).values_list(
        "student_id", flat=True
    ):
        counts[student] += 1
    return dict(counts)
