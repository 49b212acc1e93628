"""Every course has its four rubrics: pages stopped making them on a first GET (issue #17, item 6)."""

from django.db import migrations


def rubrics_for_every_course(apps, schema_editor):
    from courseapp.marking import DEFAULT_RUBRICS  # plain data, no models

    Course = apps.get_model("courseapp", "Course")
    Rubric = apps.get_model("courseapp", "Rubric")
    Criterion = apps.get_model("courseapp", "Criterion")
    for course in Course.objects.all():
        have = set(Rubric.objects.filter(course=course).values_list("component", flat=True))
        for component, criteria in DEFAULT_RUBRICS.items():
            if component in have:
                continue
            rubric = Rubric.objects.create(course=course, component=component)
            Criterion.objects.bulk_create(
                Criterion(
                    rubric=rubric, position=n, name=name, description=text, max_points=top, levels=levels, timed=timed
                )
                for n, (name, text, top, levels, timed) in enumerate(criteria, 1)
            )


class Migration(migrations.Migration):
    dependencies = [("courseapp", "0015_email_confirmation")]

    operations = [migrations.RunPython(rubrics_for_every_course, migrations.RunPython.noop)]
