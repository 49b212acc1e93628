"""300 students submit their review of the same paper at the same moment; count what is lost.

The app runs in its production shape: gunicorn with config/gunicorn.conf.py and DEBUG off, on
PostgreSQL (a throwaway database, test_<name> of DATABASE_URL), with Redis (BENCH_REDIS_URL, by
default database 11 of the local server, emptied first) as the broker and a Celery worker
running the similarity checks beside it. Every student has the review editor open, as one must to
submit (it was loaded once, untimed: that is what puts a student's session and membership in the
cache, as a log-in through the app and its first page would), and posts at once over HTTP, the day
before the paper is due; afterwards every review must be in the database with the exact text that
was sent, and each student must have been told it was submitted on time.

Beside it, in the same run and the same server (benchsite.py's reference views), two rushes of 300
that show the floor on this machine: a hello-world POST, and a logged-in POST that writes one row in a
transaction (other students, their editor opened too). The bench also says how much
CPU each process took per submission (gunicorn, PostgreSQL, Redis, the Celery worker and this client,
read with psutil): on two cores, a p95 of 1 s for 300 leaves under 7 ms for each, in all processes.

    make bench
"""

import asyncio
import datetime
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from benchsetup import production_env, throwaway_database
from django.db import connection

from courseapp.models import Meeting, Membership, Reading, Review, User
from courseapp.services.demo import demo_course_load
from tests.servers import (
    ROOT,
    browser_cookies,
    database_url,
    gunicorn,
    htmx_post_headers,
    session_cookie,
)

STUDENTS = 300
# The editor's answer to a submission made on time: "Submitted Mon Oct 7, 3:04 PM." (a late one goes on
# ", after the deadline: marked late.").
SUBMITTED = re.compile(r"Submitted \w{3} \w{3} \d+, [^<]*?[AP]M\.")


def text_of(n: int) -> str:
    return f"Review number {n}. " + " ".join(f"thought{n}x{i}" for i in range(200))


async def rush(url: str, forms: list[tuple[str, dict]]) -> list[tuple[int, float, str]]:
    """Every (session, form) posts at once; each answer's status, seconds and text.

    One event loop, not a thread per student: 300 threads of urllib took a third of these two cores
    from the server they were measuring.
    """
    connector = aiohttp.TCPConnector(limit=0)  # as many connections as students, as 300 browsers would
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()) as http:

        async def post(session: str, form: dict) -> tuple[int, float, str]:
            start = time.perf_counter()
            try:
                async with http.post(url, data=form, headers=htmx_post_headers(session)) as response:
                    status, answer = response.status, await response.text()
            except (aiohttp.ClientError, TimeoutError):
                status, answer = 0, ""
            return status, time.perf_counter() - start, answer

        return await asyncio.gather(*(post(session, form) for session, form in forms))


async def open_editor(url: str, sessions: list[str]) -> None:
    """Each student loads the page, eight at a time, as a class would over the hour before the rush."""
    connector = aiohttp.TCPConnector(limit=8)
    async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as http:

        async def get(session: str) -> None:
            async with http.get(url, headers={"Cookie": browser_cookies(session)}) as response:
                assert response.status == 200, response.status

        await asyncio.gather(*(get(session) for session in sessions))


def percentiles(results: list[tuple[int, float, str]]) -> tuple[float, float]:
    """p50 and p95 of the answers' times, in ms."""
    latencies = sorted(seconds for _, seconds, _ in results)
    return statistics.median(latencies) * 1000, latencies[int(0.95 * len(latencies))] * 1000


def students(course, prefix: str) -> list[str]:
    """STUDENTS new students of ``course``, logged in: their session cookies."""
    users = User.objects.bulk_create(
        User(username=f"{prefix}{n:03d}", email=f"{prefix}{n:03d}@example.edu") for n in range(STUDENTS)
    )
    Membership.objects.bulk_create(Membership(course=course, user=u, status="active") for u in users)
    return [session_cookie(user) for user in users]


