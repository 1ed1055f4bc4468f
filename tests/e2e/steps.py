"""Steps the browser journeys share."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD


def log_in(page, user, *, next_url: str = "/") -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("手机号").fill(user.phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))


def seconds_left(page) -> int:
    """The exam countdown (HH:MM:SS) in seconds."""
    text = page.locator("#countdown").inner_text()
    hours, minutes, seconds = (int(part) for part in text.split(":"))
    return hours * 3600 + minutes * 60 + seconds


def settled(page) -> None:
    """Wait for the page's load event and its stylesheets: a layout measured while a stylesheet
    is still on its way (a ``.field .error`` is visible as soon as the HTML is parsed) measures
    the unstyled page."""
    page.wait_for_load_state("load")
    page.wait_for_function(
        "[...document.querySelectorAll('link[rel=stylesheet]')].every(link => link.sheet)"
    )


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when nothing overflows)."""
    settled(page)
    return page.evaluate(
        "document.scrollingElement.scrollWidth - document.documentElement.clientWidth"
    )


def unlabelled_fields(page) -> list[str]:
    """Visible form fields with no label, aria-label or aria-labelledby."""
    return page.evaluate(
        """[...document.querySelectorAll("input, select, textarea")]
            .filter(el => el.type !== "hidden" && el.offsetParent !== null)
            .filter(el => !el.labels.length && !el.getAttribute("aria-label")
                          && !el.getAttribute("aria-labelledby"))
            .map(el => el.name || el.id || el.outerHTML.slice(0, 60))"""
    )


def small_tap_targets(page, selector: str, *, minimum: int = 44) -> list[str]:
    """Visible elements matching ``selector`` smaller than ``minimum`` CSS pixels either way
    (the apps' and WCAG's 44x44 tap target)."""
    settled(page)
    return page.evaluate(
        """([selector, minimum]) => [...document.querySelectorAll(selector)]
            .filter(el => el.offsetParent !== null || el.getClientRects().length)
            .map(el => [el, el.getBoundingClientRect()])
            .filter(([el, box]) => box.width > 0 && (box.width < minimum || box.height < minimum))
            .map(([el, box]) => `${el.outerHTML.slice(0, 60)} ${Math.round(box.width)}x${Math.round(box.height)}`)""",
        [selector, minimum],
    )
