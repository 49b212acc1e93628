"""Junk in every parameter of every URL never gives a server error, and a refusal changes nothing.

For each URL of the permission matrix and each role, a first request with the matrix's own data
finds which query-string and form keys the view reads (by watching Django's QueryDicts); then each
of those keys in turn gets each kind of junk, in a plain and an htmx request: a NUL byte, a lone
surrogate (as the bytes a browser would send), 100 KB of text, ``abc`` and a number too large for
any column. No answer may be a 500, and where the answer is a refusal no row may have changed.
"""

import contextlib
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse, QueryDict
from django.urls import reverse

from courseapp.middleware import NulInputMiddleware

from .asserts import HTMX
from .test_permissions import LOGIN, MATRIX, POSTS_TOO, ROLES, world  # noqa: F401 (world: a fixture)

# What each kind of junk is, percent-encoded as it travels.
JUNK = {
    "nul": quote("a\x00b"),
    "surrogate": "%ED%A0%80",  # U+D800 in UTF-8: not text
    "long": "x" * 100_000,
    "abc": "abc",
    "huge": "99999999999999999999",
}

ENDPOINTS = {name: (method, kwargs, data, outcomes) for name, (method, kwargs, data, outcomes) in MATRIX.items()} | {
    name: ("post", kwargs, data, outcomes) for name, (kwargs, data, outcomes) in POSTS_TOO.items()
}
ENDPOINTS.pop("logout", None)  # logging out reads nothing and always answers the same
# A refused review submission keeps what was typed as the draft, by design: nothing typed is lost.
KEEPS_DRAFT = {"courseapp:review_submit", "courseapp:review_draft"}


