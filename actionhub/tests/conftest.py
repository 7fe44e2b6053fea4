"""Browser tests: Debian's chromium driven by Playwright against the live test server."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = "Browser tests need Debian's chromium: sudo apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI never skips them)")
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the test's own database
    # queries are still synchronous, which Django must be told is fine here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class PageWatch:
    """What a page did that a person would not see: console errors and outside requests."""

    def __init__(self, page):
        self.console_errors = []
        self.outside_requests = []
        page.on(
            "console",
            lambda message: message.type == "error" and self.console_errors.append(message.text),
        )
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("request", self._request)

    def _request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.hostname not in LOCAL_HOSTS:
            self.outside_requests.append(request.url)


@pytest.fixture
def browser_context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    page = browser_context.new_page()
    page.watch = PageWatch(page)
    return page


@pytest.fixture
def mp(transactional_db):
    """Alex Example, MP for Hampstead and Highgate, found from NW3 7UX."""
    from actionhub.parliament.tests.factories import (
        ConstituencyFactory,
        MPFactory,
        PostcodeFactory,
    )

    constituency = ConstituencyFactory(name="Hampstead and Highgate")
    PostcodeFactory(postcode="NW3 7UX", constituency=constituency)
    return MPFactory(
        name="Alex Example", party="Demo Party", email="alex.example.mp@parliament.example",
        constituency=constituency,
    )  # fmt: skip
