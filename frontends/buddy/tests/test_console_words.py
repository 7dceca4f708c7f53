"""Words, not codes, in the browser: the queue, case and supervisor pages show no raw code
(life events, states, agencies, channels, …), in Dutch and in English."""

from __future__ import annotations

import re

import pytest
from browser_harness import WAIT_S, enter, shot, until, wait_text
from dossier_harness import CLAIM_CASE, FIGURES_CASE, GRANT_CASE, PROMISE_CASE
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait
from test_console_labels import CONTRACT_ENUM_KINDS, SERVICE_ENUM_KINDS, _contract_enums

from buddy import labels

pytestmark = pytest.mark.browser

DUTCH_WORDS = frozenset(
    {
        # Codes that are also ordinary words of a Dutch page, where finding one proves
        # nothing: "en" ("and"), "open", and words of the dossier's own timeline sentences
        # ("een verwijzing naar de gemeente wacht …", "een casemanager is de buddy
        # geworden"); the agency and the promiser themselves show as "Gemeente", "Casemanager".
        # Two agencies' own words hold their code: "Uw werkgever", "Uw pensioenfonds".
        "en",
        "open",
        "gemeente",
        "casemanager",
        "werkgever",
        "pensioenfonds",
        # Dutch staff say "checklist", "supervisor" and "team" too (the case part `checklist`,
        # the access bases `supervisor` and `team`): "Het dossier heeft voor deze zaak geen
        # checklist.", "Overzicht voor de supervisor", "Zaken van mijn team".
        "checklist",
        "supervisor",
        "team",
        # A service's own name holds its agency's code: "Procedure bij de rechtbank" (the
        # agency itself shows as "Rechtbank (via een advocaat)"), offered when referring.
        "rechtbank",
    }
)
LANGUAGE_CODES = frozenset({"nl", "en", "tr", "ar", "pl"})


def _codes(lang: str) -> frozenset[str]:
    """Every code the console could show: each value of the enums and every code of the
    label table (agencies, services, municipalities, needs, risks, …).

    On an English page the one-word codes are English words by design (`agency`, `summary`,
    `documents`) and appear in ordinary sentences, so there only the codes no sentence
    contains are looked for: those of several words (`niet_redzaam`, `in_progress`), with a
    digit (`GM0363`), and the language codes (`tr`)."""
    values = {str(m.value) for e in _contract_enums() for m in e}
    values |= {str(m.value) for e in SERVICE_ENUM_KINDS for m in e}
    for table in labels.labels().values():
        values |= set(table)
    assert CONTRACT_ENUM_KINDS, "the enums are named"
    if lang == "en":
        return frozenset(
            v
            for v in values
            if "_" in v or any(c.isdigit() for c in v) or v in LANGUAGE_CODES - {"en"}
        )
    return frozenset(values - DUTCH_WORDS)


def raw_codes(text: str, lang: str = "nl") -> list[str]:
    """The codes that appear as whole tokens in the page text (case-sensitive: a label such
    as `Partner` or `UWV` is a word, `partner` or `uwv` a code)."""
    tokens = re.findall(r"[A-Za-z0-9][A-Za-z0-9_-]*", text)
    codes = _codes(lang)
    return sorted({t for t in tokens if t in codes})


def in_context(text: str, lang: str) -> list[str]:
    """Each raw code found, with the text around it (for a failure message)."""
    found = []
    for code in raw_codes(text, lang):
        at = re.search(rf"(?<![A-Za-z0-9_-]){re.escape(code)}(?![A-Za-z0-9_-])", text)
        if at is not None:
            found.append(text[max(0, at.start() - 40) : at.end() + 40].replace("\n", " | "))
    return found


def _body(driver: WebDriver) -> str:
    return str(driver.find_element(By.TAG_NAME, "body").text)


def test_raw_codes_finds_codes_and_leaves_words_alone() -> None:
    assert raw_codes("Levensgebeurtenissen: moving_rented_home, niet_redzaam; taal tr") == [
        "moving_rented_home",
        "niet_redzaam",
        "tr",
    ]
    assert raw_codes("Redzaamheid: Niet redzaam (hulp nodig). UWV, Open zaken en Partner") == []
    assert raw_codes("Self-reliance: niet_redzaam; Agency: GM0363, uwv", "en") == [
        "GM0363",
        "niet_redzaam",
    ]


def _open_case(driver: WebDriver, base: str, case_id: str) -> None:
    """Open a case page and wait until the dossier's data is on it (in either language)."""
    driver.get(f"{base}/zaak/{case_id}")
    WebDriverWait(driver, WAIT_S).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#timeline-table tbody tr"))
    )


def _choose_view(driver: WebDriver, view: str) -> None:
    """Show one view of the work queue and wait until its answer is on the page."""
    WebDriverWait(driver, WAIT_S).until(ec.element_to_be_clickable((By.ID, f"view-{view}"))).click()
    WebDriverWait(driver, WAIT_S).until(
        lambda d: d.find_element(By.ID, f"view-{view}").get_attribute("aria-pressed") == "true"
    )
    WebDriverWait(driver, WAIT_S).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#queue-table, #queue-empty"))
    )


