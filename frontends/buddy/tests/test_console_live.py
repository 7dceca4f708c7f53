"""The case page updates itself: an agency's answer folded into the dossier while the page is
open shows without a reload (the page refetches every `CASE_REFRESH_INTERVAL_S`, 2 s here)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from browser_harness import WAIT_S, open_case, shot, sign_in, until, wait_path
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
