"""The signed-in user's notifications: what happened on which case, newest first, each
linking to its case (opening it marks the notification read)."""

from __future__ import annotations

import reflex as rx
from reflex.vars.object import ObjectVar

from buddy import routes
from buddy.i18n import say, tr
from buddy.layout import FOCUS_STYLE, notice, shell
from buddy.notices import NoticeRow, NotificationState
from buddy.state import authorize

# Typing note: as in `pages/queue.py`, binding an argument to an event handler
# (`NotificationState.mark_read(row.id)`) carries `type: ignore[operator]`: mypy does not
# follow Reflex's `EventCallback` typing.


class NoticesPageState(rx.State):
    """The page's own check: only a signed-in user sees it."""

    @rx.event
    async def load(self) -> object:
        """On opening the page: send a signed-out or expired tab to sign in."""
        _, _, redirect = await authorize(self)
        return redirect


def _row(row: ObjectVar[NoticeRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.at),
        rx.table.cell(
            rx.link(
                row.case_id,
                href=routes.case_url(row.case_id),
                on_click=NotificationState.mark_read(row.id),  # type: ignore[operator]
                style=FOCUS_STYLE,
                class_name="notice-case",
            )
        ),
        rx.table.cell(
            say(row.what),
            rx.cond(
                row.unread,
                rx.badge(tr("notices_new"), color_scheme="red", margin_left="0.5em"),
            ),
            class_name="notice-what",
        ),
        rx.table.cell(
            rx.cond(
                row.unread,
                rx.button(
                    tr("notices_mark_read"),
                    on_click=NotificationState.mark_read(row.id),  # type: ignore[operator]
                    variant="soft",
                    size="1",
                    style=FOCUS_STYLE,
                ),
            )
        ),
        class_name="notice-row",
    )


def page() -> rx.Component:
    """The notifications page."""
    return shell(
        rx.heading(tr("notices_title"), size="6", as_="h1"),
        rx.text(tr("notices_intro"), size="2", color_scheme="gray"),
        rx.el.label(
            rx.hstack(
                rx.checkbox(
                    checked=NotificationState.email,
                    on_change=NotificationState.choose_email,
                    id="notices-email",
                ),
                rx.text(tr("notices_email_choice"), size="2"),
                align="center",
                spacing="2",
            ),
            style={"margin_y": "0.75em", "display": "block"},
        ),
        rx.cond(
            NotificationState.problem,
            notice(tr("notices_problem"), color="amber", role="status"),
        ),
        rx.cond(
            NotificationState.items.length() > 0,  # type: ignore[attr-defined]
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(tr("notices_col_when")),
                        rx.table.column_header_cell(tr("notices_col_case")),
                        rx.table.column_header_cell(tr("notices_col_what")),
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(rx.foreach(NotificationState.items, _row)),
                id="notices",
                width="100%",
            ),
            rx.text(tr("notices_none"), id="notices-none"),
        ),
    )
