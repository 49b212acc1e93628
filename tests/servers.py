"""Start the app under gunicorn on a given database: for tests that race real requests, and for bench/."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.db import connection
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


CSRF = "R" * 32  # a CSRF secret of our choosing, sent as cookie and header as a browser would


def database_url() -> str:
    """The URL of the database this process uses, for other processes (servers, workers)."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def browser_cookies(session: str) -> str:
    """What a browser sends after its first page: the session, and the CSRF cookie that page set."""
    return f"sessionid={session}; csrftoken={CSRF}"


def htmx_post_headers(session: str) -> dict[str, str]:
    """What htmx sends with a form it posts for the logged-in owner of ``session``."""
    return {
        "Cookie": browser_cookies(session),
        "X-CSRFToken": CSRF,
        "HX-Request": "true",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def post_as(url: str, session: str, data: dict, *, timeout: float = 120) -> tuple[int, str]:
    """POST a form over HTTP as the logged-in owner of ``session``, the way htmx does."""
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(data).encode(), method="POST", headers=htmx_post_headers(session)
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Production settings on plain HTTP at 127.0.0.1 (static files collected by ``collected_static``).
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    # The caller's own key when it has one: sessions it made then stay valid in the server.
    "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "bench-and-tests-only-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
    "DJANGO_SECURE_HSTS_SECONDS": "0",
}


def collected_static(static_root: Path, env: dict) -> dict:
    """Collect the static files for production settings into ``static_root``; the environment to use."""
    environment = os.environ | env | {"DJANGO_STATIC_ROOT": str(static_root)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=environment, cwd=ROOT, check=True
    )
    return env | {"DJANGO_STATIC_ROOT": str(static_root)}


@contextlib.contextmanager
def gunicorn(db_url: str, log_path: Path, *, workers: int | None = 4, threads: int | None = 8, env: dict | None = None):
    """Yield the base URL of the app served by gunicorn until the block ends: by default with DEBUG on and
    4 x 8 threads; ``workers=None, threads=None`` takes config/gunicorn.conf.py's production figures."""
    port = free_port()
    environment = os.environ | {"DJANGO_DEBUG": "true", "DATABASE_URL": db_url} | (env or {})
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--config", str(ROOT / "config" / "gunicorn.conf.py")]
    if workers is not None:
        command += ["--workers", str(workers), "--threads", str(threads or 1)]
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [*command, "--backlog", "2048"],
            env=environment,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError(f"gunicorn did not start: {log_path.read_text()}") from None
                    time.sleep(0.2)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=30)
