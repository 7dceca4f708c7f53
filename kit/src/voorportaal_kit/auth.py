"""Authentication and authorisation primitives shared by every Voorportaal service.

A request carries a JWT bearer token. Staff tokens come from the console, signed with its own
private key (ES256/EdDSA; the services hold only the public key, `staff_public_key_file`), or
from the government OIDC provider (RS256/ES256, keys from its JWKS endpoint); no service holds
a secret that could mint a staff token in production. The citizen's intake link is HS256 with
the suite's own secret (citizen role only beside a public key); in development `voorportaal
token` and the demo data sign HS256 staff tokens too.

`TokenVerifier` turns a token into a `Principal`; `JWTAuthMiddleware` does that for every
Litestar request (401 on failure) and the guards below check roles, agency and case scope (403
on failure).

Nothing here logs or reports personal data: errors name the claim or check that failed, never
a claim's value other than a role name; `Principal.name` is kept out of its repr.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from ipaddress import ip_address
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import anyio.to_thread
import jwt
import structlog
from cryptography.hazmat.primitives.asymmetric.ec import (
    SECP256R1,
    EllipticCurvePrivateKey,
    EllipticCurvePublicKey,
)
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import (
    load_pem_private_key,
    load_pem_public_key,
)
from litestar.connection import ASGIConnection
from litestar.exceptions import (
    NotAuthorizedException,
    PermissionDeniedException,
    ServiceUnavailableException,
)
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.base import DefineMiddleware
from litestar.types import ASGIApp, Guard, Method, Scopes
from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

__all__ = [
    "AGENCY_PREFIX",
    "ANY_AGENCY",
    "CITIZEN_LINK_PREFIX",
    "PUBLIC_PATHS",
    "STAFF_ROLES",
    "AuthSettings",
    "AuthenticationError",
    "JWTAuthMiddleware",
    "Principal",
    "Role",
    "SigningKeysUnavailableError",
    "TokenVerifier",
    "auth_middleware",
    "generate_staff_key_pair",
    "hs256_is_citizen_only",
    "is_valid_role",
    "issue_staff_token",
    "issue_token",
    "load_staff_signing_key",
    "requires_agency_param",
    "requires_case_access",
    "requires_role",
    "verifies_staff_by_public_key",
]

log = structlog.get_logger()

AGENCY_PREFIX: Final = "agency:"
ANY_AGENCY: Final = "agency:*"
"""Wildcard accepted by `Principal.has_role` and `requires_role`: any `agency:<code>` role."""

# Same shape as `voorportaal_contracts.types.AgencyCode`, so an agency role always names a
# valid referral topic.
_AGENCY_CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,31}")
# Same shape as `voorportaal_contracts.types.CaseId`.
_CASE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{5,63}")


class Role(StrEnum):
    """The fixed roles. Agency roles are written `agency:<code>`; build them with `Role.agency`."""

    CASEMANAGER = "casemanager"
    SUPERVISOR = "supervisor"
    OPERATOR = "operator"
    CITIZEN = "citizen"
    SIGNALEERDER = "signaleerder"
    """A partner who spots trouble (wijkteam, schuldhulp, police …) and may start an intake on a
    citizen's behalf; sees only the intakes they started."""

    @staticmethod
    def agency(code: str) -> str:
        """The role of staff at the agency with this code, e.g. `agency:uwv`."""
        if not _AGENCY_CODE.fullmatch(code):
            raise ValueError("agency code must be 2-32 lowercase letters, digits or hyphens")
        return f"{AGENCY_PREFIX}{code}"


STAFF_ROLES: Final = frozenset({Role.CASEMANAGER, Role.SUPERVISOR, Role.OPERATOR})
"""Roles of government staff (agency roles are staff too; see `Principal.is_staff`)."""

_FIXED_ROLES: Final = frozenset(str(role) for role in Role)


