from django.core.management.base import BaseCommand, CommandError

from courseapp.management.courses import course_named
from courseapp.models import QuizPick
from courseapp.selectors import course_students
from courseapp.services import ServiceError
from courseapp.services.quiz import quiz_draw


class Command(BaseCommand):
    help = (
        "Draw each student's final-quiz paper at random from the readings they reviewed. Drawing again changes "
        "nothing; the same seed on a fresh course draws the same papers."
    )

    def add_arguments(self, parser):
        parser.add_argument("course", help="The course's short name (slug), e.g. cs496-fall-2024.")
        parser.add_argument("--seed", type=int, help="Draw with this seed (a random one without it).")

    def handle(self, *args, course: str, seed: int | None, **options):
        course_obj = course_named(course)
        try:
            draw = quiz_draw(course_id=course_obj.pk, seed=seed)
        except ServiceError as error:
            raise CommandError(error.message) from None
        picked = set(
            QuizPick.objects.filter(course=course_obj, superseded_at__isnull=True).values_list("student_id", flat=True)
        )
        missing = [s.display_name for s in course_students(course_obj) if s.pk not in picked]
        self.stdout.write(self.style.SUCCESS(f"Drawn with seed {draw.seed}: {len(picked)} students have a paper."))
        if missing:
            self.stdout.write(self.style.WARNING(f"No review to draw from: {', '.join(missing)}."))
