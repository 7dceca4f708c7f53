"""Find a case in the console: the console asks the real dossier (`GET /cases/search`,
`/cases/recent`) and shows rows with words; a casemanager finds their team's case by BSN and
the search is in the access log; a casemanager of another team does not find it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

import httpx
import pytest
from browser_harness import WAIT_S, click, enter, shot, until, wait_path, wait_text
from console_harness import staff_headers
from dossier_harness import DossierProcess, seed_events
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from buddy import api, find_api
from voorportaal_contracts.events import CitizenIdentified
from voorportaal_kit.testing import case_opening

FIND_CASE: Final = "vp-find-000001"
FIND_BSN: Final = "999993653"
FIND_NAME: Final = "Marieke van Dijk"


def _token(subject: str) -> str:
    return staff_headers(subject)["Authorization"].removeprefix("Bearer ")


@pytest.fixture(scope="module")
def find_case(dossier: DossierProcess) -> str:
    """A case of team noord (anna owns it) whose citizen has a BSN, seeded through the
    dossier's own service layer and claimed through its API."""
    t0 = datetime.now(UTC) - timedelta(hours=2)
    events = [(t0, e) for e in case_opening(FIND_CASE, t0, FIND_NAME)]
    identified = CitizenIdentified(
        case_id=FIND_CASE, name=FIND_NAME, bsn=FIND_BSN, postcode="1012AB"
    )
    events.append((t0 + timedelta(minutes=1), identified))
    seed_events(dossier.data_dir, events, migrate=False)
    dossier.claim(FIND_CASE, "cm-anna")
    return FIND_CASE


async def test_a_casemanager_finds_their_teams_case_by_bsn_with_words(
    dossier: DossierProcess, find_case: str
) -> None:
    endpoints = api.Endpoints(dossier.url, dossier.url, 10.0)
    found = await find_api.search(endpoints, _token("cm-bram"), FIND_BSN, "bsn")
    assert [r.case_id for r in found] == [find_case]
    row = found[0]
    assert row.name == FIND_NAME
    assert row.basis_words.nl == "Zaak van uw team" and row.basis_words.en == "Your team's case"
    assert row.state_words.nl == "Heeft een eigenaar"
    assert "Inkomen" in row.life_events_words.nl or row.life_events_words.nl


async def test_a_casemanager_of_another_team_does_not_find_the_case(
    dossier: DossierProcess, find_case: str
) -> None:
    endpoints = api.Endpoints(dossier.url, dossier.url, 10.0)
    assert await find_api.search(endpoints, _token("cm-chantal"), FIND_BSN, "bsn") == []
    assert await find_api.search(endpoints, _token("cm-chantal"), "van dijk", "name") == []
    assert await find_api.search(endpoints, _token("cm-chantal"), find_case, "case_id") == []


async def test_a_bad_bsn_is_refused_as_a_bad_term(dossier: DossierProcess) -> None:
    endpoints = api.Endpoints(dossier.url, dossier.url, 10.0)
    with pytest.raises(find_api.SearchRefused) as refused:
        await find_api.search(endpoints, _token("cm-anna"), "123456789", "bsn")
    assert refused.value.reason == "bad_term"
    async with httpx.AsyncClient(base_url=dossier.url, timeout=10) as client:
        answer = await client.get(
            "/cases/search",
            params={"q": "123456789", "kind": "bsn"},
            headers=staff_headers("cm-anna"),
        )
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "q"


@pytest.mark.browser
def test_search_finds_a_case_by_bsn_and_the_search_is_in_the_audit_log(
    browser: WebDriver, console_url: str, dossier: DossierProcess, find_case: str
) -> None:
    browser.set_window_size(1366, 768)
    enter(browser, console_url, "anna", "anna-noord-2024")
    click(browser, "nav-find")
    wait_path(browser, "/zoeken")
    wait_text(browser, "Zaak zoeken")
    until(browser, lambda d: bool(d.find_elements(By.ID, "find-q")))
    Select(browser.find_element(By.ID, "find-kind")).select_by_value("bsn")
    browser.find_element(By.ID, "find-q").send_keys("999 99 3653")
    click(browser, "find-submit")
    wait_text(browser, FIND_NAME)
    results = browser.find_element(By.ID, "find-results").text
    assert find_case in results and "U bent eigenaar" in results and "Heeft een eigenaar" in results
    for code in ("owner", "owned", "income_loss", "high", "GM0344"):  # words, never codes
        assert code not in results.split(), code
    shot(browser, "find-by-bsn")

    # The search is in the access log: the search itself (the BSN only as a keyed hash) and
    # the case it showed, as a supervisor's audit query reads them.
    entries = dossier.audit(subject="cm-anna")
    searches = [e for e in entries if e["purpose"] == "search_by_bsn"]
    assert searches and str(searches[-1]["object_id"]).startswith("hmac:")
    shown = [e for e in entries if e["purpose"] == "case_search" and e["case_id"] == find_case]
    assert shown and shown[-1]["object_id"] == searches[-1]["object_id"]
    assert FIND_BSN not in str(entries)

    # A bad BSN says why, in words.
    field = browser.find_element(By.ID, "find-q")
    field.clear()
    field.send_keys("123456789")
    click(browser, "find-submit")
    wait_text(browser, "elfproef")
    shot(browser, "find-bad-bsn")


@pytest.mark.browser
def test_an_opened_case_is_on_top_of_the_recent_cases(
    browser: WebDriver, console_url: str, find_case: str
) -> None:
    enter(browser, console_url, "anna", "anna-noord-2024")
    browser.get(f"{console_url}/zaak/{find_case}")
    wait_text(browser, FIND_NAME)
    click(browser, "nav-find")
    wait_path(browser, "/zoeken")
    until(browser, lambda d: bool(d.find_elements(By.ID, "recent-cases")), timeout=WAIT_S)
    recent = browser.find_element(By.ID, "recent-cases").text
    assert find_case in recent and FIND_NAME not in recent
    shot(browser, "find-recent")


@pytest.mark.browser
def test_a_casemanager_of_another_team_finds_nothing_in_the_console(
    browser: WebDriver, console_url: str, find_case: str
) -> None:
    browser.set_window_size(1366, 768)
    enter(browser, console_url, "chantal", "chantal-zuid-2024")
    browser.get(f"{console_url}/zoeken")
    until(browser, lambda d: bool(d.find_elements(By.ID, "find-q")))
    Select(browser.find_element(By.ID, "find-kind")).select_by_value("bsn")
    browser.find_element(By.ID, "find-q").send_keys(FIND_BSN)
    click(browser, "find-submit")
    wait_text(browser, "Geen zaken gevonden die u mag zien.")
    assert FIND_NAME not in browser.find_element(By.TAG_NAME, "body").text
    click(browser, "lang-switch")
    wait_text(browser, "No cases found that you may see.")
    wait_text(browser, "Find a case")
    shot(browser, "find-other-team-en")
