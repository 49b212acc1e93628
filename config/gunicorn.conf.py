"""gunicorn's production settings (``gunicorn config.wsgi -c config/gunicorn.conf.py``), read from the
environment where a deployment wants other figures.

Sync workers, two per core: a request is a few milliseconds of Python and a few queries, so
more processes than cores only add switching; persistent database connections (CONN_MAX_AGE)
make each worker's first query its only connection cost.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
backlog = 2048
# The app is loaded (and its views imported, config/wsgi.py) once, before the workers fork: a worker
# starts in milliseconds and its first request is as fast as the rest. Without it, a restart during
# a deadline rush made the first few hundred requests wait for four processes to import Django, the
# app and SciPy (issue #15: most of the rush's p95).
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() == "true"
# The app's slowest request (a 2 MB reading-list import) stays well within this.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