def celery_worker(env: dict) -> subprocess.Popen:
    """A Celery worker, started and answering (its start-up must not share the rush's CPU)."""
    command = [sys.executable, "-m", "celery", "-A", "config"]
    worker = subprocess.Popen(
        [*command, "worker", "--pool=solo", "--loglevel=WARNING"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while subprocess.run(
        [*command, "inspect", "ping", "--timeout=1"], env=env, cwd=ROOT, capture_output=True
    ).returncode:
        if time.monotonic() > deadline or worker.poll() is not None:
            raise RuntimeError("The Celery worker did not start.")
    return worker


def cpu_seconds(roles) -> dict[int, tuple[str, float]]:
    """Each process's CPU time so far (user and system), by pid, for the processes ``roles`` names."""
    seen = {}
    import psutil  # from bench/requirements.txt (make bench); the tests import this script without it

    for process in psutil.process_iter(["name", "cmdline", "cpu_times"]):
        role = roles(process)
        if role:
            times = process.info["cpu_times"]
            seen[process.pid] = (role, times.user + times.system)
    return seen


def cpu_used(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> dict[str, float]:
    """CPU seconds by role between two readings (a process started in between counts whole)."""
    used: dict[str, float] = {}
    for pid, (role, seconds) in after.items():
        used[role] = used.get(role, 0.0) + seconds - before.get(pid, (role, 0.0))[1]
    return used


def main() -> None:
    with throwaway_database():
        course = demo_course_load().course
        reading = Reading.objects.get(course=course, arxiv_id="1904.09751")
        # A rush comes just before a deadline: the class that discusses the paper meets tomorrow (the
        # demo's term is long over, which would make every submission late).
        tomorrow = datetime.date.today() + datetime.timedelta(days=1)
        Meeting.objects.filter(slots__reading=reading).update(date=tomorrow)
        submitting, writing = students(course, "bench"), students(course, "floor")
        work = Path(tempfile.mkdtemp())
        env = production_env(work)
        worker = celery_worker(os.environ | env | {"DATABASE_URL": database_url()})
        with gunicorn(database_url(), work / "gunicorn.log", workers=None, threads=None, env=env) as base:

            def roles(process) -> str | None:  # a psutil.Process
                if process.pid == os.getpid():
                    return "this client"
                if process.pid == worker.pid:
                    return "Celery worker"
                if process.info["name"] in ("postgres", "redis-server"):
                    return {"postgres": "PostgreSQL", "redis-server": "Redis"}[process.info["name"]]
                return "gunicorn" if base.removeprefix("http://") in " ".join(process.info["cmdline"] or ()) else None

            editor = f"{base}/courses/{course.slug}/readings/{reading.pk}/review/"
            asyncio.run(open_editor(editor, submitting + writing))
            floors = {
                name: asyncio.run(rush(f"{base}/bench/{path}/", [(session, {}) for session in writing]))
                for name, path in (("hello-world POST", "hello"), ("signed-in one-row write", "signed-in-write"))
            }
            target = f"{editor}submit/"
            forms = [(session, {"text": text_of(n), "attest": "yes"}) for n, session in enumerate(submitting)]
            before = cpu_seconds(roles)
            results = asyncio.run(rush(target, forms))
            cpu = cpu_used(before, cpu_seconds(roles))
        worker.terminate()
        worker.wait(timeout=30)
        told = sum(1 for status, _, answer in results if status == 200 and SUBMITTED.search(answer))
        stored = {r.student.username: r.text for r in Review.objects.filter(reading=reading).select_related("student")}
        kept = sum(1 for n in range(STUDENTS) if stored.get(f"bench{n:03d}") == text_of(n))
        statuses: dict[int, int] = {}
        for status, _, _ in results:
            statuses[status] = statuses.get(status, 0) + 1
        print(f"{STUDENTS} simultaneous POSTs, production gunicorn on {connection.vendor}, {os.cpu_count()} cores")
        print(f"  {'':24} {'p50':>7} {'p95':>9}  answered 200")
        for name, answers in {**floors, "review submission": results}.items():
            p50, p95 = percentiles(answers)
            print(f"  {name:24} {p50:5.0f} ms {p95:6.0f} ms  {sum(1 for status, _, _ in answers if status == 200)}")
        p95 = percentiles(results)[1]
        hello, write = (percentiles(answers)[1] for answers in floors.values())
        verdict = "met" if p95 < 1000 else "NOT met"
        print(f"  the submission's p95: {p95 / hello:.1f}x the hello-world POST's, {p95 / write:.1f}x the signed-in")
        print(f"  write's (target: under 1,000 ms: {verdict})")
        print(f"  HTTP statuses {dict(sorted(statuses.items()))}; told 'submitted' on time {told}")
        print(f"  stored exactly {kept}; lost {STUDENTS - kept}")
        by_process = ", ".join(f"{role} {seconds / STUDENTS * 1000:.1f} ms" for role, seconds in sorted(cpu.items()))
        print(f"  CPU per submission: {by_process}; {sum(cpu.values()) / STUDENTS * 1000:.1f} ms in all")
        if kept != STUDENTS or told != STUDENTS:
            sys.exit(1)


if __name__ == "__main__":
    main()
