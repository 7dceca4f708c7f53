"""The contact-load meter in the case's summary: how many messages the household got lately.

It reads notify (`GET /cases/{id}/contact-load`, `ContactLoadOut`), which counts what reached
the citizen in 24 hours, 7 and 30 days, how many updates those messages carried (more updates
than messages: the rest were bundled into them), how many asked the citizen to do something,
and a load level; and how many messages to the citizen it holds back right now (quiet hours,
bundling, a retry) and until when, shown in Amsterdam's time. Notify decides who may see it
and audits each read, with the user's own token. The meter is fetched each time a case page
loads, right after the case (`ON_LOAD` in `pages/case/__init__.py`; a mount event would not
fire again when a link opens another case in the same tab); the case's own live refresh does
not ask notify again. When notify cannot be reached or refuses, the meter says so in words and
the rest of the page works as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import reflex as rx

from buddy import api
from buddy.i18n import EN, NL, say, tr
from buddy.labels import Words, words
from buddy.pages.case.state import CASE_ROLES, CaseState
from buddy.rows.formats import AMSTERDAM
from buddy.state import authorize, endpoints
from voorportaal_contracts.api.notify import ContactLoadOut


@dataclass
class LoadRow:
    """The meter's numbers, and the level in words."""

    messages_24h: int = 0
    messages_7d: int = 0
    bundled_7d: int = 0
    """Updates that travelled inside another message this week (updates minus messages)."""
    actions_7d: int = 0
    messages_30d: int = 0
    level_words: Words = field(default_factory=Words)
    deferred: int = 0
    """Messages to the citizen notify holds back right now."""
    deferred_words: Words = field(default_factory=Words)
    """"N uitgesteld tot ma 7 dec 09:00", or empty when nothing is held back."""


def _local_moment(at: datetime, texts: dict[str, str]) -> str:
    """`at` as a short weekday, day, month and time in Amsterdam ("ma 7 dec 09:00")."""
    local = at.astimezone(AMSTERDAM)
    day = texts["load_weekdays"].split()[local.weekday()]
    month = texts["load_months"].split()[local.month - 1]
    return f"{day} {local.day} {month} {local:%H:%M}"


def deferred_words(count: int, until: datetime | None) -> Words:
    """How many messages notify holds back and until when, in Dutch and English."""
    if count <= 0 or until is None:
        return Words()
    nl, en = (
        texts["load_deferred"].format(count=count, until=_local_moment(until, texts))
        for texts in (NL, EN)
    )
    return Words(nl=nl, en=en)


def load_row(load: ContactLoadOut) -> LoadRow:
    """Notify's answer as the meter shows it."""
    return LoadRow(
        messages_24h=load.messages_24h,
        messages_7d=load.messages_7d,
        bundled_7d=max(load.updates_7d - load.messages_7d, 0),
        actions_7d=load.actions_7d,
        messages_30d=load.messages_30d,
        level_words=words("contact_load_level", load.level),
        deferred=load.deferred,
        deferred_words=deferred_words(load.deferred, load.deferred_until),
    )


def _problem_of(exc: api.ApiProblem) -> str:
    if isinstance(exc, api.Unreachable):
        return "load_unreachable"
    if isinstance(exc, api.Refused | api.NotFound):
        return "load_refused"
    return "load_error"


class ContactLoadState(CaseState):
    """The meter of the case shown in this tab."""

    meter: LoadRow = LoadRow()
    load_problem: str = "load_loading"
    """Why the meter shows no numbers (a text key), or empty when it does."""

    @rx.event
    async def fetch_load(self) -> Any:
        """Ask notify for the contact load of the case just loaded (the case page's `on_load`,
        after `CaseState.load`; not user activity, so `touch=False`)."""
        session, denial, redirect = await authorize(self, CASE_ROLES, touch=False)
        if redirect is not None:
            return None  # CaseState.load, just before, already sent the browser to sign in
        if self.problem:
            return None  # the dossier refused or lost the case: no meter is shown
        if denial is not None:
            self.meter, self.load_problem = LoadRow(), "load_refused"
            return None
        self.meter, self.load_problem = LoadRow(), "load_loading"
        try:
            found = await api.contact_load(endpoints(), session._token(), self.case_id)
        except api.ApiProblem as exc:
            self.meter, self.load_problem = LoadRow(), _problem_of(exc)
            return None
        self.meter, self.load_problem = load_row(found), ""
        return None


def _numbers() -> rx.Component:
    load = ContactLoadState.meter
    return rx.text(
        tr("load_week"),
        ": ",
        rx.el.strong(load.messages_7d),
        " · ",
        tr("load_bundled"),
        ": ",
        load.bundled_7d,
        " · ",
        tr("load_actions"),
        ": ",
        load.actions_7d,
        " · ",
        tr("load_day"),
        ": ",
        load.messages_24h,
        " · ",
        tr("load_month"),
        ": ",
        load.messages_30d,
        " · ",
        tr("load_level"),
        ": ",
        say(load.level_words),
        rx.cond(load.deferred > 0, rx.fragment(" · ", say(load.deferred_words))),
    )


def contact_load_meter() -> rx.Component:
    """The meter's line for the case summary, or in words why it has no numbers."""
    return rx.box(
        rx.match(
            ContactLoadState.load_problem,
            ("", _numbers()),
            ("load_loading", rx.text(tr("load_loading"))),
            ("load_unreachable", rx.text(tr("load_unreachable"))),
            ("load_refused", rx.text(tr("load_refused"))),
            rx.text(tr("load_error")),
        ),
        id="contact-load",
    )