def snapshot() -> dict[str, str]:
    """A digest of every row of each of the app's tables, in one query (users without their last login)."""
    parts = [
        f"SELECT '{model.__name__}', md5(coalesce(string_agg((to_jsonb(t) - 'last_login')::text, '|' "
        f"ORDER BY (to_jsonb(t) - 'last_login')::text), '')) FROM {model._meta.db_table} t"
        for model in apps.get_app_config("courseapp").get_models()
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


@contextlib.contextmanager
def keys_read():
    """The keys any view reads from request.GET or request.POST while the block runs."""
    seen: set[str] = set()
    originals = {name: getattr(QueryDict, name) for name in ("__getitem__", "get", "getlist", "__contains__")}

    def watching(original):
        def read(self, key, *args, **kwargs):
            if isinstance(key, str):
                seen.add(key)
            return original(self, key, *args, **kwargs)

        return read

    for name, original in originals.items():
        setattr(QueryDict, name, watching(original))
    try:
        yield seen
    finally:
        for name, original in originals.items():
            setattr(QueryDict, name, original)


def encoded(data: dict) -> str:
    pairs = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append(f"{quote(key)}={item if isinstance(item, Junk) else quote(str(item))}")
    return "&".join(pairs)


class Junk(str):
    """A value already percent-encoded."""


def send(client, method, url, data, *, htmx):
    headers = HTMX if htmx else {}
    query = encoded(data)
    if method == "get":
        return client.get(f"{url}?{query}", headers=headers)
    # Junk in the query string too: a POST view may read request.GET.
    return client.post(f"{url}?{query}", data=query, content_type="application/x-www-form-urlencoded", headers=headers)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_junk_in_any_parameter_is_never_a_server_error(name, role, world, client_for):  # noqa: F811
    method, kwargs, data, outcomes = ENDPOINTS[name]
    client = client_for(world.users[role])
    client.raise_request_exception = False  # a 500 is an answer to look at, not an exception here
    url = reverse(name, kwargs=kwargs(world))
    valid = dict((data(world) if callable(data) else data) or {})
    with keys_read() as seen:
        first = send(client, method, url, valid, htmx=False)
    assert first.status_code != 500, f"{role} on {name} with valid data"
    keys = sorted((seen | set(valid)) - {"csrfmiddlewaretoken"})
    if outcomes[role] not in (200, 302):  # refused before reading anything: all the junk at once
        cases = [dict.fromkeys(keys or ["q"], Junk(junk)) for junk in JUNK.values()]
    else:
        cases = [valid | {key: Junk(junk)} for key in keys for junk in JUNK.values()]
    before = snapshot()
    for case in cases:
        for htmx in (False, True):
            response = send(client, method, url, case, htmx=htmx)
            shown = {key: str(value)[:30] for key, value in case.items()}
            assert response.status_code != 500, f"{role} on {name}, htmx={htmx}: {shown}"
            after = snapshot()
            if name in KEEPS_DRAFT:
                after.pop("Review"), before.pop("Review", None)
            if response.status_code >= 400 or (outcomes[role] == LOGIN and response.status_code == 302):
                assert after == before, f"{role} on {name} was refused ({response.status_code}) but wrote: {shown}"
            before = after


# What a user sees ------------------------------------------------------------------------------


def test_a_review_pasted_with_nul_is_saved_without_it_and_says_so(course, student, client_for):
    from courseapp.middleware import NUL_REMOVED
    from courseapp.models import Review

    from .factories import SlotFactory

    reading = SlotFactory(meeting__course=course).reading
    client = client_for(student)
    path = reverse("courseapp:review_draft", args=[course.slug, reading.pk])
    response = client.post(path, {"text": "Green\x00 lists."}, headers=HTMX)
    assert response.status_code == 200 and NUL_REMOVED in response.text and "Draft saved at" in response.text
    assert Review.objects.get(student=student).draft == "Green lists."
    submit = reverse("courseapp:review_submit", args=[course.slug, reading.pk])
    response = client.post(submit, {"text": "Green\x00 lists, submitted.", "attest": "yes"})
    assert response.status_code == 200 and NUL_REMOVED in response.text
    assert Review.objects.get(student=student).text == "Green lists, submitted."


def test_a_search_with_nul_ignores_it(course, student, client_for):
    from .factories import ListingFactory, SectionFactory

    ListingFactory(section=SectionFactory(course=course), reading__title="Attention Is All You Need")
    path = reverse("courseapp:reading_list", args=[course.slug])
    response = client_for(student).get(path, {"q": "atten\x00tion"})
    assert response.status_code == 200 and "Attention Is All You Need" in response.text


def test_a_form_posted_with_nul_tells_on_the_page_after_the_redirect(course, instructor, client_for):
    from courseapp.middleware import NUL_REMOVED

    path = reverse("courseapp:meeting_create", args=[course.slug])
    form = {"new-date": "2024-11-13", "new-kind": "lecture", "new-topic": "Extra\x00 session"}
    response = client_for(instructor).post(path, form, follow=True)
    assert NUL_REMOVED in response.text and course.meetings.get().topic == "Extra session"


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize("meeting", ["abc", "99999999999999999999", "-1", "١"])
def test_a_picker_asked_for_a_meeting_that_is_no_number_is_a_clear_400(
    course, instructor, client_for, meeting, settings, debug
):
    # With DEBUG on, Django's debug page (a document of inline styles the CSP blocks) was the answer,
    # and htmx swapped it into the page: make run's users saw hundreds of CSP errors.
    settings.DEBUG = debug
    path = reverse("courseapp:reading_picker", args=[course.slug])
    response = client_for(instructor).get(path, {"meeting": meeting, "q": "x"})
    assert response.status_code == 400 and "“meeting” must be a whole number" in response.text
    htmx = client_for(instructor).get(path, {"meeting": meeting, "q": "x"}, headers=HTMX)
    assert htmx.status_code == 400 and htmx.text.startswith('<p class="flash flash-error" role="alert">')


def test_an_uploaded_file_name_arrives_without_nul(rf):
    """Django's upload parser drops unprintable characters from file names, so the guard need not."""
    request = rf.post("/", {"file": [SimpleUploadedFile(name, b"%PDF-1.4") for name in ("one\x00.pdf", "two\x00.pdf")]})
    seen = {}

    def view(request):
        seen["names"] = [upload.name for upload in request.FILES.getlist("file")]
        return HttpResponse("")

    NulInputMiddleware(view)(request)
    assert seen == {"names": ["one.pdf", "two.pdf"]}
