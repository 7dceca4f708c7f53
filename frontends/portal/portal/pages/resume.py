"""`/verder`: continue an intake from the link the citizen kept. The token is in the link's
fragment (see `portal/flow.py`): read in the browser, sent over the websocket, wiped from the
address bar."""

from __future__ import annotations

from typing import Final

import reflex as rx

from portal import routes
from portal.flow import IntakeFlow
from portal.i18n import say, tr
from portal.layout import notice, shell

READ_AND_WIPE_FRAGMENT: Final[rx.Var[str]] = rx.Var(
    "(() => { const fragment = window.location.hash; "
    f"window.history.replaceState(null, '', '{routes.RESUME}'); return fragment; }})()"
)
"""Compiled into the page (no eval): the link's fragment, wiped from the address bar and the
tab's history as it is read, so it is not left behind for the next person at this device."""

# Typing note: calls that bind an argument to an event handler carry `type: ignore[operator]`.
# Reflex types `@rx.event` through `EventNamespace.__new__` returning an `EventCallback`, which
# mypy does not follow (it takes the result to be an `EventNamespace`, "not callable").
# State vars used in components are Vars at run time (`.contains`, indexing) but their declared
# Python types to mypy, hence `type: ignore[attr-defined]` / `[index]` there.


def page() -> rx.Component:
    """The resume page: a moment of waiting, or why the link does not work."""
    return shell(
        rx.el.h1(tr("resume_title"), on_mount=IntakeFlow.resume(READ_AND_WIPE_FRAGMENT)),  # type: ignore[operator]  # typing note above
        rx.cond(
            IntakeFlow.notice.length() > 0,  # type: ignore[attr-defined]
            rx.fragment(
                notice(say(IntakeFlow.notice), error=True, ident="resume-notice"),
                rx.el.p(
                    rx.el.a(
                        tr("home_link"), href=routes.HOME, class_name="button", id="resume-home"
                    )
                ),
            ),
            rx.el.p(tr("loading"), role="status"),
        ),
    )
