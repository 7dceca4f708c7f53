"""The supervisor's tables as CSV: made from the cells shown (so the numbers are the table's),
UTF-8 with a header row, percentages plain under a `(%)` header, nothing to measure empty,
months as words newest first, casemanagers by name; a formula-like cell is escaped."""

from __future__ import annotations

import csv
import io

from buddy.accounts import AccountStore
from buddy.figure_csv import (
    AGENCY_COLUMNS,
    TRENDS_COLUMNS,
    caseload_rows,
    csv_cell,
    header_row,
    table_csv,
    trend_chart,
    trend_rows,
)
from buddy.i18n import EN, NL
from buddy.state import account_store
from voorportaal_contracts.api.dossier import Caseload, MonthlyTrends


def _text(lang: str, key: str) -> str:
    return (EN if lang == "en" else NL)[key]


def _month(month: str, **figures: object) -> dict[str, object]:
    base: dict[str, object] = {
        "month": month,
        "referrals": 0,
        "answered": 0,
        "accepted_measured": 0,
        "median_accept_hours": None,
        "declined": 0,
        "decline_rate": None,
        "redirected": 0,
        "redirect_rate": None,
        "broken_promises": 0,
    }
    return {**base, **figures}


def test_a_csv_cell_is_the_shown_number_without_its_percent_sign_and_dash_is_empty() -> None:
    assert csv_cell("25%") == "25"
    assert csv_cell("-") == ""
    assert csv_cell("4.5") == "4.5"
    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_cell("Dienst Toeslagen") == "Dienst Toeslagen"


def test_the_csv_is_utf8_with_one_header_row_and_the_percent_columns_say_so() -> None:
    header = header_row(AGENCY_COLUMNS, lambda key: NL[key])
    text = table_csv(header, [["Sociale Verzekeringsbank", "4", "2.5", "50%", "25%", "1", "0"]])
    assert text.startswith("\ufeff")
    body = text.encode("utf-8").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == NL["col_agency"]
    assert rows[0][3] == f"{NL['col_decline_rate']} (%)"
    assert rows[1] == ["Sociale Verzekeringsbank", "4", "2.5", "50", "25", "1", "0"]
    assert "\r\n" in text


def test_trend_rows_name_the_month_in_words_newest_first_and_keep_empty_months() -> None:
    trends = MonthlyTrends.model_validate(
        {
            "at": "2026-12-06T12:00:00+00:00",
            "zone": "Europe/Amsterdam",
            "months": [
                _month("2026-10", referrals=2, answered=2, declined=1, decline_rate=0.5),
                _month("2026-11"),
                _month("2026-12", referrals=1, median_accept_hours=3.0),
            ],
        }
    )
    rows = trend_rows(trends, _text)
    assert [(r.label.nl, r.label.en) for r in rows] == [
        ("december 2026", "December 2026"),
        ("november 2026", "November 2026"),
        ("oktober 2026", "October 2026"),
    ]
    assert rows[1].cells == ["0", "-", "-", "-", "0"]  # the empty month is there
    assert rows[2].cells == ["2", "-", "50%", "-", "0"]
    assert len(rows[0].cells) == len(TRENDS_COLUMNS) - 1


def test_caseload_rows_name_the_casemanager_from_the_accounts_file() -> None:
    load = Caseload.model_validate(
        {
            "at": "2026-12-06T12:00:00+00:00",
            "casemanagers": [
                {
                    "owner_id": "cm-anna",
                    "team": "team-noord",
                    "open_cases": 3,
                    "waiting": 2,
                    "person_requests": 1,
                    "handovers_offered": 1,
                    "overdue_referrals": 0,
                },
                {
                    "owner_id": "cm-unknown",
                    "team": None,
                    "open_cases": 1,
                    "waiting": 0,
                    "person_requests": 0,
                    "handovers_offered": 0,
                    "overdue_referrals": 2,
                },
            ],
        }
    )
    store: AccountStore = account_store()
    anna = store.by_subject("cm-anna")
    assert anna is not None
    rows = caseload_rows(load, store)
    assert rows[0].label.nl == anna.name
    assert rows[0].cells == ["team-noord", "3", "2", "1", "1", "0"]
    assert rows[1].label.nl == "cm-unknown"
    assert rows[1].cells[0] == "-"


def test_the_trend_chart_runs_oldest_first_and_leaves_a_month_without_answers_as_a_gap() -> None:
    trends = MonthlyTrends.model_validate(
        {
            "at": "2026-12-06T12:00:00+00:00",
            "zone": "Europe/Amsterdam",
            "months": [
                _month("2026-11", referrals=4, answered=4, declined=1, decline_rate=0.25),
                _month("2026-12"),
            ],
        }
    )
    points = trend_chart(trends, _text)
    assert [p["month_nl"] for p in points] == ["november 2026", "december 2026"]
    assert points[0]["decline_pct"] == 25
    assert points[1]["decline_pct"] is None  # no point, not a false 0 %
    assert points[1]["referrals"] == 0