def is_valid_role(role: str) -> bool:
    """Whether `role` is one of the fixed roles or a well-formed `agency:<code>`."""
    if role in _FIXED_ROLES:
        return True
    return role.startswith(AGENCY_PREFIX) and bool(
        _AGENCY_CODE.fullmatch(role.removeprefix(AGENCY_PREFIX))
    )


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, as established from a verified token."""

    subject: str
    roles: frozenset[str]
    # The display name is personal data: keep it out of reprs that end up in logs.
    name: str | None = field(default=None, repr=False)
    case_id: str | None = None
    """The one case a citizen's signed link is scoped to."""
    token_id: str | None = None
    team: str | None = None
    """The staff member's team (casemanagers see their team's cases), from the `team` claim."""

    def has_role(self, *roles: str) -> bool:
        """Whether the principal holds at least one of `roles` (`agency:*` means any agency)."""
        return any(
            bool(self.agency_codes) if role == ANY_AGENCY else role in self.roles for role in roles
        )

    @property
    def agency_codes(self) -> frozenset[str]:
        """The codes of the agencies this principal works for."""
        return frozenset(
            role.removeprefix(AGENCY_PREFIX)
            for role in self.roles
            if role.startswith(AGENCY_PREFIX)
        )

    def is_agency(self, code: str) -> bool:
        """Whether the principal works for the agency with this code."""
        return f"{AGENCY_PREFIX}{code}" in self.roles

    @property
    def is_staff(self) -> bool:
        """Whether the principal holds any staff role (including an agency role)."""
        return bool(self.roles & STAFF_ROLES) or bool(self.agency_codes)


# --------------------------------------------------------------------------- settings

_SYMMETRIC: Final = frozenset({"HS256"})
_ASYMMETRIC: Final = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
)
_STAFF_KEY_ALGORITHMS: Final = frozenset({"ES256", "EdDSA"})
"""How the console signs staff tokens: ECDSA P-256 or Ed25519, chosen by its key's type."""
STAFF_TOKEN_ROLES: Final = frozenset({Role.CASEMANAGER, Role.SUPERVISOR, Role.OPERATOR})
"""The only roles a console-signed staff token may carry (never citizen, never an agency)."""
_MIN_SECRET_BYTES: Final = 32
_LOOPBACK_NAMES: Final = frozenset({"localhost"})


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


