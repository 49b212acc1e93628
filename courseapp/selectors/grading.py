"""Reads of grades: rubrics, each student's components from reviews, seats and scores, the gradebook."""

import csv
import dataclasses
import datetime
import io
from collections import defaultdict
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.translation import ngettext

from .. import marking, reviewing
from ..models import (
    Component,
    Course,
    Criterion,
    Review,
    Rubric,
    Score,
    ScoreChange,
    Signup,
    Slot,
    User,
)
from .courses import STUDENTS_PER_PAGE, class_page, students_found
from .reviews import presented_reading_ids, submitted_reviews, tally_reviews


def course_rubrics(course: Course) -> dict[str, Rubric]:
    """The course's four rubrics by component, their criteria loaded (two queries). A course has them
    from its creation (``services.grading.rubrics_create``)."""
    return {rubric.component: rubric for rubric in course.rubrics.prefetch_related("criteria")}


@dataclasses.dataclass(slots=True)
class GivenScore:
    """A score as the grade pages show it: its criterion, points and comment."""

    criterion: Criterion
    points: Decimal
    comment: str


@dataclasses.dataclass
class GradedItem:
    """One piece of graded work on a student's page: a review, a presentation, a commentary, the exam."""

    title: str
    scores: list[GivenScore]
    possible: int
    when: datetime.date | None = None

    @property
    def earned(self) -> Decimal:
        return sum((score.points for score in self.scores), Decimal(0))


@dataclasses.dataclass
class ComponentGrade:
    component: str
    label: str
    points: int  # the component's share of the 100-point grade
    earned: Decimal = Decimal(0)  # rubric points
    possible: int = 0
    missing: str = ""
    overdue: bool = False  # what is missing was due already (red); otherwise it is not yet due (neutral)
    late: int = 0
    ungraded: int = 0
    items: list[GradedItem] = dataclasses.field(default_factory=list)

    @property
    def score(self) -> Decimal:
        return marking.scaled(self.earned, Decimal(self.possible), self.points)


@dataclasses.dataclass
class GradeRow:
    student: User
    components: dict[str, ComponentGrade]
    letter: str = ""
    extensions: int = 0  # standing extensions, set by the gradebook

    @property
    def total(self) -> Decimal:
        return sum((grade.score for grade in self.components.values()), Decimal(0))


