"""The link-check pages: starting once, the progress bar, the problems list, the fix, badges on the reading list."""

import concurrent.futures

import pytest
from django.urls import reverse

from courseapp.models import LinkCheckRun, LinkResult
from courseapp.services.links import link_check_run

from ..asserts import HTMX, htmx_to
from ..factories import ListingFactory, ReadingFactory, SectionFactory
from ..linkserver import LinkServer
from ..servers import post_as, session_cookie

Status = LinkResult.Status


@pytest.fixture
def server(settings):
    settings.LINKCHECK = settings.LINKCHECK | {"read_timeout": 1.0, "deadline": 20.0}
    with LinkServer() as server:
        yield server


def listed(course, **fields):
    return ListingFactory(
        section=SectionFactory(course=course), reading=ReadingFactory(course=course, **fields)
    ).reading


def test_a_second_click_while_a_run_is_going_shows_that_run(client, course, instructor):
    listed(course)
    client.force_login(instructor)
    url = reverse("courseapp:links_start", args=[course.slug])

    first = client.post(url, headers=htmx_to("progress"))
    second = client.post(url, headers=htmx_to("progress"))

    assert LinkCheckRun.objects.count() == 1
    for response in (first, second):
        html = response.content.decode()
        # The task is queued on commit; until a worker takes it the bar says so, and polls.
        assert '<progress max="1" value="0">' in html and "waiting for a worker" in html
        assert 'hx-trigger="every 1s"' in html
    page = client.get(reverse("courseapp:links", args=[course.slug])).content.decode()
    assert "disabled>Checking…</button>" in page


def test_progress_counts_what_is_checked_and_reloads_the_page_when_done(client, course, instructor, server):
    for path in ("/ok", "/missing"):
        listed(course, url=server.base + path)
    client.force_login(instructor)
    client.post(reverse("courseapp:links_start", args=[course.slug]))
    run = LinkCheckRun.objects.get()
    LinkResult.objects.create(run=run, reading=course.readings.first(), url="http://x.example/", status=Status.OK)
    progress = reverse("courseapp:links_progress", args=[course.slug])

    html = client.get(progress, headers=HTMX).content.decode()
    assert '<progress max="2" value="1">' in html and "1 of 2" in html

    link_check_run(run_id=run.pk)
    response = client.get(progress, headers=HTMX)
    assert response["HX-Refresh"] == "true"  # the page reloads to list what the run found
    assert "2 of 2 links checked" in response.content.decode()


def test_problems_are_listed_and_a_moved_link_is_fixed_in_one_click(client, course, instructor, server):
    moved = listed(course, url=server.base + "/moved/2", title="Attention Is All You Need")
    listed(course, url=server.base + "/missing", title="A Lost Paper")
    listed(course, url=server.base + "/ok", title="A Fine Paper")
    client.force_login(instructor)
    client.post(reverse("courseapp:links_start", args=[course.slug]))
    link_check_run(run_id=LinkCheckRun.objects.get().pk)

    page = client.get(reverse("courseapp:links", args=[course.slug])).content.decode()
    assert "1 of 3 links OK" in page
    assert "A Lost Paper" in page and "404: not found" in page and "Failed once" in page
    assert "A Fine Paper" not in page
    assert f"<code>{server.base}/ok</code>" in page and "Use the new address" in page

    response = client.post(
        reverse("courseapp:link_fix", args=[course.slug, moved.pk]),
        headers=htmx_to(f"link-{moved.pk}"),
    )
    assert "now links to" in response.content.decode()
    moved.refresh_from_db()
    assert moved.url == server.base + "/ok"

    again = client.post(reverse("courseapp:link_fix", args=[course.slug, moved.pk]), headers=HTMX)
    assert again.status_code == 409 and "no new address" in again.content.decode()


def test_a_links_history_lists_every_check(client, course, instructor, server):
    reading = listed(course, url=server.base + "/temporary")
    client.force_login(instructor)
    for _ in range(2):
        client.post(reverse("courseapp:links_start", args=[course.slug]))
        link_check_run(run_id=LinkCheckRun.objects.get(finished_at__isnull=True).pk)

    html = client.get(reverse("courseapp:link_history", args=[course.slug, reading.pk])).content.decode()
    assert html.count('<span class="badge link-ok">OK</span> 200') == 2
    assert f"302 → {server.base}/ok" in html
    assert 'aria-label="Course"' in html  # the course's navigation, as on its other pages


def test_the_reading_list_shows_link_badges(client, course, instructor, student, server):
    listed(course, url=server.base + "/ok", title="Fine")
    broken = listed(course, url=server.base + "/missing", title="Lost")
    for _ in range(2):
        run = LinkCheckRun.objects.create(course=course, total=2)
        link_check_run(run_id=run.pk)
    reading_list = reverse("courseapp:reading_list", args=[course.slug])

    client.force_login(instructor)
    html = client.get(reading_list).content.decode()
    assert ">link ok</a>" in html and ">link broken</a>" in html
    assert reverse("courseapp:link_history", args=[course.slug, broken.pk]) in html

    client.force_login(student)
    html = client.get(reading_list).content.decode()
    assert ">link broken</span>" in html and "link ok" not in html  # students see only what stops them reading
    assert reverse("courseapp:link_history", args=[course.slug, broken.pk]) not in html


def test_an_edited_link_loses_its_old_badge(client, course, instructor, server):
    reading = listed(course, url=server.base + "/ok")
    link_check_run(run_id=LinkCheckRun.objects.create(course=course, total=1).pk)
    reading.url = server.base + "/elsewhere"
    reading.save()

    client.force_login(instructor)
    assert "link ok" not in client.get(reverse("courseapp:reading_list", args=[course.slug])).content.decode()
    assert "1 not checked yet" in client.get(reverse("courseapp:links", args=[course.slug])).content.decode()


def test_two_clicks_at_once_start_one_run(gunicorn_url, course, instructor):
    # Slow links keep the first run going (tasks run in the web process here) while the second click arrives.
    with LinkServer() as server:
        for _ in range(3):
            listed(course, url=server.base + "/slow")
        session = session_cookie(instructor)
        url = gunicorn_url + reverse("courseapp:links_start", args=[course.slug])
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda _: post_as(url, session, {}), range(2)))

    assert [status for status, _ in answers] == [200, 200]
    assert LinkCheckRun.objects.filter(course=course).count() == 1


def test_without_a_broker_the_check_runs_beside_the_request_and_the_page_polls(
    transactional_db, settings, server, client, course, instructor
):
    """`make run` has no worker: the click answers at once with the progress, and the check goes on in a thread."""
    from ..workers import wait_for

    settings.TASKS_IN_THREADS = True
    listed(course, url=server.base + "/ok")
    listed(course, url=server.base + "/slow")  # holds the check for its 1 s read timeout
    client.force_login(instructor)
    response = client.post(reverse("courseapp:links_start", args=[course.slug]), headers=htmx_to("progress"))
    run = LinkCheckRun.objects.get()
    assert run.finished_at is None and "HX-Refresh" not in response  # answered before the check ended
    assert 'hx-trigger="every 1s"' in response.content.decode()
    wait_for(lambda: LinkCheckRun.objects.get().finished_at, what="the check in its thread")
    assert LinkCheckRun.objects.get().summary == {"ok": 1, "timeout": 1}
