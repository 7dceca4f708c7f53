"""A supervisor gives a case to a casemanager, a closed case is opened again, and the case
summary shows the household's contact load from notify — in headless Chromium against the real
dossier and the real notify (each on SQLite, the broker closed), each checked where it lands
and with a screenshot at 1366 x 768 in `tests/artifacts/`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from browser_harness import (
    claim_as_anna,
    click,
    enter,
    open_case,
    owner,
    shot,
    shot_of,
    until,
    wait_path,
    wait_text,
)
from console_harness import staff_headers
from console_notify import NOTIFY_CASES
from desk_harness import ServiceProcess
from dossier_harness import (
    HELD_BACK_CASE,
    METER_CASE,
    REASSIGN_CASE,
    REOPEN_CASE,
    DossierProcess,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from buddy.pages.case.contact_load import deferred_words
from voorportaal_contracts.api.notify import ContactLoadOut

LAPTOP = (1366, 768)


def case_in_dossier(dossier: DossierProcess, case_id: str, subject: str) -> Any:
    """The case as the dossier's API gives it to `subject` (with the console's token)."""
    response = httpx.get(
        f"{dossier.url}/cases/{case_id}", headers=staff_headers(subject), timeout=10
    )
    response.raise_for_status()
    return response.json()


def owner_in_dossier(dossier: DossierProcess, case_id: str) -> str | None:
    """Who owns the case, as the dossier holds it."""
    found = case_in_dossier(dossier, case_id, "sv-sophie")["summary"]["ownership"]["owner"]
    return None if found is None else str(found["id"])


def meter_text(browser: WebDriver) -> str:
    """What the contact-load meter says once it has an answer from notify (or why not)."""
    until(browser, lambda d: "ophalen" not in d.find_element(By.ID, "contact-load").text)
    return str(browser.find_element(By.ID, "contact-load").text)


_QUEUE_CASE_IDS = (
    "return [...document.querySelectorAll(\"#queue-table a[href*='/zaak/']\")]"
    ".map(a => a.textContent);"
)


def other_case_ids(browser: WebDriver) -> list[str]:
    """The queue's cases notify has never heard of (not the console's own three), read in one
    go: the queue refreshes itself live, so an element found earlier may be gone by now."""
    ids = browser.execute_script(_QUEUE_CASE_IDS)
    return [str(i) for i in ids if i and i not in NOTIFY_CASES]


def show(browser: WebDriver, ident: str) -> None:
    """Scroll an element to the middle of the screen (for a screenshot)."""
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'});", browser.find_element(By.ID, ident)
    )


@pytest.mark.browser
def test_supervisor_gives_a_case_to_bram_and_the_header_shows_him(
    browser: WebDriver, console_url: str, dossier: DossierProcess
) -> None:
    browser.set_window_size(*LAPTOP)
    enter(browser, console_url, "sophie", "sophie-super-2024", "/supervisor")
    open_case(browser, console_url, REASSIGN_CASE)
    # The choices are the console's casemanagers, by name (and team), never an id.
    until(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#reassign-to option")) == 3)
    offered = [o.text for o in browser.find_elements(By.CSS_SELECTOR, "#reassign-to option")]
    assert offered == [
        "Anna Jansen (team-noord)",
        "Bram de Vries (team-noord)",
        "Chantal Bakker (team-zuid)",
    ]
    Select(browser.find_element(By.ID, "reassign-to")).select_by_visible_text(
        "Bram de Vries (team-noord)"
    )
    click(browser, "reassign-form-submit")
    wait_text(browser, "De zaak is toegewezen.")
    until(browser, lambda d: "Bram de Vries" in owner(d))

    assert owner_in_dossier(dossier, REASSIGN_CASE) == "cm-bram"
    # The dossier tells Bram: "a case was assigned to you" (its case_assigned notice).
    notices = httpx.get(
        f"{dossier.url}/me/notifications", headers=staff_headers("cm-bram"), timeout=10
    ).json()
    assert any(
        n["case_id"] == REASSIGN_CASE and n["kind"] == "case_assigned" for n in notices["items"]
    )
    case = case_in_dossier(dossier, REASSIGN_CASE, "sv-sophie")
    assert any("Bram de Vries" in t["nl"] or "toegewezen" in t["nl"] for t in case["timeline"])

    # The supervisor's meter: notify answers, nothing was sent to this household yet.
    meter = meter_text(browser)
    assert "Berichten deze week: 0" in meter and "belasting: laag" in meter
    browser.execute_script("window.scrollTo(0, 0);")
    shot(browser, "supervise-reassigned-top")
    shot_of(browser, "section-supervise", "supervise-reassigned")


@pytest.mark.browser
def test_a_casemanager_has_no_reassign_and_a_forced_call_is_refused(
    browser: WebDriver, console_url: str, dossier: DossierProcess
) -> None:
    enter(browser, console_url, "anna", "anna-noord-2024")
    open_case(browser, console_url, REASSIGN_CASE)
    wait_text(browser, "Iris Verbeek")
    assert not browser.find_elements(By.ID, "reassign-form")
    assert not browser.find_elements(By.ID, "section-supervise")  # an open case: nothing here

    before = owner_in_dossier(dossier, REASSIGN_CASE)
    forced = httpx.post(
        f"{dossier.url}/cases/{REASSIGN_CASE}/reassign",
        json={"to_casemanager_id": "cm-anna", "to_casemanager_name": "Anna Jansen"},
        headers=staff_headers("cm-anna"),
        timeout=10,
    )
    assert forced.status_code == 403
    assert "supervisor" in forced.text
    assert owner_in_dossier(dossier, REASSIGN_CASE) == before


@pytest.mark.browser
def test_closing_and_reopening_a_case(
    browser: WebDriver, console_url: str, dossier: DossierProcess
) -> None:
    browser.set_window_size(*LAPTOP)
    claim_as_anna(browser, console_url, REOPEN_CASE)
    assert not browser.find_elements(By.ID, "reopen-form")  # an open case is not reopened
    Select(browser.find_element(By.ID, "close-outcome")).select_by_value("completed")
    click(browser, "close-form-submit")
    wait_text(browser, "De zaak is gesloten.")
    until(browser, lambda d: bool(d.find_elements(By.ID, "closed-at")))
    until(browser, lambda d: bool(d.find_elements(By.ID, "reopen-form")))
    assert not browser.find_elements(By.ID, "reassign-form")
    show(browser, "section-supervise")
    shot(browser, "supervise-closed")

    click(browser, "reopen")
    wait_text(browser, "De zaak is heropend.")
    until(browser, lambda d: not d.find_elements(By.ID, "closed-at"))
    until(browser, lambda d: bool(d.find_elements(By.ID, "close-form")))
    assert not browser.find_elements(By.ID, "reopen-form")
    timeline = browser.find_element(By.ID, "timeline-table").text
    assert "De zaak is afgesloten." in timeline and "De zaak is heropend." in timeline

    case = case_in_dossier(dossier, REOPEN_CASE, "cm-anna")
    assert case["summary"]["closed_at"] is None
    said = [t["nl"] for t in case["timeline"]]
    assert said.count("De zaak is heropend.") == 1
    shot_of(browser, "section-timeline", "supervise-reopened")


@pytest.mark.browser
def test_the_meter_shows_zeros_and_says_when_notify_is_unreachable(
    browser: WebDriver, console_url: str, notify: ServiceProcess
) -> None:
    browser.set_window_size(*LAPTOP)
    enter(browser, console_url, "anna", "anna-noord-2024")
    open_case(browser, console_url, METER_CASE)
    meter = meter_text(browser)
    assert "Berichten deze week: 0" in meter
    assert "gebundelde meldingen: 0" in meter and "actie gevraagd: 0" in meter
    assert "laatste 24 uur: 0" in meter and "laatste 30 dagen: 0" in meter
    assert "belasting: laag" in meter
    show(browser, "contact-load")
    shot(browser, "contact-load-meter")

    # Another case opened from the queue in the same tab (a link, no reload): the meter asks
    # notify about that case. Notify has heard nothing of the other seeded cases, so it does
    # not show their load to a casemanager; the zeros of the last case must not stay.
    browser.execute_script("window.__stillTheSamePage = true;")
    click(browser, "nav-queue")
    wait_path(browser, "/werkvoorraad")
    click(browser, "view-recommended")
    until(browser, lambda d: bool(other_case_ids(d)))
    other_id = other_case_ids(browser)[0]
    browser.execute_script(
        "const a = document.querySelector(arguments[0]);"
        "a.scrollIntoView({block: 'center'}); a.click();",
        f"#queue-table a[href$='/zaak/{other_id}']",
    )
    wait_path(browser, f"/zaak/{other_id}")
    until(browser, lambda d: other_id in d.find_element(By.ID, "case-heading").text)
    wait_text(browser, "De berichtendienst laat u de contactbelasting van deze zaak niet zien.")
    assert "Berichten deze week" not in browser.find_element(By.ID, "contact-load").text
    assert browser.execute_script("return window.__stillTheSamePage === true;")

    notify.stop()
    try:
        # Stopping notify may outlast the tests' short idle timeout: sign in again.
        enter(browser, console_url, "anna", "anna-noord-2024")
        open_case(browser, console_url, METER_CASE)
        wait_text(browser, "De berichtendienst is niet bereikbaar")
        # The rest of the page is there and works: the case can still be claimed.
        click(browser, "claim")
        until(browser, lambda d: "Anna Jansen" in owner(d))
        assert "De berichtendienst is niet bereikbaar" in meter_text(browser)
        assert "Berichten deze week" not in browser.find_element(By.ID, "contact-load").text
        show(browser, "contact-load")
        shot(browser, "contact-load-unreachable")
    finally:
        notify.start()


def test_the_meter_says_what_was_sent_and_what_notify_holds_back(
    browser: WebDriver, console_url: str, notify: ServiceProcess
) -> None:
    # Notify sent this household two messages yesterday (three updates and one), and holds a
    # third back until its retry, three hours after the tests' start (console_notify.py).
    answer = httpx.get(
        f"{notify.url}/cases/{HELD_BACK_CASE}/contact-load",
        headers=staff_headers("cm-anna"),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    load = ContactLoadOut.model_validate(answer.json())
    assert (load.messages_7d, load.updates_7d, load.actions_7d) == (2, 4, 1)
    assert load.deferred == 1 and load.deferred_until is not None
    browser.set_window_size(*LAPTOP)
    enter(browser, console_url, "anna", "anna-noord-2024")
    open_case(browser, console_url, HELD_BACK_CASE)
    meter = meter_text(browser)
    assert "Berichten deze week: 2" in meter
    # Four updates in two messages: two of them rode along with another (bundled).
    assert "gebundelde meldingen: 2" in meter and "actie gevraagd: 1" in meter, meter
    assert deferred_words(1, load.deferred_until).nl in meter, meter
    show(browser, "contact-load")
    shot(browser, "contact-load-held-back")


def test_notify_verifies_the_consoles_staff_token(notify: ServiceProcess) -> None:
    path = f"{notify.url}/cases/{METER_CASE}/contact-load"
    assert httpx.get(path, timeout=10).status_code == 401
    forged = {"Authorization": "Bearer not-a-token"}
    assert httpx.get(path, headers=forged, timeout=10).status_code == 401
    answer = httpx.get(path, headers=staff_headers("sv-sophie"), timeout=10)
    assert answer.status_code == 200
    assert answer.json() == {
        "case_id": METER_CASE,
        "messages_24h": 0,
        "messages_7d": 0,
        "updates_7d": 0,
        "actions_7d": 0,
        "messages_30d": 0,
        "level": "low",
        "deferred": 0,
        "deferred_until": None,
    }
    # A casemanager sees it while the case waits in the queue (notify's own access facts).
    assert httpx.get(path, headers=staff_headers("cm-anna"), timeout=10).status_code == 200
