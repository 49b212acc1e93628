"""How services queue background work: by the task's name, once the change that asks for it commits.

The tasks module imports the services it calls, so services name their tasks rather than import them:
no import cycle, and no task runs for a change that was rolled back. Views and commands never queue:
they call a service that does.
"""

from django.db import transaction

from config.celery_app import app  # not celery.current_app: in a thread of gunicorn that is a bare default app


def later(task: str, *args, **kwargs) -> None:
    """Run ``courseapp.tasks.<task>(*args, **kwargs)`` on a worker once this transaction commits.

    The name is looked up now, so a misspelt one fails inside the transaction that asked for it.
    """
    queued = _task(task)
    transaction.on_commit(lambda: queued.delay(*args, **kwargs))


def queue_after(seconds: int, task: str, *args) -> None:
    """Queue the task now, to start ``seconds`` from now (without a broker it runs at once): for work
    asked from an ``on_commit`` callback, after the commit."""
    _task(task).apply_async(args, countdown=seconds)


def _task(name: str):
    """The registered task ``courseapp.tasks.<name>`` (a KeyError for a name there is none of)."""
    return app.tasks[f"courseapp.tasks.{name}"]
