"""Told when something needs you: Anna asks Bram to take over a case while Bram, signed in
in another browser, has his notifications open; the count in the header and the entry appear
there without a reload, and opening the case from the entry marks it read. The entry reads as
words, in Dutch and in English, and carries nothing personal."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import httpx
import pytest
from browser_harness import (
    WAIT_S,
    claim_as_anna,
    click,
    enter,
    shot,
    until,
    wait_path,
)
from console_harness import staff_headers
from dossier_harness import NOTICE_CASE, DossierProcess
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

pytestmark = pytest.mark.browser

HANDOVER_WORDS = "Een collega wil deze zaak aan u overdragen"
HANDOVER_WORDS_EN = "A colleague wants to hand this case over to you"
NOTE = "Bel na tienen; de huur loopt achter."


def _email_chosen(dossier: DossierProcess, subject: str) -> bool:
    """Whether the dossier holds the staff member's choice of an e-mail per notification."""
    answer = httpx.get(
        f"{dossier.url}/me/notification-settings", headers=staff_headers(subject), timeout=10
    )
    return bool(answer.json()["email"])


def _email_requests(dossier: DossierProcess, case_id: str) -> list[dict[str, Any]]:
    """The `StaffNotificationRequested` facts the dossier staged for notify about `case_id`."""
    with sqlite3.connect(dossier.data_dir / "dossier.db") as db:
        rows = db.execute(
            "SELECT value FROM outbox WHERE message_key = ? AND event_type = ?",
            (case_id, "nl.voorportaal.case.staff-notification-requested"),
        ).fetchall()
    return [json.loads(value) for (value,) in rows]


def count(driver: WebDriver) -> int:
    """The unread count in the header."""
    return int(driver.find_element(By.ID, "notice-count").text)


def entries(driver: WebDriver) -> list[str]:
    """The rows of the notifications list, as text."""
    return [str(r.text) for r in driver.find_elements(By.CSS_SELECTOR, "#notices .notice-row")]


def test_a_handover_shows_up_live_for_the_colleague(
    browser: WebDriver, second_browser: WebDriver, console_url: str, dossier: DossierProcess
) -> None:
    anna, bram = browser, second_browser
    claim_as_anna(anna, console_url, NOTICE_CASE)
    Select(anna.find_element(By.ID, "handover-to")).select_by_visible_text("Bram de Vries")
    anna.find_element(By.ID, "handover-note").send_keys(NOTE)

    # Bram, at his own desk, has his notifications open (the console signs out after 15 s
    # without activity in these tests, so he signs in only now).
    bram.set_window_size(1366, 768)
    enter(bram, console_url, "bram", "bram-noord-2024")
    bram.find_element(By.ID, "nav-notices").click()
    wait_path(bram, "/meldingen")
    until(bram, lambda d: d.find_element(By.ID, "notice-count").text.strip().isdigit())
    before = count(bram)  # other tests in this session may have told Bram something already
    assert not any(NOTICE_CASE in e for e in entries(bram))
    # Bram wants an e-mail too: the dossier keeps his choice and asks notify for one.
    assert not _email_chosen(dossier, "cm-bram")
    click(bram, "notices-email")
    until(bram, lambda _d: _email_chosen(dossier, "cm-bram"))
    bram.execute_script("window.__stillTheSamePage = true;")  # a reload would wipe it

    click(anna, "handover-form-submit")
    until(anna, lambda d: "De overdracht is gevraagd." in d.find_element(By.TAG_NAME, "body").text)

    until(bram, lambda d: count(d) == before + 1, timeout=WAIT_S)
    until(bram, lambda d: any(NOTICE_CASE in e and HANDOVER_WORDS in e for e in entries(d)))
    assert bram.execute_script("return window.__stillTheSamePage === true;")
    [entry] = [e for e in entries(bram) if NOTICE_CASE in e]
    # Nothing personal: not the note, not who asked, not the citizen's name.
    assert "Nieuw" in entry and "Bel na" not in entry and "Anna" not in entry
    assert "Ruben" not in entry
    shot(bram, "notices-handover-live")
    click(bram, "lang-switch")  # the same entry in English, still without a reload
    until(bram, lambda d: any(HANDOVER_WORDS_EN in e and "New" in e for e in entries(d)))
    shot(bram, "notices-handover-live-en")
    click(bram, "lang-switch")
    until(bram, lambda d: any(HANDOVER_WORDS in e for e in entries(d)))

    [asked] = _email_requests(dossier, NOTICE_CASE)
    assert asked["staff_id"] == "cm-bram" and asked["kind"] == "handover_requested"
    assert NOTE not in json.dumps(asked)

    bram.find_element(By.LINK_TEXT, NOTICE_CASE).click()
    wait_path(bram, f"/zaak/{NOTICE_CASE}")
    until(bram, lambda d: count(d) == before)  # opening the case marked it read
    shot(bram, "notices-case-opened")
