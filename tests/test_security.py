"""The Content-Security-Policy and what it forbids: no inline script, handler or style on any page."""

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from courseapp.services.demo import demo_course_load

INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style", re.I), "<style> element"),
    (re.compile(r"\shx-on", re.I), "hx-on handler (needs eval)"),
]


@pytest.fixture
def demo(db):
    return demo_course_load().course


def test_policy_header_is_strict(client, db):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_htmx_is_configured_without_eval_or_injected_styles(client, db):
    html = client.get(reverse("login")).content.decode()
    assert '"allowEval": false' in html and '"includeIndicatorStyles": false' in html
    assert re.search(r'<script src="/static/django_htmx/htmx-2\.min\.js', html)


@pytest.mark.parametrize("username", [None, "student01", "instructor"])
def test_no_page_carries_inline_code(demo, client, username):
    if username:
        client.login(request=RequestFactory().post("/accounts/login/"), username=username, password="demo")
    pages = [
        reverse("login"),
        reverse("password_reset"),
        reverse("courseapp:course_home", args=[demo.slug]),
        reverse("courseapp:schedule", args=[demo.slug]),
    ]
    if not username:
        pages.append(reverse("courseapp:signup"))
    else:
        pages += [
            reverse("courseapp:course_list"),
            reverse("courseapp:reading_list", args=[demo.slug]),
            reverse("password_change"),
        ]
    if username == "instructor":
        pages.append(reverse("courseapp:members", args=[demo.slug]))
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        for pattern, what in INLINE:
            assert not pattern.search(html), f"{what} on {page}: {pattern.search(html).group(0)!r}"
