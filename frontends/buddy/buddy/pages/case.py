"""One case: header with triage reasons, referrals board (routing), timeline, promises, contacts.

A skeleton: the sections are fed by the dossier client as its API appears; actions (take
ownership, hand over, record a promise …) come next.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from buddy import api
from buddy.i18n import tr
from buddy.layout import notice, shell
from buddy.state import SessionState, authorize, endpoints

_SECTIONS = ("timeline", "promises", "contacts")


def _problem_of(exc: api.ApiProblem) -> str:
    if isinstance(exc, api.NotFound):
        return "not_found"
    if isinstance(exc, api.Unreachable):
        return "unreachable"
    if isinstance(exc, api.Refused):
        return "refused"
    return "error"


class CaseState(rx.State):
    """The case shown in this tab, as the APIs returned it."""

    case_id: str = ""
    header: dict[str, str] = {}
    header_problem: str = ""
    referrals: list[dict[str, str]] = []
    referrals_problem: str = ""
    sections: dict[str, list[dict[str, str]]] = {}
    section_problems: dict[str, str] = {}
    loaded: bool = False

    @rx.event
    async def load(self) -> Any:
        """Check the session, then fetch every part of the case from its API."""
        session, _, redirect = await authorize(self)
        if redirect is not None:
            return redirect
        self.case_id = self.router.url.path.rstrip("/").rsplit("/", 1)[-1][:64]
        token, where = session._token(), endpoints()
        self.header, self.header_problem = {}, ""
        try:
            self.header = await api.case_header(where, token, self.case_id)
        except api.ApiProblem as exc:
            self.header_problem = _problem_of(exc)
        self.referrals, self.referrals_problem = [], ""
        try:
            self.referrals = await api.case_referrals(where, token, self.case_id)
        except api.ApiProblem as exc:
            self.referrals_problem = _problem_of(exc)
        sections: dict[str, list[dict[str, str]]] = {}
        problems: dict[str, str] = {}
        for name in _SECTIONS:
            try:
                sections[name] = await api.case_section(where, token, self.case_id, name)
            except api.ApiProblem as exc:
                sections[name], problems[name] = [], _problem_of(exc)
        self.sections, self.section_problems = sections, problems
        self.loaded = True
        return None


def _problem(problem: rx.Var[str], unreachable_key: str) -> rx.Component:
    return rx.match(
        problem,
        ("unreachable", notice(tr(unreachable_key))),
        ("refused", notice(tr("refused"))),
        ("not_found", notice(tr("not_found"))),
        ("error", notice(tr("api_error"))),
        rx.fragment(),
    )


def _header() -> rx.Component:
    h = CaseState.header
    return rx.vstack(
        rx.heading(tr("case_title"), " ", CaseState.case_id, size="7", as_="h1"),
        _problem(CaseState.header_problem, "dossier_unreachable"),
        rx.cond(
            CaseState.header_problem == "",
            rx.data_list.root(
                rx.data_list.item(
                    rx.data_list.label(tr("urgency")), rx.data_list.value(h["urgency"])
                ),
                rx.data_list.item(
                    rx.data_list.label(tr("redzaamheid")), rx.data_list.value(h["redzaamheid"])
                ),
                rx.data_list.item(rx.data_list.label(tr("owner")), rx.data_list.value(h["owner"])),
                rx.data_list.item(
                    rx.data_list.label(tr("triage_reasons")),
                    rx.data_list.value(
                        rx.cond(SessionState.lang == "en", h["reasons_en"], h["reasons_nl"])
                    ),
                ),
            ),
        ),
        spacing="3",
    )


def _referral_row(r: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(r["agency_code"]),
        rx.table.cell(r["service_id"]),
        rx.table.cell(r["state"]),
        rx.table.cell(
            r["due_at"],
            " ",
            rx.cond(r["overdue"] == "1", rx.badge(tr("overdue_yes"), color_scheme="red")),
        ),
        rx.table.cell(r["waits_on"]),
        rx.table.cell(r["decline_reason"]),
    )


def _referrals() -> rx.Component:
    cols = ["col_agency", "col_service", "col_state", "col_due", "col_waits_on", "col_decline"]
    return rx.el.section(
        rx.heading(tr("referrals"), size="5", as_="h2"),
        _problem(CaseState.referrals_problem, "routing_unreachable"),
        rx.cond(
            CaseState.referrals.length() > 0,  # type: ignore[attr-defined]
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(tr(c)) for c in cols])),
                rx.table.body(rx.foreach(CaseState.referrals, _referral_row)),
                width="100%",
            ),
            rx.cond(CaseState.referrals_problem == "", rx.text(tr("empty"))),
        ),
        id="referrals",
    )


def _section(name: str) -> rx.Component:
    rows = CaseState.sections[name]
    return rx.el.section(
        rx.heading(tr(name), size="5", as_="h2"),
        _problem(CaseState.section_problems[name], "dossier_unreachable"),
        rx.cond(
            rows.length() > 0,  # type: ignore[attr-defined]
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(tr(c))
                            for c in ("col_when", "col_what", "col_who", "col_state")
                        ]
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        rows,
                        lambda e: rx.table.row(
                            rx.table.cell(e["at"]),
                            rx.table.cell(
                                rx.cond(SessionState.lang == "en", e["what_en"], e["what_nl"]),
                                " ",
                                rx.cond(
                                    e["overdue"] == "1",
                                    rx.badge(tr("overdue_yes"), color_scheme="red"),
                                ),
                            ),
                            rx.table.cell(e["who"]),
                            rx.table.cell(e["state"]),
                        ),
                    )
                ),
                width="100%",
            ),
            rx.cond(CaseState.section_problems[name] == "", rx.text(tr("empty"))),
        ),
        id=f"section-{name}",
    )


def page() -> rx.Component:
    """The case page."""
    return shell(
        rx.cond(
            CaseState.loaded,
            rx.vstack(
                _header(),
                _referrals(),
                *[_section(name) for name in _SECTIONS],
                spacing="6",
                width="100%",
            ),
            rx.text(tr("loading")),
        )
    )
