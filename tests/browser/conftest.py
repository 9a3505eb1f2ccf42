"""A headless Chromium (Debian's) driven through Playwright's sync API, started for each test.

Not once per session: while Playwright's event loop exists, asgiref sees an async context and
Django hands the test thread a second database connection. Kept open across tests, that
connection lacks the serialized test data, and serialized_rollback stops restoring the rows the
migrations created (groups, audience levels) for every later transactional test.
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from tests.browser.tools import screenshot_save

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()
        # Close that second connection while its async context still exists: left open, it
        # keeps PostgreSQL from dropping the test database at the end of the run.
        connections.close_all()


class ConsoleLog:
    """Console errors and failed requests seen by a page, CSP violations among them."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    @property
    def csp_violations(self) -> list[str]:
        return [text for text in self.errors if "Content Security Policy" in text]


@pytest.fixture
def console() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture
def page(browser: Browser, console: ConsoleLog) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.on("console", console.on_console)
    page.on("pageerror", lambda error: console.errors.append(str(error)))
    page.set_default_timeout(10_000)
    yield page
    context.close()


DESKTOP = {"width": 1280, "height": 900}
NARROW_PHONE = {"width": 375, "height": 812}


def _page(context: BrowserContext, console: ConsoleLog) -> Page:
    page = context.new_page()
    page.on("console", console.on_console)
    page.on("pageerror", lambda error: console.errors.append(str(error)))
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def desktop_page(browser: Browser, console: ConsoleLog) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP)
    yield _page(context, console)
    context.close()


@pytest.fixture
def narrow_page(browser: Browser, console: ConsoleLog) -> Iterator[Page]:
    """The narrowest common phone: 375 CSS pixels wide."""
    context = browser.new_context(viewport=NARROW_PHONE, is_mobile=True, has_touch=True)
    yield _page(context, console)
    context.close()


@pytest.fixture
def axe_page(browser: Browser, console: ConsoleLog) -> Iterator[Page]:
    """A desktop page for axe-core only. Our CSP forbids inline script, and axe is injected as
    one, so this context bypasses the CSP; every other browser test keeps it and checks it."""
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    yield _page(context, console)
    context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """`screenshot(page)` saves a full-page PNG as test-artifacts/screenshots/<test-name>.png
    (`screenshot(page, "open")` adds "-open" to the name) and returns its path."""

    def take(page: Page, suffix: str = "") -> Path:
        return screenshot_save(page, request.node.name + (f"-{suffix}" if suffix else ""))

    return take
