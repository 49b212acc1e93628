import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courseapp.management.courses import course_named
from courseapp.models import LinkCheckRun, LinkResult
from courseapp.services import ServiceError
from courseapp.services.links import link_check_run, link_check_start

Status = LinkResult.Status


class Command(BaseCommand):
    help = (
        "Check every link of a course's reading list. Without --wait the check is queued for a Celery worker "
        "(or runs here when no broker is configured); with --wait it runs in this process and lists the problems."
    )

    def add_arguments(self, parser):
        parser.add_argument("course", help="The course's short name (slug), e.g. cs496-fall-2024.")
        parser.add_argument("--wait", action="store_true", help="Run the check here and report what it found.")

    def handle(self, *args, course: str, wait: bool, **options):
        course_obj = course_named(course)
        try:
            run, new = link_check_start(course=course_obj, trigger=LinkCheckRun.Trigger.COMMAND, queue=not wait)
        except ServiceError as error:
            raise CommandError(error.message) from None
        if not wait:
            run.refresh_from_db()
            if run.finished_at:  # no broker: it ran in this process
                self._report(run)
            else:
                what = "Queued a link check" if new else "A link check is already going"
                self.stdout.write(
                    f"{what}: {run.total} links. Its progress: {course_obj.get_absolute_url()}readings/links/"
                )
            return
        if new:
            self.stdout.write(f"Checking {run.total} links...")
            link_check_run(run_id=run.pk)
        else:
            self.stdout.write("A link check is already going on a worker; waiting for it to finish...")
            limit = time.monotonic() + settings.CELERY_TASK_TIME_LIMIT
            while LinkCheckRun.objects.filter(pk=run.pk, finished_at__isnull=True).exists():
                if time.monotonic() > limit:
                    raise CommandError("The link check going on a worker did not finish in time.")
                time.sleep(1)
        run.refresh_from_db()
        self._report(run)

    def _report(self, run: LinkCheckRun) -> None:
        counts = ", ".join(
            f"{label}: {run.summary[status]}" for status, label in Status.choices if run.summary.get(status)
        )
        self.stdout.write(self.style.SUCCESS(f"Checked {run.total} links. {counts}"))
        for result in (
            run.results.exclude(status=Status.OK).select_related("reading").order_by("status", "reading__title")
        ):
            line = f"  [{result.get_status_display()}] {result.reading.title}: {result.url}"
            if result.new_url:
                line += f" -> {result.new_url}"
            self.stdout.write(line + (f" ({result.detail})" if result.detail else ""))
