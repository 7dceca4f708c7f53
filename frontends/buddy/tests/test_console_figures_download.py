"""The supervisor downloads each figures table as CSV (Chromium's download folder set by the
test) and its numbers are the table's on the page: the agency table, the trends per month
(twelve Europe/Amsterdam months, empty ones too) and the caseload per casemanager."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from browser_harness import WAIT_S, click, csp_violations, enter, shot, until
from dossier_harness import ZUID_CASE, DossierProcess
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser

RATE_HEADERS = {"Afwijzingen", "Doorverwezen"}


def _table(browser: WebDriver, ident: str) -> tuple[list[str], list[list[str]]]:
    """The header titles and the rows (label, then the cells) as the page shows them."""
    table = WebDriverWait(browser, WAIT_S).until(ec.presence_of_element_located((By.ID, ident)))
    header = [c.text for c in table.find_elements(By.CSS_SELECTOR, "thead th")]
    rows = [
        [r.find_element(By.TAG_NAME, "th").text]
        + [c.text for c in r.find_elements(By.TAG_NAME, "td")]
        for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")
    ]
    return header, rows


def _download(browser: WebDriver, folder: Path, button: str, prefix: str) -> list[list[str]]:
    """Click a download button and read the CSV Chromium saved (UTF-8, BOM allowed)."""
    click(browser, button)

    def saved(_: WebDriver) -> bool:
        return any(p.name.startswith(prefix) and p.suffix == ".csv" for p in folder.iterdir())

    until(browser, saved)
    (path,) = [p for p in folder.iterdir() if p.name.startswith(prefix)]
    raw = path.read_bytes()
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _as_csv(shown: str) -> str:
    """What a number shown on the page must be in the CSV: `50%` → `50`, `-` → empty."""
    return "" if shown == "-" else shown.removesuffix("%")


def _same_numbers(page: tuple[list[str], list[list[str]]], data: list[list[str]]) -> None:
    header, rows = page
    assert data[0] == [f"{h} (%)" if h in RATE_HEADERS else h for h in header]
    assert data[1:] == [[row[0], *(_as_csv(c) for c in row[1:])] for row in rows]


def test_supervisor_downloads_each_table_as_csv_with_the_tables_numbers(
    browser: WebDriver, console_url: str, dossier: DossierProcess, tmp_path: Path
) -> None:
    # Chantal owns her team's case (a second claim of hers is a no-op), so the caseload has a
    # row; the figures case stays unclaimed for the queue tests that look for it.
    dossier.claim(ZUID_CASE, "cm-chantal")
    browser.set_window_size(1366, 768)
    browser.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    enter(browser, console_url, "sophie", "sophie-super-2024", "/supervisor")
    WebDriverWait(browser, WAIT_S).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#caseload-table tbody tr"))
    )

    agencies = _table(browser, "agency-table")
    agency_csv = _download(browser, tmp_path, "download-agencies", "voorportaal-instanties-")
    _same_numbers(agencies, agency_csv)
    by_agency = {row[0]: row for row in agency_csv[1:]}
    # Seeded: UWV accepted after 3 h; SVB declined every referral it answered.
    assert by_agency["UWV"][2] == "3.0"
    assert by_agency["Sociale Verzekeringsbank (SVB)"][3] == "100"

    trends = _table(browser, "trends-table")
    trends_csv = _download(browser, tmp_path, "download-trends", "voorportaal-per-maand-")
    _same_numbers(trends, trends_csv)
    assert len(trends_csv) == 1 + 12  # twelve months, the empty ones too
    assert sum(int(row[1]) for row in trends_csv[1:]) > 0  # the seeded referrals are there
    assert browser.find_element(By.ID, "complaints-not-yet").text
    # The chart draws a month label per month (the numbers themselves are in the table).
    ticks = browser.execute_script(
        "return [...document.querySelectorAll('#chart-trends .recharts-cartesian-axis-tick-value')]"
        ".map(t => t.textContent).filter(t => isNaN(Number(t.replace('%', ''))));"
    )
    assert len(ticks) == 12

    caseload = _table(browser, "caseload-table")
    caseload_csv = _download(browser, tmp_path, "download-caseload", "voorportaal-werklast-")
    _same_numbers(caseload, caseload_csv)
    chantal = {row[0]: row for row in caseload_csv[1:]}["Chantal Bakker"]
    assert chantal[1] == "team-zuid" and int(chantal[2]) >= 1
    # Aggregate figures only: no case id in any export.
    for data in (agency_csv, trends_csv, caseload_csv):
        assert not any("vp-" in cell for row in data for cell in row)

    assert csp_violations(browser) == []
    browser.execute_script(
        "document.getElementById('chart-trends').scrollIntoView({block: 'start'});"
    )
    shot(browser, "supervisor-trends-1366")
    browser.execute_script(
        "document.getElementById('caseload-table').scrollIntoView({block: 'start'});"
    )
    shot(browser, "supervisor-caseload-1366")
