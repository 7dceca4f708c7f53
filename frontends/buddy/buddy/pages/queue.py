"""The work queue: recommended for a buddy, my cases, my team's cases; live refresh."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import reflex as rx
from reflex.vars.object import ObjectVar

from buddy import api, routes
from buddy.i18n import say, say_code, tr
from buddy.labels import labels
from buddy.layout import FOCUS_STYLE, notice, shell
from buddy.rows.lists import FILTER_KINDS, FILTERS, QueueRow
from buddy.settings import get_settings
from buddy.state import authorize, endpoints

# Typing note: some calls of event handlers carry `type: ignore[operator]`. Reflex types
# `@rx.event` through `EventNamespace.__new__` returning an `EventCallback`, which mypy does not
# follow (it takes the result to be an `EventNamespace`, "not callable"), so binding an
# argument to a handler, e.g. `CaseState.nudge(r.id)`, cannot be checked by mypy.


_FILTER_LABELS = {
    "life_events": "f_life_event",
    "agencies": "f_agency",
    "municipality": "f_municipality",
    "state": "f_state",
}


class QueueState(rx.State):
    """One tab's work queue: which view, which filters, the rows the dossier returned."""

    view: str = "mine"
    rows: list[QueueRow] = []
    problem: str = ""
    """Empty, or why there are no rows: `unreachable`, `refused`, `error`."""
    loaded: bool = False
    updated_at: str = ""
    filters: dict[str, str] = {}

    _generation: int = 0

    async def _fetch(self, token: str, me: str) -> None:
        try:
            rows = await api.work_queue(endpoints(), token, self.view, self.filters, me)
        except api.ApiProblem as exc:
            self.rows = []
            self.problem = exc.problem
        else:
            self.rows = rows
            self.problem = ""
        self.loaded = True
        self.updated_at = datetime.now().astimezone().strftime("%H:%M:%S")

    @rx.event
    async def load(self) -> Any:
        """On opening the page: check the session, fetch, and start the live refresh."""
        session, _, redirect = await authorize(self)
        if redirect is not None:
            return redirect
        await self._fetch(session._token(), session.subject)
        self._generation += 1
        return QueueState.live

    @rx.event
    async def choose_view(self, view: str) -> Any:
        """Show another queue view."""
        session, _, redirect = await authorize(self)
        if redirect is not None:
            return redirect
        if view in api.QUEUE_VIEWS:
            self.view = view
            await self._fetch(session._token(), session.subject)
        return None

    @rx.event
    async def apply_filters(self, form: dict[str, Any]) -> Any:
        """Filter the queue (life event, agency, municipality, state)."""
        session, _, redirect = await authorize(self)
        if redirect is not None:
            return redirect
        self.filters = {k: str(form.get(k, ""))[:80] for k in FILTERS if form.get(k)}
        await self._fetch(session._token(), session.subject)
        return None

    @rx.event
    async def clear_filters(self) -> Any:
        """Show the whole view again."""
        session, _, redirect = await authorize(self)
        if redirect is not None:
            return redirect
        self.filters = {}
        await self._fetch(session._token(), session.subject)
        return None

    @rx.event(background=True)
    async def live(self) -> Any:
        """Refetch every few seconds while this page is open and the session is alive.

        Stops when the tab leaves the queue, when the page is loaded again (a newer loop takes
        over), or when the session expires (then the browser is sent to sign in). It does not
        count as activity, so an unattended queue still expires.
        """
        async with self:
            generation = self._generation
        interval = get_settings().refresh_interval_s
        while True:
            await asyncio.sleep(interval)
            async with self:
                if generation != self._generation or not self.router.url.path.startswith(
                    routes.QUEUE
                ):
                    return None
                session, _, redirect = await authorize(self, touch=False)
                if redirect is not None:
                    return redirect
                token, view, filters = session._token(), self.view, dict(self.filters)
                me = session.subject
            # Fetch outside the lock so the tab stays responsive while the dossier answers.
            try:
                rows = await api.work_queue(endpoints(), token, view, filters, me)
                problem = ""
            except api.ApiProblem as exc:
                rows, problem = [], exc.problem
            async with self:
                if generation != self._generation:
                    return None
                self.rows, self.problem, self.loaded = rows, problem, True
                self.updated_at = datetime.now().astimezone().strftime("%H:%M:%S")


def _view_tabs() -> rx.Component:
    return rx.el.div(
        rx.hstack(
            *[
                rx.button(
                    tr(f"view_{view}"),
                    on_click=QueueState.choose_view(view),  # type: ignore[operator]  # typing note above
                    variant=rx.cond(QueueState.view == view, "solid", "outline"),
                    aria_pressed=rx.cond(QueueState.view == view, "true", "false"),
                    id=f"view-{view}",
                    style=FOCUS_STYLE,
                )
                for view in api.QUEUE_VIEWS
            ],
            spacing="2",
            wrap="wrap",
        ),
        role="group",
        aria_label=tr("views_label"),
    )


