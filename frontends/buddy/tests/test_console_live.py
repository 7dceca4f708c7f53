"""The case page updates itself: an agency's answer folded into the dossier while the page is
open shows without a reload (the page refetches every `CASE_REFRESH_INTERVAL_S`, 2 s here)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
import pytest
from browser_harness import WAIT_S, open_case, shot, sign_in, until, wait_path
from console_harness import staff_headers
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
    sign_in(browser, console_url, "bram", "bram-noord-2024")
    wait_path(browser, "/werkvoorraad")
    open_case(browser, console_url, LIVE_CASE)
    assert "uwv" in board(browser) and "accepted" not in board(browser)
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

    until(browser, lambda d: "accepted" in board(d), timeout=WAIT_S)
    until(
        browser,
        lambda d: (
            len(d.find_elements(By.CSS_SELECTOR, "#timeline-table tbody tr")) == timeline_before + 1
        ),
    )
    assert browser.execute_script("return window.__stillTheSamePage === true;")
    shot(browser, "case-live-update")


def _reads_by(dossier: DossierProcess, who: str) -> int:
    """Allowed reads of the live case by `who` in the dossier's audit log."""
    audit = httpx.get(
        f"{dossier.url}/audit",
        params={"case_id": LIVE_CASE},
        headers=staff_headers("sv-sophie"),
        timeout=10,
    ).json()
    return sum(1 for r in audit if r["who"] == who and r["allowed"])


def test_a_closed_tab_stops_reading_the_case(
    browser: WebDriver, console_url: str, dossier: DossierProcess
) -> None:
    sign_in(browser, console_url, "bram", "bram-noord-2024")
    wait_path(browser, "/werkvoorraad")
    open_case(browser, console_url, LIVE_CASE)
    reads = _reads_by(dossier, "cm-bram")
    until(browser, lambda _d: _reads_by(dossier, "cm-bram") > reads, timeout=WAIT_S)  # live
    browser.get("about:blank")  # the tab leaves the console: its websocket closes
    time.sleep(3)  # a refresh already on its way may still land
    settled = _reads_by(dossier, "cm-bram")
    time.sleep(3 * 2 + 1)  # three more refresh intervals
    assert _reads_by(dossier, "cm-bram") == settled, "nobody looks, so nothing is read"
