"""Accessibility measured: axe-core (from the npm registry, pinned in `scripts/axe-tools.sh`)
injected into each portal page in Chromium, in every citizen language. The test prints the
count of violations per impact level per page and language, and fails on any serious or
critical one. Beside it, what axe cannot judge: a keyboard-only walk with a visible focus ring.

Pages: the start page, the questions and continue-later pages, "I want to talk to a person"
(without a case, with one, and with its error shown), the status page behind a message link
and the page for a link that does not open. `PAGES` is the list; a new page belongs in it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_scan import AxeResult, scan
from portal_browser import WAIT_S, html_attributes, shot, wait_path
from portal_harness import Suite
from selenium.common.exceptions import (
    ElementNotInteractableException,
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from status_harness import dossier_case

from portal.i18n import LANGUAGES

pytestmark = [pytest.mark.browser, pytest.mark.integration]

Opener = Callable[[WebDriver, str, str, str], None]
"""Opens one page: (browser, portal URL, the case's message link, language)."""


def open_page(driver: WebDriver, url: str, ready_id: str) -> None:
    """Open `url` and wait until `ready_id` answers; a page that renders again while it is
    looked at (hydration, the language arriving) is looked at again."""
    driver.get(url)
    ready(driver, ready_id)


def ready(driver: WebDriver, ident: str) -> None:
    """Wait until `ident` can be clicked, looking it up again while the page renders anew."""
    WebDriverWait(driver, WAIT_S, ignored_exceptions=(StaleElementReferenceException,)).until(
        ec.element_to_be_clickable((By.ID, ident))
    )


def press(driver: WebDriver, ident: str) -> None:
    """Click `ident`, looking it up again while the page renders it anew."""

    def clicked(d: WebDriver) -> bool:
        d.find_element(By.ID, ident).click()
        return True

    WebDriverWait(
        driver,
        WAIT_S,
        ignored_exceptions=(
            StaleElementReferenceException,
            NoSuchElementException,
            ElementNotInteractableException,
        ),
    ).until(clicked)


def frame_language(driver: WebDriver) -> str:
    """The `lang` the page frame declares (assets/portal.js copies it to `<html>`)."""
    found = driver.execute_script(
        "var f = document.querySelector('.portal'); return f ? f.lang : '';"
    )
    return str(found)


def choose_language(driver: WebDriver, page: str, language: str) -> None:
    """Make sure the page is in `language`: a page that drops the query (`/verder` wipes its
    address) gets the picker; a click taken before the page was live is given again."""
    for _ in range(3):
        if frame_language(driver) == language:
            break
        press(driver, f"lang-{language}")
        try:
            WebDriverWait(driver, 10).until(lambda d: frame_language(d) == language)
            break
        except TimeoutException:
            continue
    else:
        pytest.fail(f"{page} ({language}) at {driver.current_url}: {html_attributes(driver)}")
    try:
        WebDriverWait(driver, 10).until(lambda d: html_attributes(d)[0] == language)
    except TimeoutException:
        pytest.fail(
            f"{page} ({language}): the frame is {language}, <html> says "
            f"{html_attributes(driver)} (assets/portal.js did not follow)"
        )


def _plain(path: str, ready: str) -> Opener:
    def open_it(driver: WebDriver, base: str, _link: str, language: str) -> None:
        open_page(driver, f"{base}{path}?lang={language}", ready)

    return open_it


def _status(driver: WebDriver, _base: str, link: str, language: str) -> None:
    open_page(driver, f"{link}?lang={language}", "case-status")


def _refused(driver: WebDriver, _base: str, link: str, language: str) -> None:
    tampered = link[:-1] + ("A" if link[-1] != "A" else "B")
    open_page(driver, f"{tampered}?lang={language}", "link-refused")


def _talk_form(driver: WebDriver, base: str, link: str, language: str) -> None:
    _status(driver, base, link, language)
    press(driver, "talk-from-status")
    wait_path(driver, "/praten")
    ready(driver, "talk-send")


def _talk_error(driver: WebDriver, base: str, link: str, language: str) -> None:
    _talk_form(driver, base, link, language)
    press(driver, "talk-send")
    ready(driver, "error-summary")


PAGES: dict[str, Opener] = {
    "start": _plain("/", "start"),
    "questions": _plain("/vragen", "main"),
    "continue-later": _plain("/verder", "main"),
    "contact": _plain("/contact", "main"),
    "checklist": _plain("/takenlijst", "main"),
    "talk-no-case": _plain("/praten", "talk-now"),
    "status": _status,
    "status-refused-link": _refused,
    "talk-form": _talk_form,
    "talk-form-error": _talk_error,
}


_TITLE = (
    "const h = document.querySelector('#main h1');"
    "return h ? [h.textContent.replace(/\\s+/g, ' ').trim(), document.title] : null;"
)


def _titled_by_its_heading(driver: WebDriver) -> bool:
    found = driver.execute_script(_TITLE)
    return bool(found and found[0] and found[1] == f"{found[0]} · Voorportaal")


def test_no_portal_page_in_any_language_has_a_serious_or_critical_axe_violation(
    suite: Suite, portal_url: str, phone: WebDriver
) -> None:
    link = dossier_case(suite, portal_url)
    results: list[AxeResult] = []
    print()
    for name, open_it in PAGES.items():
        for language in LANGUAGES:
            open_it(phone, portal_url, link, language)
            choose_language(phone, name, language)
            # The tab's title is the page's heading, in the citizen's language.
            WebDriverWait(phone, 10).until(_titled_by_its_heading)
            results.append(scan(phone, name, language))
            print(results[-1].line(), flush=True)
    failing = [r for r in results if r.blocking]
    assert not failing, "\n".join(f"{r.page} ({r.language}):\n{r.explain()}" for r in failing)


def _focus_visible(driver: WebDriver) -> bool:
    """Whether the focused element shows a focus ring (an outline or a box shadow)."""
    style = driver.execute_script(
        "const s = getComputedStyle(document.activeElement);"
        "return [s.outlineStyle, s.outlineWidth, s.boxShadow];"
    )
    outline, width, shadow = style
    return (outline != "none" and width not in ("0px", "")) or shadow not in ("none", "")


def test_the_status_page_walks_by_keyboard_with_a_visible_focus_from_skip_link_to_checklist(
    suite: Suite, portal_url: str, phone: WebDriver
) -> None:
    link = dossier_case(suite, portal_url)
    open_page(phone, f"{link}?lang=nl", "case-status")
    body = phone.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    first = phone.switch_to.active_element
    assert "skip-link" in (first.get_attribute("class") or "")
    assert _focus_visible(phone)
    seen: list[str] = []
    for _ in range(40):
        phone.switch_to.active_element.send_keys(Keys.TAB)
        active = phone.switch_to.active_element
        ident = active.get_attribute("id") or active.tag_name
        seen.append(ident)
        assert _focus_visible(phone), f"no visible focus on {ident}"
        if ident == "talk-from-status":
            break
    assert "talk-link" in seen and "talk-from-status" in seen, seen
    shot(phone, "a11y-01-keyboard-focus-nl-360")
