"""Grading: rubrics (with the model course's defaults), scores with their history, and releases."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max

from .. import marking
from ..models import (
    Component,
    Course,
    Criterion,
    Membership,
    Release,
    Review,
    Rubric,
    Score,
    ScoreChange,
    Signup,
    Slot,
    User,
)
from ..selectors import course_rubrics
from .errors import BAD_INPUT, ServiceError, checked

POINTS_OUT_OF_RANGE = "Points for “{name}” go from 0 to {max}."
NOT_THEIR_WORK = "That student did not {what}."
WRONG_RUBRIC = "The {component} rubric does not grade this."
MAX_BELOW_SCORES = "“{name}” has a score of {points} already; its maximum cannot go below that."
# A score has at most four digits before its decimal point; no rubric needs more than this.
MOST_POINTS = 1000
MAX_POINTS_OUT_OF_RANGE = f"Maximum points must be between 1 and {MOST_POINTS}."
LEVEL_ABOVE_MAX = "A level of {points} points is more than the criterion's {max}."
CRITERION_HAS_SCORES = "“{name}” has {count} score{s}; it cannot be removed. Change it instead."


@transaction.atomic
def rubrics_create(course: Course) -> None:
    """Give a new course the model course's rubrics, each of the four it lacks.

    Whatever makes a course calls this (its creation, a copy, the demo, the admin), so the grading pages
    only read rubrics: no page writes on a GET.
    """
    have = set(course.rubrics.values_list("component", flat=True))
    for component in Component.values:
        if component in have:
            continue
        rubric = Rubric.objects.create(course=course, component=component)
        Criterion.objects.bulk_create(
            Criterion(rubric=rubric, position=n, name=name, description=text, max_points=top, levels=levels,
                      timed=timed)
            for n, (name, text, top, levels, timed) in enumerate(marking.DEFAULT_RUBRICS[component], 1)
        )  # fmt: skip


def _check_subject(criterion: Criterion, students, review: Review | None, slot: Slot | None) -> None:
    """The criterion's rubric grades this kind of work, and the students did that work."""
    component = criterion.rubric.component
    label = criterion.rubric.get_component_display().lower()
    fits: dict[str, bool] = {
        Component.REVIEWS: review is not None and slot is None,
        Component.PRESENTATION: slot is not None and review is None,
        Component.PARTICIPATION: slot is not None and review is None,
        Component.FINAL_EXAM: slot is None and review is None,
    }
    if not fits[component]:
        raise ServiceError(WRONG_RUBRIC.format(component=label), code="wrong_rubric")
    ids = {student.pk for student in students}
    if review is not None and ids != {review.student_id}:
        raise ServiceError(NOT_THEIR_WORK.format(what="write this review"), code="not_their_work")
    if slot is not None:
        role = Signup.Role.PRESENTER if component == Component.PRESENTATION else Signup.Role.COMMENTATOR
        seated = set(slot.signups.filter(role=role).values_list("student_id", flat=True))
        if not ids or not ids <= seated:
            raise ServiceError(NOT_THEIR_WORK.format(what=f"take a {role} seat on this paper"), code="not_their_work")
    if slot is None and review is None:
        members = Membership.objects.active_students().filter(course=criterion.rubric.course, user__in=ids)
        if members.count() != len(ids):
            raise ServiceError(NOT_THEIR_WORK.format(what="take this course"), code="not_their_work")


def score_set(
    *,
    course: Course,
    criterion_id: int,
    students: list,
    points: Decimal | int,
    comment: str | None = None,
    review=None,
    slot=None,
    by: User,
) -> list[Score]:
    """Give each of ``students`` these points and comment for the criterion, recording every change.

    Partners graded together get one call with both of them; each keeps a score of their own.
    ``comment=None`` keeps each score's comment (a click on a level button sends no comment).
    """
    criterion = Criterion.objects.select_related("rubric__course").get(pk=criterion_id, rubric__course=course)
    if not 0 <= points <= criterion.max_points:
        raise ServiceError(
            POINTS_OUT_OF_RANGE.format(name=criterion.name, max=criterion.max_points), code="range", status=BAD_INPUT
        )
    _check_subject(criterion, students, review, slot)
    saved = []
    with transaction.atomic():
        for student in sorted(students, key=lambda s: s.pk):
            key = {"criterion": criterion, "student": student, "review": review, "slot": slot}
            # The row lock makes two graders' clicks land one after the other, each recorded.
            score = Score.objects.select_for_update().filter(**key).first()
            if score is None:
                try:
                    with transaction.atomic():
                        score = Score.objects.create(**key, points=points, comment=comment or "", graded_by=by)
                except IntegrityError:  # the other grader created it first: update theirs
                    score = Score.objects.select_for_update().get(**key)
                else:
                    ScoreChange.objects.create(score=score, changed_by=by, new_points=points, new_comment=comment or "")
                    saved.append(score)
                    continue
            new_comment = score.comment if comment is None else comment
            if (score.points, score.comment) != (points, new_comment):
                ScoreChange.objects.create(
                    score=score,
                    changed_by=by,
                    old_points=score.points,
                    new_points=points,
                    old_comment=score.comment,
                    new_comment=new_comment,
                )
                score.points, score.comment, score.graded_by = points, new_comment, by
                score.save(update_fields=["points", "comment", "graded_by", "updated_at"])
            saved.append(score)
    return saved


def criterion_save(
    *, course: Course, component: str, criterion_id: int | None, name: str, description: str, max_points: int,
    levels: list[list], timed: bool,
) -> Criterion:  # fmt: skip
    """Add or change a criterion, never so that a score already given stops fitting it."""
    if not 1 <= max_points <= MOST_POINTS:
        raise ServiceError(MAX_POINTS_OUT_OF_RANGE, code="max_points_out_of_range", status=BAD_INPUT)
    rubric = course_rubrics(course)[component]
    with transaction.atomic():
        if criterion_id:
            criterion = Criterion.objects.select_for_update().get(pk=criterion_id, rubric=rubric)
        else:
            last = rubric.criteria.aggregate(last=Max("position"))["last"] or 0
            criterion = Criterion(rubric=rubric, position=last + 1)
        if criterion.pk:
            highest = criterion.scores.aggregate(top=Max("points"))["top"]
            if highest is not None and max_points < highest:
                raise ServiceError(MAX_BELOW_SCORES.format(name=criterion.name, points=highest), code="max_below")
        for points, _ in levels:
            if not 0 <= points <= max_points:
                raise ServiceError(
                    LEVEL_ABOVE_MAX.format(points=points, max=max_points), code="level_above_max", status=BAD_INPUT
                )
        criterion.name, criterion.description, criterion.max_points = name, description, max_points
        criterion.levels, criterion.timed = levels, timed
        checked(criterion, exclude=["rubric"])
        criterion.save()
        return criterion


def criterion_remove(*, course: Course, criterion_id: int) -> Criterion:
    with transaction.atomic():
        criterion = Criterion.objects.select_for_update(of=("self",)).get(pk=criterion_id, rubric__course=course)
        count = criterion.scores.count()
        if count:
            raise ServiceError(
                CRITERION_HAS_SCORES.format(name=criterion.name, count=count, s="" if count == 1 else "s"),
                code="has_scores",
            )
        criterion.delete()
        return criterion


def release_set(*, course: Course, component: str, released: bool, by: User) -> None:
    """Show a component's grades to students, or take them back."""
    if component not in Component.values:
        raise ValueError(component)
    if released:
        Release.objects.get_or_create(course=course, component=component, defaults={"released_by": by})
    else:
        Release.objects.filter(course=course, component=component).delete()
