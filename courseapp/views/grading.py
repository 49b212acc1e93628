"""Grading for staff (rubrics on one screen, the timer, the gradebook) and each student's own grades."""

from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST, require_safe

from .. import marking, reviewing, selectors
from ..caching import drawn_from_any
from ..forms import CriterionForm, PointsForm, first_error
from ..models import Component, Criterion, Review, Score, Signup, Slot, Timing, User
from ..params import int_list, int_param
from ..permissions import Perm, course_view
from ..selectors import (
    GRADEBOOK_SORTS,
    Subject,
    course_rubrics,
    course_students,
    criterion_rows,
    grade_rows,
    gradebook,
    gradebook_csv,
    presentation_deadlines,
    released_components,
    score_history,
    section_total,
    subject_scores,
    timer_limits,
)
from ..selectors.extensions import students_with_extensions
from ..services import ServiceError, presentations
from ..services import grading as service
from ..services.errors import BAD_INPUT
from .rendering import answer, redirect_with_message

RUBRIC = "courseapp/grading/rubric.html"


def _subject(course, value: str) -> Subject:
    """The work a posted score is for: ``review-12``, ``slot-3`` or ``exam``; anything else is not found."""
    kind, _, pk = value.partition("-")
    if kind == "review" and pk.isdigit():
        return Subject(review=get_object_or_404(Review, pk=pk, reading__course=course))
    if kind == "slot" and pk.isdigit():
        return Subject(slot=get_object_or_404(Slot, pk=pk, meeting__course=course))
    if value == "exam":
        return Subject()
    raise Http404


@require_POST
@course_view(Perm.GRADE, hide=True)
def score_save(request, course):
    """Score one criterion for one student or for partners together; answers with the updated row."""
    subject = _subject(course, request.POST.get("subject", ""))
    criterion = get_object_or_404(Criterion, pk=int_param(request.POST, "criterion", 0), rubric__course=course)
    ids = int_list(request.POST, "student")
    students = list(User.objects.filter(pk__in=ids))
    if not students or len(students) != len(set(ids)):
        return HttpResponseBadRequest("student ids required")
    comment = request.POST.get("comment")  # absent for a level button: the comment stays

    def call():
        service.score_set(
            course=course,
            criterion_id=criterion.pk,
            students=students,
            points=PointsForm(request.POST).points_or_refusal(),
            comment=comment,
            review=subject.review,
            slot=subject.slot,
            by=request.user,
        )
        return f"Saved {criterion.name}."

    def show(*, done, error, status):
        (row,) = criterion_rows([criterion], subject, students, subject_scores(subject, students))
        row |= {
            "error": error,
            "done": "Saved" if done else None,
            "typed": request.POST.get("points", ""),
            "typed_comment": comment or "",
        }
        timing = Timing.objects.filter(slot=subject.slot).first() if subject.slot else None
        context = {"course": course, "row": row, "timing": timing, **timer_limits(course)}
        if request.POST.get("with_total") == "1":  # a row of a rubric section (not of the exam's run sheet)
            rubric = criterion.rubric
            rows = criterion_rows(rubric.criteria.all(), subject, students, subject_scores(subject, students))
            context["section"] = {"total": section_total(rows, rubric.component)}
        html = render_to_string(f"{RUBRIC}#criterion_row", context, request)
        if "section" in context:  # the section's total, out of band: it changed with this row
            html += render_to_string(f"{RUBRIC}#section_total", {**context, "oob": True})
        return HttpResponse(html, status=status)

    return answer(request, call, back=reverse("courseapp:gradebook", args=[course.slug]), show=show)


def _rubric_context(request, course, subject: Subject, groups: list[tuple[str, list[User], str]]) -> dict:
    """``groups``: (heading, students, component) — each gets the component's rubric as rows."""
    rubrics = course_rubrics(course)
    everyone = [student for _, students, _ in groups for student in students]
    scores = subject_scores(subject, everyone)
    sections = []
    for heading, students, component in groups:
        rows = criterion_rows(rubrics[component].criteria.all(), subject, students, scores)
        sections.append({"heading": heading, "rows": rows, "total": section_total(rows, component)})
    return {
        "course": course,
        "access": request.access,
        "sections": sections,
        "history": score_history(subject, everyone),
        **timer_limits(course),
    }


