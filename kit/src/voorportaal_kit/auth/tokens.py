"""Issuing tokens: the citizen's link and development tokens (HS256), and the console's
staff tokens signed with its own private key (ES256/EdDSA)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ec import (
    SECP256R1,
    EllipticCurvePrivateKey,
)
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    load_pem_private_key,
)

from voorportaal_kit.auth.principal import _CASE_ID, Role, is_valid_role
from voorportaal_kit.auth.settings import (
    STAFF_TOKEN_ROLES,
    AuthSettings,
    _issuer_for,
    _staff_algorithm,
    hs256_is_citizen_only,
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
