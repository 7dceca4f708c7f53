"""The signed-in session and the checks every event handler makes before it acts.

Pure logic (no Reflex, no IO): the console's states keep a `Session` in server-side state and
call `check` with the clock's time at the top of each handler. A redirect in the browser is
only a convenience; this check is the protection.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from voorportaal_kit.auth import AuthSettings, StaffSigningKey, issue_staff_token, issue_token


class Denial(StrEnum):
    """Why a handler refused to act."""

    SIGNED_OUT = "signed_out"
    EXPIRED = "expired"
    FORBIDDEN = "forbidden"


@dataclass(frozen=True, slots=True)
class Session:
    """Who is signed in on one browser tab, and when they last did something."""

    subject: str
    name: str
    role: str
    team: str
    started_at: datetime
    last_activity: datetime

    def __repr__(self) -> str:  # the name is personal data; keep it out of logs
        return f"Session(subject={self.subject!r}, role={self.role!r}, team={self.team!r})"

    def idle_seconds(self, now: datetime) -> float:
        """Seconds since the last user activity."""
        return (now - self.last_activity).total_seconds()

    def touched(self, now: datetime) -> Session:
        """The session with `now` as its last activity."""
        return replace(self, last_activity=now)


def check(
    session: Session | None,
    now: datetime,
    idle_timeout_s: float,
    roles: Iterable[str] | None = None,
) -> Denial | None:
    """None when the session may act in one of `roles` (any console role when None)."""
    if session is None:
        return Denial.SIGNED_OUT
    if session.idle_seconds(now) >= idle_timeout_s:
        return Denial.EXPIRED
    if roles is not None and session.role not in set(roles):
        return Denial.FORBIDDEN
    return None


@dataclass(frozen=True, slots=True)
class StaffTokenSigner:
    """How the console signs its users' API tokens: with its own private key (ES256/EdDSA; the
    services hold only the public key), or — in development without a key — HS256."""

    key: StaffSigningKey | None
    issuer: str
    audience: str
    hs256: AuthSettings | None = None

    def __repr__(self) -> str:  # never a key in a log line
        return f"StaffTokenSigner(issuer={self.issuer!r}, by_key={self.key is not None})"


def service_token(session: Session, signer: StaffTokenSigner, now: datetime, ttl_s: int) -> str:
    """A short-lived bearer token for the dossier and routing APIs, for this user: subject,
    name, role and team (casemanagers see their team's cases)."""
    team = session.team or None  # no team (e.g. a supervisor signed in by OIDC): no claim
    if signer.key is not None:
        return issue_staff_token(
            signer.key,
            issuer=signer.issuer,
            audience=signer.audience,
            subject=session.subject,
            roles=[session.role],
            name=session.name,
            team=team,
            ttl_seconds=ttl_s,
            now=now,
        )
    if signer.hs256 is None:
        raise RuntimeError("the console has neither a staff key nor a development secret")
    return issue_token(
        signer.hs256,
        session.subject,
        [session.role],
        name=session.name,
        team=team,
        ttl_seconds=ttl_s,
        now=now,
    )
