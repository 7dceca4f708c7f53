"""The supervisor page's trends per month and caseload per casemanager, with a CSV download
of each table (the agency table's download is on `supervisor.SupervisorState`, which holds its
rows). From the dossier's `GET /supervisor/trends` and `GET /supervisor/caseload`, each audited
there as one aggregate read; the CSV is made from the rows shown (`buddy.figure_csv`)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from buddy import api
from buddy.figure_csv import (
    CASELOAD_COLUMNS,
    TRENDS_COLUMNS,
    TableRow,
    caseload_rows,
    header_row,
    table_csv,
    trend_chart,
    trend_rows,
)
from buddy.i18n import EN, NL, say, tr
from buddy.layout import notice
from buddy.state import SessionState, account_store, allowed, authorize, endpoints

SUPERVISOR_ROLES = ("supervisor",)
CSV_MIME = "text/csv;charset=utf-8"


def _text(lang: str, key: str) -> str:
    return (EN if lang == "en" else NL)[key]


def csv_download(
    lang: str, columns: tuple[str, ...], rows: list[TableRow], name: str, day: str
) -> Any:
    """The download of one table as the page shows it in `lang`."""
    header = header_row(columns, lambda key: _text(lang, key))
    body = table_csv(
        header, ([row.label.en if lang == "en" else row.label.nl, *row.cells] for row in rows)
    )
    return rx.download(data=body, filename=f"voorportaal-{name}-{day}.csv", mime_type=CSV_MIME)


class FigureTablesState(rx.State):
    """Trends and caseload as shown, or why they are not."""

    problem: str = ""
    loaded: bool = False
    at_day: str = ""
    trends: list[TableRow] = []
    chart: list[dict[str, Any]] = []
    caseload: list[TableRow] = []
    complaints_recorded: bool = False

    @rx.event
    async def load(self) -> Any:
        """Supervisors only (the page itself shows anyone else the refusal)."""
        session, denial, redirect = await authorize(self, SUPERVISOR_ROLES)
        if redirect is not None:
            return redirect
        self.trends, self.caseload, self.chart = [], [], []
        if denial is not None:
            self.loaded = True
            return None
        token = session._token()
        try:
            trends = await api.supervisor_trends(endpoints(), token)
            load = await api.supervisor_caseload(endpoints(), token)
        except api.ApiProblem as exc:
            self.problem = "unreachable" if isinstance(exc, api.Unreachable) else "error"
        else:
            self.problem = ""
            self.at_day = trends.at[:10]
            self.trends = trend_rows(trends, _text)
            self.chart = trend_chart(trends, _text)
            self.caseload = caseload_rows(load, account_store())
            self.complaints_recorded = trends.complaints_recorded
        self.loaded = True
        return None

    async def _download(self, columns: tuple[str, ...], rows: list[TableRow], name: str) -> Any:
        """A table as CSV in the session's language, for a supervisor only."""
        session, stop = await allowed(self, SUPERVISOR_ROLES)
        if session is None:
            return stop
        return csv_download(session.lang, columns, rows, name, self.at_day)

    @rx.event
    async def download_trends(self) -> Any:
        """The trends table as CSV."""
        return await self._download(TRENDS_COLUMNS, self.trends, "per-maand")

    @rx.event
    async def download_caseload(self) -> Any:
        """The caseload table as CSV."""
        return await self._download(CASELOAD_COLUMNS, self.caseload, "werklast")


def download_button(ident: str, on_click: Any) -> rx.Component:
    """The CSV download of one table."""
    return rx.button(
        rx.icon("download", size=16, aria_hidden="true"),
        tr("download_csv"),
        on_click=on_click,
        variant="soft",
        id=ident,
    )


def figures_table(ident: str, columns: tuple[str, ...], rows: Any) -> rx.Component:
    """A table whose first cell names the row and whose other cells are its figures."""
    return rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(tr(c)) for c in columns])),
        rx.table.body(
            rx.foreach(
                rows,
                lambda row: rx.table.row(
                    rx.table.row_header_cell(say(row.label)),
                    rx.foreach(row.cells, lambda cell: rx.table.cell(cell)),
                ),
            )
        ),
        width="100%",
        id=ident,
    )


def _trend_chart() -> rx.Component:
    """Referrals, declined and redirected (%) per month; the numbers are in the table below."""
    month = rx.cond(SessionState.lang == "en", "month_en", "month_nl")
    return rx.card(
        rx.recharts.composed_chart(
            rx.recharts.bar(
                data_key="referrals", name=tr("col_referrals"), fill="#c7d2fe", y_axis_id="n"
            ),
            rx.recharts.line(
                data_key="decline_pct",
                name=tr("legend_declined"),
                stroke="#b42318",
                y_axis_id="pct",
                connect_nulls=False,
            ),
            rx.recharts.line(
                data_key="redirect_pct",
                name=tr("legend_redirected"),
                stroke="#b54708",
                y_axis_id="pct",
                connect_nulls=False,
            ),
            rx.recharts.x_axis(data_key=month, interval=0, angle=-30, text_anchor="end", height=90),
            rx.recharts.y_axis(y_axis_id="n", allow_decimals=False),
            rx.recharts.y_axis(y_axis_id="pct", orientation="right", domain=[0, 100], unit="%"),
            rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
            rx.recharts.graphing_tooltip(),
            # Above the plot: below it, the slanted month names would run into it.
            rx.recharts.legend(vertical_align="top", height=32),
            data=FigureTablesState.chart,
            # Room on the left for the first slanted month name.
            margin={"top": 5, "right": 10, "left": 40, "bottom": 5},
            width="100%",
            height=330,
        ),
        id="chart-trends",
        aria_hidden="true",
        width="100%",
    )


def _section(
    title: str,
    explain: str,
    ident: str,
    columns: tuple[str, ...],
    rows: Any,
    download: Any,
    *above_table: rx.Component,
) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(tr(title), size="5", as_="h2"),
            rx.spacer(),
            download_button(f"download-{ident}", download),
            width="100%",
            align="center",
        ),
        rx.text(tr(explain), size="2"),
        *above_table,
        figures_table(f"{ident}-table", columns, rows),
        spacing="2",
        width="100%",
    )


def sections() -> rx.Component:
    """Trends per month and caseload per casemanager, each with its CSV download."""
    return rx.cond(
        FigureTablesState.loaded,
        rx.match(
            FigureTablesState.problem,
            ("unreachable", notice(tr("dossier_unreachable"))),
            ("error", notice(tr("api_error"))),
            rx.vstack(
                _section(
                    "trends_title",
                    "trends_explain",
                    "trends",
                    TRENDS_COLUMNS,
                    FigureTablesState.trends,
                    FigureTablesState.download_trends,
                    _trend_chart(),
                ),
                rx.cond(
                    ~FigureTablesState.complaints_recorded,
                    rx.text(tr("complaints_not_yet"), size="2", id="complaints-not-yet"),
                ),
                _section(
                    "caseload_title",
                    "caseload_explain",
                    "caseload",
                    CASELOAD_COLUMNS,
                    FigureTablesState.caseload,
                    FigureTablesState.download_caseload,
                ),
                spacing="5",
                width="100%",
            ),
        ),
        rx.text(tr("loading")),
    )
