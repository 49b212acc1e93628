from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Let a user start courses when COURSE_CREATORS is 'granted' (or take that away with --revoke)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The user's e-mail address (their login name).")
        parser.add_argument("--revoke", action="store_true", help="Take the permission away instead.")

    def handle(self, *args, email: str, revoke: bool, **options):
        users = get_user_model().objects.filter(email__iexact=email)
        if not users.exists():
            raise CommandError(f"No account has the e-mail address {email}.")
        users.update(can_create_courses=not revoke)
        verb = "may no longer" if revoke else "may now"
        self.stdout.write(self.style.SUCCESS(f"{email} {verb} start courses."))
