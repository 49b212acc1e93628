"""Reads of a course's people and set-up: its students (a page at a time), the roster, the checklist."""

import dataclasses

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Subquery
from django.template.defaultfilters import pluralize

from ..caching import drawn_from, kept
from ..models import (
    Course,
    Meeting,
    Membership,
    Reading,
    Slot,
    User,
)


def course_students(course: Course) -> QuerySet[User]:
    """The course's admitted students, by name."""
    # Membership.objects.active_students(), as a join from the users.
    return User.objects.filter(
        memberships__course=course,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role=Membership.Role.STUDENT,
    ).order_by("last_name", "first_name", "username")


def roster(course: Course) -> QuerySet[Membership]:
    return course.memberships.select_related("user").order_by("user__last_name", "user__first_name", "user__username")


# A screenful of the gradebook: a seminar fits on one page, a lecture of 300 takes ten.
STUDENTS_PER_PAGE = 30


def students_found(course: Course, search: str = "") -> QuerySet[User]:
    """The course's students whose name, username or e-mail contains each word of ``search``."""
    students = course_students(course)
    for word in search.split():
        students = students.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    return students


def class_page(course: Course, number, *, search: str = "") -> Page:
    """One page of the class by name: the gradebook and the reviews table show a class of any size a
    page at a time, so a page costs the same for 30 students or 300."""
    return Paginator(students_found(course, search), STUDENTS_PER_PAGE).get_page(number)


@dataclasses.dataclass
class ChecklistStep:
    title: str
    count: int
    done: bool
    summary: str
    action: str  # URL name of the next step's page
    action_label: str
    perm: str  # who may take that step


@dataclasses.dataclass
class Checklist:
    steps: list[ChecklistStep]

    @property
    def done(self) -> bool:
        return all(step.done for step in self.steps)

    @property
    def next_step(self) -> ChecklistStep | None:
        return next((step for step in self.steps if not step.done), None)


def getting_started(course: Course) -> Checklist:
    """What a new course still needs before students can use it, in the order to do it (one query, and
    none while the course, its readings, papers and members stay as they were: courseapp/caching.py)."""
    changed = drawn_from(Course, Reading, Meeting, Slot, Membership).key
    return kept(f"getting-started:{course.pk}:{changed}", lambda: _checklist(course))


def _checklist(course: Course) -> Checklist:
    counts = (
        Course.objects.filter(pk=course.pk)
        .annotate(
            n_readings=Subquery(
                Reading.objects.filter(course=course).values("course").annotate(n=Count("pk")).values("n")[:1]
            ),
            n_papers=Subquery(
                Slot.objects.filter(meeting__course=course, kind=Slot.Kind.PAPER)
                .values("meeting__course")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            n_students=Subquery(
                Membership.objects.active_students()
                .filter(course=course)
                .values("course")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
        )
        .values("n_readings", "n_papers", "n_students")
        .get()
    )
    readings, papers, students = (counts[key] or 0 for key in ("n_readings", "n_papers", "n_students"))
    opens, closes = course.signup_opens_at, course.signup_closes_at
    window = opens is not None and closes is not None
    window_text = f"{course.when(opens)} – {course.when(closes)}" if opens and closes else ""
    return Checklist(
        [
            ChecklistStep(
                "Reading list", readings, readings > 0, f"{readings} reading{pluralize(readings)}",
                "courseapp:reading_import", "Import a reading list", "manage_readings",
            ),
            ChecklistStep(
                "Schedule", papers, papers > 0, f"{papers} paper{pluralize(papers)} in meeting slots",
                "courseapp:schedule_edit", "Put papers into meetings", "manage_schedule",
            ),
            ChecklistStep(
                "Sign-up window", int(window), window,
                window_text or "not set",
                "courseapp:course_settings", "Set when sign-ups open", "edit_course",
            ),
            ChecklistStep(
                "Students", students, students > 0, f"{students} student{pluralize(students)}",
                "courseapp:members", "Admit or add students", "manage_members",
            ),
        ]
    )  # fmt: skip
