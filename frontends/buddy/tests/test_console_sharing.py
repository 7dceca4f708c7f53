"""Sharing and mandates on the case page, in headless Chromium against the real dossier: a
grant recorded on the citizen's behalf with the agency chosen by its name and the channel of
the citizen's consent, then revoked (it stays listed, marked revoked with when); a mandate
recorded and revoked; bad input named by field with nothing sent (and nothing typed lost); a
casemanager of another team refused with the dossier's own message and nothing changed.
Screenshots at 1366 by 768 in `tests/artifacts/`. The first tests are unit tests of what the
forms offer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from browser_harness import (
    WAIT_S,
    click,
    enter,
    open_case,
    owner,
    press,
    shot,
    until,
    wait_text,
)
from dossier_harness import SHARING_CASE, SHARING_QUEUE_CASE, DossierProcess
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait
from test_console_case_actions import case_in_dossier, set_date
from test_console_words import raw_codes

from buddy.i18n import EN, NL
from buddy.pages.case.sharing import RELATIONS, SCOPES, agency_choices
from buddy.rows.case import case_view
from voorportaal_contracts.api.dossier import CasePage
from voorportaal_contracts.types import RepresentativeRelation, SharingScope

# --------------------------------------------------------------------------- what is offered


def test_agencies_are_offered_by_name_with_the_cases_own_municipality() -> None:
    offered = agency_choices("GM0344", ["uwv", "gemeente-gm0344", "cbr"])
    values = [o["value"] for o in offered]
    by_value = {o["value"]: o for o in offered}
    # The bare kind names no agency: the case's own municipality's organisations instead.
    assert "gemeente" not in values and "wijkteam" not in values
    assert by_value["gemeente-gm0344"]["nl"] == "Gemeente Utrecht"
    assert by_value["wijkteam-gm0344"]["en"] == "Neighbourhood team Utrecht"
    assert len(values) == len(set(values))  # a referred agency is not offered twice
    assert [o["nl"].lower() for o in offered] == sorted(o["nl"].lower() for o in offered)
    assert all(o["nl"] != o["value"] for o in offered)  # every one has a name


def test_an_agency_the_case_was_referred_to_is_offered_too() -> None:
    offered = {o["value"]: o for o in agency_choices("", ["gemeente-gm0363", "gemeente"])}
    assert offered["gemeente-gm0363"]["nl"] == "Gemeente Amsterdam"
    assert "gemeente" not in offered
    assert not any(v.startswith("wijkteam") for v in offered)  # no municipality, no wijkteam


def test_the_forms_offer_every_scope_and_relation_of_the_contract() -> None:
    assert set(SCOPES) == {s.value for s in SharingScope}
    assert set(RELATIONS) == {r.value for r in RepresentativeRelation}


def test_grants_and_mandates_become_rows_of_their_own() -> None:
    page = CasePage.model_validate(
        {
            "case_id": "vp-x",
            "refused": {},
            "sharing": {
                "grants": [
                    {
                        "grant_id": "g-1",
                        "agency_code": "gemeente-gm0344",
                        "scopes": ["summary"],
                        "valid_from": "2026-01-01T09:00:00+00:00",
                        "valid_until": "2026-06-01T15:00:00+00:00",
                        "granted_by": "casemanager",
                        "channel": "phone",
                        "revoked_at": "2026-02-03T10:15:00+00:00",
                    }
                ],
                "mandates": [
                    {
                        "mandate_id": "m-1",
                        "holder_name": "Mieke van Dijk",
                        "relation": "bewindvoerder",
                        "scopes": ["act_on_behalf", "documents"],
                        "valid_from": "2026-01-01T09:00:00+00:00",
                        "valid_until": "2027-01-01T15:00:00+00:00",
                        "revoked_at": None,
                    }
                ],
            },
        }
    )
    view = case_view(page)
    [grant], [mandate] = view.grants, view.mandates
    assert (grant.id, grant.revoked, grant.revoked_at) == ("g-1", True, "2026-02-03 10:15")
    assert grant.holder_words.nl == "Gemeente Utrecht" and grant.channel_words.nl == "Telefoon"
    assert (mandate.id, mandate.holder, mandate.revoked) == ("m-1", "Mieke van Dijk", False)
    assert mandate.relation_words.nl == "Bewindvoerder"
    assert mandate.scopes_words.nl == "Namens de burger handelen, Documenten"
    assert mandate.valid_until == "2027-01-01"


def test_every_sharing_text_in_both_languages() -> None:
    mine = {k for k in NL if k.startswith(("sh_", "action_sh_", "ok_revoke", "ok_mandate"))}
    assert mine and mine <= set(EN)


# --------------------------------------------------------------------------- in the browser


def _until_day(days: int = 90) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).date().isoformat()


def _as_owner(browser: WebDriver, base: str, case_id: str) -> None:
    """Anna signs in and opens the case, taking ownership unless she has it already."""
    enter(browser, base, "anna", "anna-noord-2024")
    open_case(browser, base, case_id)
    if browser.find_elements(By.ID, "claim"):
        click(browser, "claim")
    until(browser, lambda d: "Anna Jansen" in owner(d))


def _said(browser: WebDriver, text: str) -> str:
    """Wait until this section's outcome says `text`; return all it says."""
    WebDriverWait(browser, WAIT_S).until(
        ec.text_to_be_present_in_element((By.ID, "sharing-said"), text)
    )
    return str(browser.find_element(By.ID, "sharing-said").text)


