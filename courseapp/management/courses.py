"""What the management commands share: the course named on the command line."""

from django.core.management.base import CommandError

from courseapp.models import Course


def course_named(slug: str) -> Course:
    """The course with this short name, or a CommandError that says there is none."""
    course = Course.objects.filter(slug=slug).first()
    if course is None:
        raise CommandError(f"There is no course {slug!r}.")
    return course
