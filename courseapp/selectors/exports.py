"""Every submitted review, exported for staff: one paper's as Markdown, the course's as a zip."""

import csv
import io
import zipfile

from django.utils import timezone
from django.utils.text import slugify

from ..models import Course, Reading, Review


def _submitted(**filters):
    return (
        Review.objects.filter(submitted_at__isnull=False, **filters)
        .select_related("student", "reading")
        .order_by("reading__title", "student__last_name", "student__first_name", "pk")
    )


def _heading(review: Review, course: Course) -> str:
    when = timezone.localtime(review.submitted_at, course.tzinfo).strftime("%Y-%m-%d %H:%M")
    late = " (late)" if review.is_late else ""
    return f"{review.student.display_name}, submitted {when}{late}, {review.word_count} words"


def reading_reviews_markdown(reading: Reading) -> str:
    """One paper's reviews in one Markdown file, to prepare the discussion."""
    parts = [f"# Reviews of “{reading.title}”\n"]
    for review in _submitted(reading=reading):
        parts.append(f"## {_heading(review, reading.course)}\n\n{review.text.strip()}\n")
    if len(parts) == 1:
        parts.append("No review has been submitted yet.\n")
    return "\n".join(parts)


def course_reviews_zip(course: Course) -> bytes:
    """A zip of every submitted review as a Markdown file, a folder per reading, and index.csv."""
    buffer = io.BytesIO()
    index = io.StringIO()
    rows = csv.writer(index)
    rows.writerow(["reading", "student", "email", "submitted_at", "late", "words", "file"])
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        used: set[str] = set()
        for review in _submitted(reading__course=course):
            folder = slugify(review.reading.title)[:60] or f"reading-{review.reading_id}"
            name = f"{folder}/{slugify(review.student.display_name) or review.student.username}.md"
            if name in used:  # two readings or students that slugify alike
                name = name.removesuffix(".md") + f"-{review.pk}.md"
            used.add(name)
            archive.writestr(
                name, f"# {review.reading.title}\n\n_{_heading(review, course)}_\n\n{review.text.strip()}\n"
            )
            rows.writerow([
                review.reading.title, review.student.display_name, review.student.email,
                review.submitted_at.isoformat(), "yes" if review.is_late else "no", review.word_count, name,
            ])  # fmt: skip
        archive.writestr("index.csv", index.getvalue())
    return buffer.getvalue()
