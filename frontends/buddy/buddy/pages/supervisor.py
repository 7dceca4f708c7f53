"""The supervisor's overview: queue health, overdue referrals, broken promises, agency figures.

A skeleton fed by the dossier client; charts come with the dossier's figures endpoint.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from buddy import api
from buddy.i18n import tr
from buddy.layout import notice, shell
from buddy.session import Denial
from buddy.state import authorize, endpoints

SUPERVISOR_ROLES = ("supervisor",)


class SupervisorState(rx.State):
    """The overview as the dossier returned it, or why it is not shown."""

    forbidden: bool = False
    problem: str = ""
    figures: dict[str, str] = {}
    agencies: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    async def load(self) -> Any:
        """Supervisors only: anyone else gets the refusal and no data."""
        session, denial, redirect = await authorize(self, SUPERVISOR_ROLES)
        if redirect is not None:
            return redirect
        self.figures, self.agencies = {}, []
        self.forbidden = denial is Denial.FORBIDDEN
        if self.forbidden:
            self.loaded = True
            return None
        try:
            overview = await api.supervisor_overview(endpoints(), session._token())
        except api.ApiProblem as exc:
            self.problem = "unreachable" if isinstance(exc, api.Unreachable) else "error"
        else:
            self.problem = ""
            self.agencies = overview.pop("agencies")
            self.figures = {k: str(v) for k, v in overview.items()}
        self.loaded = True
        return None


def _figure(key: str) -> rx.Component:
    return rx.card(
        rx.text(tr(key), size="2"),
        rx.heading(SupervisorState.figures[key], size="6", as_="p"),
    )


def _overview() -> rx.Component:
    cols = [
        "col_agency",
        "col_accept_hours",
        "col_decline_rate",
        "col_redirect_rate",
        "broken_promises",
    ]
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
                            "overdue_referrals",
                            "broken_promises",
                        )
                    ],
                    wrap="wrap",
                    spacing="3",
                ),
                rx.heading(tr("agency_figures"), size="5", as_="h2"),
                rx.table.root(
                    rx.table.header(
                        rx.table.row(*[rx.table.column_header_cell(tr(c)) for c in cols])
                    ),
                    rx.table.body(
                        rx.foreach(
                            SupervisorState.agencies,
                            lambda a: rx.table.row(
                                rx.table.row_header_cell(a["agency_code"]),
                                rx.table.cell(a["median_accept_hours"]),
                                rx.table.cell(a["decline_rate"]),
                                rx.table.cell(a["redirect_rate"]),
                                rx.table.cell(a["broken_promises"]),
                            ),
                        )
                    ),
                    width="100%",
                ),
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
