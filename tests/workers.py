"""A real Celery worker on Redis for tests, sharing the test's PostgreSQL database."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

from config.celery_app import app as celery_app

from .servers import database_url

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


def wait_for(predicate, *, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def use_broker(**conf):
    celery_app.conf.update(conf)
    # Earlier tests may have made the app cache connections to the in-memory broker; drop
    # them, as Celery itself does after a fork.
    celery_app._after_fork()


@contextlib.contextmanager
def celery_worker(directory: Path, *, env: dict | None = None):
    """A `celery worker` process on TEST_REDIS_URL, sharing this test's PostgreSQL database."""
    mail_dir = directory / "mail"
    mail_dir.mkdir(exist_ok=True)
    name = f"test-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    environment = (
        os.environ
        | {
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": database_url(),
            "REDIS_URL": REDIS_URL,
            "EMAIL_URL": "filemail://",
            "EMAIL_FILE_PATH": str(mail_dir),
        }
        | (env or {})
    )
    log_path = directory / f"worker-{name.split('@')[0]}.log"
    log = open(log_path, "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-n", name, "--loglevel=INFO"],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        wait_for(lambda: celery_app.control.ping([name], timeout=0.5), what="the worker to answer a ping")
        yield SimpleNamespace(mail_dir=mail_dir, log=log_path, process=process)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
        log.close()
