"""Litestar's side: the middleware that authenticates every request (401 on failure) and the
guards that check roles, agency and case scope (403 on failure)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import anyio.to_thread
import structlog
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

from voorportaal_kit.auth.principal import ANY_AGENCY, Principal, Role, is_valid_role
from voorportaal_kit.auth.verifier import (
    AuthenticationError,
    SigningKeysUnavailableError,
    TokenVerifier,
)

log = structlog.get_logger()

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
