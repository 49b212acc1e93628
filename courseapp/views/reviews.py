from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.text import slugify
from django.views.decorators.http import require_POST, require_safe

from .. import reviewing
from ..caching import drawn_from_any
from ..models import Reading, Review, SimilarityFlag
from ..permissions import Perm, course_view
from ..reviewing import Due
from ..selectors import class_page, course_students, review_progress, review_table
from ..selectors.exports import course_reviews_zip, reading_reviews_markdown
from ..services import ServiceError
from ..services.reviews import draft_save, review_due, review_submit

EDITOR = "courseapp/reviews/editor.html"
PROGRESS = "courseapp/reviews/progress.html"


def _editor_context(request, course, reading, review, *, due: Due | None = None, **extra) -> dict:
    """What the editor shows; ``due`` (the deadlines) only where the whole editor is drawn."""
    text = review.draft if review and review.draft else (review.text if review else "")
    # A review not started yet starts from the instructor's prompts.
    from_template = not text and bool(course.review_template) and (review is None or not review.draft_saved_at)
    if from_template:
        text = course.review_template
    return {
        "from_template": from_template,
        "course": course,
        "access": request.access,
        "reading": reading,
        "review": review,
        "text": text,
        "words": reviewing.word_count(text),
        "preview": reviewing.render_markdown(text),
        "due": due,
        "now": timezone.now(),
        **extra,
    }


@require_safe
@course_view(Perm.WRITE_REVIEWS)
def review_edit(request, course, reading_id: int):
    """Write a review: Markdown with a live preview, the word count and the deadline in view."""
    reading = get_object_or_404(course.readings, pk=reading_id)
    review = Review.objects.filter(reading=reading, student=request.user).first()
    due = review_due(reading, course, request.user)
    return render(request, EDITOR, _editor_context(request, course, reading, review, due=due))


@require_POST
@course_view(Perm.WRITE_REVIEWS)
def review_draft(request, course, reading_id: int):
    """Autosave: keep the draft, answer with the save state and, out of band, the preview."""
    reading = get_object_or_404(course.readings, pk=reading_id)
    text = request.POST.get("text", "")
    review: Review | None
    try:
        review = draft_save(reading=reading, student=request.user, text=text)
    except ServiceError as exc:
        review = Review.objects.filter(reading=reading, student=request.user).first()
        context = _editor_context(request, course, reading, review, save_error=exc.message)
        return HttpResponse(render_to_string(f"{EDITOR}#save_status", context, request), status=exc.status)
    context = _editor_context(request, course, reading, review, oob=True)
    html = render_to_string(f"{EDITOR}#save_status", context, request)
    html += render_to_string(f"{EDITOR}#preview", context, request)
    return HttpResponse(html)


@require_POST
@course_view(Perm.WRITE_REVIEWS)
def review_submit_view(request, course, reading_id: int):
    """Submit the review with the attestation; a refusal says why and keeps the text as the draft."""
    reading = get_object_or_404(course.readings, pk=reading_id)  # with its course, not queried again
    status, message, error = 200, None, None
    review: Review | None
    try:
        review = review_submit(
            reading=reading,
            student=request.user,
            text=request.POST.get("text", ""),
            attested=request.POST.get("attest") == "yes",
        )
    except ServiceError as exc:
        review = Review.objects.filter(reading=reading, student=request.user).first()
        status, error = exc.status, exc.message
        due = review_due(reading, course, request.user)
    else:
        message = f"Submitted {course.when(review.submitted_at)}" + (
            ", after the deadline: marked late." if review.is_late else "."
        )
        due = review.deadlines
    context = _editor_context(request, course, reading, review, due=due, submit_error=error, submit_done=message)
    template = f"{EDITOR}#editor" if request.htmx else EDITOR
    return render(request, template, context, status=status)


@require_safe
@course_view(Perm.WRITE_REVIEWS)
def my_reviews(request, course):
    """My progress against the reading rule: what counts and why, what is due next, my drafts."""
    context = {
        "course": course,
        "access": request.access,
        "fragment": drawn_from_any(per=request.user.pk),
        "progress": SimpleLazyObject(lambda: review_progress(course, request.user, now=timezone.now())),
        "student": request.user,
    }
    return render(request, PROGRESS, context)


@require_safe
@course_view(Perm.READ_REVIEWS, hide=True)
def student_reviews(request, course, user_id: int):
    """One student's reviews and progress, as they see them, with the texts."""
    student = get_object_or_404(course_students(course), pk=user_id)
    context = {
        "course": course,
        "access": request.access,
        "fragment": drawn_from_any(per=f"{student.pk}:staff"),
        "progress": SimpleLazyObject(lambda: review_progress(course, student, now=timezone.now())),
        "student": student,
        "staff_view": True,
    }
    return render(request, PROGRESS, context)


@require_safe
@course_view(Perm.READ_REVIEWS, hide=True)
def reading_reviews(request, course, reading_id: int):
    """Every submitted review of one reading, to prepare the discussion; close pairs are flagged."""
    reading = get_object_or_404(Reading, pk=reading_id, course=course)
    reviews = list(
        Review.objects.filter(reading=reading, submitted_at__isnull=False)
        .select_related("student")
        .order_by("submitted_at")
    )
    flags = SimilarityFlag.objects.filter(review__reading=reading).select_related("review__student", "other__student")
    for review in reviews:
        review.html = reviewing.render_markdown(review.text)
    return render(
        request,
        "courseapp/reviews/reading.html",
        {"course": course, "access": request.access, "reading": reading, "reviews": reviews, "flags": list(flags)},
    )


@require_safe
@course_view(Perm.READ_REVIEWS, hide=True)
def reviews_table(request, course):
    """Who has reviewed what: students by presented papers, with each student's count, a page at a time."""
    search = request.GET.get("q", "").strip()

    def table() -> dict:
        page = class_page(course, request.GET.get("page"), search=search)
        return {"page": page, "table": review_table(course, list(page.object_list))}

    context = {
        "course": course,
        "access": request.access,
        "fragment": drawn_from_any(per=request.GET.urlencode()),
        "data": SimpleLazyObject(table),
        "search": search,
    }
    return render(request, "courseapp/reviews/table.html", context)


@require_safe
@course_view(Perm.READ_REVIEWS, hide=True)
def reading_reviews_export(request, course, reading_id: int):
    """One paper's submitted reviews as one Markdown file."""
    reading = get_object_or_404(Reading, pk=reading_id, course=course)
    response = HttpResponse(reading_reviews_markdown(reading), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reviews-{slugify(reading.title)[:60]}.md"'
    return response


@require_safe
@course_view(Perm.READ_REVIEWS, hide=True)
def reviews_export(request, course):
    """Every submitted review of the course: a zip of Markdown files with a CSV index."""
    response = HttpResponse(course_reviews_zip(course), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{course.slug}-reviews.zip"'
    return response
