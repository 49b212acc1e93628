from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courseapp.management.courses import course_named
from courseapp.models import ReadingImport
from courseapp.readinglists import formats
from courseapp.services import ServiceError
from courseapp.services import readings as service


class Command(BaseCommand):
    help = (
        "Import a reading list (Markdown, plain text, BibTeX, RIS or CSL-JSON) into a course: readings matched "
        "by arXiv id, "
        "DOI, link or title are updated in place, never duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument("course", help="The course's short name (slug), e.g. cs496-fall-2024.")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format",
            choices=[formats.MARKDOWN, formats.TEXT, *formats.ONE_SECTION],
            default="",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Remove readings the file no longer lists (never scheduled or reviewed ones).",
        )
        parser.add_argument("--section", default="", help="The section BibTeX, RIS or CSL-JSON entries go into.")
        parser.add_argument(
            "--sections-by-keyword",
            action="store_true",
            help="File BibTeX, RIS or CSL-JSON entries under their keywords (BibTeX: groups, else keywords).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; change nothing.")
        parser.add_argument(
            "--take-file-versions",
            action="store_true",
            help="Give scheduled, reviewed and hand-edited readings the file's title, link and fields too.",
        )

    def handle(self, *args, course: str, file: Path, format: str, replace: bool, section: str, dry_run: bool,
               take_file_versions: bool, sections_by_keyword: bool, **options):  # fmt: skip
        take = service.TAKE_ALL if take_file_versions else ()
        course_obj = course_named(course)
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        mode = ReadingImport.Mode.REPLACE if replace else ReadingImport.Mode.MERGE
        limit = settings.READING_LIST_MAX_BYTES
        try:
            if dry_run:
                _, _, parsed = service.import_read(
                    data=data, filename=file.name, format=format, section_title=section,
                    by_keywords=sections_by_keyword, limit=limit,
                )  # fmt: skip
                plan = service.import_plan(course=course_obj, parsed=parsed, mode=mode, take=take)
            else:
                pending = service.reading_import_create(
                    course=course_obj, by=None, data=data, filename=file.name, format=format, mode=mode,
                    section_title=section, by_keywords=sections_by_keyword, limit=limit,
                )  # fmt: skip
                plan = service.reading_import_apply(reading_import_id=pending.pk, course=course_obj, take=take)
        except ServiceError as error:
            raise CommandError(error.message) from None
        for warning in plan.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        if plan.skipped:
            self.stderr.write(f"skipped: {', '.join(plan.skipped)}")
        for planned in plan.created:
            self.stdout.write(f"  + {planned.parsed.title}")
        for planned in plan.updated:
            changes = ", ".join(f"{field}: {old!r} → {new!r}" for field, (old, new) in planned.changes.items())
            self.stdout.write(f"  ~ {planned.title} ({changes})")
        for planned in plan.held:
            held = ", ".join(f"{field}: file says {new!r}" for field, (_, new) in planned.held.items())
            self.stdout.write(f"  ! {planned.title} kept, as {planned.held_because} ({held})")
        for reading in plan.removed:
            self.stdout.write(f"  - {reading.title}")
        for reading, reason in plan.kept:
            self.stdout.write(f"  = {reading.title} (kept: {reason})")
        counts = plan.summary()
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} into {course_obj.slug}: {counts['created']} new, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged, {counts['removed']} removed, {counts['kept']} kept; "
                f"{counts['sections_created']} new sections."
            )
        )
