"""Link-check runs: what is stored, broken only after two failures in a row, one run at a time, the fix."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from courseapp import linkcheck
from courseapp.models import LinkCheckRun, LinkResult, Reading
from courseapp.services import ServiceError
from courseapp.services.links import link_check_run, link_check_start, link_fix

from ..factories import CourseFactory, ReadingFactory
from ..linkserver import LinkServer

Status = LinkResult.Status


@pytest.fixture
def server(settings):
    settings.LINKCHECK = settings.LINKCHECK | {"read_timeout": 1.0, "connect_timeout": 1.0, "deadline": 20.0}
    with LinkServer() as server:
        yield server


def run_check(course) -> LinkCheckRun:
    run, new = link_check_start(course=course, queue=False)  # run here, below
    assert new
    link_check_run(run_id=run.pk)
    run.refresh_from_db()
    return run


def test_a_run_stores_one_result_per_reading_and_its_summary(db, server):
    course = CourseFactory()
    for path in ("/ok", "/moved/2", "/missing", "/slow"):
        ReadingFactory(course=course, url=server.base + path, title=path)
    ReadingFactory(course=course, url="")  # nothing to check

    run = run_check(course)

    assert run.total == 4 and run.finished_at is not None
    statuses = {r.reading.title: r.status for r in run.results.select_related("reading")}
    assert statuses == {"/ok": Status.OK, "/moved/2": Status.MOVED, "/missing": Status.FAILING, "/slow": Status.TIMEOUT}
    assert run.summary == {"ok": 1, "moved": 1, "failing": 1, "timeout": 1}
    moved = Reading.objects.select_related("link_result").get(title="/moved/2")
    assert moved.link_result.new_url == server.base + "/ok"
    assert moved.link_result.redirects == [[301, server.base + "/moved/1"], [301, server.base + "/ok"]]


def test_a_link_is_broken_only_after_two_failed_runs_in_a_row(db, server):
    course = CourseFactory()
    reading = ReadingFactory(course=course, url=server.base + "/missing")

    run_check(course)
    reading.refresh_from_db()
    assert reading.link_result.status == Status.FAILING  # one bad night does not cry wolf

    run_check(course)
    reading.refresh_from_db()
    assert reading.link_result.status == Status.BROKEN

    # The history keeps both checks, newest first.
    assert list(reading.link_results.values_list("status", flat=True)) == [Status.BROKEN, Status.FAILING]


def test_a_failure_after_a_success_starts_counting_again(db, server):
    course = CourseFactory()
    reading = ReadingFactory(course=course, url=server.base + "/ok")
    run_check(course)
    reading.url = server.base + "/missing"
    reading.save()

    run_check(course)
    reading.refresh_from_db()
    assert reading.link_result.status == Status.FAILING


def test_a_second_start_while_a_run_is_going_finds_that_run(db):
    course = CourseFactory()
    ReadingFactory(course=course)
    first, new = link_check_start(course=course)
    second, again = link_check_start(course=course)

    assert new and not again
    assert first == second and LinkCheckRun.objects.count() == 1


def test_a_run_whose_worker_never_came_back_stops_blocking(db):
    course = CourseFactory()
    ReadingFactory(course=course)
    stale, _ = link_check_start(course=course)
    LinkCheckRun.objects.filter(pk=stale.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))

    fresh, new = link_check_start(course=course)

    assert new and fresh != stale
    stale.refresh_from_db()
    assert stale.finished_at is not None and stale.summary == {"abandoned": True}


def test_nothing_to_check_is_said(db):
    course = CourseFactory()
    ReadingFactory(course=course, url="")
    with pytest.raises(ServiceError, match="No reading on the list has a link"):
        link_check_start(course=course)


def test_a_run_picked_up_again_checks_only_what_it_lacks(db, server):
    course = CourseFactory()
    done = ReadingFactory(course=course, url=server.base + "/ok")
    ReadingFactory(course=course, url=server.base + "/temporary")
    run, _ = link_check_start(course=course)
    LinkResult.objects.create(run=run, reading=done, url=done.url, status=Status.OK)

    link_check_run(run_id=run.pk)

    assert run.results.count() == 2
    assert server.seen["/ok"] == 1  # only the redirect's target, reached through /temporary
    assert link_check_run(run_id=run.pk) == {}  # a finished run is not run again


def test_the_one_click_fix_uses_the_address_the_check_found(db, server):
    course = CourseFactory()
    reading = ReadingFactory(course=course, url=server.base + "/moved/1")
    run_check(course)

    link_fix(course=course, reading_id=reading.pk)

    reading.refresh_from_db()
    assert reading.url == server.base + "/ok"
    assert "url" in reading.edited_fields  # a re-import keeps the corrected link
    assert reading.link_result is None  # checked again on the next run
    with pytest.raises(ServiceError, match="no new address"):
        link_fix(course=course, reading_id=reading.pk)


def test_the_fix_refuses_a_link_that_did_not_move(db, server):
    course = CourseFactory()
    reading = ReadingFactory(course=course, url=server.base + "/ok")
    run_check(course)
    with pytest.raises(ServiceError):
        link_fix(course=course, reading_id=reading.pk)
    with pytest.raises(ServiceError, match="not on this course"):
        link_fix(course=CourseFactory(), reading_id=reading.pk)


def test_a_reading_deleted_while_the_run_goes_on_gets_no_result_and_the_run_finishes(
    transactional_db, server, monkeypatch
):
    course = CourseFactory()
    kept = ReadingFactory(course=course, url=server.base + "/ok")
    doomed = ReadingFactory(course=course, url=server.base + "/temporary")
    check = linkcheck.check

    def check_while_someone_deletes(links, policy, on_result):
        Reading.objects.filter(pk=doomed.pk).delete()  # the instructor merges it away meanwhile
        connection.close()  # this thread's own connection
        check(links, policy, on_result)

    monkeypatch.setattr(linkcheck, "check", check_while_someone_deletes)
    run = run_check(course)

    assert run.finished_at is not None
    assert list(run.results.values_list("reading_id", flat=True)) == [kept.pk]


def test_a_run_that_reaches_no_site_says_so_and_counts_toward_nothing(db, server):
    """The server lost its network: every host fails to connect. Nothing is called failing or broken."""
    course = CourseFactory()
    # Closed ports on four loopback addresses: four hosts that nothing answers on.
    readings = [ReadingFactory(course=course, url=f"http://127.0.0.{n}:9/paper-{n}") for n in range(2, 6)]
    readings.append(ReadingFactory(course=course, url=server.base + "/missing"))  # found failing before
    first = run_check(course)
    assert Reading.objects.get(pk=readings[-1].pk).link_result.status == Status.FAILING
    assert not first.summary.get("offline")  # the local server answered: four dead hosts of five is not "offline"
    server.shutdown()  # now nothing answers anywhere
    server.server_close()

    for _night in range(2):
        run = run_check(course)
        assert run.summary["offline"] is True and run.summary["unreached"] == 5
        assert set(run.results.values_list("status", flat=True)) == {Status.UNREACHED}
    missing = Reading.objects.select_related("link_result").get(pk=readings[-1].pk)
    assert missing.link_result.run == first and missing.link_result.status == Status.FAILING  # not "broken"
    assert Reading.objects.select_related("link_result").get(pk=readings[0].pk).link_result.run == first


def test_offline_is_told_from_a_few_dead_sites():
    assert linkcheck.looks_offline({"a": False, "b": False, "c": False})
    assert linkcheck.looks_offline({f"h{n}": n == 0 for n in range(10)})  # 9 of 10 unreached
    assert not linkcheck.looks_offline({f"h{n}": n < 2 for n in range(10)})  # 8 of 10
    assert not linkcheck.looks_offline({"a": False, "b": False})  # too few hosts to say
