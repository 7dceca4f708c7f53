"""Staff sign-in through an OIDC provider: the authorization code flow with PKCE (RFC 7636, S256).

No Reflex here: the page (`pages/oidc.py`) keeps the `Pending` request in server-side state
(never in the browser), sends the browser to `authorization_url`, and on the way back calls
`finish`, which checks `state`, redeems the code with the verifier at the token endpoint and
verifies the ID token (signature against the provider's JWKS, issuer, audience, expiry, nonce).
The staff member's role and team come from claims (`OIDC_ROLE_CLAIM`, `OIDC_TEAM_CLAIM`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final
from urllib.parse import urlencode

import anyio.to_thread
import httpx
import jwt
import structlog

log = structlog.get_logger()

STAFF_ROLES: Final = ("supervisor", "casemanager")
"""Roles the console knows, the stronger first (a member of both signs in as supervisor)."""
PENDING_TTL: Final = timedelta(minutes=10)
"""How long a started sign-in may take at the provider."""
ALGORITHMS: Final = ["RS256", "ES256", "PS256"]


class OidcError(Exception):
    """The sign-in cannot go on; `key` names why (an i18n key suffix), never a claim value."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key = key


@dataclass(frozen=True, slots=True)
class Provider:
    """The endpoints from the provider's discovery document."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


@dataclass(frozen=True, slots=True)
class Pending:
    """One started sign-in, kept on the server until the browser comes back."""

    state: str
    nonce: str
    verifier: str
    redirect_uri: str
    started_at: datetime

    def __repr__(self) -> str:  # secrets stay out of logs
        return f"Pending(started_at={self.started_at.isoformat()})"


@dataclass(frozen=True, slots=True)
class Identity:
    """Who signed in, from the verified ID token."""

    subject: str
    name: str
    role: str
    team: str

    def __repr__(self) -> str:  # the name is personal data
        return f"Identity(subject={self.subject!r}, role={self.role!r}, team={self.team!r})"


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def code_challenge(verifier: str) -> str:
    """The S256 code challenge of a PKCE verifier: BASE64URL(SHA256(verifier))."""
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


async def discover(issuer: str, timeout_s: float) -> Provider:
    """Read `{issuer}/.well-known/openid-configuration`; its issuer must be `issuer`."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        async with httpx.AsyncClient(timeout=timeout_s) as client:
            response = await client.get(url)
        response.raise_for_status()
        doc = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("oidc.discovery_failed", error=type(exc).__name__)
        raise OidcError("unreachable", type(exc).__name__) from exc
    try:
        provider = Provider(
            issuer=str(doc["issuer"]),
            authorization_endpoint=str(doc["authorization_endpoint"]),
            token_endpoint=str(doc["token_endpoint"]),
            jwks_uri=str(doc["jwks_uri"]),
        )
    except (KeyError, TypeError) as exc:
        raise OidcError("unreachable", "incomplete discovery document") from exc
    if provider.issuer.rstrip("/") != issuer.rstrip("/"):
        raise OidcError("unreachable", "discovery names another issuer")
    methods = doc.get("code_challenge_methods_supported")
    if isinstance(methods, list) and "S256" not in methods:
        raise OidcError("unreachable", "the provider does not support PKCE S256")
    return provider


def begin(
    provider: Provider, client_id: str, redirect_uri: str, scopes: str, now: datetime
) -> tuple[str, Pending]:
    """The URL to send the browser to, and what to keep until it comes back."""
    pending = Pending(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        verifier=secrets.token_urlsafe(64),  # 86 characters: within RFC 7636's 43..128
        redirect_uri=redirect_uri,
        started_at=now,
    )
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": scopes,
            "state": pending.state,
            "nonce": pending.nonce,
            "code_challenge": code_challenge(pending.verifier),
            "code_challenge_method": "S256",
        }
    )
    separator = "&" if "?" in provider.authorization_endpoint else "?"
    return f"{provider.authorization_endpoint}{separator}{query}", pending


def role_of(claims: dict[str, Any], claim: str) -> str:
    """The console role named in the token (a string or a list of them), the strongest first."""
    value = claims.get(claim)
    if isinstance(value, str):
        granted = {value}
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        granted = set(value)
    else:
        raise OidcError("no_role")
    for role in STAFF_ROLES:
        if role in granted:
            return role
    raise OidcError("no_role")


async def finish(
    provider: Provider,
    pending: Pending | None,
    *,
    code: str,
    state: str,
    client_id: str,
    client_secret: str | None,
    role_claim: str,
    team_claim: str,
    now: datetime,
    timeout_s: float,
) -> Identity:
    """Check the callback against the pending sign-in, redeem the code, verify the ID token."""
    if pending is None or not hmac.compare_digest(pending.state, state):
        raise OidcError("state")
    if now - pending.started_at > PENDING_TTL:
        raise OidcError("state", "the sign-in took too long")
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": pending.redirect_uri,
        "client_id": client_id,
        "code_verifier": pending.verifier,
    }
    # client_secret_basic when the console has a secret; a public client sends only its id.
    auth = httpx.BasicAuth(client_id, client_secret) if client_secret else None
    try:
        async with httpx.AsyncClient(timeout=timeout_s, auth=auth) as client:
            response = await client.post(provider.token_endpoint, data=form)
    except httpx.HTTPError as exc:
        raise OidcError("unreachable", type(exc).__name__) from exc
    if response.status_code != 200:
        log.info("oidc.token_refused", status=response.status_code)
        raise OidcError("refused", f"token endpoint answered {response.status_code}")
    try:
        id_token = str(response.json()["id_token"])
    except (ValueError, KeyError, TypeError) as exc:
        raise OidcError("refused", "no id_token") from exc
    claims = await anyio.to_thread.run_sync(_verify, provider, id_token, client_id, timeout_s)
    if not hmac.compare_digest(str(claims.get("nonce", "")), pending.nonce):
        raise OidcError("token", "nonce")
    subject = str(claims["sub"])
    team = claims.get(team_claim)
    # Ids are refused when too long, never cut: two cut ids could name the same person.
    if len(subject) > 128:
        raise OidcError("token", "sub longer than 128 characters")
    if isinstance(team, str) and len(team) > 64:
        raise OidcError("token", "team longer than 64 characters")
    return Identity(
        subject=subject,
        name=str(claims.get("name") or claims.get("preferred_username") or subject)[:120],
        role=role_of(claims, role_claim),
        team=team if isinstance(team, str) else "",
    )


def _verify(provider: Provider, id_token: str, client_id: str, timeout_s: float) -> dict[str, Any]:
    """The ID token's claims once its signature, issuer, audience and times hold."""
    try:
        key = jwt.PyJWKClient(provider.jwks_uri, timeout=int(max(1, timeout_s)))
        signing_key = key.get_signing_key_from_jwt(id_token)
        claims: dict[str, Any] = jwt.decode(
            id_token,
            signing_key.key,
            algorithms=ALGORITHMS,
            audience=client_id,
            issuer=provider.issuer,
            options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            leeway=30,
        )
    except jwt.PyJWTError as exc:
        log.info("oidc.id_token_refused", error=type(exc).__name__)
        raise OidcError("token", type(exc).__name__) from exc
    return claims
