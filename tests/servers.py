"""Start the app under gunicorn on a given database: for tests that race real requests, and for bench/."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_url: str, log_path: Path, *, workers: int = 4, threads: int = 8, env: dict | None = None):
    """Yield the base URL of the app served by gunicorn, as in production, until the block ends."""
    port = free_port()
    environment = os.environ | {"DJANGO_DEBUG": "true", "DATABASE_URL": database_url} | (env or {})
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [*command, "--workers", str(workers), "--threads", str(threads), "--backlog", "2048"],
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
