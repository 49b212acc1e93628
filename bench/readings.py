"""Importing and searching a 2,000-reading list: server time and query counts.

Builds a Markdown list of 2,000 readings in 40 sections of 50 (arXiv papers, blog posts, videos
and unlinked titles, some with venue and year), then times, in a throwaway database
(test_<name> of DATABASE_URL):

- parsing it, and planning the import (what the preview page shows);
- importing it (one transaction), and importing it again (everything matched, nothing changes);
- the reading list page as a student: whole, searched for one word, and filtered by kind and
  section, through Django's test client (middleware, views and templates; no network);
- parsing, planning and importing a 3,000-reading list kept as Markdown tables and one kept as
  bold-title paragraphs, with the peak memory of each (tracemalloc).

    make bench
"""

import random
import statistics
import time
import tracemalloc

from benchsetup import measure_page, throwaway_database
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from courseapp.models import Course, Listing, Membership, Reading, User
from courseapp.readinglists import formats
from courseapp.services import readings as service

SECTIONS, PER_SECTION, RUNS = 40, 50, 15
WORDS = [
    "attention",
    "diffusion",
    "transformer",
    "sampling",
    "latent",
    "score",
    "adversarial",
    "variational",
    "memory",
    "token",
    "audio",
    "image",
]


def big_list(seed: int = 7) -> str:
    rng = random.Random(seed)
    lines = ["# A very long reading list", ""]
    n = 0
    for s in range(SECTIONS):
        lines += [f"## Section {s}: {rng.choice(WORDS).title()}", ""]
        for _ in range(PER_SECTION):
            n += 1
            title = " ".join(rng.choice(WORDS) for _ in range(5)).capitalize() + f" {n}"
            link = rng.choice(
                [
                    f"https://arxiv.org/abs/{2000 + n // 1000}.{n % 1000:05d}",
                    f"https://example-blog.github.io/posts/{n}",
                    f"https://www.youtube.com/watch?v=v{n}",
                    "",
                ]
            )
            venue = rng.choice(["", "", f" (NeurIPS {2015 + n % 10})", f" (ICML {2015 + n % 10})"])
            item = f"- [{title}{venue}]({link})" if link else f"- {title}{venue}"
            lines.append(f"{item} - why read number {n}")
        lines += ["", "You should be able to answer these questions:", "", f"- Question about section {s}?", ""]
    return "\n".join(lines)


def table_list(readings: int = 3000, per_table: int = 100) -> str:
    """An awesome list kept as tables: | Title | Venue | Date | Code |, authors under the title, star badges."""
    lines = ["# Awesome big table list [![Awesome](https://awesome.re/badge.svg)](https://awesome.re)", ""]
    for n in range(readings):
        if n % per_table == 0:
            lines += ["", f"## Topic {n // per_table}", "", "| Title | Venue | Date | Code |", "|---|:-:|:-:|:-:|"]
        lines.append(
            f"| [A study of method {n} for large models](https://arxiv.org/abs/{2100 + n // 10000}.{n:05d}) <br>"
            f" *A. Author, B. Author* | NeurIPS | {2015 + n % 10} |"
            f" [![Star](https://img.shields.io/github/stars/x/m{n}.svg)](https://github.com/x/m{n}) |"
        )
    return "\n".join(lines) + "\n"


def bold_list(readings: int = 3000, per_section: int = 100) -> str:
    """An awesome list kept as paragraphs: **Title** \\ *Authors* \\ Venue Year. [[Paper](…)] [[Code](…)]."""
    lines = ["# Awesome big paragraph list", ""]
    for n in range(readings):
        if n % per_section == 0:
            lines += [f"## Topic {n // per_section}", ""]
        lines += [
            f"**A study of method {n} for large models** \\",
            "*Ada Author, Bruno Author, Chen Author* \\",
            f"arXiv {2015 + n % 10}. [[Paper](https://arxiv.org/abs/{2100 + n // 10000}.{n:05d})]"
            f" [[Code](https://github.com/x/m{n})]",
            "",
        ]
    return "\n".join(lines)