class AuthSettings(BaseModel):
    """How tokens are verified (and, locally, issued). Embedded in every service's settings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    issuer: str = Field(
        default="voorportaal-local",
        min_length=1,
        description="Expected `iss` claim: the OIDC provider's issuer URL in production.",
    )
    audience: str = Field(
        default="voorportaal",
        min_length=1,
        description="Expected `aud` claim; tokens for other audiences are rejected.",
    )
    algorithms: list[str] = Field(
        default_factory=lambda: ["HS256"],
        min_length=1,
        description=(
            "Accepted signing algorithms: HS256 (local/dev and citizen links) and/or "
            "RS*/PS*/ES* (OIDC provider). `none` is never accepted."
        ),
    )
    hs256_secret: SecretStr | None = Field(
        default=None,
        description="Shared HS256 secret, at least 32 bytes; required when HS256 is accepted.",
    )
    link_issuer: str = Field(
        default="voorportaal-links",
        min_length=1,
        description=(
            "`iss` of the HS256 tokens Voorportaal signs itself when an OIDC provider signs the "
            "staff tokens (HS256 beside RS*/ES*). Such tokens may then carry only the citizen "
            "role: staff identities come from the provider, never from the shared secret."
        ),
    )
    hs256_staff_tokens: bool | None = Field(
        default=None,
        description=(
            "Whether an HS256 token may carry staff roles (development: `voorportaal token`, "
            "demo data). Empty: yes, unless an OIDC provider's algorithms are accepted too. "
            "Production refuses it: HS256 is then for citizen links only (with `link_issuer`)."
        ),
    )
    staff_issuer: str = Field(
        default="voorportaal-console",
        min_length=1,
        description="`iss` of the staff tokens the console signs with its own private key.",
    )
    staff_public_key_pem: str | None = Field(
        default=None,
        description=(
            "The console's public key (PEM, EC P-256 for ES256 or Ed25519 for EdDSA): staff "
            "tokens with `iss` = `staff_issuer` are verified with it. No secret is shared."
        ),
    )
    staff_public_key_file: Path | None = Field(
        default=None,
        description="A file holding that public key, instead of `staff_public_key_pem`.",
    )
    jwks_url: str | None = Field(
        default=None,
        description=(
            "JWKS endpoint of the OIDC provider (https; plain http only on loopback). Keys are "
            "fetched on first use and cached."
        ),
    )
    public_key_pem: str | None = Field(
        default=None,
        description="PEM public key (RSA or EC) to verify asymmetric tokens; instead of jwks_url.",
    )
    leeway_seconds: int = Field(
        default=30,
        ge=0,
        le=300,
        description="Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds.",
    )
    max_token_lifetime_seconds: int = Field(
        default=12 * 3600,
        gt=0,
        description="Tokens whose `exp - iat` exceeds this are rejected, however well signed.",
    )
    max_citizen_token_lifetime_seconds: int | None = Field(
        default=None,
        gt=0,
        le=90 * 24 * 3600,
        description=(
            "A longer limit for tokens whose only role is `citizen` (the intake's token, kept "
            "by the portal so a citizen can leave and continue later); unset: the same limit."
        ),
    )

    def lifetime_limit(self, roles: Iterable[str]) -> int:
        """The longest lifetime a token with these roles may have."""
        citizen_only = set(roles) == {Role.CITIZEN.value}
        if citizen_only and self.max_citizen_token_lifetime_seconds is not None:
            return max(self.max_citizen_token_lifetime_seconds, self.max_token_lifetime_seconds)
        return self.max_token_lifetime_seconds

    @model_validator(mode="after")
    def _check_keys_match_algorithms(self) -> AuthSettings:
        algorithms = set(self.algorithms)
        if any(alg.lower() == "none" for alg in algorithms):
            raise ValueError("algorithm 'none' is never allowed: tokens must be signed")
        unsupported = algorithms - _SYMMETRIC - _ASYMMETRIC
        if unsupported:
            raise ValueError(
                f"unsupported algorithms {sorted(unsupported)}; "
                f"use HS256 or one of {sorted(_ASYMMETRIC)}"
            )
        if "HS256" in algorithms:
            if self.hs256_secret is None:
                raise ValueError("HS256 requires hs256_secret")
            if len(self.hs256_secret.get_secret_value().encode()) < _MIN_SECRET_BYTES:
                raise ValueError(f"hs256_secret must be at least {_MIN_SECRET_BYTES} bytes")
        staff_key = self.staff_public_key_pem or self.staff_public_key_file
        if algorithms & _ASYMMETRIC and not (self.jwks_url or self.public_key_pem or staff_key):
            raise ValueError(
                "asymmetric algorithms require jwks_url, public_key_pem or a staff public key"
            )
        if self.jwks_url and self.public_key_pem:
            raise ValueError("set either jwks_url or public_key_pem, not both")
        if self.jwks_url:
            url = urlsplit(self.jwks_url)
            if url.scheme != "https" and not (
                url.scheme == "http" and _is_loopback(url.hostname or "")
            ):
                raise ValueError("jwks_url must use https (plain http only on loopback)")
        if self.public_key_pem:
            _load_public_key(self.public_key_pem)
        if self.staff_public_key_pem and self.staff_public_key_file:
            raise ValueError("set either staff_public_key_pem or staff_public_key_file, not both")
        staff_pem = staff_public_key_text(self)
        if staff_pem is not None:
            _load_staff_public_key(staff_pem)
        return self


def staff_public_key_text(settings: AuthSettings) -> str | None:
    """The console's public key (PEM) from the settings or their file; None when not set."""
    if settings.staff_public_key_pem:
        return settings.staff_public_key_pem
    if settings.staff_public_key_file is None:
        return None
    try:
        return settings.staff_public_key_file.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(
            f"staff_public_key_file: cannot read {settings.staff_public_key_file} "
            f"({type(exc).__name__})"
        ) from exc


def _load_staff_public_key(pem: str) -> EllipticCurvePublicKey | Ed25519PublicKey:
    try:
        key = load_pem_public_key(pem.encode())
    except ValueError as exc:
        raise ValueError("staff public key is not a PEM-encoded public key") from exc
    if isinstance(key, Ed25519PublicKey):
        return key
    if isinstance(key, EllipticCurvePublicKey) and isinstance(key.curve, SECP256R1):
        return key
    raise ValueError("staff public key must be EC P-256 (ES256) or Ed25519 (EdDSA)")


def _staff_algorithm(key: object) -> str:
    return "EdDSA" if isinstance(key, Ed25519PublicKey | Ed25519PrivateKey) else "ES256"