def _choose(browser: WebDriver, ident: str, text: str) -> None:
    """Choose an option by the words it shows, once the select offers it."""
    until(browser, lambda d: text in d.find_element(By.ID, ident).text)
    Select(browser.find_element(By.ID, ident)).select_by_visible_text(text)


def _row(browser: WebDriver, table: str, text: str) -> Any:
    return browser.find_element(By.XPATH, f"//*[@id='{table}']//tr[contains(., '{text}')]")


def _row_text(browser: WebDriver, table: str, text: str) -> str:
    return str(_row(browser, table, text).text)


def _mine(dossier: DossierProcess, case_id: str, part: str, key: str, value: str) -> list[Any]:
    sharing = case_in_dossier(dossier, case_id)["sharing"]
    return [g for g in sharing[part] if g[key] == value]


def _look(browser: WebDriver, name: str, anchor: str) -> None:
    """A 1366 by 768 screenshot with `anchor` at the top of the screen."""
    browser.set_window_size(1366, 768)
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'start'});", browser.find_element(By.ID, anchor)
    )
    shot(browser, name)


@pytest.mark.browser
def test_grant_recorded_by_agency_name_and_revoked(
    browser: WebDriver, console_url: str, dossier: DossierProcess
) -> None:
    _as_owner(browser, console_url, SHARING_CASE)
    agencies = browser.find_element(By.ID, "grant-agency").text
    assert "Gemeente Utrecht" in agencies and "Dienst Toeslagen" in agencies
    assert "toeslagen" not in agencies  # names, never codes

    # Bad input: the field is named and why, and nothing reaches the dossier.
    _choose(browser, "grant-agency", "Dienst Toeslagen")
    click(browser, "grant-summary")
    set_date(browser, "grant-until", _until_day())
    click(browser, "grant-form-submit")
    assert "Hoe de burger dit aangaf" in _said(browser, "kies hoe de burger")
    assert _mine(dossier, SHARING_CASE, "grants", "agency_code", "toeslagen") == []

    # What was chosen is kept: only the channel is added.
    _choose(browser, "grant-channel", "Telefoon")
    click(browser, "grant-form-submit")
    _said(browser, "Het delen is vastgelegd.")
    [grant] = _mine(dossier, SHARING_CASE, "grants", "agency_code", "toeslagen")
    assert grant["scopes"] == ["summary"] and grant["channel"] == "phone"
    assert grant["granted_by"] == "casemanager" and grant["revoked_at"] is None
    until(browser, lambda d: "Telefoon" in _row_text(d, "sharing-table", "Dienst Toeslagen"))
    row = _row_text(browser, "sharing-table", "Dienst Toeslagen")
    assert "Samenvatting" in row and "Casemanager namens de burger" in row and "Geldig" in row

    # Revoke: it asks how the citizen said so, then the grant stays listed, revoked, with when.
    press(
        browser,
        _row(browser, "sharing-table", "Dienst Toeslagen").find_element(
            By.CLASS_NAME, "grant-revoke"
        ),
    )
    WebDriverWait(browser, WAIT_S).until(
        ec.text_to_be_present_in_element((By.ID, "grant-revoke-form"), "Dienst Toeslagen")
    )
    _look(browser, "sharing-revoke-asked", "section-sharing")
    _choose(browser, "grant-revoke-channel", "Balie")
    click(browser, "grant-revoke-submit")
    _said(browser, "Het delen is ingetrokken.")
    [grant] = _mine(dossier, SHARING_CASE, "grants", "agency_code", "toeslagen")
    assert grant["revoked_at"] is not None
    until(browser, lambda d: "Ingetrokken op" in _row_text(d, "sharing-table", "Dienst Toeslagen"))
    revoked = _row(browser, "sharing-table", "Dienst Toeslagen")
    assert revoked.find_elements(By.CLASS_NAME, "grant-revoke") == []
    assert not browser.find_elements(By.ID, "grant-revoke-form")

    section = str(browser.find_element(By.ID, "section-sharing").text)
    assert raw_codes(section) == [], raw_codes(section)
    _look(browser, "sharing-grant-revoked", "section-sharing")


