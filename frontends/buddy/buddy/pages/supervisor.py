"""The supervisor's overview: queue health, overdue referrals, broken promises, and per agency
the kastje-muur figures (time to accept, decline and redirect rates, broken promises) with
charts; all from the dossier's `GET /supervisor/figures` (computed there, audited as one
aggregate read)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import reflex as rx

from buddy import api
from buddy.figure_csv import AGENCY_COLUMNS, TableRow
from buddy.i18n import say, tr
from buddy.layout import notice, shell
from buddy.pages import figure_tables
from buddy.rows.figures import AgencyRow, QueueFigures
from buddy.session import Denial
from buddy.state import SessionState, allowed, authorize, endpoints

SUPERVISOR_ROLES = ("supervisor",)


class SupervisorState(rx.State):
    """The overview as the dossier returned it, or why it is not shown."""

    forbidden: bool = False
    problem: str = ""
    figures: QueueFigures = QueueFigures()
    agencies: list[AgencyRow] = []
    chart: list[dict[str, Any]] = []
    loaded: bool = False

    @rx.var
    def chart_height(self) -> int:
        """Room for one labelled bar row per agency (px)."""
        return 80 + 34 * len(self.chart)

    @rx.event
    async def load(self) -> Any:
        """Supervisors only: anyone else gets the refusal and no data."""
        session, denial, redirect = await authorize(self, SUPERVISOR_ROLES)
        if redirect is not None:
            return redirect
        self.figures, self.agencies = QueueFigures(), []
        self.forbidden = denial is Denial.FORBIDDEN
        if self.forbidden:
            self.loaded = True
            return None
        try:
            overview = await api.supervisor_overview(endpoints(), session._token())
        except api.ApiProblem as exc:
            self.problem = "unreachable" if isinstance(exc, api.Unreachable) else "error"
            self.chart = []
        else:
            self.problem = ""
            self.figures, self.agencies = overview.figures, overview.agencies
            self.chart = overview.chart
        self.loaded = True
        return None

    @rx.event
    async def download_agencies(self) -> Any:
        """The agency table as CSV, made from the rows shown."""
        session, stop = await allowed(self, SUPERVISOR_ROLES)
        if session is None:
            return stop
        rows = [
            TableRow(
                label=a.agency_words,
                cells=[
                    a.referrals,
                    a.median_accept_hours,
                    a.decline_rate,
                    a.redirect_rate,
                    a.overdue_referrals,
                    a.broken_promises,
                ],
            )
            for a in self.agencies
        ]
        day = datetime.now(UTC).date().isoformat()
        return figure_tables.csv_download(session.lang, AGENCY_COLUMNS, rows, "instanties", day)


def _figure(key: str) -> rx.Component:
    return rx.card(
        rx.text(tr(key), size="2"),
        rx.heading(getattr(SupervisorState.figures, key), size="6", as_="p", id=f"figure-{key}"),
    )


def _chart(title: str, ident: str, bars: list[tuple[str, str, str]]) -> rx.Component:
    """A bar chart per agency; the same numbers are in the table below (for screen readers).

    Horizontal bars, one labelled row per agency: an agency's name fits on its own line, and
    `interval=0` stops recharts from skipping names when there are many."""
    return rx.card(
        rx.heading(tr(title), size="3", as_="h3"),
        rx.recharts.bar_chart(
            *[
                rx.recharts.bar(data_key=key, name=tr(label), fill=color)
                for key, label, color in bars
            ],
            rx.recharts.x_axis(type_="number", allow_decimals=False),
            rx.recharts.y_axis(
                data_key=rx.cond(SessionState.lang == "en", "agency_en", "agency_nl"),
                type_="category",
                interval=0,
                width=170,
            ),
            rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
            rx.recharts.graphing_tooltip(),
            rx.recharts.legend(),
            data=SupervisorState.chart,
            layout="vertical",
            width="100%",
            height=SupervisorState.chart_height,
        ),
        id=ident,
        aria_hidden="true",
        width="100%",
    )


def _charts() -> rx.Component:
    return rx.grid(
        _chart("chart_accept", "chart-accept", [("accept_hours", "legend_hours", "#1a3a8a")]),
        _chart(
            "chart_rates",
            "chart-rates",
            [
                ("decline_pct", "legend_declined", "#b42318"),
                ("redirect_pct", "legend_redirected", "#b54708"),
            ],
        ),
        _chart("chart_broken", "chart-broken", [("broken_promises", "legend_promises", "#6941c6")]),
        columns=rx.breakpoints(initial="1", md="3"),
        spacing="3",
        width="100%",
    )


def _overview() -> rx.Component:
    cols = AGENCY_COLUMNS
    return rx.vstack(
        rx.match(
            SupervisorState.problem,
            ("unreachable", notice(tr("dossier_unreachable"))),
            ("error", notice(tr("api_error"))),
            rx.vstack(
                rx.hstack(
                    *[
                        _figure(k)
                        for k in (
                            "open_cases",
                            "unassigned",
                            "handover_requested",
                            "acute_cases",
                            "overdue_referrals",
                            "broken_promises",
                        )
                    ],
                    wrap="wrap",
                    spacing="3",
                ),
                rx.hstack(
                    rx.heading(tr("agency_figures"), size="5", as_="h2"),
                    rx.spacer(),
                    figure_tables.download_button(
                        "download-agencies", SupervisorState.download_agencies
                    ),
                    width="100%",
                    align="center",
                ),
                _charts(),
                rx.text(tr("redirect_explain"), size="2"),
                rx.table.root(
                    rx.table.header(
                        rx.table.row(*[rx.table.column_header_cell(tr(c)) for c in cols])
                    ),
                    rx.table.body(
                        rx.foreach(
                            SupervisorState.agencies,
                            lambda a: rx.table.row(
                                rx.table.row_header_cell(say(a.agency_words)),
                                rx.table.cell(a.referrals),
                                rx.table.cell(a.median_accept_hours),
                                rx.table.cell(a.decline_rate),
                                rx.table.cell(a.redirect_rate),
                                rx.table.cell(a.overdue_referrals),
                                rx.table.cell(a.broken_promises),
                            ),
                        )
                    ),
                    width="100%",
                    id="agency-table",
                ),
                figure_tables.sections(),
                spacing="4",
                width="100%",
            ),
        ),
        width="100%",
    )


def page() -> rx.Component:
    """The supervisor page."""
    return shell(
        rx.vstack(
            rx.heading(tr("supervisor_title"), size="7", as_="h1", id="supervisor-heading"),
            rx.cond(
                ~SupervisorState.loaded,
                rx.text(tr("loading")),
                rx.cond(
                    SupervisorState.forbidden,
                    rx.box(notice(tr("forbidden")), id="forbidden"),
                    _overview(),
                ),
            ),
            spacing="4",
            width="100%",
        )
    )
