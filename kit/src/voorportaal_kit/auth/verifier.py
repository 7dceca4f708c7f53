"""Turning a bearer token into a `Principal`, or an `AuthenticationError` saying which claim
or check failed (never a claim's value other than a role name)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, Final

import jwt

from voorportaal_kit.auth.principal import _CASE_ID, Principal, Role, is_valid_role
from voorportaal_kit.auth.settings import (
    _STAFF_KEY_ALGORITHMS,
    _SYMMETRIC,
    STAFF_TOKEN_ROLES,
    AuthSettings,
    _issuer_for,
    _load_public_key,
    _load_staff_public_key,
    _staff_algorithm,
    hs256_is_citizen_only,
    staff_public_key_text,
)


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
