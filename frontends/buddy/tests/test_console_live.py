"""The case page updates itself: an agency's answer folded into the dossier while the page is
open shows without a reload (the page refetches every `CASE_REFRESH_INTERVAL_S`, 2 s here)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from browser_harness import WAIT_S, enter, open_case, shot, until
from dossier_harness import LIVE_CASE, DossierProcess, seed_events
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from voorportaal_contracts.events import ReferralAccepted

pytestmark = pytest.mark.browser


def board(driver: WebDriver) -> str:
    """The referral board's text."""
    return str(driver.find_element(By.ID, "referrals-table").text)


def test_case_page_shows_an_agencys_answer_without_a_reload(
    browser: WebDriver, console_url: str, dossier: DossierProcess
) -> None:
    enter(browser, console_url, "bram", "bram-noord-2024")
    open_case(browser, console_url, LIVE_CASE)
    assert "UWV" in board(browser) and "Geaccepteerd" not in board(browser)
    timeline_before = len(browser.find_elements(By.CSS_SELECTOR, "#timeline-table tbody tr"))
    # A marker that a reload (or a navigation) would wipe.
    browser.execute_script("window.__stillTheSamePage = true;")

    # The UWV accepts: the event is folded in by the dossier's own service layer, as its
    # Kafka consumer does with an agency's answer that routing put on case.events.
    now = datetime.now(UTC)
    accepted = ReferralAccepted(
        case_id=LIVE_CASE,
        referral_id="ref-live-uwv",
        agency_code="uwv",
        by="agency",
        changed_at=now,
    )
    seed_events(dossier.data_dir, [(now, accepted)], migrate=False)

    until(browser, lambda d: "Geaccepteerd" in board(d), timeout=WAIT_S)
    until(
        browser,
        lambda d: (
            len(d.find_elements(By.CSS_SELECTOR, "#timeline-table tbody tr")) == timeline_before + 1
        ),
    )
    assert browser.execute_script("return window.__stillTheSamePage === true;")
    shot(browser, "case-live-update")


def _reads_by(dossier: DossierProcess, who: str) -> int:
    """Allowed reads of the live case's page by `who` in the dossier's audit log (its own
    reads of the log, made here as the supervisor, do not count)."""
    audit = dossier.audit(case_id=LIVE_CASE)
    return sum(1 for r in audit if r["who"] == who and r["allowed"] and r["purpose"] == "case_page")


def test_a_closed_tab_stops_reading_the_case(
    browser: WebDriver, second_browser: WebDriver, console_url: str, dossier: DossierProcess
) -> None:
    enter(browser, console_url, "bram", "bram-noord-2024")
    open_case(browser, console_url, LIVE_CASE)
    reads = _reads_by(dossier, "cm-bram")
    until(browser, lambda _d: _reads_by(dossier, "cm-bram") > reads, timeout=WAIT_S)  # live
    # A supervisor keeps the same case open at another desk: her reads count the refresh
    # intervals that pass, so the test waits on a counter rather than a clock.
    sophie = second_browser
    enter(sophie, console_url, "sophie", "sophie-super-2024", "/supervisor")
    open_case(sophie, console_url, LIVE_CASE)

    def after_intervals(count: int) -> None:
        """Wait until Sophie's open page has refreshed `count` more times."""
        start = _reads_by(dossier, "sv-sophie")
        until(sophie, lambda _d: _reads_by(dossier, "sv-sophie") >= start + count, WAIT_S * 2)

    browser.get("about:blank")  # the tab leaves the console: its websocket closes
    after_intervals(2)  # a refresh already on its way when the tab closed has landed by now
    settled = _reads_by(dossier, "cm-bram")
    after_intervals(3)
    assert _reads_by(dossier, "cm-bram") == settled, "nobody looks, so nothing is read"