def _choices(name: str) -> rx.Component:
    """A filter as a choice of words (any, or one code of the label table's kind)."""
    kind = FILTER_KINDS[name]
    return rx.el.select(
        rx.el.option(tr("filter_any"), value=""),
        *[rx.el.option(say_code(kind, code), value=code) for code in labels()[kind]],
        id=f"filter-{name}",
        name=name,
        style={**FOCUS_STYLE, "padding": "0.3em", "border": "1px solid #8b8d98"},
    )


def _filters() -> rx.Component:
    return rx.form(
        rx.el.fieldset(
            rx.el.legend(tr("filters"), style={"font_weight": "600"}),
            rx.hstack(
                *[
                    rx.vstack(
                        rx.el.label(tr(_FILTER_LABELS[name]), html_for=f"filter-{name}"),
                        _choices(name),
                        spacing="1",
                        max_width="100%",  # a long choice shrinks on a phone
                    )
                    for name in FILTERS
                ],
                rx.button(
                    tr("apply_filters"), type="submit", id="apply-filters", style=FOCUS_STYLE
                ),
                rx.button(
                    tr("clear_filters"),
                    type="button",
                    variant="soft",
                    on_click=QueueState.clear_filters,
                    style=FOCUS_STYLE,
                ),
                align="end",
                spacing="3",
                wrap="wrap",
            ),
            style={"border": "1px solid #c8c8d0", "padding": "0.75em", "border_radius": "6px"},
        ),
        on_submit=QueueState.apply_filters,
    )


def _row(row: ObjectVar[QueueRow]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(row.case_id, href=routes.case_url(row.case_id), style=FOCUS_STYLE)
        ),
        rx.table.cell(say(row.urgency_words)),
        rx.table.cell(rx.cond(row.overdue, rx.badge(tr("overdue_yes"), color_scheme="red"))),
        rx.table.cell(say(row.life_events_words)),
        rx.table.cell(say(row.agencies_words)),
        rx.table.cell(say(row.municipality_words)),
        rx.table.cell(
            say(row.state_words),
            " ",
            rx.cond(
                row.for_me,
                rx.badge(tr("handover_for_you"), color_scheme="amber", class_name="for-me"),
            ),
        ),
        rx.table.cell(row.owner),
        rx.table.cell(_citizen_work(row), min_width="16em"),
    )


def _citizen_work(row: ObjectVar[QueueRow]) -> rx.Component:
    """What the citizen asks or has left to do: a wish to talk to a person (how, when, by
    when we promised to answer) and the checklist's late and open tasks."""
    return rx.vstack(
        rx.cond(
            row.wish,
            rx.box(
                rx.badge(
                    say(row.wish_reason_words),
                    color_scheme="amber",
                    class_name="wish",
                    white_space="normal",
                ),
                rx.text(
                    tr("wish_channel"),
                    ": ",
                    say(row.wish_channel_words),
                    " · ",
                    tr("wish_time"),
                    ": ",
                    say(row.wish_time_words),
                    " · ",
                    tr("wish_answer_by"),
                    ": ",
                    row.wish_answer_by,
                    size="1",
                ),
            ),
        ),
        rx.cond(
            row.checklist_late,  # zero hides it
            rx.badge(
                row.checklist_late,
                " ",
                tr("checklist_late_marker"),
                color_scheme="red",
                class_name="checklist-late",
            ),
        ),
        rx.cond(
            row.checklist_todo,
            rx.text(row.checklist_todo, " ", tr("checklist_todo_marker"), size="1"),
        ),
        spacing="1",
    )


def _table() -> rx.Component:
    headers = [
        "col_case",
        "col_urgency",
        "col_overdue",
        "col_life_events",
        "col_agencies",
        "col_municipality",
        "col_state",
        "col_owner",
        "col_citizen_work",
    ]
    return rx.cond(
        QueueState.rows.length() > 0,  # type: ignore[attr-defined]  # a state var is an ArrayVar
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(tr(h)) for h in headers])),
            rx.table.body(rx.foreach(QueueState.rows, _row)),
            id="queue-table",
            width="100%",
        ),
        rx.text(tr("no_cases"), id="queue-empty"),
    )


def page() -> rx.Component:
    """The work queue page."""
    return shell(
        rx.vstack(
            rx.heading(tr("queue_title"), size="7", as_="h1", id="queue-heading"),
            _view_tabs(),
            rx.text(tr("view_mine_hint"), size="2"),
            _filters(),
            rx.cond(
                ~QueueState.loaded,
                rx.text(tr("loading")),
                rx.match(
                    QueueState.problem,
                    ("unreachable", notice(tr("dossier_unreachable"))),
                    ("refused", notice(tr("refused"))),
                    ("error", notice(tr("api_error"))),
                    _table(),
                ),
            ),
            rx.text(
                tr("live"), " ", QueueState.updated_at, size="1", role="status", aria_live="polite"
            ),
            spacing="4",
            width="100%",
        ),
    )