def hs256_is_citizen_only(settings: AuthSettings) -> bool:
    """Whether HS256 tokens are accepted for citizen links only (never staff roles)."""
    if settings.hs256_staff_tokens is not None:
        return not settings.hs256_staff_tokens
    return bool(set(settings.algorithms) & _ASYMMETRIC)


def verifies_staff_by_public_key(settings: AuthSettings) -> bool:
    """Whether staff tokens can be verified without a shared secret (console key or OIDC)."""
    has_oidc = bool(set(settings.algorithms) & _ASYMMETRIC) and bool(
        settings.jwks_url or settings.public_key_pem
    )
    return has_oidc or bool(settings.staff_public_key_pem or settings.staff_public_key_file)


def _load_public_key(pem: str) -> RSAPublicKey | EllipticCurvePublicKey:
    try:
        key = load_pem_public_key(pem.encode())
    except ValueError as exc:
        raise ValueError("public_key_pem is not a PEM-encoded public key") from exc
    if not isinstance(key, RSAPublicKey | EllipticCurvePublicKey):
        # ValueError, not TypeError: pydantic turns only ValueError into a ValidationError.
        raise ValueError("public_key_pem must be an RSA or EC public key")  # noqa: TRY004
    return key


# --------------------------------------------------------------------------- verification


class AuthenticationError(Exception):
    """A token was not accepted; `reason` says why (never contains personal data)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SigningKeysUnavailableError(AuthenticationError):
    """The JWKS endpoint could not be reached or read: our fault, not the caller's."""


_MAX_TOKEN_CHARS: Final = 8192
_REQUIRED_CLAIMS: Final = ("exp", "iat", "iss", "aud", "sub")
# Keycloak puts these in every user's realm_access.roles; they say nothing about Voorportaal.
_KEYCLOAK_DEFAULT_ROLES: Final = frozenset({"offline_access", "uma_authorization"})
_KEYCLOAK_DEFAULT_ROLES_PREFIX: Final = "default-roles-"


