from pathlib import Path

from django.core.management.base import BaseCommand

from courseapp.management.courses import course_named
from courseapp.selectors import course_rubrics, gradebook_csv


class Command(BaseCommand):
    help = "Write a course's gradebook as CSV (e-mail, name, each component, total, letter) for an LMS import."

    def add_arguments(self, parser):
        parser.add_argument("course", help="The course's short name (slug), e.g. cs496-fall-2024.")
        parser.add_argument("--output", type=Path, help="The file to write; standard output without it.")

    def handle(self, *args, course: str, output: Path | None, **options):
        course_obj = course_named(course)
        text = gradebook_csv(course_obj, course_rubrics(course_obj))
        if output is None:
            self.stdout.write(text, ending="")
            return
        output.write_text(text, encoding="utf-8")
        self.stderr.write(f"Wrote {text.count(chr(10)) - 1} students to {output}.")