@require_safe
@course_view(Perm.GRADE, hide=True)
def grade_slot(request, course, slot_id: int):
    """A paper's presentation and its commentaries graded on one screen: partners together unless split."""
    slot = get_object_or_404(Slot.objects.select_related("reading", "meeting"), pk=slot_id, meeting__course=course)
    signups = list(slot.signups.select_related("student").order_by("role", "seat"))
    presenters = [s.student for s in signups if s.role == Signup.Role.PRESENTER]
    separately = request.GET.get("separately") == "1" or len(presenters) < 2
    groups: list[tuple[str, list[User], str]] = (
        [(f"Presentation: {p.display_name}", [p], Component.PRESENTATION) for p in presenters]
        if separately
        else [("Presentation: " + " and ".join(p.display_name for p in presenters), presenters, Component.PRESENTATION)]
    )
    groups += [
        (f"Commentary: {s.student.display_name}", [s.student], Component.PARTICIPATION)
        for s in signups
        if s.role == Signup.Role.COMMENTATOR
    ]
    subject = Subject(slot=slot)
    context = _rubric_context(request, course, subject, groups)
    timing = Timing.objects.filter(slot=slot).first()
    context |= {
        "slot": slot,
        "separately": separately,
        "can_split": len(presenters) > 1,
        "timing": timing,
        "due": presentation_deadlines(course, slot),
        "one_on_one": getattr(slot, "one_on_one", None),
        "slides": list(slot.slide_uploads.order_by("stage", "-uploaded_at")),
        "presented": slot.meeting.date <= timezone.localdate(),
        "next_slot": _next_ungraded_presentation(course, slot),
    }
    return render(request, "courseapp/grading/slot.html", context)


def _next_ungraded_presentation(course, slot: Slot) -> Slot | None:
    """The next presentation of the term (after this one, then from the start) with a presenter not scored yet."""
    scored = Score.objects.filter(
        slot=OuterRef("slot"), student=OuterRef("student"), criterion__rubric__component=Component.PRESENTATION
    )
    waiting = (
        Signup.objects.filter(slot__meeting__course=course, role=Signup.Role.PRESENTER)
        .exclude(slot=slot)
        .exclude(Exists(scored))
        .select_related("slot__meeting", "slot__reading")
        .order_by("slot__meeting__date", "slot__position")
    )
    slots = list(dict.fromkeys(signup.slot for signup in waiting))
    later = [s for s in slots if (s.meeting.date, s.position) > (slot.meeting.date, slot.position)]
    return next(iter(later or slots), None)


@require_safe
@course_view(Perm.GRADE, hide=True)
def grade_review(request, course, review_id: int):
    """A submitted review beside the review rubric."""
    review = get_object_or_404(
        Review.objects.select_related("reading", "student"), pk=review_id, reading__course=course
    )
    if not review.is_submitted:
        raise Http404
    subject = Subject(review=review)
    context = _rubric_context(request, course, subject, [("Review", [review.student], Component.REVIEWS)])
    # The next submitted review of this paper that nobody has scored yet, in the order of the students' names.
    next_review = (
        Review.objects.filter(reading=review.reading, submitted_at__isnull=False, scores__isnull=True)
        .exclude(pk=review.pk)
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "pk")
        .first()
    )
    context |= {
        "review": review,
        "html": reviewing.render_markdown(review.text),
        "prompts": reviewing.render_markdown(course.review_template) if course.review_template else "",
        "next_review": next_review,
    }
    return render(request, "courseapp/grading/review.html", context)


@require_safe
@course_view(Perm.GRADE, hide=True)
def gradebook_page(request, course):
    """Every student by component, out of 100, with letters and what is missing, a page of the class at a
    time; the distribution of totals beside it (for a class of several pages, when asked)."""
    sort = request.GET.get("sort", "name")
    sort = sort if sort in GRADEBOOK_SORTS else "name"
    descending = request.GET.get("order") == "desc"
    search = request.GET.get("q", "").strip()

    def table() -> dict:
        page = selectors.gradebook_page(
            course, course_rubrics(course), request.GET.get("page"), sort=sort, descending=descending, search=search
        )
        extended = students_with_extensions(course)
        for row in page.object_list:
            row.extensions = extended.get(row.student.pk, 0)
        whole_class = page.paginator.num_pages == 1 and not search
        return {
            "page": page,
            "chart": _chart([row.total for row in page.object_list]) if whole_class else None,
            "paper_slots": Slot.objects.filter(meeting__course=course, kind=Slot.Kind.PAPER)
            .select_related("reading", "meeting")
            .order_by("meeting__date", "position"),
        }

    context = {
        "course": course,
        "access": request.access,
        "fragment": drawn_from_any(per=request.GET.urlencode()),  # the table is read only when it is out of date
        "table": SimpleLazyObject(table),
        "search": search,
        "components": Component.choices,
        "released": released_components(course),
        "sort": sort,
        "descending": descending,
        "sort_columns": [("name", "Student"), *Component.choices, ("total", "Total")],
    }
    return render(request, "courseapp/grading/gradebook.html", context)


