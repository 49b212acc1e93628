"""300 students submit their review of the same paper at the same moment; count what is lost.

The app runs in its production shape: gunicorn with config/gunicorn.conf.py and DEBUG off, on
PostgreSQL (a throwaway database, test_<name> of DATABASE_URL), with Redis (BENCH_REDIS_URL, by
default database 11 of the local server, emptied first) as the broker and a Celery worker
running the similarity checks beside it. Every student posts at once over HTTP; afterwards every
review must be in the database with the exact text that was sent, and each student must have
been told it was submitted.

    make bench
"""

import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from benchsetup import throwaway_database
from django.db import connection

from courseapp.models import Membership, Reading, Review, User
from courseapp.services.demo import demo_course_load
from tests.servers import PRODUCTION, ROOT, collected_static, database_url, gunicorn, htmx_post_headers, session_cookie

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")

STUDENTS = 300
# The editor's answer to a submission: "Submitted Mon Oct 7, 3:04 PM."
SUBMITTED = re.compile(r"Submitted \w{3} \w{3} \d+")


def text_of(n: int) -> str:
    return f"Review number {n}. " + " ".join(f"thought{n}x{i}" for i in range(200))


async def rush(url: str, sessions: list[str]) -> list[tuple[int, float, bool]]:
    """Every student posts at once; each answer's status, seconds, and whether it said "Submitted".

    One event loop, not a thread per student: 300 threads of urllib took a third of these two cores
    from the server they were measuring.
    """
    connector = aiohttp.TCPConnector(limit=0)  # as many connections as students, as 300 browsers would
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()) as http:

        async def submit(n: int) -> tuple[int, float, bool]:
            start = time.perf_counter()
            try:
                form = {"text": text_of(n), "attest": "yes"}
                async with http.post(url, data=form, headers=htmx_post_headers(sessions[n])) as response:
                    status, answer = response.status, await response.text()
            except (aiohttp.ClientError, TimeoutError):
                status, answer = 0, ""
            return status, time.perf_counter() - start, SUBMITTED.search(answer) is not None

        return await asyncio.gather(*(submit(n) for n in range(len(sessions))))


def main() -> None:
    with throwaway_database():
        course = demo_course_load().course
        reading = Reading.objects.get(course=course, arxiv_id="1904.09751")
        users = User.objects.bulk_create(
            User(username=f"bench{n:03d}", email=f"bench{n:03d}@example.edu") for n in range(STUDENTS)
        )
        Membership.objects.bulk_create(Membership(course=course, user=u, status="active") for u in users)
        sessions = [session_cookie(user) for user in users]
        work = Path(tempfile.mkdtemp())
        env = collected_static(work / "static", PRODUCTION | {"REDIS_URL": REDIS_URL, "GUNICORN_ACCESS_LOG": ""})
        subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True)
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING"],
            env=os.environ | env | {"DATABASE_URL": database_url(), "DJANGO_DEBUG": "false"},
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        with gunicorn(database_url(), work / "gunicorn.log", workers=None, threads=None, env=env) as base:
            target = f"{base}/courses/{course.slug}/readings/{reading.pk}/review/submit/"
            start = time.perf_counter()
            results = asyncio.run(rush(target, sessions))
            wall = time.perf_counter() - start
        worker.terminate()
        worker.wait(timeout=30)
        told = sum(1 for status, _, ok in results if status == 200 and ok)
        stored = {r.student.username: r.text for r in Review.objects.filter(reading=reading).select_related("student")}
        kept = sum(1 for n in range(STUDENTS) if stored.get(f"bench{n:03d}") == text_of(n))
        latencies = sorted(seconds for _, seconds, _ in results)
        statuses = {}
        for status, _, _ in results:
            statuses[status] = statuses.get(status, 0) + 1
        print(f"{STUDENTS} simultaneous submissions, production gunicorn on {connection.vendor}, Celery on Redis")
        print(f"  wall time          {wall:.2f} s")
        p50, p95 = statistics.median(latencies), latencies[int(0.95 * len(latencies))]
        print(f"  latency p50 / p95  {p50 * 1000:.0f} / {p95 * 1000:.0f} ms")
        print(f"  HTTP statuses      {dict(sorted(statuses.items()))}")
        print(f"  told 'submitted'   {told}")
        print(f"  stored exactly     {kept}")
        print(f"  lost               {STUDENTS - kept}")
        if kept != STUDENTS or told != STUDENTS:
            sys.exit(1)


if __name__ == "__main__":
    main()
