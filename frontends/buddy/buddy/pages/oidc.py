"""Sign-in through the organisation's OIDC provider (authorization code flow with PKCE).

`/inloggen/oidc` starts it: the state, nonce and PKCE verifier are made and kept in this tab's
server-side state (a backend var: the browser never sees them), and the browser goes to the
provider. The provider sends it back to `/inloggen/oidc/terug?code=…&state=…` in the same tab,
so to the same server-side state: there the state is checked, the code redeemed with the
verifier and the ID token verified (`buddy/oidc.py`) before a session starts. Configured with
`VOORPORTAAL_CONSOLE_OIDC_ISSUER`, `..._OIDC_CLIENT_ID`, `..._OIDC_CLIENT_SECRET`.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
import structlog

from buddy import oidc, routes
from buddy.i18n import EN, NL, tr
from buddy.layout import notice, shell
from buddy.settings import get_settings
from buddy.state import SessionState, now

log = structlog.get_logger()

_FAILURES = tuple(k.removeprefix("oidc_failed_") for k in NL if k.startswith("oidc_failed_"))


class OidcState(rx.State):
    """One tab's OIDC sign-in: why it failed, if it did; the pending request stays server side."""

    failed: str = ""
    """Why the sign-in failed (a key such as `state`, `token`), or empty."""

    _pending: oidc.Pending | None = None

    @rx.event
    async def start(self) -> Any:
        """Make state, nonce and verifier, keep them here, and send the browser to the provider."""
        settings = get_settings()
        self.failed = ""
        if not (settings.oidc_issuer and settings.oidc_client_id):
            self.failed = "not_configured"
            return None
        try:
            provider = await oidc.discover(settings.oidc_issuer, settings.api_timeout_s)
        except oidc.OidcError as exc:
            self.failed = exc.key
            return None
        # Back to the origin this tab is at (localhost or 127.0.0.1 in development): the
        # pending sign-in is kept in this tab's state, which another origin cannot reach.
        redirect_uri = settings.url_at(self.router.url.origin) + routes.OIDC_CALLBACK
        url, self._pending = oidc.begin(
            provider, settings.oidc_client_id, redirect_uri, settings.oidc_scopes, now()
        )
        return rx.redirect(url)

    @rx.event
    async def finish(self) -> Any:
        """The provider sent the browser back: check, redeem, verify, then start the session."""
        settings = get_settings()
        params = self.router.url.query_parameters
        pending, self._pending = self._pending, None  # one use, whatever happens
        self.failed = ""
        if params.get("error"):
            self.failed = "denied"
            return None
        if not (settings.oidc_issuer and settings.oidc_client_id):
            self.failed = "not_configured"
            return None
        secret = settings.oidc_client_secret
        try:
            provider = await oidc.discover(settings.oidc_issuer, settings.api_timeout_s)
            identity = await oidc.finish(
                provider,
                pending,
                code=str(params.get("code") or "")[:2048],
                state=str(params.get("state") or "")[:512],
                client_id=settings.oidc_client_id,
                client_secret=secret.get_secret_value() if secret else None,
                role_claim=settings.oidc_role_claim,
                team_claim=settings.oidc_team_claim,
                now=now(),
                timeout_s=settings.api_timeout_s,
            )
        except oidc.OidcError as exc:
            log.info("console.oidc_failed", reason=exc.key)
            self.failed = exc.key
            return None
        session = await self.get_state(SessionState)
        session._start(identity, via="oidc")
        target = routes.SUPERVISOR if identity.role == "supervisor" else routes.QUEUE
        # Replace: the callback URL (with its spent code) leaves the history.
        return rx.redirect(target, replace=True)


def _failure() -> rx.Component:
    text = rx.match(
        OidcState.failed,
        *[
            (
                k,
                rx.cond(SessionState.lang == "en", EN[f"oidc_failed_{k}"], NL[f"oidc_failed_{k}"]),
            )
            for k in _FAILURES
        ],
        rx.cond(SessionState.lang == "en", EN["oidc_failed_refused"], NL["oidc_failed_refused"]),
    )
    return rx.box(notice(text), id="oidc-failed")


def page() -> rx.Component:
    """The OIDC sign-in page: on its way to the provider, or why it did not work."""
    return shell(
        rx.vstack(
            rx.heading(tr("oidc_title"), size="7", as_="h1"),
            rx.cond(
                OidcState.failed != "",
                _failure(),
                rx.text(tr("oidc_busy"), role="status"),
            ),
            rx.link(tr("back_to_sign_in"), href=routes.SIGN_IN, id="back-to-sign-in"),
            spacing="4",
        ),
        signed_in=False,
    )
