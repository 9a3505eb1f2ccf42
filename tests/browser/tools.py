"""Helpers for the browser tests: screenshots kept as artefacts, axe-core, layout checks."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Frame, Page, expect

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


def screenshot_save(page: Page, name: str) -> Path:
    """A full-page PNG at test-artifacts/screenshots/<name>.png (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Page | Frame) -> list[dict[str, Any]]:
    """The serious and critical violations axe-core finds in the page (or one of its frames,
    such as the question frame) as it is now.

    The page must come from a context with bypass_csp=True (the `axe_page` fixture).
    """
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make node` (npm ci) first")
    page.add_script_tag(path=str(AXE))
    violations: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [v for v in violations if v["impact"] in SERIOUS]


def axe_report(violations: list[dict[str, Any]]) -> str:
    """Each violation's id, impact, help and target nodes, one block per violation."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {' '.join(map(str, node['target']))}: {node['html'][:160]}")
    return "\n".join(lines)


# Elements that pass the viewport's right edge or whose text runs out of their box (cut, or
# pushing the page sideways on a phone); scroll containers such as wide tables may scroll.
# The skip link and visually-hidden text are placed off-screen or clipped on purpose.
OVERFLOWING = """(width) => [...document.querySelectorAll('body *')]
  .filter((el) => !el.closest('.skip-link, .visually-hidden'))
  .filter((el) => {
    const box = el.getBoundingClientRect();
    // Text fields scroll their own text: a long value is not cut.
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)
      || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
    return (box.width > 0 && box.right > width + 0.5)
      || (!scrolls && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0);
  })
  .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
    + ': ' + (el.textContent || '').trim().slice(0, 60))"""


def overflowing(page: Page | Frame, width: int) -> list[str]:
    return page.evaluate(OVERFLOWING, width)  # type: ignore[no-any-return]


def login_form_submit(page: Page, username: str) -> None:
    """Sign in on the login form `page` shows, as a factory-made user."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def workspace_page(
    browser: Browser, live_server: Any, username: str, viewport: dict[str, int] | None = None
) -> Page:
    """A new browser context signed in as `username`, on the workspace (each person their own
    context: their own cookies)."""
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + reverse("login"))
    login_form_submit(page, username)
    expect(page.get_by_role("heading", name="Workspace")).to_be_visible()
    return page
