"""The supervisor's tables as rows, and each table as a CSV file (pure: no Reflex, no IO).

A table is what the page shows: a label per row (a month, an agency, a casemanager) and the
numbers as displayed. The CSV is made **from those displayed cells**, so its numbers are the
table's by construction: a rate shown as `25%` is `25` under a header ending in `(%)`, and a
figure shown as `-` (nothing to measure) is an empty cell. UTF-8 with a byte order mark (so a
spreadsheet opens it as UTF-8), one header row, CRLF line ends (RFC 4180). Aggregate figures
only: no case ids, no citizen data.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from buddy.accounts import AccountStore
from buddy.labels import Words
from buddy.rows.formats import number, rate
from voorportaal_contracts.api.dossier import Caseload, MonthlyTrends

TRENDS_COLUMNS: Final = (
    "col_month",
    "col_referrals",
    "col_accept_hours",
    "col_decline_rate",
    "col_redirect_rate",
    "broken_promises",
)
CASELOAD_COLUMNS: Final = (
    "col_casemanager",
    "col_team",
    "col_open_cases",
    "col_waiting",
    "col_person_requests",
    "col_handovers_offered",
    "col_overdue_on_cases",
)
AGENCY_COLUMNS: Final = (
    "col_agency",
    "col_referrals",
    "col_accept_hours",
    "col_decline_rate",
    "col_redirect_rate",
    "col_overdue_referrals",
    "broken_promises",
)
"""The columns of the supervisor page's agency table, in its order."""
PERCENT_COLUMNS: Final = frozenset({"col_decline_rate", "col_redirect_rate"})
"""Columns shown as percentages (`25%`): their CSV header says `(%)`."""
_FORMULA_START: Final = ("=", "+", "@", "\t", "\r")
"""A cell starting with one of these is a formula to a spreadsheet (CSV injection)."""


@dataclass
class TableRow:
    """One row of a figures table as shown: its label in both languages and its cells."""

    label: Words = field(default_factory=Words)
    cells: list[str] = field(default_factory=list)


def month_words(month: str, texts: Callable[[str, str], str]) -> Words:
    """`2026-03` as `maart 2026` / `March 2026` (`texts(lang, key)` gives a text)."""
    year, number = month.split("-")
    return Words(
        nl=f"{texts('nl', f'month_{number}')} {year}", en=f"{texts('en', f'month_{number}')} {year}"
    )


def trend_rows(trends: MonthlyTrends, texts: Callable[[str, str], str]) -> list[TableRow]:
    """The months, newest first (the month a supervisor looks at is on top)."""
    return [
        TableRow(
            label=month_words(m.month, texts),
            cells=[
                str(m.referrals),
                number(m.median_accept_hours),
                rate(m.decline_rate),
                rate(m.redirect_rate),
                str(m.broken_promises),
            ],
        )
        for m in reversed(trends.months)
    ]


def trend_chart(trends: MonthlyTrends, texts: Callable[[str, str], str]) -> list[dict[str, Any]]:
    """Per month, oldest first, the numbers the trend chart draws (a month with nothing to
    measure has no point: `None`, so the line has a gap rather than a false 0 %)."""

    def pct(value: float | None) -> int | None:
        return None if value is None else round(value * 100)

    out: list[dict[str, Any]] = []
    for m in trends.months:
        words = month_words(m.month, texts)
        out.append(
            {
                "month_nl": words.nl,
                "month_en": words.en,
                "decline_pct": pct(m.decline_rate),
                "redirect_pct": pct(m.redirect_rate),
                "referrals": m.referrals,
                "broken_promises": m.broken_promises,
            }
        )
    return out


def caseload_rows(caseload: Caseload, accounts: AccountStore) -> list[TableRow]:
    """One row per casemanager, named as the accounts file names them (else by their id)."""
    rows = []
    for c in caseload.casemanagers:
        account = accounts.by_subject(c.owner_id)
        name = account.name if account is not None else c.owner_id
        rows.append(
            TableRow(
                label=Words(nl=name, en=name),
                cells=[
                    c.team or "-",
                    str(c.open_cases),
                    str(c.waiting),
                    str(c.person_requests),
                    str(c.handovers_offered),
                    str(c.overdue_referrals),
                ],
            )
        )
    return rows


def csv_cell(shown: str) -> str:
    """A displayed cell as a CSV cell: `25%` → `25`, `-` → empty, a formula start escaped."""
    if shown == "-":
        return ""
    if shown.endswith("%") and shown[:-1].isdigit():
        return shown[:-1]
    if shown.startswith(_FORMULA_START):
        return "'" + shown
    return shown


def table_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A header row and the rows as CSV text (with the byte order mark)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return "\ufeff" + out.getvalue()


def header_row(columns: Sequence[str], texts: Callable[[str], str]) -> list[str]:
    """The column titles in one language, a percentage column's ending in `(%)`."""
    return [
        f"{texts(key)} {texts('csv_percent')}" if key in PERCENT_COLUMNS else texts(key)
        for key in columns
    ]