def grade_rows(course: Course, students: list[User], rubrics: dict[str, Rubric]) -> list[GradeRow]:
    """Each student's four components from their reviews, seats and scores: six queries for any class size.

    ``rubrics`` (with their criteria loaded) are the course's, from ``course_rubrics``.
    """
    ids = [student.pk for student in students]
    per_item = {component: sum(c.max_points for c in rubric.criteria.all()) for component, rubric in rubrics.items()}
    component_of = {c.pk: component for component, rubric in rubrics.items() for c in rubric.criteria.all()}
    presented = presented_reading_ids(course)
    reviews = submitted_reviews(course, ids)
    seats = defaultdict(list)
    for signup in (
        Signup.objects.filter(slot__meeting__course=course, student__in=ids)
        .select_related("slot__reading", "slot__meeting")
        .order_by("slot__meeting__date", "slot__position")
    ):
        seats[signup.student_id].append(signup)
    by_review: defaultdict[int, list[GivenScore]] = defaultdict(list)
    by_slot: defaultdict[tuple[int, int, str], list[GivenScore]] = defaultdict(list)
    exam: defaultdict[int, list[GivenScore]] = defaultdict(list)
    # A score's criterion came with the rubrics: attach it instead of joining it in.
    criteria = {c.pk: c for rubric in rubrics.values() for c in rubric.criteria.all()}
    given = Score.objects.filter(criterion__rubric__course=course, student__in=ids).order_by("criterion__position")
    for criterion_id, student_id, review_id, slot_id, points, comment in given.values_list(
        "criterion_id", "student_id", "review_id", "slot_id", "points", "comment"
    ):
        score = GivenScore(criteria[criterion_id], points, comment)
        if review_id:
            by_review[review_id].append(score)
        elif slot_id:
            by_slot[(slot_id, student_id, component_of[criterion_id])].append(score)
        else:
            exam[student_id].append(score)
    labels, shares = dict(Component.choices), course.component_points
    # What is missing is only overdue once its deadline passed: reviews at the end of term, seats when
    # sign-ups close (or the term ends), the exam once its window opened.
    now = timezone.now()
    term_over = now >= reviewing.end_of_term(course.term_ends_on, course.tzinfo)
    seats_due = term_over or bool(course.signup_closes_at and now >= course.signup_closes_at)
    exam_due = bool(course.exam_starts_at and now >= course.exam_starts_at) or term_over
    rows = []
    for student in students:
        grades = {c: ComponentGrade(c, labels[c], shares[c]) for c in Component.values}

        result = tally_reviews(course, reviews[student.pk], presented)
        counted = [
            r for r in sorted(reviews[student.pk], key=lambda r: r.submitted_at)
            if result.verdicts[r.pk].counts_as != reviewing.NOT_COUNTED
        ][: course.reviews_required]  # fmt: skip
        grade = grades[Component.REVIEWS]
        grade.possible = per_item[Component.REVIEWS] * course.reviews_required
        for review in counted:
            grade.items.append(GradedItem(review.reading.title, by_review[review.pk], per_item[Component.REVIEWS]))
            grade.late += review.is_late
            grade.ungraded += not by_review[review.pk]
        if len(counted) < course.reviews_required:
            left = course.reviews_required - len(counted)
            grade.overdue = term_over
            grade.missing = (
                f"{left} of {course.reviews_required} reviews missing"
                if term_over
                else f"{left} of {course.reviews_required} reviews to come"
            )

        for component, role, needed in (
            (Component.PRESENTATION, Signup.Role.PRESENTER, course.presentations_per_student),
            (Component.PARTICIPATION, Signup.Role.COMMENTATOR, course.commentaries_per_student),
        ):
            grade = grades[component]
            grade.possible = per_item[component] * needed
            mine = [signup for signup in seats[student.pk] if signup.role == role][:needed]
            for signup in mine:
                scores = by_slot[(signup.slot_id, student.pk, component)]
                item = GradedItem(signup.slot.display_title, scores, per_item[component], signup.slot.meeting.date)
                grade.items.append(item)
                grade.ungraded += not scores
            if len(mine) < needed:
                missing = needed - len(mine)
                if role == Signup.Role.PRESENTER:
                    how_many = ngettext("%(n)d presentation missing", "%(n)d presentations missing", missing)
                else:
                    how_many = ngettext("%(n)d commentary missing", "%(n)d commentaries missing", missing)
                noun = "presentation" if role == Signup.Role.PRESENTER else "commentary"
                grade.overdue = seats_due
                if seats_due:
                    grade.missing = f"no {noun} signed up" if not mine else how_many % {"n": missing}
                else:
                    grade.missing = "seats not assigned yet" if course.ranks_papers else "sign-ups still open"

        grade = grades[Component.FINAL_EXAM]
        grade.possible = per_item[Component.FINAL_EXAM]
        grade.items.append(GradedItem("Final exam", exam[student.pk], per_item[Component.FINAL_EXAM]))
        grade.ungraded = int(exam_due and not exam[student.pk])
        if not exam_due:
            grade.missing = "not yet due"

        for grade in grades.values():
            grade.earned = sum((item.earned for item in grade.items), Decimal(0))
        row = GradeRow(student, grades)
        row.letter = marking.letter(row.total, course.grade_scale)
        rows.append(row)
    return rows


GRADEBOOK_SORTS = {"name", "total", *Component.values}


def gradebook_page(
    course: Course,
    rubrics: dict[str, Rubric],
    number,
    *,
    sort: str = "name",
    descending: bool = False,
    search: str = "",
) -> Page:
    """A page of grade rows. By name only the page's students are graded; sorted by a grade, the whole
    class is (the order needs every total)."""
    if sort == "name" and not descending:
        page = class_page(course, number, search=search)
        page.object_list = grade_rows(course, list(page.object_list), rubrics)
        return page
    rows = gradebook(course, rubrics, sort=sort, descending=descending, search=search)
    return Paginator(rows, STUDENTS_PER_PAGE).get_page(number)


