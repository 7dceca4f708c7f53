"""The session state shared by every page: who is signed in, in which language.

The session lives only in server-side state (a backend var the browser never receives); the
browser holds nothing but Reflex's opaque per-tab client token. Every page state calls
`authorize` at the top of each event handler: it ends an idle session and refuses a role
that may not act, whatever the browser shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import reflex as rx
import structlog

from buddy import routes
from buddy.accounts import Account, AccountStore
from buddy.api import Endpoints
from buddy.oidc import Identity
from buddy.session import Denial, Session, StaffTokenSigner, check, service_token
from buddy.settings import get_settings

log = structlog.get_logger()


def now() -> datetime:
    """The clock the console's checks use."""
    return datetime.now(UTC)


@lru_cache(maxsize=1)
def account_store() -> AccountStore:
    """The local accounts, read once."""
    return AccountStore.from_file(get_settings().accounts_file)


@lru_cache(maxsize=1)
def staff_token_signer() -> StaffTokenSigner:
    """The console's staff token signer (its private key, loaded once)."""
    return get_settings().staff_token_signer()


def endpoints() -> Endpoints:
    """Where the dossier, routing and notify APIs are."""
    settings = get_settings()
    return Endpoints(
        settings.dossier_url,
        settings.routing_url,
        settings.api_timeout_s,
        notify_url=settings.notify_url,
    )


class SessionState(rx.State):
    """The signed-in user of this tab: display fields; the session itself stays server side."""

    lang: str = "nl"
    user_name: str = ""
    user_role: str = ""
    notice: str = ""
    """Key of a message for the sign-in page: `expired` or `signed_out`."""

    _session: Session | None = None

    @rx.var
    def is_supervisor(self) -> bool:
        """Whether the supervisor page belongs in the menu (the page checks again itself)."""
        return self.user_role == "supervisor"

    def _start(self, account: Account | Identity, *, via: str = "local") -> None:
        at = now()
        self._session = Session(account.subject, account.name, account.role, account.team, at, at)
        self.user_name = account.name
        self.user_role = account.role
        self.notice = ""
        log.info("console.signed_in", subject=account.subject, role=account.role, via=via)

    def _end(self, notice: str) -> None:
        if self._session is not None:
            log.info("console.session_ended", subject=self._session.subject, reason=notice)
        self._session = None
        self.user_name = ""
        self.user_role = ""
        self.notice = notice

    def _authorize(self, roles: Iterable[str] | None, *, touch: bool) -> Denial | None:
        at = now()
        denial = check(self._session, at, get_settings().session_idle_timeout_s, roles)
        if denial is Denial.EXPIRED:
            self._end(denial.value)
        elif denial is Denial.SIGNED_OUT and not self.notice:
            # Nothing to end. A live refresh already on its way when an earlier check ended
            # the session must not replace that check's "expired" with "signed out".
            self.notice = denial.value
        elif touch and self._session is not None:
            # A forbidden attempt is still activity; background refreshes are not.
            self._session = self._session.touched(at)
        return denial

    def _token(self) -> str:
        """A short-lived API token for the signed-in user (call only after `_authorize`)."""
        if self._session is None:
            raise RuntimeError("no session")
        settings = get_settings()
        return service_token(
            self._session, staff_token_signer(), now(), settings.service_token_ttl_s
        )

    @property
    def subject(self) -> str:
        """The signed-in user's subject id (the id the APIs know them by)."""
        return self._session.subject if self._session else ""

    @property
    def team(self) -> str:
        """The signed-in user's team, for queue filters."""
        return self._session.team if self._session else ""

    @rx.event
    def toggle_language(self) -> None:
        """Switch between Dutch and English (no personal data involved, so no check)."""
        self.lang = "en" if self.lang == "nl" else "nl"

    @rx.event
    def sign_out(self) -> Any:
        """End the session on the server and go to the sign-in page."""
        self._end("")
        return rx.redirect(routes.SIGN_IN)


async def authorize(
    state: rx.State, roles: Iterable[str] | None = None, *, touch: bool = True
) -> tuple[SessionState, Denial | None, Any]:
    """The session, why it may not act (None when it may), and where to send the browser."""
    session = await state.get_state(SessionState)
    denial = session._authorize(roles, touch=touch)
    if denial in (Denial.SIGNED_OUT, Denial.EXPIRED):
        return session, denial, rx.redirect(routes.SIGN_IN)
    return session, denial, None


async def allowed(
    state: rx.State, roles: Iterable[str] | None = None, *, touch: bool = True
) -> tuple[SessionState | None, Any]:
    """The session when it may act; else None and what the event returns instead (the
    sign-in page when the session ended, nothing when it may not)."""
    session, denial, redirect = await authorize(state, roles, touch=touch)
    if redirect is not None or denial is not None:
        return None, redirect
    return session, None
