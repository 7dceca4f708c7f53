"""Told when something needs you: the signed-in user's notifications from the dossier
(`GET /me/notifications`), as an unread count in the header of every page and a list on
`/meldingen`, kept live by a background task that polls the dossier every
`REFRESH_INTERVAL_S`.

The loop starts when the header is mounted (every page a signed-in user opens), one per tab: a
newer loop takes over from an older one. It stops when the session ends; the page's own checks
send the browser to sign in. Polling is not activity, so an unattended console still expires.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import reflex as rx

from buddy import api, routes
from buddy.i18n import tr
from buddy.labels import Words, words
from buddy.rows.formats import when
from buddy.settings import get_settings
from buddy.state import allowed, authorize, endpoints
from voorportaal_contracts.api.dossier import StaffNotifications

_FOCUS = {"_focus_visible": {"outline": "3px solid #1a3a8a", "outline_offset": "2px"}}


@dataclass
class NoticeRow:
    """One notification as the list shows it."""

    id: str = ""
    case_id: str = ""
    what: Words = field(default_factory=Words)
    at: str = ""
    unread: bool = False


def notice_rows(answer: StaffNotifications) -> list[NoticeRow]:
    """The dossier's answer as rows, each kind as words from the label table."""
    return [
        NoticeRow(
            id=item.id,
            case_id=item.case_id,
            what=words("staff_notice", item.kind),
            at=when(item.at),
            unread=not item.read,
        )
        for item in answer.items
    ]


class NotificationState(rx.State):
    """This tab's notifications: the unread count, the newest entries, whether fetching
    failed."""

    unread: int = 0
    items: list[NoticeRow] = []
    problem: bool = False
    email: bool = False
    """The user chose an e-mail (a link only) for each new notification too."""

    _generation: int = 0

    def _show(self, answer: StaffNotifications | None) -> None:
        if answer is None:
            self.problem = True
            return
        self.unread = answer.unread
        self.items = notice_rows(answer)
        self.problem = False

    @staticmethod
    async def _fetch(token: str) -> StaffNotifications | None:
        try:
            return await api.my_notifications(endpoints(), token)
        except api.ApiProblem:
            return None

    @rx.event
    async def start(self) -> Any:
        """Fetch now and (re)start the live loop; nothing for a tab that is not signed in."""
        session, denial, _ = await authorize(self, touch=False)
        if denial is not None:
            return None
        token = session._token()
        self._show(await self._fetch(token))
        try:
            self.email = (await api.notification_settings(endpoints(), token)).email
        except api.ApiProblem:
            self.problem = True
        self._generation += 1
        return NotificationState.live

    @rx.event
    async def choose_email(self, on: bool) -> Any:
        """Choose whether each new notification also comes by e-mail (a link only)."""
        session, stop = await allowed(self)
        if session is None:
            return stop
        try:
            chosen = await api.choose_notification_email(endpoints(), session._token(), on)
        except api.ApiProblem:
            self.problem = True
            return None
        self.email = chosen.email
        return None

    @rx.event
    async def mark_read(self, notification_id: str) -> Any:
        """Mark one notification read (opening its case does too), then refetch."""
        session, stop = await allowed(self)
        if session is None:
            return stop
        token = session._token()
        try:
            await api.mark_notification_read(endpoints(), token, notification_id)
        except api.ApiProblem:
            self.problem = True
            return None
        self._show(await self._fetch(token))
        return None

    @rx.event(background=True)
    async def live(self) -> Any:
        """Refetch every few seconds while the session lives and no newer loop took over."""
        async with self:
            generation = self._generation
        interval = get_settings().refresh_interval_s
        while True:
            await asyncio.sleep(interval)
            async with self:
                if generation != self._generation:
                    return None
                # Whichever live loop of the tab notices first that the session expired sends
                # the browser to sign in (the queue's loop would otherwise find it already
                # ended here, and the tab would stay on a page it may no longer show).
                session, stop = await allowed(self, touch=False)
                if session is None:
                    return stop
                token = session._token()
            # Fetch outside the lock so the tab stays responsive while the dossier answers.
            answer = await self._fetch(token)
            async with self:
                if generation != self._generation:
                    return None
                self._show(answer)


def bell() -> rx.Component:
    """The header's link to the notifications, with the unread count (starts the loop)."""
    return rx.link(
        tr("notices_title"),
        " ",
        rx.badge(
            NotificationState.unread,
            color_scheme=rx.cond(NotificationState.unread > 0, "red", "gray"),
            id="notice-count",
            aria_label=tr("notices_count_label"),
        ),
        href=routes.NOTICES,
        id="nav-notices",
        style=_FOCUS,
        on_mount=NotificationState.start,
    )
