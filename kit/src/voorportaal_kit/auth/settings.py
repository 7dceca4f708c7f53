"""How a service verifies tokens and which keys it may hold (`AuthSettings`), and loading
the keys those settings name."""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import ip_address
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ec import (
    SECP256R1,
    EllipticCurvePublicKey,
)
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import (
    load_pem_public_key,
)
from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from voorportaal_kit.auth.principal import Role

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


def _issuer_for(settings: AuthSettings, alg: str) -> str:
    """The `iss` a token signed with `alg` must carry."""
    return (
        settings.link_issuer
        if alg in _SYMMETRIC and hs256_is_citizen_only(settings)
        else (settings.issuer)
    )