def _chart(totals: list) -> list[dict]:
    """The bars of the distribution's SVG: how many totals fall in each range of 10."""
    bins = marking.histogram(totals)
    tallest = max((count for _, _, count in bins), default=0) or 1
    chart = []
    for n, (low, high, count) in enumerate(bins):
        height = round(110 * count / tallest)
        top = 130 - height
        chart.append({"low": low, "high": high, "count": count, "x": 10 + n * 40, "y": top, "height": height})
        chart[-1]["label_y"] = top - 4
    return chart


@require_safe
@course_view(Perm.GRADE, hide=True)
def gradebook_chart(request, course):
    """The distribution of the whole class's totals (the gradebook loads it when it is opened)."""
    rows = gradebook(course, course_rubrics(course))
    context = {"course": course, "access": request.access, "chart": _chart([row.total for row in rows])}
    template = "courseapp/grading/gradebook.html#chart" if request.htmx else "courseapp/grading/distribution.html"
    return render(request, template, context)


@require_safe
@course_view(Perm.GRADE, hide=True)
def gradebook_export(request, course):
    """The gradebook as a CSV download."""
    response = HttpResponse(gradebook_csv(course, course_rubrics(course)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{course.slug}-grades.csv"'
    return response


@require_POST
@course_view(Perm.MANAGE_GRADING)
def release_change(request, course):
    """Release a component's grades to students, or withdraw them."""
    component = request.POST.get("component")
    if component not in Component.values:
        return HttpResponseBadRequest("unknown component")
    released = request.POST.get("released") == "yes"
    service.release_set(course=course, component=component, released=released, by=request.user)
    label = dict(Component.choices)[component]
    done = f"{label} grades are now visible to students." if released else f"{label} grades are hidden from students."
    return redirect_with_message(request, "courseapp:gradebook", course.slug, done=done, error=None)


def _student_page(request, course, student, *, staff: bool):
    rubrics = course_rubrics(course)
    (row,) = grade_rows(course, [student], rubrics)
    released = released_components(course)
    shown = {c: g for c, g in row.components.items() if staff or c in released}
    context = {
        "course": course,
        "access": request.access,
        "student": student,
        "row": row,
        "shown": shown,
        "hidden": [label for c, label in Component.choices if c not in shown],
        "total": sum((g.score for g in shown.values()), Decimal(0)),
        "possible": sum(g.points for g in shown.values()),
        "staff": staff,
    }
    if staff:
        subject = Subject()
        criteria = rubrics[Component.FINAL_EXAM].criteria.all()
        context["exam_rows"] = criterion_rows(criteria, subject, [student], subject_scores(subject, [student]))
        context["history"] = score_history(subject, [student])
    return render(request, "courseapp/grading/student.html", context)


@require_safe
@course_view(Perm.SEE_OWN_GRADES)
def my_grades(request, course):
    """A student's own grades as released, the feedback on each piece of work, and what is still missing."""
    return _student_page(request, course, request.user, staff=False)


@require_safe
@course_view(Perm.GRADE, hide=True)
def student_grades(request, course, user_id: int):
    """One student's grades as staff see them, with the final exam to score."""
    student = get_object_or_404(course_students(course), pk=user_id)
    return _student_page(request, course, student, staff=True)


# Rubrics --------------------------------------------------------------------------------------


@require_safe
@course_view(Perm.MANAGE_GRADING)
def rubrics_page(request, course):
    """The four rubrics, their criteria and levels, to change."""
    rubrics = course_rubrics(course)
    return render(request, "courseapp/grading/rubrics.html", _rubrics_context(request, course, rubrics))


def _rubrics_context(request, course, rubrics, **extra) -> dict:
    ordered = [(label, rubrics[component]) for component, label in Component.choices]
    return {"course": course, "access": request.access, "rubrics": ordered, **extra}


@require_POST
@course_view(Perm.MANAGE_GRADING)
def criterion_save(request, course):
    """Add a criterion to a rubric or change one; refused where it would no longer fit a score given."""
    form = CriterionForm(request.POST)

    def call():
        if not form.is_valid():
            raise ServiceError(first_error(form), code="invalid", status=BAD_INPUT)
        data = form.cleaned_data
        try:
            criterion = service.criterion_save(
                course=course,
                component=data["component"],
                criterion_id=data["criterion"],
                name=data["name"],
                description=data["description"],
                max_points=data["max_points"],
                levels=data["levels"],
                timed=data["timed"],
            )
        except Criterion.DoesNotExist:
            raise Http404 from None
        return f"Saved “{criterion.name}”."

    return _rubrics_answer(request, course, call)


@require_POST
@course_view(Perm.MANAGE_GRADING)
def criterion_remove(request, course, criterion_id: int):
    """Remove a criterion that has no scores."""

    def call():
        try:
            criterion = service.criterion_remove(course=course, criterion_id=criterion_id)
        except Criterion.DoesNotExist:
            raise Http404 from None
        return f"Removed “{criterion.name}”."

    return _rubrics_answer(request, course, call)


def _rubrics_answer(request, course, call):
    """The rubrics again, with what happened: the section for htmx, the page after a plain form."""

    def show(*, done, error, status):
        context = _rubrics_context(request, course, course_rubrics(course), done=done, error=error)
        return render(request, "courseapp/grading/rubrics.html#rubrics", context, status=status)

    return answer(request, call, back=reverse("courseapp:rubrics", args=[course.slug]), show=show)


# The timer ------------------------------------------------------------------------------------


def _timer_context(request, course, slot) -> dict:
    """Each clock as the page first draws it; timer.js keeps a running one counting."""
    timing, now = Timing.objects.filter(slot=slot).first(), timezone.now()
    limits = timer_limits(course)
    parts = []
    for key, label in (("talk", "Talk"), ("discussion", "Discussion")):
        started = getattr(timing, f"{key}_started_at", None)
        ended = getattr(timing, f"{key}_ended_at", None)
        seconds = int(((ended or now) - started).total_seconds()) if started else 0
        limit = limits[f"{key}_limit"]
        status = (
            "not started"
            if not started
            else f"recorded {marking.clock(seconds)}"
            if ended
            else f"over by {marking.clock(seconds - limit)}"
            if seconds > limit
            else f"{marking.clock(limit - seconds)} left"
        )
        parts.append(
            {
                "key": key,
                "label": label,
                "noun": f"the {key}",
                "limit": limit,
                "limit_clock": marking.clock(limit),
                "started": started,
                "ended": ended,
                "running": bool(started and not ended),
                "shown": marking.clock(seconds),
                "over": seconds > limit,
                "status": status,
            }
        )
    return {"course": course, "access": request.access, "slot": slot, "parts": parts, "now": now}


@require_safe
@course_view(Perm.GRADE, hide=True)
def timer_page(request, course, slot_id: int):
    """The presentation timer, for a phone in class: start and stop the talk and the discussion."""
    slot = get_object_or_404(Slot.objects.select_related("reading", "meeting"), pk=slot_id, meeting__course=course)
    return render(request, "courseapp/grading/timer.html", _timer_context(request, course, slot))


@require_POST
@course_view(Perm.GRADE, hide=True)
def timer_record(request, course, slot_id: int):
    """Start or stop a clock; the server keeps the times, so a reload or another phone shows the same."""
    slot = get_object_or_404(Slot.objects.select_related("reading", "meeting"), pk=slot_id, meeting__course=course)
    action = request.POST.get("action", "")
    if action not in (*presentations.TIMER_ACTIONS, "reset"):
        return HttpResponseBadRequest("unknown timer action")

    def record() -> None:
        presentations.timing_record(course=course, slot_id=slot.pk, action=action)

    def show(*, done: str | None, error: str | None, status: int) -> HttpResponse:
        context = _timer_context(request, course, slot)
        return render(request, "courseapp/grading/timer.html#clocks", context, status=status)

    return answer(request, record, back=reverse("courseapp:timer", args=[course.slug, slot.pk]), show=show)
