"""The case page on a 1366x768 laptop: the summary fits above the fold, a bar with the case,
the jump links and the last action's outcome stays in view, and each link brings its section
into view below that bar. No sideways scrolling."""

from __future__ import annotations

import pytest
from browser_harness import click, enter, open_case, shot, until
from dossier_harness import CHECKLIST_CASE
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

pytestmark = pytest.mark.browser

JUMPS = (
    "section-checklist",
    "referrals",
    "section-promises",
    "section-contacts",
    "section-messages",
    "section-documents",
    "section-sharing",
    "section-doorbraak",
    "section-close",
    "section-timeline",
)

_BOX = (
    "const r = document.getElementById(arguments[0]).getBoundingClientRect();"
    "return [r.top, r.bottom];"
)


def _box(driver: WebDriver, ident: str) -> tuple[float, float]:
    top, bottom = driver.execute_script(_BOX, ident)
    return float(top), float(bottom)


def _open_on_a_laptop(browser: WebDriver, console_url: str) -> None:
    browser.set_window_size(1366, 768)
    enter(browser, console_url, "anna", "anna-noord-2024")
    open_case(browser, console_url, CHECKLIST_CASE)


def test_the_case_page_fits_a_laptop_and_every_section_is_one_click_away(
    browser: WebDriver, console_url: str
) -> None:
    _open_on_a_laptop(browser, console_url)
    height = browser.execute_script("return window.innerHeight;")
    # The whole summary (who, situation, owner, status) is above the fold.
    assert _box(browser, "case-summary")[1] <= height
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth;"
    ), "the page scrolls sideways at 1366 wide"
    shot(browser, "case-layout-top-1366")
    for anchor in JUMPS:
        click(browser, f"jump-{anchor}")
        # The section's heading lands in view, just below the bar that stays on top.
        until(
            browser,
            lambda d, a=anchor: _box(d, "case-bar")[1] - 2 <= _box(d, a)[0] < height,
        )
        assert _box(browser, "case-bar")[0] == pytest.approx(0, abs=2), "the bar scrolled away"
        assert browser.find_element(By.ID, "case-heading").is_displayed()
    shot(browser, "case-layout-timeline-1366")


def test_an_action_down_the_page_is_answered_in_the_bar_in_view(
    browser: WebDriver, console_url: str
) -> None:
    _open_on_a_laptop(browser, console_url)
    click(browser, "jump-section-contacts")
    # A promise without a date (the browser's own check taken off): the console answers
    # "not a date" itself, without calling the dossier, so the case stays as it was.
    browser.execute_script("document.getElementById('promise-due').removeAttribute('required');")
    browser.find_element(By.ID, "promise-what").send_keys("Bellen over de huur")
    click(browser, "promise-form-submit")
    until(browser, lambda d: bool(d.find_elements(By.ID, "action-failed")))
    top, bottom = _box(browser, "action-failed")
    assert top >= 0 and bottom <= browser.execute_script("return window.innerHeight;")
    shot(browser, "case-layout-outcome-1366")
