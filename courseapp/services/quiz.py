"""The final exam: slots in the exam window, booked or assigned, and the draw of each student's paper."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import ngettext

from .. import quiz
from ..models import Course, ExamSlot, QuizDraw, QuizPick, Review, User
from ..selectors import course_students
from .errors import BAD_INPUT, ServiceError
from .queue import later

NO_WINDOW = "Set the exam window in the course settings first."
SLOT_TAKEN = "Someone booked that time a moment ago; choose another."
TOO_FEW_SLOTS = (
    "{slots} for {students} without one: {short} short. Lengthen the exam window or "
    "shorten the slots in the settings; nobody was assigned."
)
REDRAW_NEEDS_REASON = "Say why this student is drawn again: it is kept with the draw."
NO_DRAW_YET = "Draw the quiz first."
NOTHING_ELIGIBLE = "{name} has no review the quiz can be drawn from."
SEED_DIFFERS = "The quiz was drawn already, with seed {seed}; it is not drawn again."
SEED_NOT_A_NUMBER = "A seed is a whole number; leave it empty for a random one."
DRAWN_ALREADY = "The quiz was drawn already; redraw single students below."


def exam_slots_make(*, course: Course) -> int:
    """Cut the exam window into slots (missing ones only); how many were added."""
    if not (course.exam_starts_at and course.exam_ends_at):
        raise ServiceError(NO_WINDOW, code="no_window")
    times = quiz.slot_times(course.exam_starts_at, course.exam_ends_at, course.exam_slot_minutes)
    have = set(course.exam_slots.values_list("starts_at", flat=True))
    new = [ExamSlot(course=course, starts_at=at, minutes=course.exam_slot_minutes) for at in times if at not in have]
    ExamSlot.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def exam_slot_book(*, course: Course, slot_id: int, student: User, now: datetime.datetime | None = None) -> ExamSlot:
    """A student takes a free slot (giving back the one they had)."""
    with transaction.atomic():
        slot = ExamSlot.objects.select_for_update().get(pk=slot_id, course=course)
        if slot.student_id == student.pk:
            return slot
        if slot.student_id is not None:
            raise ServiceError(SLOT_TAKEN, code="taken")
        ExamSlot.objects.filter(course=course, student=student).update(student=None, booked_at=None)
        slot.student, slot.booked_at = student, now or timezone.now()
        try:
            with transaction.atomic():
                slot.save(update_fields=["student", "booked_at"])
        except IntegrityError:  # the same student, booking twice at once
            raise ServiceError(SLOT_TAKEN, code="taken") from None
        return slot


def exam_slots_assign_all(*, course: Course) -> int:
    """Give every student without a slot the earliest free one, by name; refused whole if there are too few."""
    with transaction.atomic():
        Course.objects.select_for_update().get(pk=course.pk)
        free = list(ExamSlot.objects.select_for_update().filter(course=course, student__isnull=True))
        seated = set(course.exam_slots.filter(student__isnull=False).values_list("student_id", flat=True))
        waiting = [student for student in course_students(course) if student.pk not in seated]
        if len(free) < len(waiting):
            raise ServiceError(
                TOO_FEW_SLOTS.format(
                    slots=ngettext("%(n)d free exam slot", "%(n)d free exam slots", len(free)) % {"n": len(free)},
                    students=ngettext("%(n)d student", "%(n)d students", len(waiting)) % {"n": len(waiting)},
                    short=len(waiting) - len(free),
                ),
                code="too_few",
            )
        now = timezone.now()
        for slot, student in zip(free, waiting, strict=False):
            slot.student, slot.booked_at = student, now
        ExamSlot.objects.bulk_update(free[: len(waiting)], ["student", "booked_at"])
        return len(waiting)


def eligible_readings(course: Course, *, papers_only: bool, on_time_only: bool) -> dict[int, list[int]]:
    """Student id to the ids of the readings their quiz may be drawn from (submitted reviews)."""
    reviews = Review.objects.filter(reading__course=course, submitted_at__isnull=False)
    if papers_only:
        reviews = reviews.filter(reading__kind="paper")
    if on_time_only:
        reviews = reviews.filter(is_late=False)
    eligible: dict[int, list[int]] = {}
    for student_id, reading_id in reviews.values_list("student_id", "reading_id"):
        eligible.setdefault(student_id, []).append(reading_id)
    return eligible


def quiz_draw_queue(*, course: Course, seed: str, by: User) -> None:
    """Have a worker draw every student's paper (``seed``: empty for a random one), once this commits."""

    seed = seed.strip()
    if seed and not seed.isdigit():
        raise ServiceError(SEED_NOT_A_NUMBER, code="seed", status=BAD_INPUT)
    if QuizDraw.objects.filter(course=course).exists():
        raise ServiceError(DRAWN_ALREADY, code="drawn")
    later("draw_quiz", course.pk, int(seed) if seed else None, by.pk)


def quiz_draw(*, course_id: int, seed: int | None = None, by_id: int | None = None) -> QuizDraw:
    """Draw every student's paper once. Running it again (or twice at once) changes nothing."""
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course_id)
        existing = QuizDraw.objects.filter(course=course).first()
        if existing is not None:
            if seed is not None and seed != existing.seed:
                raise ServiceError(SEED_DIFFERS.format(seed=existing.seed), code="drawn")
            return existing
        draw = QuizDraw.objects.create(
            course=course,
            seed=quiz.new_seed() if seed is None else seed,
            papers_only=course.quiz_papers_only,
            on_time_only=course.quiz_on_time_only,
            drawn_by_id=by_id,
        )
        eligible = eligible_readings(course, papers_only=draw.papers_only, on_time_only=draw.on_time_only)
        picks = []
        for student in course_students(course):
            reading_id = quiz.pick(draw.seed, student.pk, eligible.get(student.pk, []))
            if reading_id is not None:
                picks.append(QuizPick(course=course, student=student, reading_id=reading_id, picked_by_id=by_id))
        QuizPick.objects.bulk_create(picks)
        return draw


def quiz_redraw(*, course: Course, student_id: int, reason: str, by: User) -> QuizPick:
    """Draw one student's paper again (another one when there is another), recording why."""
    reason = reason.strip()
    if not reason:
        raise ServiceError(REDRAW_NEEDS_REASON, code="no_reason")
    with transaction.atomic():
        draw = QuizDraw.objects.select_for_update().filter(course=course).first()
        if draw is None:
            raise ServiceError(NO_DRAW_YET, code="no_draw")
        student = course_students(course).get(pk=student_id)
        current = QuizPick.objects.filter(course=course, student=student, superseded_at__isnull=True).first()
        eligible = eligible_readings(course, papers_only=draw.papers_only, on_time_only=draw.on_time_only)
        last_round = QuizPick.objects.filter(course=course, student=student).aggregate(last=Max("round"))["last"]
        round = 0 if last_round is None else last_round + 1
        reading_id = quiz.pick(
            draw.seed,
            student.pk,
            eligible.get(student.pk, []),
            round=round,
            avoid=current.reading_id if current else None,
        )
        if reading_id is None:
            raise ServiceError(NOTHING_ELIGIBLE.format(name=student.display_name), code="nothing_eligible")
        if current is not None:
            current.superseded_at = timezone.now()
            current.save(update_fields=["superseded_at"])
        return QuizPick.objects.create(
            course=course, student=student, reading_id=reading_id, round=round, reason=reason, picked_by=by
        )