@pytest.mark.browser
def test_mandate_recorded_and_revoked(
    browser: WebDriver, console_url: str, dossier: DossierProcess
) -> None:
    _as_owner(browser, console_url, SHARING_CASE)
    browser.find_element(By.ID, "mandate-holder").send_keys("Mieke van Dijk")
    _choose(browser, "mandate-relation", "Familielid")
    click(browser, "mandate-summary")
    click(browser, "mandate-act_on_behalf")
    set_date(browser, "mandate-until", _until_day(180))
    _choose(browser, "mandate-channel", "Huisbezoek")
    click(browser, "mandate-form-submit")
    _said(browser, "De machtiging is vastgelegd.")
    [mandate] = _mine(dossier, SHARING_CASE, "mandates", "holder_name", "Mieke van Dijk")
    assert mandate["relation"] == "family"
    assert set(mandate["scopes"]) == {"summary", "act_on_behalf"}
    assert mandate["valid_until"].startswith(_until_day(180))
    until(browser, lambda d: "Familielid" in _row_text(d, "mandates-table", "Mieke van Dijk"))
    row = _row_text(browser, "mandates-table", "Mieke van Dijk")
    assert "Namens de burger handelen" in row and _until_day(180) in row
    # The form is empty again for the next one.
    assert browser.find_element(By.ID, "mandate-holder").get_attribute("value") == ""

    press(
        browser,
        _row(browser, "mandates-table", "Mieke van Dijk").find_element(
            By.CLASS_NAME, "mandate-revoke"
        ),
    )
    _choose(browser, "mandate-revoke-channel", "Telefoon")
    click(browser, "mandate-revoke-submit")
    _said(browser, "De machtiging is ingetrokken.")
    [mandate] = _mine(dossier, SHARING_CASE, "mandates", "holder_name", "Mieke van Dijk")
    assert mandate["revoked_at"] is not None
    until(browser, lambda d: "Ingetrokken op" in _row_text(d, "mandates-table", "Mieke van Dijk"))

    section = str(browser.find_element(By.ID, "section-sharing").text)
    assert raw_codes(section) == [], raw_codes(section)
    _look(browser, "sharing-mandate-revoked", "mandates")

    # With the English switch: the same rows in English words.
    browser.find_element(By.ID, "lang-switch").click()
    wait_text(browser, "Mandates (who may act on the citizen's behalf)")
    row = _row_text(browser, "mandates-table", "Mieke van Dijk")
    assert "Family member" in row and "Act on the citizen's behalf" in row and "Revoked on" in row
    section = str(browser.find_element(By.ID, "section-sharing").text)
    assert raw_codes(section, "en") == [], raw_codes(section, "en")
    _look(browser, "sharing-en", "section-sharing")


@pytest.mark.browser
def test_colleague_of_another_team_is_refused_and_nothing_changes(
    browser: WebDriver, console_url: str, dossier: DossierProcess
) -> None:
    def sharing() -> Any:
        return case_in_dossier(dossier, SHARING_QUEUE_CASE, "sv-sophie")["sharing"]

    before = sharing()
    enter(browser, console_url, "chantal", "chantal-zuid-2024")
    open_case(browser, console_url, SHARING_QUEUE_CASE)  # in the queue: she may look
    # The dossier keeps the sharing part from her: said so, not shown as "nothing yet".
    assert "toont het dossier u" in str(browser.find_element(By.ID, "sharing-not-shown").text)
    _choose(browser, "grant-agency", "Dienst Toeslagen")
    click(browser, "grant-documents")
    set_date(browser, "grant-until", _until_day())
    _choose(browser, "grant-channel", "Telefoon")
    click(browser, "grant-form-submit")
    said = _said(browser, "Niet gelukt:")
    # In Dutch the dossier's own Dutch sentence (`detail_nl`), not its English one.
    assert "alleen de burger, of namens de burger een casemanager van de zaak" in said
    assert "only the citizen" not in said

    assert sharing() == before
    _look(browser, "sharing-refused", "section-sharing")