class TokenVerifier:
    """Verifies bearer tokens against `AuthSettings` and turns them into principals."""

    def __init__(self, settings: AuthSettings) -> None:
        self._settings = settings
        self._secret = settings.hs256_secret.get_secret_value() if settings.hs256_secret else None
        self._public_key = (
            _load_public_key(settings.public_key_pem) if settings.public_key_pem else None
        )
        staff_pem = staff_public_key_text(settings)
        self._staff_key = _load_staff_public_key(staff_pem) if staff_pem is not None else None
        # PyJWKClient fetches lazily on the first token, then caches the key set for `lifespan`
        # seconds; an unknown `kid` forces at most one refetch per cooldown (key rotation).
        self._jwks = (
            jwt.PyJWKClient(settings.jwks_url, cache_keys=True, lifespan=300, timeout=5)
            if settings.jwks_url
            else None
        )

    @property
    def fetches_keys_remotely(self) -> bool:
        """Whether `verify` may block on network IO (JWKS fetch); async callers use a thread."""
        return self._jwks is not None

    def verify(self, token: str) -> Principal:
        """The principal a valid token stands for; raises `AuthenticationError` otherwise."""
        if not isinstance(token, str) or not token:
            raise AuthenticationError("empty token")
        if len(token) > _MAX_TOKEN_CHARS:
            raise AuthenticationError("token too long")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise AuthenticationError("malformed token") from None
        alg = header.get("alg")
        if self._is_console_token(token, alg):
            return self._verify_console_token(token)
        if not isinstance(alg, str) or alg not in self._settings.algorithms:
            raise AuthenticationError("signing algorithm not allowed")
        claims = self._decode(token, alg)
        principal = self._principal(claims)
        citizen_only = alg in _SYMMETRIC and hs256_is_citizen_only(self._settings)
        if citizen_only and principal.roles != {Role.CITIZEN}:
            raise AuthenticationError("a self-signed token may carry only the citizen role")
        return principal

    def _is_console_token(self, token: str, alg: object) -> bool:
        """Whether the token claims to be the console's (its key and rules then apply)."""
        if self._staff_key is None or alg not in _STAFF_KEY_ALGORITHMS:
            return False
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise AuthenticationError("malformed token") from None
        return unverified.get("iss") == self._settings.staff_issuer

    def _verify_console_token(self, token: str) -> Principal:
        """A staff token the console signed: its public key, its issuer, staff roles only."""
        settings = self._settings
        assert self._staff_key is not None  # _is_console_token checked it
        with _token_errors():
            claims: dict[str, Any] = jwt.decode(
                token,
                self._staff_key,
                # One algorithm, the key's own: no choosing by the token's header.
                algorithms=[_staff_algorithm(self._staff_key)],
                audience=settings.audience,
                issuer=settings.staff_issuer,
                leeway=settings.leeway_seconds,
                options={"require": list(_REQUIRED_CLAIMS)},
            )
        self._check_lifetime(claims)
        principal = self._principal(claims)
        if not principal.roles <= STAFF_TOKEN_ROLES:
            raise AuthenticationError("a console token may carry staff roles only")
        return principal

    def _key_for(self, token: str, alg: str) -> Any:
        # The key follows the algorithm family, so an HS256 token can never be checked
        # against a public key (the classic algorithm-confusion attack).
        if alg in _SYMMETRIC:
            return self._secret
        if self._public_key is not None:
            return self._public_key
        if self._jwks is None:
            # Only the console's key is configured, and this token is not the console's.
            raise AuthenticationError("no key for this token's issuer")
        try:
            return self._jwks.get_signing_key_from_jwt(token)
        except (jwt.PyJWKClientConnectionError, jwt.PyJWKSetError, OSError, ValueError) as exc:
            # Chained, so the service log shows why the provider could not be read.
            raise SigningKeysUnavailableError("signing keys unavailable") from exc
        except jwt.PyJWTError:
            raise AuthenticationError("no signing key matches the token's key id") from None

    def _decode(self, token: str, alg: str) -> dict[str, Any]:
        settings = self._settings
        key = self._key_for(token, alg)
        with _token_errors():
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[alg],
                audience=settings.audience,
                issuer=_issuer_for(settings, alg),
                leeway=settings.leeway_seconds,
                options={"require": list(_REQUIRED_CLAIMS)},
            )
        self._check_lifetime(claims)
        return claims

    def _check_lifetime(self, claims: dict[str, Any]) -> None:
        exp, iat = claims["exp"], claims["iat"]
        for claim, value in (("exp", exp), ("iat", iat)):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise AuthenticationError(f"claim '{claim}' must be a number")
        try:
            roles = _roles_from(claims)
        except AuthenticationError:
            roles = frozenset()  # a malformed roles claim is refused by `_principal`
        if exp - iat > self._settings.lifetime_limit(roles):
            raise AuthenticationError("token lifetime exceeds the maximum")

    def _principal(self, claims: dict[str, Any]) -> Principal:
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject:
            raise AuthenticationError("claim 'sub' must be a non-empty string")
        roles = _roles_from(claims)
        case_id = _optional_str(claims, "case_id")
        if case_id is not None and not _CASE_ID.fullmatch(case_id):
            raise AuthenticationError("claim 'case_id' is not a valid case id")
        if Role.CITIZEN in roles and case_id is None:
            raise AuthenticationError("citizen token without claim 'case_id'")
        return Principal(
            subject=subject,
            roles=roles,
            name=_optional_str(claims, "name"),
            team=_optional_str(claims, "team"),
            case_id=case_id,
            token_id=_optional_str(claims, "jti"),
        )


def _optional_str(claims: dict[str, Any], claim: str) -> str | None:
    value = claims.get(claim)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise AuthenticationError(f"claim '{claim}' must be a non-empty string")
    return value


def _role_list(value: object, claim: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(role, str) for role in value):
        raise AuthenticationError(f"claim '{claim}' must be a list of strings")
    return value


def _roles_from(claims: dict[str, Any]) -> frozenset[str]:
    """Roles from our own `roles` claim and/or Keycloak's `realm_access.roles`."""
    roles: list[str] = []
    found = False
    if "roles" in claims:
        found = True
        roles += _role_list(claims["roles"], "roles")
    realm_access = claims.get("realm_access")
    if isinstance(realm_access, dict) and "roles" in realm_access:
        found = True
        roles += [
            role
            for role in _role_list(realm_access["roles"], "realm_access.roles")
            if role not in _KEYCLOAK_DEFAULT_ROLES
            and not role.startswith(_KEYCLOAK_DEFAULT_ROLES_PREFIX)
        ]
    if not found:
        raise AuthenticationError("missing claim 'roles'")
    if not roles:
        raise AuthenticationError("token carries no roles")
    for role in roles:
        if not is_valid_role(role):
            # Role names come from the (already verified) issuer's configuration, not from
            # people; cap the length so a misconfigured provider cannot flood the logs.
            raise AuthenticationError(f"unknown role {role[:64]!r}")
    return frozenset(roles)


