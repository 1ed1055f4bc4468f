"""Real-browser journeys: Debian's Chromium driven by Playwright against a live server.

Skipped with a clear message when no Chromium is installed (``make test`` on a bare machine);
``.ci/run`` installs it. Screenshots of every step go to ``tests/artefacts/``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from django.conf import settings

ARTEFACTS = Path(__file__).resolve().parents[1] / "artefacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}

# Playwright's sync API keeps an event loop in the test thread; the ORM calls the tests make
# for set-up happen outside it, so Django's async-safety guard does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if CHROMIUM is None:
                item.add_marker(
                    pytest.mark.skip(
                        reason="no Chromium: apt-get install chromium chromium-driver "
                        "(.ci/run does) to run the browser journeys"
                    )
                )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def serve_media(route) -> None:
    """Uploaded files, which the proxy serves in production and the live server does not."""
    name = unquote(urlparse(route.request.url).path)[len(settings.MEDIA_URL) :]
    path = Path(settings.MEDIA_ROOT) / name
    if path.is_file():
        route.fulfill(path=str(path))
    else:
        route.fulfill(status=404)


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, live_server):
    """A fresh browser page at phone and desktop sizes, in Chinese."""
    context = browser.new_context(
        viewport=VIEWPORTS[request.param], locale="zh-CN", base_url=live_server.url
    )
    context.route(f"**{settings.MEDIA_URL}**", serve_media)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.viewport_name = request.param
    violations = watch_csp(page)
    yield page
    context.close()
    assert violations == [], "Content-Security-Policy violations"


def watch_csp(page) -> list[str]:
    """Every Content-Security-Policy violation the page reports: a journey that passes with
    one has a page that works only because the browser has not yet enforced the policy."""
    violations: list[str] = []

    def seen(message) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", seen)
    return violations


@pytest.fixture
def shot(page, request):
    """Save a screenshot of the current step: tests/artefacts/<test>-<viewport>-<n>-<step>.png."""
    ARTEFACTS.mkdir(exist_ok=True)
    counter = iter(range(1, 100))
    name = request.node.originalname

    def take(step: str) -> Path:
        path = ARTEFACTS / f"{name}-{page.viewport_name}-{next(counter):02d}-{step}.png"
        page.evaluate("window.scrollTo(0, 0)")  # a scrolled page shifts full-page captures
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
