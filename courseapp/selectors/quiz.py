"""Reads of the final exam: the run sheet."""

from collections import defaultdict

from ..models import Component, Course, Listing, QuizDraw, QuizPick, Review, Score
from .grading import Subject, course_rubrics, criterion_rows


def run_sheet_rows(course: Course) -> dict:
    """The draw and one row a booked slot: the student, the drawn paper, their review of it, the
    self-check questions of its sections, earlier draws, and the exam's criteria with the scores."""
    draw = QuizDraw.objects.filter(course=course).first()
    slots = list(course.exam_slots.filter(student__isnull=False).select_related("student"))
    picks = {
        pick.student_id: pick
        for pick in QuizPick.objects.filter(course=course, superseded_at__isnull=True).select_related("reading")
    }
    reviews = {
        (review.student_id, review.reading_id): review
        for review in Review.objects.filter(reading__course=course, submitted_at__isnull=False).only(
            "pk", "student_id", "reading_id"
        )
    }
    questions: defaultdict[int, list[str]] = defaultdict(list)
    for listing in Listing.objects.filter(section__course=course).select_related("section"):
        questions[listing.reading_id].extend(listing.section.questions)
    redraws: defaultdict[int, list[QuizPick]] = defaultdict(list)
    for pick in QuizPick.objects.filter(course=course, round__gt=0):
        redraws[pick.student_id].append(pick)
    rubric = course_rubrics(course)[Component.FINAL_EXAM]
    scores = list(Score.objects.filter(criterion__rubric=rubric, review=None, slot=None))
    subject = Subject()
    rows = []
    for slot in slots:
        if (student := slot.student) is None:  # not booked (the query leaves those out)
            continue
        drawn = picks.get(student.pk)
        rows.append(
            {
                "slot": slot,
                "pick": drawn,
                "review": reviews.get((student.pk, drawn.reading_id)) if drawn else None,
                "questions": questions.get(drawn.reading_id, []) if drawn else [],
                "redraws": redraws[student.pk],
                "criteria": criterion_rows(rubric.criteria.all(), subject, [student], scores),
            }
        )
    return {"draw": draw, "rows": rows}
