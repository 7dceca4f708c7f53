"""The case page's actions in headless Chromium against the real dossier: a contact moment
with a written confirmation, a sharing grant recorded on the citizen's behalf, a message to the
citizen, a doorbraak signed off by a supervisor, closing a case with an outcome. Each checks the
effect where it lands (the dossier's API, its outbox, or the page after a reload), and saves a
screenshot in `tests/artifacts/`.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from browser_harness import (
    claim_as_anna,
    click,
    enter,
    open_case,
    shot,
    shot_of,
    storage,
    until,
    wait_text,
)
from console_harness import staff_headers
from dossier_harness import (
    CLOSE_CASE,
    CONTACT_CASE,
    DOORBRAAK_CASE,
    GRANT_CASE,
    MESSAGE_CASE,
    DossierProcess,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

pytestmark = pytest.mark.browser


def case_in_dossier(dossier: DossierProcess, case_id: str, subject: str = "cm-anna") -> Any:
    """The case as the dossier's API gives it to `subject` (with the console's token)."""
    response = httpx.get(
        f"{dossier.url}/cases/{case_id}", headers=staff_headers(subject), timeout=10
    )
    response.raise_for_status()
    return response.json()


def set_date(browser: WebDriver, ident: str, day: str) -> None:
    """Fill a date input (the native picker ignores typed keys in headless Chromium)."""
    browser.execute_script(
        "arguments[0].value = arguments[1];", browser.find_element(By.ID, ident), day
    )


def section_text(browser: WebDriver, ident: str) -> str:
    """The visible text of one part of the page."""
    return str(browser.find_element(By.ID, ident).text)


def test_contact_moment_with_written_confirmation(
    browser: WebDriver, console_url: str, dossier: DossierProcess
) -> None:
    claim_as_anna(browser, console_url, CONTACT_CASE)
    Select(browser.find_element(By.ID, "contact-channel")).select_by_value("desk")
    browser.find_element(By.ID, "contact-summary").send_keys("Aan de balie: huur twee maanden")
    browser.find_element(By.ID, "contact-next").send_keys("Samen naar de kredietbank")
    click(browser, "contact-confirm")
    click(browser, "contact-form-submit")
    wait_text(browser, "Het contactmoment is vastgelegd.")

    case = case_in_dossier(dossier, CONTACT_CASE)
    [moment] = case["contact_moments"]
    assert moment["channel"] == "desk"
    assert moment["summary"] == "Aan de balie: huur twee maanden"
    assert moment["next_steps"] == "Samen naar de kredietbank"
    assert moment["confirmation_requested"] is True
    assert any("schriftelijke bevestiging" in t["nl"] for t in case["timeline"])

    open_case(browser, console_url, CONTACT_CASE)  # reload: the page shows what the dossier has
    wait_text(browser, "Aan de balie: huur twee maanden")
    contacts = section_text(browser, "contacts-table")
    assert "Balie" in contacts and "bevestiging gevraagd" in contacts
    assert "Samen naar de kredietbank" in contacts
    # Shown, never stored: the citizen and what was said stay out of browser storage.
    wait_text(browser, "Noor Bakker")
    kept = storage(browser)
    assert "Noor Bakker" not in kept and "huur twee maanden" not in kept
    shot_of(browser, "section-contacts", "contact-moment-confirmed")


def test_sharing_grant_recorded_on_the_citizens_behalf(
    browser: WebDriver, console_url: str, dossier: DossierProcess
) -> None:
    claim_as_anna(browser, console_url, GRANT_CASE)
    until_day = (datetime.now(UTC) + timedelta(days=90)).date().isoformat()
    # The agency is chosen by its name; the select sends its code.
    Select(browser.find_element(By.ID, "grant-agency")).select_by_visible_text(
        "Sociale Verzekeringsbank (SVB)"
    )
    click(browser, "grant-summary")
    click(browser, "grant-documents")
    set_date(browser, "grant-until", until_day)
    Select(browser.find_element(By.ID, "grant-channel")).select_by_value("phone")
    click(browser, "grant-form-submit")
    wait_text(browser, "Het delen is vastgelegd.")

    grants = case_in_dossier(dossier, GRANT_CASE)["sharing"]["grants"]
    [grant] = [g for g in grants if g["agency_code"] == "svb"]
    # Exactly the scopes ticked: not acting on the citizen's behalf.
    assert set(grant["scopes"]) == {"summary", "documents"}
    assert grant["valid_until"].startswith(until_day)
    assert grant["channel"] == "phone"
    assert grant["granted_by"] == "casemanager"  # recorded by staff on the citizen's behalf
    assert grant["revoked_at"] is None

    open_case(browser, console_url, GRANT_CASE)
    sharing = section_text(browser, "sharing-table")
    assert "Sociale Verzekeringsbank (SVB)" in sharing and until_day in sharing
    assert "Telefoon" in sharing
    shot_of(browser, "section-sharing", "sharing-granted")


def test_message_to_the_citizen(
    browser: WebDriver, console_url: str, dossier: DossierProcess
) -> None:
    claim_as_anna(browser, console_url, MESSAGE_CASE)
    text = "Uw afspraak bij de gemeente is dinsdag om tien uur."
    browser.find_element(By.ID, "message-text").send_keys(text)
    click(browser, "message-form-submit")
    wait_text(browser, "Het bericht staat klaar voor de burger.")

    case = case_in_dossier(dossier, MESSAGE_CASE)
    [item] = [i for i in case["summary"]["citizen_items"] if i["text"] == text]
    assert item["by"] == "cm-anna"
    assert any("bericht voor de burger" in t["nl"] for t in case["timeline"])

    open_case(browser, console_url, MESSAGE_CASE)
    assert text in section_text(browser, "messages-table")
    shot_of(browser, "section-messages", "message-to-citizen")


def test_doorbraak_needs_a_supervisors_sign_off(
    browser: WebDriver, second_browser: WebDriver, console_url: str, dossier: DossierProcess
) -> None:
    anna, sophie = browser, second_browser
    claim_as_anna(anna, console_url, DOORBRAAK_CASE)
    Select(anna.find_element(By.ID, "doorbraak-reason")).select_by_value("income_gap")
    note = "Bijstand wacht op het UWV-besluit; voorschot nodig tegen uitzetting."
    anna.find_element(By.ID, "doorbraak-note").send_keys(note)
    click(anna, "doorbraak-form-submit")
    wait_text(anna, "De doorbraak is voorgesteld; een supervisor moet aftekenen.")
    [proposed] = case_in_dossier(dossier, DOORBRAAK_CASE)["summary"]["doorbraak"]
    assert proposed["status"] == "proposed" and proposed["proposed_by"] == "cm-anna"
    # A casemanager cannot sign off (not even their own): the proposal is listed for Anna,
    # without a button.
    wait_text(anna, note)
    assert anna.find_elements(By.CSS_SELECTOR, "#doorbraak-table tbody tr")
    assert not anna.find_elements(By.CSS_SELECTOR, ".doorbraak-approve")

    enter(sophie, console_url, "sophie", "sophie-super-2024", "/supervisor")
    open_case(sophie, console_url, DOORBRAAK_CASE)
    wait_text(sophie, note)
    approve = sophie.find_element(By.CSS_SELECTOR, "#doorbraak-table .doorbraak-approve")
    sophie.execute_script("arguments[0].scrollIntoView({block: 'center'});", approve)
    approve.click()
    wait_text(sophie, "De doorbraak is goedgekeurd.")
    assert not sophie.find_elements(By.CSS_SELECTOR, ".doorbraak-approve")
    shot_of(sophie, "section-doorbraak", "doorbraak-approved")

    case = case_in_dossier(dossier, DOORBRAAK_CASE)
    [decided] = case["summary"]["doorbraak"]
    assert decided["status"] == "approved" and decided["decided_by"] == "sv-sophie"
    assert any("doorbraak besloten" in t["nl"] for t in case["timeline"])
    audit = dossier.audit(case_id=DOORBRAAK_CASE)
    assert any(
        r["who"] == "sv-sophie" and r["purpose"] == "doorbraak_decide" and r["allowed"]
        for r in audit
    )

    open_case(anna, console_url, DOORBRAAK_CASE)
    assert "Goedgekeurd" in section_text(anna, "doorbraak-table")


def test_closing_a_case_with_an_outcome(
    browser: WebDriver, console_url: str, dossier: DossierProcess
) -> None:
    claim_as_anna(browser, console_url, CLOSE_CASE)
    Select(browser.find_element(By.ID, "close-outcome")).select_by_value("moved_away")
    click(browser, "close-form-submit")
    wait_text(browser, "De zaak is gesloten.")

    case = case_in_dossier(dossier, CLOSE_CASE)
    assert case["summary"]["closed_at"] is not None
    assert any(t["nl"] == "De zaak is afgesloten." for t in case["timeline"])
    # The outcome travels on the CaseClosed event (the dossier's case page does not carry it):
    # the dossier wrote it to its outbox in the same transaction.
    with sqlite3.connect(dossier.data_dir / "dossier.db") as db:
        rows = db.execute(
            "SELECT value FROM outbox WHERE message_key = ? AND event_type = ?",
            (CLOSE_CASE, "nl.voorportaal.case.closed"),
        ).fetchall()
    [closed] = [json.loads(value) for (value,) in rows]
    assert closed["outcome"] == "moved_away" and closed["closed_by"] == "cm-anna"

    open_case(browser, console_url, CLOSE_CASE)
    until(browser, lambda d: bool(d.find_elements(By.ID, "closed-at")))
    assert not browser.find_elements(By.ID, "close-form")
    shot(browser, "case-closed")
