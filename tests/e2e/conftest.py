"""Real-browser tests: a real Streamlit server on the demo store, driven by Debian's Chromium
through Playwright (no browser download). Screenshots land in artifacts/screenshots/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module: Playwright's sync API allows one running instance per
    thread, and other modules (tests/geo) start their own."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run 'make deps-browser'")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1600}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def only_the_app(page, app_url: str) -> list[str]:
    """Refuse every request of ``page`` that is not to the app (or inline data); the refused
    URLs are collected in the returned list, for the test to assert it empty."""
    blocked: list[str] = []

    def route(request_route) -> None:
        if request_route.request.url.startswith((app_url, "data:", "blob:", "about:")):
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    return blocked


@pytest.fixture
def offline_page(page, app_url):
    """A page that may only talk to the app: maps, charts and downloads must work with no
    internet. Any request elsewhere fails the test."""
    blocked = only_the_app(page, app_url)
    yield page
    assert blocked == [], f"requests outside the app: {blocked[:5]}"


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished running the script (no sleeping)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=timeout)
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=timeout)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
