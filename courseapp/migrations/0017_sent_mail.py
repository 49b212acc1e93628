"""Every e-mail that goes once is recorded the same way (issue #17, items 4 and 8): SentReminder is
SentMail, and the welcome of a pasted roster is one more kind of it instead of a timestamp on the
membership (its name had been "invitation", which is a partner's held seat)."""

from django.conf import settings
from django.db import migrations, models


def welcomes_recorded(apps, schema_editor):
    Membership = apps.get_model("courseapp", "Membership")
    SentMail = apps.get_model("courseapp", "SentMail")
    SentMail.objects.bulk_create(
        [
            SentMail(
                course_id=m.course_id,
                user_id=m.user_id,
                kind="welcome",
                key=str(m.pk),
                subject="You have been added to the course",
                sent_at=m.invitation_sent_at,
            )
            for m in Membership.objects.filter(invitation_sent_at__isnull=False)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("courseapp", "0016_rubrics_from_creation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="sentreminder", name="reminder_sent_once"),
        migrations.RenameModel("SentReminder", "SentMail"),
        migrations.AlterField(
            model_name="sentmail",
            name="kind",
            field=models.CharField(
                choices=[
                    ("reviews_due", "Reviews due at tomorrow's meeting"),
                    ("one_on_one", "Book the 1-on-1"),
                    ("initial_slides", "Initial slides due"),
                    ("final_slides", "Final slides due"),
                    ("commentary", "Commenting tomorrow"),
                    ("signup", "Sign-up confirmation"),
                    ("notice", "A change to one's seats"),
                    ("join_request", "A request to join (to instructors)"),
                    ("admission", "Admitted or declined"),
                    ("welcome", "Added to the course from a roster"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="sentmail",
            name="course",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE, related_name="sent_mail", to="courseapp.course"
            ),
        ),
        migrations.AlterField(
            model_name="sentmail",
            name="user",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE, related_name="sent_mail", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddConstraint(
            model_name="sentmail",
            constraint=models.UniqueConstraint(fields=("course", "user", "kind", "key"), name="mail_sent_once"),
        ),
        migrations.RunPython(welcomes_recorded, migrations.RunPython.noop),
        migrations.RemoveField(model_name="membership", name="invitation_sent_at"),
    ]
