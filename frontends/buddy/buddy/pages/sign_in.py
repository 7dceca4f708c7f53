"""Sign-in with a local staff account (OIDC in production: see `oidc.py`)."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from buddy import routes
from buddy.i18n import tr
from buddy.layout import FOCUS_STYLE, notice, shell
from buddy.settings import get_settings
from buddy.state import SessionState, account_store, authorize


class SignInState(rx.State):
    """The sign-in form's outcome."""

    error: str = ""

    @rx.event
    async def sign_in(self, form: dict[str, Any]) -> Any:
        """Check name and password on the server; on success start the session."""
        if get_settings().auth_mode != "local":
            return rx.redirect(routes.OIDC)
        username = str(form.get("username", ""))
        password = str(form.get("password", ""))
        # scrypt takes tens of milliseconds: keep it off the event loop.
        account = await asyncio.to_thread(account_store().authenticate, username, password)
        session = await self.get_state(SessionState)
        if account is None:
            self.error = "wrong_password"
            return None
        self.error = ""
        session._start(account)
        return rx.redirect(routes.SUPERVISOR if account.role == "supervisor" else routes.QUEUE)

    @rx.event
    async def home(self) -> Any:
        """`/`: the work queue when signed in, else the sign-in page."""
        _, denial, _ = await authorize(self, touch=False)
        return rx.redirect(routes.SIGN_IN if denial is not None else routes.QUEUE)


def _field(key: str, name: str, kind: str, autocomplete: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(tr(key), html_for=name, style={"font_weight": "600"}),
        rx.input(
            id=name,
            name=name,
            type=kind,
            required=True,
            auto_complete=autocomplete,
            size="3",
            width="100%",
            style=FOCUS_STYLE,
        ),
        spacing="1",
        width="100%",
    )


def page() -> rx.Component:
    """The sign-in page."""
    return shell(
        rx.vstack(
            rx.heading(tr("sign_in_title"), size="7", as_="h1"),
            rx.text(tr("sign_in_intro")),
            rx.cond(SessionState.notice == "expired", notice(tr("expired"), color="amber")),
            rx.cond(SignInState.error == "wrong_password", notice(tr("wrong_password"))),
            rx.form(
                rx.vstack(
                    _field("username", "username", "text", "username"),
                    _field("password", "password", "password", "current-password"),
                    rx.button(
                        tr("sign_in"), type="submit", size="3", id="sign-in", style=FOCUS_STYLE
                    ),
                    spacing="4",
                    width="100%",
                ),
                on_submit=SignInState.sign_in,
                reset_on_submit=True,
                width="100%",
            ),
            rx.link(tr("oidc_sign_in"), href=routes.OIDC, id="oidc-link", style=FOCUS_STYLE),
            spacing="4",
            max_width="28em",
        ),
        signed_in=False,
    )


def home() -> rx.Component:
    """`/` only redirects (see `SignInState.home`)."""
    return shell(rx.text(tr("loading")), signed_in=False)
