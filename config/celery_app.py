"""The Celery application: configured from Django settings (``CELERY_*``)."""

import os
import threading

from celery import Celery
from celery.contrib.django.task import DjangoTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class Task(DjangoTask):
    """Celery's Django task (``delay_on_commit``), and one more thing: a task that says
    ``background=True`` (a link check, a seat assignment: seconds to minutes) runs in a thread of
    this process when there is no broker (``make run``), instead of inside the request that queued
    it: the page answers at once and polls, as it does with a worker. Every other task without a
    broker runs eagerly, as Celery does.
    """

    background = False

    def apply_async(self, args=None, kwargs=None, **options):
        from django.conf import settings

        if self.background and self.app.conf.task_always_eager and settings.TASKS_IN_THREADS:
            threading.Thread(target=self._apply_here, args=(args, kwargs), name=self.name, daemon=True).start()
            return None
        return super().apply_async(args, kwargs, **options)

    def _apply_here(self, args, kwargs) -> None:
        from django.db import connections

        try:
            self.apply(args=args, kwargs=kwargs)
        finally:
            connections.close_all()  # the thread's own connections


app = Celery("courseapp", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
