from django.core.management.base import BaseCommand, CommandError

from courseapp.management.courses import course_named
from courseapp.models import AssignmentRun
from courseapp.services import ServiceError
from courseapp.services.preferences import assignment_publish, assignment_run, assignment_start, published_said


class Command(BaseCommand):
    help = (
        "Assign presentation and commentary seats from the students' rankings (the course must rank papers, and "
        "its rankings must be closed). Prints how the run compares with a lottery and with first come; "
        "--publish makes the seats the course's and tells each student."
    )

    def add_arguments(self, parser):
        parser.add_argument("course", help="The course's short name (slug), e.g. cs496-fall-2024.")
        parser.add_argument("--seed", type=int, help="Break ties with this seed (a random one without it).")
        parser.add_argument("--publish", action="store_true", help="Publish the seats once they are assigned.")

    def handle(self, *args, course: str, seed: int | None, publish: bool, **options):
        course_obj = course_named(course)
        try:
            run, new = assignment_start(course=course_obj, by=None, seed=seed, queue=False)
        except ServiceError as error:
            raise CommandError(error.message) from None
        if not new:
            raise CommandError(f"A run (seed {run.seed}) is going already; wait for it, then look at the preview.")
        run = assignment_run(run_id=run.pk)
        if run.status == AssignmentRun.Status.FAILED:
            raise CommandError("No assignment meets every rule:\n" + "\n".join(f"- {p}" for p in run.problems))
        self.stdout.write(f"Assigned with seed {run.seed}.")
        for name, label in (("optimal", "This run"), ("lottery", "Lottery"), ("first_come", "First come")):
            present, comment = run.summary[name]["present"], run.summary[name]["comment"]
            self.stdout.write(
                f"{label:>10}: presentations {present['first']} first choices, mean rank {present['mean']}, "
                f"worst {present['worst']}; commentaries {comment['first']} first choices, mean rank "
                f"{comment['mean']}, worst {comment['worst']}; not placed {present['unplaced'] + comment['unplaced']}"
            )
        if publish:
            try:
                seats = assignment_publish(course=course_obj, run_id=run.pk, by=None)
            except ServiceError as error:
                raise CommandError(error.message) from None
            self.stdout.write(self.style.SUCCESS(published_said(seats)))
        else:
            self.stdout.write("Not published: review it on the seat assignment page, or run again with --publish.")
