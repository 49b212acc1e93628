"""Django set up for the benchmarks, and a throwaway database to run them in.

Import it first: it puts the project on the path and calls django.setup().
"""

import contextlib
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
# The log-ins a benchmark makes for its students are not news (django-axes logs each one at INFO).
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
# One key for this process and any server a benchmark starts, so that the sessions made here log in there.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

import django

django.setup()

from django.db import connection
from django.test.utils import CaptureQueriesContext, setup_test_environment

from tests.servers import PRODUCTION, collected_static

# The Redis of the production shape the benchmarks serve (cache, sessions, broker), emptied for each.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")


def empty_redis() -> None:
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True)


def production_env(work: Path) -> dict:
    """The environment to serve the app in with gunicorn as in production, with benchsite.py's reference
    views: static files collected into ``work``, Redis at REDIS_URL (emptied), no access log."""
    empty_redis()
    bench = {"DJANGO_SETTINGS_MODULE": "benchsite", "REDIS_URL": REDIS_URL, "PYTHONPATH": str(Path(__file__).parent)}
    return collected_static(work / "static", PRODUCTION | bench | {"GUNICORN_ACCESS_LOG": ""})


@contextlib.contextmanager
def throwaway_database():
    """The test_<name> database of DATABASE_URL, made for this run and dropped after it."""
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def measure_page(client, url: str, *, runs: int):
    """The median server time of ``runs`` GETs in ms, the queries of one more, and its response."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return statistics.median(timings) * 1000, len(queries), response