# --------------------------------------------------------------------------- issuing


def _issuer_for(settings: AuthSettings, alg: str) -> str:
    """The `iss` a token signed with `alg` must carry."""
    return (
        settings.link_issuer
        if alg in _SYMMETRIC and hs256_is_citizen_only(settings)
        else (settings.issuer)
    )


def can_issue_citizen_links(settings: AuthSettings) -> bool:
    """Whether this service can sign citizen links (HS256 with a secret is configured)."""
    return settings.hs256_secret is not None and "HS256" in settings.algorithms


def issue_token(
    settings: AuthSettings,
    subject: str,
    roles: Iterable[str],
    *,
    name: str | None = None,
    case_id: str | None = None,
    team: str | None = None,
    ttl_seconds: int = 3600,
    now: datetime | None = None,
) -> str:
    """Sign an HS256 token (dev, tests, the `voorportaal token` CLI, the citizen's link)."""
    if settings.hs256_secret is None or "HS256" not in settings.algorithms:
        raise ValueError("issuing tokens needs HS256 with hs256_secret in the auth settings")
    role_set = sorted(set(roles))
    if not subject:
        raise ValueError("subject must not be empty")
    if not role_set:
        raise ValueError("a token needs at least one role")
    unknown = [role for role in role_set if not is_valid_role(role)]
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    if Role.CITIZEN in role_set and case_id is None:
        raise ValueError("a citizen token must be scoped to a case_id")
    if case_id is not None and not _CASE_ID.fullmatch(case_id):
        raise ValueError("case_id is not a valid case id")
    longest = settings.lifetime_limit(role_set)
    if not 0 < ttl_seconds <= longest:
        raise ValueError(f"ttl_seconds must be between 1 and {longest}")
    now = _moment(now)
    if hs256_is_citizen_only(settings) and role_set != [Role.CITIZEN]:
        raise ValueError("HS256 is for citizen links only here: staff tokens are signed by key")
    claims = _claims(
        _issuer_for(settings, "HS256"),
        settings.audience,
        subject,
        role_set,
        now,
        ttl_seconds,
        name=name,
        case_id=case_id,
        team=team,
    )
    return jwt.encode(claims, settings.hs256_secret.get_secret_value(), algorithm="HS256")


def _moment(now: datetime | None) -> datetime:
    """When a token is issued: `now` (with its timezone), else the system clock."""
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must include a timezone")
    return now


def _claims(
    issuer: str,
    audience: str,
    subject: str,
    roles: list[str],
    now: datetime,
    ttl_seconds: int,
    **optional: str | None,
) -> dict[str, Any]:
    """A token's claims, staff or citizen: the registered ones, the roles, and each optional
    claim (`name`, `case_id`, `team`) that has a value."""
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl_seconds)).timestamp()),
        "jti": uuid.uuid4().hex,
        "roles": roles,
    }
    claims.update({claim: value for claim, value in optional.items() if value is not None})
    return claims


StaffSigningKey = EllipticCurvePrivateKey | Ed25519PrivateKey


def load_staff_signing_key(pem: bytes) -> StaffSigningKey:
    """The console's private key (PEM, unencrypted PKCS#8): EC P-256 or Ed25519."""
    try:
        key = load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise ValueError("staff signing key is not an unencrypted PEM private key") from exc
    if isinstance(key, Ed25519PrivateKey):
        return key
    if isinstance(key, EllipticCurvePrivateKey) and isinstance(key.curve, SECP256R1):
        return key
    raise ValueError("staff signing key must be EC P-256 (ES256) or Ed25519 (EdDSA)")