def other_shapes(course, instructor) -> None:
    """Preview (upload: read, parse, plan) and import (apply) each big list in another shape, timed without
    tracing; then the same again under tracemalloc for the peak memory of the whole."""
    print(f"\n{'a 3,000-reading list kept as':<34}{'KiB':>6}{'preview':>10}{'import':>10}{'peak MiB':>10}")
    for name, text in (("tables", table_list()), ("bold-title paragraphs", bold_list())):

        def preview(text=text):
            course.readings.all().delete()
            course.sections.all().delete()
            pending = service.reading_import_create(
                course=course, by=instructor, data=text.encode(), filename="big.md", mode="merge",
                limit=settings.READING_LIST_MAX_BYTES,
            )  # fmt: skip
            service.import_plan(course=course, parsed=formats.parse(text, formats.MARKDOWN))
            return pending

        def run_import(pending):
            return service.reading_import_apply(reading_import_id=pending.pk, course=course)

        pending, preview_ms = timed(preview)
        imported, import_ms = timed(lambda pending=pending: run_import(pending))
        tracemalloc.start()
        run_import(preview())
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        created = imported.summary()["created"]
        print(
            f"{name:<34}{len(text) / 1024:>6.0f}{preview_ms:>8.0f}ms{import_ms:>8.0f}ms{peak:>10.0f}"
            f"  ({created} created)"
        )


def timed(action, runs: int = 1):
    timings, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        timings.append(time.perf_counter() - start)
    return result, statistics.median(timings) * 1000


def main() -> None:
    text = big_list()
    data = text.encode()
    with throwaway_database():
        instructor = User.objects.create(username="instructor", email="instructor@example.edu")
        student = User.objects.create(username="student", email="student@example.edu")
        course = Course.objects.create(
            slug="bench", title="Bench", term="Fall", term_starts_on="2024-09-25", term_ends_on="2024-12-13"
        )
        Membership.objects.create(course=course, user=instructor, role="instructor", status="active")
        Membership.objects.create(course=course, user=student, status="active")

        print(f"{connection.vendor}; a Markdown list of {SECTIONS * PER_SECTION} readings, {len(data) / 1024:.0f} KiB")
        parsed, ms = timed(lambda: formats.parse(text, formats.MARKDOWN), 5)
        print(f"{'parse':<34}{ms:>10.1f} ms  ({len(parsed.all_readings())} readings)")
        plan, ms = timed(lambda: service.import_plan(course=course, parsed=parsed), 5)
        print(f"{'plan (the preview), empty course':<34}{ms:>10.1f} ms  ({len(plan.created)} to create)")

        def run_import():
            pending = service.reading_import_create(
                course=course, by=instructor, data=data, filename="big.md", mode="merge",
                limit=settings.READING_LIST_MAX_BYTES,
            )  # fmt: skip
            with CaptureQueriesContext(connection) as queries:
                plan = service.reading_import_apply(reading_import_id=pending.pk, course=course)
            return plan, len(queries)

        (plan, queries), ms = timed(run_import)
        print(
            f"{'import (one transaction)':<34}{ms:>10.1f} ms  ({plan.summary()['created']} created, {queries} queries)"
        )
        (plan, queries), ms = timed(run_import)
        print(f"{'import again':<34}{ms:>10.1f} ms  ({plan.summary()['unchanged']} unchanged, {queries} queries)")
        assert Reading.objects.filter(course=course).count() == SECTIONS * PER_SECTION
        assert Listing.objects.filter(section__course=course).count() == SECTIONS * PER_SECTION

        client = Client()
        client.force_login(student)
        base = f"/courses/{course.slug}/readings/"
        section = course.sections.order_by("position")[3].pk
        print(f"\nreading list as a student, median of {RUNS} requests")
        print(f"{'page':<34}{'ms':>10}{'queries':>9}{'shown':>8}{'KiB':>8}")
        for name, url in (
            ("whole list", base),
            ("search one word", f"{base}?q=latent"),
            ("search two words", f"{base}?q=latent+memory"),
            ("search, htmx fragment", f"{base}?q=latent"),
            ("kind=video", f"{base}?kind=video"),
            ("one section", f"{base}?section={section}"),
            ("whole list, as the instructor", base),
        ):
            if "instructor" in name:
                client.force_login(instructor)
            if "htmx" in name:
                client.defaults.update(HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
            ms, queries, response = measure_page(client, url, runs=RUNS)
            shown = response.content.decode().count('class="reading-title"')
            client.defaults.pop("HTTP_HX_REQUEST", None)
            client.defaults.pop("HTTP_HX_TARGET", None)
            print(f"{name:<34}{ms:>10.1f}{queries:>9}{shown:>8}{len(response.content) / 1024:>8.0f}")

        other_shapes(course, instructor)


if __name__ == "__main__":
    main()
