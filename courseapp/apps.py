from django.apps import AppConfig


class CourseappConfig(AppConfig):
    name = "courseapp"
    verbose_name = "Course app"

    def ready(self):
        # Register the Celery tasks in every process, the web's included: services queue them by name
        # (services/queue.py), and only a worker would otherwise import the module.
        from . import tasks  # noqa: F401
