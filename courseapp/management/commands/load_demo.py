from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from courseapp.services.demo import demo_course_load


class Command(BaseCommand):
    help = (
        "Load the model course CS 496 with its reading list, calendar and demo accounts, placed so that today falls "
        "in its fifth week, with a term's activity so far (seats, reviews, graded presentations)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-published",
            action="store_true",
            help="Keep the course page's real Fall 2024 dates, without the activity.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Load even with DEBUG off (demo accounts have a known password)."
        )

    def handle(self, *args, force: bool, as_published: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production, and the demo accounts all have the password 'demo'. "
                "Use --force if you really want them here."
            )
        today = None if as_published else timezone.localdate()
        result = demo_course_load(today=today)
        course = result.course
        if result.created or result.updated:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {course.title} ({course.slug}): {result.created} rows created, {result.updated} updated."
                )
            )
        else:
            self.stdout.write(f"{course.title} ({course.slug}) is already loaded; nothing changed.")
        self.stdout.write(f"Accounts (password '{result.password}'):")
        self.stdout.write(f"  instructor: {result.instructor}")
        self.stdout.write(f"  students:   {result.students[0]} ... {result.students[-1]} ({len(result.students)})")
