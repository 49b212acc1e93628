"""Playwright for Python driving Debian's Chromium against pytest-django's live server."""

import os
import re
from pathlib import Path

import pytest

from ..conftest import IN_CI

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium tries to reach Google's services and hangs on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# The editor's answer to a submission: "Submitted Mon Oct 7, 3:04 PM, after the deadline: marked late."
SUBMITTED = re.compile(r"Submitted \w{3} \w{3} \d+(, \d{4})?, \d+:\d\d [AP]M")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        message = f"Chromium not found at {CHROMIUM} (make test installs Debian's chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Page:
    """A browser tab on the live server that records console errors (CSP violations among them)."""

    def __init__(self, browser, base_url, viewport=None, color_scheme="light"):
        viewport = viewport or {"width": 1280, "height": 900}
        self.context = browser.new_context(
            base_url=base_url, viewport=viewport, is_mobile=viewport["width"] < 500, color_scheme=color_scheme
        )
        # Every CSP violation by name, report-only ones and those the console words differently included.
        self.context.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => console.error("
            "`CSP: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`))"
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def login(self, username, password="demo"):
        self.page.goto("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("main button[type=submit]")
        self.page.wait_for_url("**/")

    def sign_up(self, first_name, last_name, email, password="a-long-passphrase"):
        """Sign up as a brand-new user, who lands on the course list logged in."""
        self.page.goto("/signup/")
        self.page.fill("input[name=first_name]", first_name)
        self.page.fill("input[name=last_name]", last_name)
        self.page.fill("input[name=email]", email)
        self.page.fill("input[name=password1]", password)
        self.page.fill("input[name=password2]", password)
        self.page.get_by_role("button", name="Sign up").click()
        self.page.wait_for_url("**/")

    def confirm_email(self, address):
        """Open the confirmation link mailed to ``address`` and confirm it, as its owner (logged in)."""
        from django.core import mail

        [message] = [m for m in mail.outbox if m.to == [address] and "Confirm your e-mail" in m.subject]
        path = re.search(r"https?://[^/\s]+(/accounts/confirm/\S+)", message.body).group(1)
        self.page.goto(path)
        self.page.get_by_role("button", name="Confirm my address").click()
        self.page.get_by_text(f"Your e-mail address {address} is confirmed.").wait_for()

    def settled(self):
        """Wait until htmx has swapped and processed what it swapped in (new inputs listen only after that)."""
        self.page.wait_for_function(
            "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
        )

    def screenshot(self, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.fixture
def new_page(browser, live_server):
    pages = []

    def make(viewport=None, color_scheme="light"):
        pages.append(Page(browser, live_server.url, viewport, color_scheme))
        return pages[-1]

    yield make
    for page in pages:
        page.context.close()
