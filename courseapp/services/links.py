"""Link checks of a reading list: starting a run, running it (on a worker), and the one-click fix."""

import datetime
import ipaddress
import queue
import threading
from collections import Counter
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import linkcheck
from ..models import Course, LinkCheckRun, LinkResult, Reading, User
from .errors import ServiceError
from .queue import later

Status = LinkResult.Status

# A run whose worker died and never came back stops blocking new runs after this long
# (longer than the task's hard time limit, so a live run is never taken for dead).
STALE_AFTER = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)

FAILED_AGAIN = {Status.FAILING, Status.BROKEN}
OUTCOMES = {
    linkcheck.OK: Status.OK,
    linkcheck.MOVED: Status.MOVED,
    linkcheck.BLOCKED: Status.BLOCKED,
    linkcheck.TIMEOUT: Status.TIMEOUT,
    linkcheck.REFUSED: Status.REFUSED,
}
BATCH = 50


def policy() -> linkcheck.Policy:
    """The checker's settings; ``allowed_networks`` (the tests' own servers) only where a test sets it."""
    options = dict(settings.LINKCHECK)
    networks = tuple(ipaddress.ip_network(network) for network in options.pop("allowed_networks", ()))
    return linkcheck.Policy(**options, allowed_networks=networks)


def _links(course: Course):
    return Reading.objects.filter(course=course).exclude(url="")


def link_check_start(
    *, course: Course, by: User | None = None, trigger=LinkCheckRun.Trigger.MANUAL, queue: bool = True
) -> tuple[LinkCheckRun, bool]:
    """Start a run on a worker, or find the one already going; returns (run, whether it is new).

    ``queue=False``: the caller runs it (``check_links --wait``, a test).
    """
    with transaction.atomic():
        Course.objects.select_for_update().filter(pk=course.pk).first()
        going = LinkCheckRun.objects.filter(course=course, finished_at__isnull=True).first()
        if going is not None:
            if timezone.now() - (going.started_at or going.created_at) < STALE_AFTER:
                return going, False
            _finish(going, abandoned=True)
        total = _links(course).count()
        if not total:
            raise ServiceError("No reading on the list has a link to check.", code="no_links")
        try:
            with transaction.atomic():
                run = LinkCheckRun.objects.create(course=course, started_by=by, trigger=trigger, total=total)
        except IntegrityError:  # the constraint, where the course row lock is not taken (SQLite)
            return LinkCheckRun.objects.get(course=course, finished_at__isnull=True), False
    if queue:
        later("check_links", run.pk)
    return run, True


def _finish(run: LinkCheckRun, *, abandoned: bool = False, offline: bool = False) -> None:
    counts = Counter(run.results.values_list("status", flat=True))
    run.summary = dict(counts) | ({"abandoned": True} if abandoned else {}) | ({"offline": True} if offline else {})
    run.finished_at = timezone.now()
    run.save(update_fields=["summary", "finished_at"])


def link_check_run(*, run_id: int) -> dict:
    """Check every link the run has no result for yet; safe to run again after a worker died.

    The checker runs its event loop in a thread; this thread stores what it reports in
    batches, so the progress bar moves and a redelivered run resumes where this one stopped.
    """
    run = LinkCheckRun.objects.select_related("course").filter(pk=run_id).first()
    if run is None or run.finished_at is not None:
        return {}
    if run.started_at is None:
        run.started_at = timezone.now()
        run.save(update_fields=["started_at"])
    done = run.results.values_list("reading_id", flat=True)
    readings = {
        reading.pk: reading for reading in _links(run.course).exclude(pk__in=done).select_related("link_result")
    }
    reports: queue.Queue = queue.Queue()
    links = [(reading.pk, reading.url) for reading in readings.values()]

    def check():
        try:
            linkcheck.check(links, policy(), lambda keys, result: reports.put((keys, result)))
        finally:
            reports.put(None)

    thread = threading.Thread(target=check, name=f"link-check-{run_id}", daemon=True)
    thread.start()
    previous = {pk: reading.link_result_id for pk, reading in readings.items()}
    reached: dict[str, bool] = {}  # host -> whether any of its links got an answer
    unreached: list[int] = []
    batch: list = []
    offline = False
    try:
        while (report := reports.get()) is not None:
            batch.append(report)
            keys, result = report
            host = urlsplit(result.url).hostname or ""
            reached[host] = reached.get(host, False) or not result.unreachable
            if result.unreachable:
                unreached += keys
            if len(batch) >= BATCH or reports.empty():
                _store(run, readings, batch)
                batch = []
        _store(run, readings, batch)
        if offline := linkcheck.looks_offline(reached):
            _not_reached(run, readings, previous, unreached)
    finally:
        # Also when the task's time limit or an error ends it: a run that stopped is not left "going".
        _finish(run, offline=offline)
    return run.summary


