"""The e-mail to a student added from a roster is a welcome, not an invitation (an Invitation is a
partner's held seat): the field says so (issue #17, item 8)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("courseapp", "0016_rubrics_from_creation")]

    operations = [migrations.RenameField("membership", "invitation_sent_at", "welcome_sent_at")]
