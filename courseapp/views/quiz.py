"""The final exam: slots (booked by students or assigned), the draw, and the instructor's run sheet."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from ..models import ExamSlot, QuizDraw, QuizPick, User
from ..permissions import Perm, course_view
from ..selectors import course_students, run_sheet_rows
from ..services import ServiceError
from ..services import quiz as service
from .rendering import answer


def _exam(course) -> str:
    return reverse("courseapp:exam", args=[course.slug])


@require_safe
@course_view(Perm.GRADE, hide=True)
def exam_page(request, course):
    """The exam window, who has which slot, and the draw."""
    slots = list(course.exam_slots.select_related("student"))
    students = list(course_students(course))
    seated = {slot.student_id for slot in slots if slot.student_id}
    draw = QuizDraw.objects.filter(course=course).first()
    picked = set(
        QuizPick.objects.filter(course=course, superseded_at__isnull=True).values_list("student_id", flat=True)
    )
    context = {
        "course": course,
        "access": request.access,
        "slots": slots,
        "unseated": [s for s in students if s.pk not in seated],
        "draw": draw,
        "not_drawn": [s for s in students if s.pk not in picked] if draw else [],
        "students": students,
        "slot_count": len(slots),
    }
    return render(request, "courseapp/quiz/exam.html", context)


@require_POST
@course_view(Perm.GRADE, hide=True)
def exam_slots_make(request, course):
    """Cut the exam window into slots, and say so before Assign when they are too few."""

    def call():
        added = service.exam_slots_make(course=course)
        done = (
            ngettext("Added %(n)d exam slot.", "Added %(n)d exam slots.", added) % {"n": added}
            if added
            else "The exam window is full: every slot it holds is there already."
        )
        slots, students = course.exam_slots.count(), course_students(course).count()
        if slots < students:
            holds = ngettext("%(n)d slot", "%(n)d slots", slots) % {"n": slots}
            wanted = ngettext("%(n)d student", "%(n)d students", students) % {"n": students}
            short = ngettext("%(n)d slot short", "%(n)d slots short", students - slots) % {"n": students - slots}
            raise ServiceError(
                f"{done} The window holds {holds} for {wanted}, {short}: lengthen the exam window "
                "or shorten the slots in the settings.",
                code="too_few",
            )
        return done

    return answer(request, call, back=_exam(course))


@require_POST
@course_view(Perm.GRADE, hide=True)
def exam_assign_all(request, course):
    """Give every student without a slot the earliest free one."""

    def call():
        assigned = service.exam_slots_assign_all(course=course)
        return ngettext("Assigned %(n)d student a slot.", "Assigned %(n)d students a slot.", assigned) % {"n": assigned}

    return answer(request, call, back=_exam(course))


@require_POST
@course_view(Perm.MANAGE_GRADING)
def quiz_draw_start(request, course):
    """Draw every student's paper on a worker; the page shows the result once it is there."""

    def call():
        service.quiz_draw_queue(course=course, seed=request.POST.get("seed", ""), by=request.user)
        return "Drawing the quiz papers: reload in a moment to see them."

    return answer(request, call, back=_exam(course))


@require_POST
@course_view(Perm.MANAGE_GRADING)
def quiz_redraw(request, course, user_id: int):
    """Draw one student's paper again, with the reason kept."""

    def call():
        try:
            pick = service.quiz_redraw(
                course=course, student_id=user_id, reason=request.POST.get("reason", ""), by=request.user
            )
        except User.DoesNotExist:
            raise Http404 from None
        return f"Drew {pick.student.display_name} again."

    return answer(request, call, back=reverse("courseapp:run_sheet", args=[course.slug]))


@require_safe
@course_view(Perm.GRADE, hide=True)
def run_sheet(request, course):
    """One row a slot: time, student, the drawn paper, their review, the section's questions, the score."""
    context = {"course": course, "access": request.access, **run_sheet_rows(course)}
    return render(request, "courseapp/quiz/run_sheet.html", context)


@require_safe
@course_view(Perm.SEE_OWN_GRADES)
def my_exam(request, course):
    """A student's exam slot, and the free ones to choose from. The drawn paper is not shown."""
    slots = list(course.exam_slots.filter(student__isnull=True))
    mine = ExamSlot.objects.filter(course=course, student=request.user).first()
    context = {"course": course, "access": request.access, "mine": mine, "free": slots}
    return render(request, "courseapp/quiz/mine.html", context)


@require_POST
@course_view(Perm.SEE_OWN_GRADES)
def exam_slot_book(request, course, slot_id: int):
    """Take a free exam slot (moving from the one held before)."""

    def call():
        try:
            slot = service.exam_slot_book(course=course, slot_id=slot_id, student=request.user)
        except ExamSlot.DoesNotExist:
            raise Http404 from None
        return f"Your exam is at {course.when(slot.starts_at)}."

    return answer(request, call, back=reverse("courseapp:my_exam", args=[course.slug]))
