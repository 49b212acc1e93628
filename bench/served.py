"""Pages over HTTP under production settings, side by side with a hello-world and a one-query view.

In a throwaway database (test_<name> of DATABASE_URL) the demo course is served by gunicorn with
config/gunicorn.conf.py's production figures, DEBUG off and Redis (BENCH_REDIS_URL, database 11);
benchsite.py adds the two reference views. wrk, logged in where the page needs it, runs each page for
a few seconds with 8 connections, three times; the table shows the median p50 and requests per
second, each page's p50 as a multiple of the one-query view's, and, once the class has grown to 300
students with 20 graded reviews each, as a multiple of its own figure at 24 students. The machine
is shared: read the ratios.

    make bench          (wrk comes from Debian's package; the Makefile installs it)
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from benchsetup import empty_redis, production_env, throwaway_database
from gradebook import grade_everything
from pages import grow_class

from courseapp.models import Reading, Review, Score, User
from courseapp.services.demo import demo_course_load
from tests.servers import browser_cookies, database_url, gunicorn, session_cookie

# BENCH_SECONDS, BENCH_RUNS and BENCH_PAGES (names, comma-separated) make a quicker run while profiling.
SECONDS, RUNS = int(os.environ.get("BENCH_SECONDS", 4)), int(os.environ.get("BENCH_RUNS", 3))
CONNECTIONS = 8
TARGETS = {"hello-world vs one-query": 3.0, "page vs one-query": 10.0, "300 vs 24 students": 1.3}


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wrk(url: str, session: str | None) -> tuple[float, float]:
    """The p50 latency in ms and the requests per second of one wrk run."""
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "30s", "--latency", url]
    if session:
        command[1:1] = ["-H", f"Cookie: {browser_cookies(session)}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in out:
        raise SystemExit(f"{url} answered errors:\n{out}")
    value, unit = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\b", out, re.M).groups()
    p50 = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    return p50, float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def measure(url: str, session: str | None) -> tuple[float, float]:
    request = urllib.request.Request(url, headers={"Cookie": browser_cookies(session)} if session else {})
    with urllib.request.build_opener(NoRedirects).open(request) as response:  # the page itself, not a login
        assert response.status == 200, (url, response.status)
    runs = [wrk(url, session) for _ in range(RUNS)]
    return statistics.median(p for p, _ in runs), statistics.median(r for _, r in runs)


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: `make bench` installs Debian's wrk package.")
    with throwaway_database():
        course = demo_course_load().course
        instructor = session_cookie(User.objects.get(username="instructor"))
        student_user = User.objects.filter(memberships__course=course, memberships__role="student").first()
        student = session_cookie(student_user)
        reading = Reading.objects.filter(course=course, slots__kind="paper").first()
        base_path = f"/courses/{course.slug}"
        pages = {
            "hello-world Django view": ("/bench/hello/", None),
            "one ORM lookup": ("/bench/one-query/", None),
            "course home": (f"{base_path}/", instructor),
            "schedule": (f"{base_path}/schedule/", instructor),
            "schedule editor": (f"{base_path}/schedule/edit/", instructor),
            "reading list": (f"{base_path}/readings/", student),
            "my reviews": (f"{base_path}/reviews/mine/", student),
            "review editor": (f"{base_path}/readings/{reading.pk}/review/", student),
            "gradebook": (f"{base_path}/grades/", instructor),
            "reviews table": (f"{base_path}/reviews/", instructor),
        }
        only = [name for name in os.environ.get("BENCH_PAGES", "").split(",") if name]
        pages = {name: page for name, page in pages.items() if not only or name in only or "Django" in name
                 or "ORM" in name}  # fmt: skip
        work = Path(tempfile.mkdtemp())
        env = production_env(work)
        results: dict[int, dict[str, tuple[float, float]]] = {}
        with gunicorn(database_url(), work / "gunicorn.log", workers=None, threads=None, env=env) as base:
            for n_students in (24, 300):
                if n_students != 24:
                    grow_class(course, n_students)
                    Review.objects.filter(reading__course=course).delete()
                    Score.objects.all().delete()
                    grade_everything(
                        course, list(User.objects.filter(memberships__course=course, memberships__role="student"))
                    )
                    # This process wrote with a cache of its own (no REDIS_URL), so the servers' cached pages
                    # never heard of it: empty their cache, as `manage.py invalidate_cachalot` would.
                    empty_redis()
                results[n_students] = {name: measure(base + path, session) for name, (path, session) in pages.items()}
        report(results)


def report(results) -> None:
    small, large = results[24], results[300]
    hello, one = small["hello-world Django view"][0], small["one ORM lookup"][0]
    print(f"gunicorn (config/gunicorn.conf.py, DEBUG off) on PostgreSQL; wrk -c{CONNECTIONS}, {SECONDS} s, "
          f"median of {RUNS}")  # fmt: skip
    header = f"{'page':<26}{'p50 ms':>8}{'req/s':>8}{'x 1-query':>10}{'| 300: p50':>11}{'req/s':>8}{'x own 24':>9}"
    print(header)
    worst = {"page vs one-query": 0.0, "300 vs 24 students": 0.0}
    for name in small:
        (p50, rps), (p50_large, rps_large) = small[name], large[name]
        vs_one, vs_own = p50 / one, p50_large / p50
        if name not in ("hello-world Django view", "one ORM lookup"):
            worst["page vs one-query"] = max(worst["page vs one-query"], vs_one)
            worst["300 vs 24 students"] = max(worst["300 vs 24 students"], vs_own)
        print(f"{name:<26}{p50:>8.1f}{rps:>8.0f}{vs_one:>9.1f}x{p50_large:>11.1f}{rps_large:>8.0f}{vs_own:>8.2f}x")
    print(f"\n{'ratio':<28}{'measured':>10}{'target':>9}")
    for name, value in {"hello-world vs one-query": one / hello, **worst}.items():
        verdict = "ok" if value <= TARGETS[name] else "OVER"
        print(f"{name:<28}{value:>9.1f}x{TARGETS[name]:>8.1f}x  {verdict}")


if __name__ == "__main__":
    main()