def gradebook(
    course: Course, rubrics: dict[str, Rubric], *, sort: str = "name", descending: bool = False, search: str = ""
):
    """Every student's grade row (or those ``search`` finds), sorted by name, total or a component."""
    rows = grade_rows(course, list(students_found(course, search)), rubrics)
    if sort in Component.values:
        rows.sort(key=lambda row: row.components[sort].score, reverse=descending)
    elif sort == "total":
        rows.sort(key=lambda row: row.total, reverse=descending)
    elif descending:
        rows.reverse()
    return rows


def released_components(course: Course) -> set[str]:
    return set(course.releases.values_list("component", flat=True))


def gradebook_csv(course: Course, rubrics: dict[str, Rubric]) -> str:
    """The gradebook as CSV for an LMS import: one row per student, e-mail first, then name, components, total."""
    points = course.component_points
    out = io.StringIO()
    writer = csv.writer(out)
    components = [f"{label} ({points[c]})" for c, label in Component.choices]
    writer.writerow(["Email", "Last name", "First name", *components, "Total (100)", "Letter"])
    for row in gradebook(course, rubrics):
        student, scores = row.student, [row.components[c].score for c in Component.values]
        writer.writerow([student.email, student.last_name, student.first_name, *scores, row.total, row.letter])
    return out.getvalue()


# The grading screens ---------------------------------------------------------------------------


def timer_limits(course) -> dict[str, int]:
    """The talk's and the discussion's limits in seconds, for the timer and the grading screen."""
    return {"talk_limit": course.presentation_minutes * 60, "discussion_limit": course.discussion_minutes * 60}


@dataclasses.dataclass
class Subject:
    """What a rubric is applied to on a grading screen: a review, a slot, or (the exam) only the student."""

    review: Review | None = None
    slot: Slot | None = None

    @property
    def key(self) -> str:
        return f"review-{self.review.pk}" if self.review else f"slot-{self.slot.pk}" if self.slot else "exam"


def criterion_rows(criteria, subject: Subject, students: list[User], scores: list[Score]) -> list[dict]:
    """One row per criterion for these students (partners together, or one of them) with what they have."""
    ids = {student.pk for student in students}
    rows = []
    for criterion in criteria:
        mine = [s for s in scores if s.criterion_id == criterion.pk and s.student_id in ids]
        points = {s.points for s in mine}
        comments = {s.comment for s in mine}
        rows.append(
            {
                "criterion": criterion,
                "subject": subject,
                "students": students,
                "id": f"c{criterion.pk}-{subject.key}-" + "-".join(str(pk) for pk in sorted(ids)),
                "points": next(iter(points)) if len(points) == 1 and len(mine) == len(ids) else None,
                "comment": next(iter(comments)) if len(comments) == 1 else "",
                "differs": len(points) > 1 or (mine and len(mine) < len(ids)),
                "scores": mine,
            }
        )
    return rows


def section_total(rows: list[dict], component: str) -> dict:
    """A rubric section's total so far: what the scored criteria add up to, of the rubric's points."""
    students = rows[0]["students"] if rows else []
    subject = rows[0]["subject"].key if rows else ""
    return {
        "id": f"total-{component}-{subject}-" + "-".join(str(s.pk) for s in sorted(students, key=lambda s: s.pk)),
        "earned": sum((row["points"] for row in rows if row["points"] is not None), Decimal(0)),
        "possible": sum(row["criterion"].max_points for row in rows),
        "unscored": sum(1 for row in rows if row["points"] is None),
    }


def subject_scores(subject: Subject, students) -> list[Score]:
    """The scores given to these students for this piece of work, with who gave them."""
    scores = Score.objects.filter(student__in=students, review=subject.review, slot=subject.slot)
    return list(scores.select_related("graded_by"))


def score_history(subject: Subject, students) -> list[ScoreChange]:
    """The last 50 changes to those scores, newest first, with who made them."""
    changes = ScoreChange.objects.filter(
        score__student__in=students, score__review=subject.review, score__slot=subject.slot
    ).select_related("score__criterion", "score__student", "changed_by")
    return list(changes[:50])
