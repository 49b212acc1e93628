"""300 students submit their review of the same paper at the same moment; count what is lost.

The app runs under gunicorn (4 processes x 8 threads) on PostgreSQL, in a throwaway database
(test_<name> of DATABASE_URL). Every student posts at once over HTTP; afterwards every
review must be in the database with the exact text that was sent, and each student must have
been told it was submitted. Without REDIS_URL the similarity check runs inside each request,
which is the worst case for latency.

    make bench
"""

import concurrent.futures
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchsetup import throwaway_database
from django.db import connection

from courseapp.models import Membership, Reading, Review, User
from courseapp.services.demo import demo_course_load
from tests.servers import database_url, gunicorn, post_as, session_cookie

STUDENTS = 300


def text_of(n: int) -> str:
    return f"Review number {n}. " + " ".join(f"thought{n}x{i}" for i in range(200))


def submit(url: str, session: str, n: int) -> tuple[int, float, bool]:
    start = time.perf_counter()
    try:
        status, answer = post_as(url, session, {"text": text_of(n), "attest": "yes"})
    except OSError:
        status, answer = 0, ""
    return status, time.perf_counter() - start, "Submitted at" in answer


def main() -> None:
    with throwaway_database():
        course = demo_course_load().course
        reading = Reading.objects.get(course=course, arxiv_id="1904.09751")
        users = User.objects.bulk_create(
            User(username=f"bench{n:03d}", email=f"bench{n:03d}@example.edu") for n in range(STUDENTS)
        )
        Membership.objects.bulk_create(Membership(course=course, user=u, status="active") for u in users)
        sessions = [session_cookie(user) for user in users]
        log = Path(tempfile.mkdtemp()) / "gunicorn.log"
        with gunicorn(database_url(), log) as base:
            target = f"{base}/courses/{course.slug}/readings/{reading.pk}/review/submit/"
            start = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(max_workers=STUDENTS) as pool:
                results = list(pool.map(lambda n: submit(target, sessions[n], n), range(STUDENTS)))
            wall = time.perf_counter() - start
        told = sum(1 for status, _, ok in results if status == 200 and ok)
        stored = {r.student.username: r.text for r in Review.objects.filter(reading=reading).select_related("student")}
        kept = sum(1 for n in range(STUDENTS) if stored.get(f"bench{n:03d}") == text_of(n))
        latencies = sorted(seconds for _, seconds, _ in results)
        statuses = {}
        for status, _, _ in results:
            statuses[status] = statuses.get(status, 0) + 1
        print(f"{STUDENTS} simultaneous submissions, gunicorn 4x8 on {connection.vendor}")
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