def _pages_text(driver: WebDriver, base: str) -> dict[str, str]:
    texts: dict[str, str] = {}
    for view in ("recommended", "mine", "team"):
        _choose_view(driver, view)
        texts[f"queue {view}"] = _body(driver)
    for case_id in (CLAIM_CASE, PROMISE_CASE, GRANT_CASE):
        _open_case(driver, base, case_id)
        texts[f"case {case_id}"] = _body(driver)
    return texts


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_queue_and_case_pages_show_words_not_codes(
    browser: WebDriver, console_url: str, lang: str
) -> None:
    enter(browser, console_url, "anna", "anna-noord-2024")
    if lang == "en":
        browser.find_element(By.ID, "lang-switch").click()
        wait_text(browser, "Work queue")
    texts = _pages_text(browser, console_url)
    # The words are there (the claim case's board: the gemeente waits on the UWV).
    municipality = "Gemeente" if lang == "nl" else "Municipality"
    assert municipality in texts[f"case {CLAIM_CASE}"]
    found = {page: in_context(text, lang) for page, text in texts.items()}
    assert {page: codes for page, codes in found.items() if codes} == {}
    # Screenshots for a person to look at: a 1366 x 768 laptop and a 360 px phone.
    for name, (width, height) in {"laptop": (1366, 768), "phone": (360, 740)}.items():
        browser.set_window_size(width, height)
        browser.get(f"{console_url}/werkvoorraad")
        _choose_view(browser, "recommended")
        shot(browser, f"queue-words-{lang}-{name}")
        assert not _scrolls_sideways(browser), f"the queue scrolls sideways at {width} px"
        _open_case(browser, console_url, CLAIM_CASE)
        shot(browser, f"case-words-{lang}-{name}")
        assert not _scrolls_sideways(browser), f"the case scrolls sideways at {width} px"
        if name == "phone":
            # The case bar stays on top at a laptop's width only: on a phone it would cover a
            # third of the screen, so it scrolls away with the page.
            browser.execute_script("document.getElementById('section-timeline').scrollIntoView();")
            until(browser, lambda d: d.execute_script(_CASE_BAR_BOTTOM) <= 0)


_CASE_BAR_BOTTOM = "return document.getElementById('case-bar').getBoundingClientRect().bottom;"


def _scrolls_sideways(browser: WebDriver) -> bool:
    """Whether the page is wider than the window (the header's menu must wrap instead)."""
    return bool(
        browser.execute_script(
            "const d = document.documentElement; return d.scrollWidth > d.clientWidth;"
        )
    )


def test_the_queue_is_filtered_by_choosing_an_agency_by_its_name(
    browser: WebDriver, console_url: str
) -> None:
    enter(browser, console_url, "anna", "anna-noord-2024")
    _choose_view(browser, "recommended")
    wait_text(browser, FIGURES_CASE)
    choice = Select(browser.find_element(By.ID, "filter-agencies"))
    assert "Sociale Verzekeringsbank (SVB)" in [o.text for o in choice.options]
    choice.select_by_visible_text("Sociale Verzekeringsbank (SVB)")
    browser.find_element(By.ID, "apply-filters").click()
    # Only cases with a referral to the SVB remain (the figures case; not the claim case).
    until(browser, lambda d: CLAIM_CASE not in _body(d))
    assert FIGURES_CASE in _body(browser)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_supervisor_page_shows_every_agency_by_name(
    browser: WebDriver, console_url: str, lang: str
) -> None:
    enter(browser, console_url, "sophie", "sophie-super-2024", "/supervisor")
    if lang == "en":
        browser.find_element(By.ID, "lang-switch").click()
        wait_text(browser, "Supervisor overview")
    table = WebDriverWait(browser, WAIT_S).until(
        ec.presence_of_element_located((By.ID, "agency-table"))
    )
    names = [
        r.find_element(By.TAG_NAME, "th").text
        for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")
    ]
    assert names, "the seeded dossier has agency figures"
    # Every agency of the table has its name as a label on each chart (horizontal bars); a
    # long name wraps over several <tspan>s, so spaces are left out of the comparison.
    wanted = sorted("".join(name.split()) for name in names)
    for chart in ("chart-accept", "chart-rates", "chart-broken"):
        # Recharts 3 draws all tick labels in one layer of their own, not inside the axis:
        # the agency names are the tick labels that are not numbers (those are the x axis).
        script = (
            f"return [...document.querySelectorAll('#{chart} .recharts-cartesian-axis-tick-value')]"
            ".map(t => t.textContent).filter(t => isNaN(Number(t)));"
        )

        seen: list[str] = []

        def labelled(d: WebDriver, script: str = script, seen: list[str] = seen) -> bool:
            seen[:] = sorted("".join(str(t).split()) for t in d.execute_script(script))
            return seen == wanted

        try:
            until(browser, labelled)
        except TimeoutException:
            pytest.fail(f"{chart}: the bars are labelled {seen}, not {wanted}")
    assert in_context(_body(browser), lang) == []
    shot(browser, f"supervisor-words-{lang}")
