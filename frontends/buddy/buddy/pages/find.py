"""Find a case: a search by name, BSN, case number, postcode or phone, and the cases the
signed-in user opened lately. The dossier decides what may be found and audits each search."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars.object import ObjectVar

from buddy import api, find_api, routes
from buddy.i18n import say, tr
from buddy.layout import FOCUS_STYLE, notice, shell
from buddy.rows.lists import FoundRow
from buddy.state import authorize, endpoints

MAX_TERM = 120
"""Longest term the form sends (the dossier's own limit)."""


def _problem_of(exc: api.ApiProblem) -> str:
    """A refused search says why; any other problem is said as every page says it."""
    return exc.reason if isinstance(exc, find_api.SearchRefused) else exc.problem


class FindState(rx.State):
    """One tab's search: the term's kind, what was found, and the recent cases."""

    kind: str = ""
    searched: bool = False
    found: list[FoundRow] = []
    problem: str = ""
    """Empty, or why nothing is shown: `bad_term`, `too_many`, `unreachable`, `refused`,
    `error`."""
    recent: list[FoundRow] = []
    recent_problem: str = ""

    @rx.event
    async def load(self) -> Any:
        """On opening the page: check the session and list the recent cases."""
        session, _, redirect = await authorize(self)
        if redirect is not None:
            return redirect
        self.searched, self.found, self.problem = False, [], ""
        try:
            self.recent = await find_api.recent(endpoints(), session._token())
            self.recent_problem = ""
        except api.ApiProblem as exc:
            self.recent, self.recent_problem = [], _problem_of(exc)
        return None

    @rx.event
    async def search(self, form: dict[str, Any]) -> Any:
        """Ask the dossier for the cases the term names."""
        session, _, redirect = await authorize(self)
        if redirect is not None:
            return redirect
        term = str(form.get("q", ""))[:MAX_TERM]
        kind = str(form.get("kind", ""))
        self.kind = kind if kind in find_api.SEARCH_KINDS else ""
        try:
            self.found = await find_api.search(endpoints(), session._token(), term, self.kind)
            self.problem = ""
        except api.ApiProblem as exc:
            self.found, self.problem = [], _problem_of(exc)
        self.searched = True
        return None


def _form() -> rx.Component:
    field_style = {**FOCUS_STYLE, "padding": "0.4em", "border": "1px solid #8b8d98"}
    return rx.form(
        rx.hstack(
            rx.vstack(
                rx.el.label(tr("find_kind"), html_for="find-kind"),
                rx.el.select(
                    *[
                        rx.el.option(tr(f"find_kind_{kind or 'any'}"), value=kind)
                        for kind in find_api.SEARCH_KINDS
                    ],
                    id="find-kind",
                    name="kind",
                    style=field_style,
                ),
                spacing="1",
            ),
            rx.vstack(
                rx.el.label(tr("find_term"), html_for="find-q"),
                rx.el.input(
                    id="find-q",
                    name="q",
                    type="search",
                    max_length=MAX_TERM,
                    auto_complete="off",
                    required=True,
                    style={**field_style, "min_width": "22em"},
                ),
                spacing="1",
            ),
            rx.button(tr("find_submit"), type="submit", id="find-submit", style=FOCUS_STYLE),
            align="end",
            spacing="3",
            wrap="wrap",
        ),
        on_submit=FindState.search,
        role="search",
        aria_label=tr("find_title"),
    )


def _row(row: ObjectVar[FoundRow], *, with_name: bool) -> rx.Component:
    cells = [
        rx.table.row_header_cell(
            rx.link(row.case_id, href=routes.case_url(row.case_id), style=FOCUS_STYLE)
        ),
    ]
    if with_name:
        cells.append(
            rx.table.cell(rx.cond(row.name != "", row.name, tr("name_hidden")), class_name="name")
        )
    cells += [
        rx.table.cell(say(row.life_events_words)),
        rx.table.cell(say(row.urgency_words)),
        rx.table.cell(say(row.state_words)),
        rx.table.cell(row.owner),
        rx.table.cell(say(row.municipality_words)),
        rx.table.cell(say(row.basis_words)),
        rx.table.cell(row.opened_at),
    ]
    return rx.table.row(*cells)


def _table(rows: Any, ident: str, *, with_name: bool) -> rx.Component:
    headers = [
        "col_case",
        *(["col_name"] if with_name else []),
        "col_life_events",
        "col_urgency",
        "col_state",
        "col_owner",
        "col_municipality",
        "col_basis",
        "col_opened",
    ]
    return rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(tr(h)) for h in headers])),
        rx.table.body(rx.foreach(rows, lambda r: _row(r, with_name=with_name))),
        id=ident,
        width="100%",
    )


def _problem(var: rx.Var[str] | str, fallback: rx.Component) -> rx.Component:
    return rx.match(
        var,
        ("bad_term", notice(tr("find_bad_term"))),
        ("too_many", notice(tr("find_too_many"))),
        ("unreachable", notice(tr("dossier_unreachable"))),
        ("refused", notice(tr("refused"))),
        ("error", notice(tr("api_error"))),
        fallback,
    )


def _cases(
    heading_key: str,
    problem: Any,
    rows: Any,
    ident: str,
    none: tuple[str, str],
    *,
    with_name: bool,
    **props: Any,
) -> rx.Component:
    """Cases under a heading: the problem, else the table `ident`, else `none` (key, id)."""
    return rx.vstack(
        rx.heading(tr(heading_key), size="5", as_="h2"),
        _problem(
            problem,
            rx.cond(
                rows.length() > 0,  # an ArrayVar
                _table(rows, ident, with_name=with_name),
                rx.text(tr(none[0]), id=none[1]),
            ),
        ),
        spacing="2",
        width="100%",
        **props,
    )


def _results() -> rx.Component:
    return rx.cond(
        FindState.searched,
        _cases(
            "find_results",
            FindState.problem,
            FindState.found,
            "find-results",
            ("find_none", "find-none"),
            with_name=True,
            role="status",
            aria_live="polite",
        ),
    )


def _recent() -> rx.Component:
    return _cases(
        "find_recent",
        FindState.recent_problem,
        FindState.recent,
        "recent-cases",
        ("find_recent_none", "recent-none"),
        with_name=False,
    )


def page() -> rx.Component:
    """The find-a-case page."""
    return shell(
        rx.vstack(
            rx.heading(tr("find_title"), size="7", as_="h1", id="find-heading"),
            rx.text(tr("find_intro"), size="2"),
            _form(),
            _results(),
            _recent(),
            spacing="4",
            width="100%",
        ),
    )