def _not_reached(run: LinkCheckRun, readings: dict[int, Reading], previous: dict, keys: list[int]) -> None:
    """This machine could not reach the internet: what it could not reach says nothing about the links.

    Those results are kept as "not reached", and each reading keeps showing what the last real
    check found, so an offline night never counts toward "broken".
    """
    with transaction.atomic():
        run.results.filter(reading_id__in=keys).update(status=Status.UNREACHED)
        kept = [readings[key] for key in keys if key in readings]
        for reading in kept:
            reading.link_result_id = previous.get(reading.pk)
        Reading.objects.bulk_update(kept, ["link_result"])


def _status(outcome: str, previous: LinkResult | None, url: str) -> str:
    if outcome != linkcheck.FAILED:
        return OUTCOMES[outcome]
    # One bad night does not cry wolf: broken only when the last run failed on this same link too.
    if previous is not None and previous.url == url and previous.status in FAILED_AGAIN:
        return Status.BROKEN
    return Status.FAILING


def _store(run: LinkCheckRun, readings: dict[int, Reading], batch: list) -> None:
    # A reading deleted or merged away while the run went on gets no result.
    keys = {key for keys, _ in batch for key in keys}
    still_there = set(Reading.objects.filter(pk__in=keys).values_list("pk", flat=True))
    results = [
        LinkResult(
            run=run,
            reading_id=key,
            url=result.url,
            status=_status(result.outcome, readings[key].link_result, result.url),
            http_status=result.http_status,
            new_url=result.new_url,
            redirects=result.hops,
            detail=result.detail[:300],
            elapsed_ms=result.elapsed_ms,
        )
        for keys, result in batch
        for key in keys
        if key in still_there
    ]
    if not results:
        return
    with transaction.atomic():
        # Two deliveries of one run at once write the same rows once (the unique constraint).
        stored = LinkResult.objects.bulk_create(
            results,
            update_conflicts=True,
            unique_fields=["run", "reading"],
            update_fields=["status", "http_status", "new_url", "redirects", "detail", "elapsed_ms"],
        )
        for result in stored:
            readings[result.reading_id].link_result = result
        Reading.objects.bulk_update([readings[result.reading_id] for result in stored], ["link_result"])


def link_fix(*, course: Course, reading_id: int) -> Reading:
    """Replace a moved link with where it now points (the address the check found, not one sent in)."""
    with transaction.atomic():
        reading = (
            Reading.objects.select_for_update(of=("self",))
            .select_related("link_result")
            .filter(course=course, pk=reading_id)
            .first()
        )
        if reading is None:
            raise ServiceError("That reading is not on this course's list.", code="no_reading")
        result = reading.link_check
        if result is None or result.status != Status.MOVED:
            raise ServiceError("The latest check found no new address for this link.", code="not_moved")
        reading.url = result.new_url
        reading.edited_fields = sorted(set(reading.edited_fields) | {"url"})
        reading.link_result = None  # the new address is checked on the next run; the history keeps the old
        reading.save(update_fields=["url", "edited_fields", "link_result", "updated_at"])
    return reading