def generate_staff_key_pair() -> tuple[bytes, bytes]:
    """A new EC P-256 key pair for the console's staff tokens: (private PEM, public PEM).
    `voorportaal up` makes one under `var/keys/` on a developer's machine; production keys
    come from the operator."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ec import generate_private_key

    key = generate_private_key(SECP256R1())
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def issue_staff_token(
    key: StaffSigningKey,
    *,
    issuer: str,
    audience: str,
    subject: str,
    roles: Iterable[str],
    name: str | None = None,
    team: str | None = None,
    ttl_seconds: int = 300,
    now: datetime | None = None,
) -> str:
    """Sign a staff token with the console's private key (ES256 or EdDSA, by the key's type);
    the services verify it with the public key (`AuthSettings.staff_public_key_file`)."""
    role_set = sorted(set(roles))
    if not subject:
        raise ValueError("subject must not be empty")
    if not role_set or not set(role_set) <= STAFF_TOKEN_ROLES:
        raise ValueError(f"a staff token carries staff roles only, not {role_set}")
    if ttl_seconds <= 0:
        raise ValueError("ttl_seconds must be positive")
    now = _moment(now)
    claims = _claims(issuer, audience, subject, role_set, now, ttl_seconds, name=name, team=team)
    return jwt.encode(claims, key, algorithm=_staff_algorithm(key))


# --------------------------------------------------------------------------- Litestar

PUBLIC_PATHS: Final = (
    r"^/health(?:/|$)",
    r"^/ready(?:/|$)",
    r"^/metrics(?:/|$)",
    r"^/schema(?:/|$)",
)
"""Paths that need no token: probes, metrics and the OpenAPI docs."""

CITIZEN_LINK_PREFIX: Final = "/citizen/"
"""Only under this prefix may the token come as `?token=` (the citizen's signed link)."""

_BEARER_CHALLENGE: Final = {"WWW-Authenticate": 'Bearer realm="voorportaal"'}
_INVALID_TOKEN_CHALLENGE: Final = {
    "WWW-Authenticate": 'Bearer realm="voorportaal", error="invalid_token"'
}


class JWTAuthMiddleware(AbstractAuthenticationMiddleware):
    """Sets `connection.user` to the verified `Principal` and `connection.auth` to the token."""

    __slots__ = ("verifier",)

    def __init__(
        self,
        app: ASGIApp,
        verifier: TokenVerifier,
        exclude: str | list[str] | None = None,
        exclude_from_auth_key: str = "exclude_from_auth",
        exclude_http_methods: Sequence[Method] | None = None,
        scopes: Scopes | None = None,
    ) -> None:
        super().__init__(
            app=app,
            exclude=exclude,
            exclude_from_auth_key=exclude_from_auth_key,
            exclude_http_methods=exclude_http_methods,
            scopes=scopes,
        )
        self.verifier = verifier

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        """Verify the bearer token (or a citizen link's `?token=`); 401 when absent or invalid."""
        path: str = connection.scope["path"]
        token, from_link = _token_from(connection, path)
        if token is None:
            raise NotAuthorizedException(detail="missing bearer token", headers=_BEARER_CHALLENGE)
        try:
            if self.verifier.fetches_keys_remotely:
                # PyJWKClient fetches with blocking urllib; keep it off the event loop.
                principal = await anyio.to_thread.run_sync(self.verifier.verify, token)
            else:
                principal = self.verifier.verify(token)
        except SigningKeysUnavailableError as exc:
            log.exception("auth.signing_keys_unavailable", path=path)
            raise ServiceUnavailableException(detail="cannot verify tokens right now") from exc
        except AuthenticationError as exc:
            log.info("auth.rejected", reason=exc.reason, path=path)
            raise NotAuthorizedException(
                detail=f"invalid token: {exc.reason}", headers=_INVALID_TOKEN_CHALLENGE
            ) from exc
        if from_link and set(principal.roles) != {Role.CITIZEN}:
            # Tokens in URLs end up in browser history and proxy logs; only a citizen's
            # case-scoped link may travel that way, never a staff credential.
            log.info("auth.rejected", reason="staff token in link", path=path)
            raise NotAuthorizedException(
                detail="only a citizen link may carry its token in the URL",
                headers=_INVALID_TOKEN_CHALLENGE,
            )
        return AuthenticationResult(user=principal, auth=token)


def _token_from(
    connection: ASGIConnection[Any, Any, Any, Any], path: str
) -> tuple[str | None, bool]:
    """The token and whether it came from a citizen link's query string."""
    header = connection.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthorizedException(
                detail="Authorization header must be 'Bearer <token>'", headers=_BEARER_CHALLENGE
            )
        return token.strip(), False
    if path.startswith(CITIZEN_LINK_PREFIX):
        link_token = connection.query_params.get("token")
        if isinstance(link_token, str) and link_token:
            return link_token, True
    return None, False


def auth_middleware(
    verifier: TokenVerifier, exclude: Sequence[str] | None = None
) -> DefineMiddleware:
    """The auth middleware for an app; `exclude` (default `PUBLIC_PATHS`) lists public paths."""
    patterns = list(PUBLIC_PATHS if exclude is None else exclude)
    for pattern in patterns:
        # Litestar matches exclude patterns with re.findall, i.e. anywhere in the path: an
        # unanchored "/health" would also make "/cases/health" public.
        if not pattern.startswith("^"):
            raise ValueError(f"exclude pattern {pattern!r} must be anchored with '^'")
    return DefineMiddleware(JWTAuthMiddleware, verifier=verifier, exclude=patterns or None)


def _principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    # Read the scope directly: `connection.user` raises ImproperlyConfigured (500) when the
    # route is excluded from auth, and an unauthenticated request deserves a 401.
    user = connection.scope.get("user")
    if not isinstance(user, Principal):
        raise NotAuthorizedException(detail="authentication required", headers=_BEARER_CHALLENGE)
    return user


def requires_role(*roles: str) -> Guard:
    """Guard: 403 unless the principal holds one of `roles` (`agency:*` means any agency)."""
    if not roles:
        raise ValueError("requires_role needs at least one role")
    for role in roles:
        if role != ANY_AGENCY and not is_valid_role(role):
            raise ValueError(f"unknown role {role!r}")
    wanted = ", ".join(roles)

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if not _principal_of(connection).has_role(*roles):
            raise PermissionDeniedException(detail=f"requires one of the roles: {wanted}")

    return guard


def requires_agency_param(param: str = "agency_code") -> Guard:
    """Guard: 403 unless the principal is `agency:<path param>`, an operator or a supervisor."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal = _principal_of(connection)
        if principal.has_role(Role.OPERATOR, Role.SUPERVISOR):
            return
        code = connection.path_params.get(param)
        if code is None or not principal.is_agency(str(code)):
            raise PermissionDeniedException(detail="not permitted for this agency")

    return guard


def requires_case_access(param: str = "case_id") -> Guard:
    """Guard: a citizen may only reach its own case; staff pass to the service layer's checks."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal = _principal_of(connection)
        # Fail closed: any principal carrying the citizen role is scoped to its case, even if
        # a misconfigured provider also gave it a staff role.
        if not principal.has_role(Role.CITIZEN):
            return
        case_id = connection.path_params.get(param)
        if case_id is None or str(case_id) != principal.case_id:
            raise PermissionDeniedException(detail="not permitted for this case")

    return guard


@contextlib.contextmanager
def _token_errors() -> Iterator[None]:
    """PyJWT's refusals as `AuthenticationError`s that name the check, never a claim's value."""
    try:
        yield
    except jwt.ExpiredSignatureError:
        raise AuthenticationError("token expired") from None
    except jwt.ImmatureSignatureError:
        raise AuthenticationError("token not yet valid") from None
    except jwt.InvalidIssuerError:
        raise AuthenticationError("wrong issuer") from None
    except jwt.InvalidAudienceError:
        raise AuthenticationError("wrong audience") from None
    except jwt.InvalidSignatureError:
        raise AuthenticationError("bad signature") from None
    except jwt.MissingRequiredClaimError as exc:
        raise AuthenticationError(f"missing claim '{exc.claim}'") from None
    except jwt.InvalidAlgorithmError:
        raise AuthenticationError("signing algorithm not allowed") from None
    except jwt.InvalidKeyError:
        raise AuthenticationError("token does not fit the configured key") from None
    except jwt.PyJWTError as exc:
        # DecodeError, InvalidIssuedAtError, InvalidSubjectError, ...: PyJWT's messages
        # name the malformed claim, never its value.
        raise AuthenticationError(f"invalid token: {exc}") from None
