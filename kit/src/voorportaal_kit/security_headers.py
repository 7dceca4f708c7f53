"""Security headers on every HTTP response: one ASGI middleware for the services and the console.

- `X-Content-Type-Options: nosniff`: a browser never guesses a type (an uploaded document or a
  JSON answer is never run as a script or shown as a page).
- `Content-Security-Policy`: the services answer JSON and a few plain pages, so their policy
  allows nothing but inline style; the OpenAPI viewer (`/schema`) gets the CDN it loads from.
  The console passes its own policy (a Reflex page with its scripts and websocket).
- `Strict-Transport-Security`: only on a response that went out over https — the request came
  in over TLS, or a TLS-terminating proxy says so in `X-Forwarded-Proto`. Over plain http
  (a developer's machine) the header would be ignored anyway, and a browser that honoured it
  would lock `localhost` to https. Trusting the header is safe: the worst a forged one can do
  is give its own sender an HSTS header.
- `Referrer-Policy: no-referrer`: the citizen's link carries a token; it must not leak in
  `Referer` to whatever a page links to.

Headers a handler set itself are kept (a handler may know better, e.g. a stricter policy).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "API_CSP",
    "HSTS",
    "OPENAPI_CSP",
    "SecurityHeaders",
    "SecurityHeadersMiddleware",
    "served_over_https",
]

API_CSP: Final = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
"""The policy of every service response: JSON, and plain HTML with an inline style at most."""

_OPENAPI_CDN: Final = "https://cdn.jsdelivr.net"
OPENAPI_CSP: Final = (
    f"default-src 'none'; script-src 'unsafe-inline' {_OPENAPI_CDN}; "
    f"style-src 'unsafe-inline' {_OPENAPI_CDN}; img-src 'self' data: {_OPENAPI_CDN}; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
"""The policy of the OpenAPI viewer (Swagger UI from jsDelivr, as Litestar's plugin loads it)."""

HSTS: Final = "max-age=31536000; includeSubDomains"
"""One year, sub-domains included; sent only over https."""


def served_over_https(scope: Scope) -> bool:
    """Whether the response to this request goes out over https (directly or via a proxy)."""
    if scope.get("scheme") in ("https", "wss"):
        return True
    for name, value in scope.get("headers") or ():
        if name == b"x-forwarded-proto":
            # A chain of proxies lists each hop; the first is the client's side.
            return value.split(b",", 1)[0].strip().lower() == b"https"
    return False


class SecurityHeaders:
    """The headers above, for one app: `csp` by default, `path_csp` where a path matches."""

    def __init__(
        self,
        *,
        csp: str = API_CSP,
        path_csp: Sequence[tuple[str, str]] = ((r"^/schema(?:/|$)", OPENAPI_CSP),),
    ) -> None:
        self._csp = csp.encode()
        self._path_csp = [(re.compile(pattern), policy.encode()) for pattern, policy in path_csp]

    def _policy_for(self, path: str) -> bytes:
        for pattern, policy in self._path_csp:
            if pattern.search(path):
                return policy
        return self._csp

    async def before_send(self, message: Message, scope: Scope) -> None:
        """Add the headers to an HTTP response's start message (a Litestar `before_send` hook:
        it sees every response, also the 404 of a path no route matches)."""
        if scope["type"] != ScopeType.HTTP or message["type"] != "http.response.start":
            return
        headers: list[Any] = list(message.get("headers") or [])
        present = {bytes(name).lower() for name, _ in headers}
        added = [
            (b"x-content-type-options", b"nosniff"),
            (b"content-security-policy", self._policy_for(scope.get("path", ""))),
            (b"referrer-policy", b"no-referrer"),
        ]
        if served_over_https(scope):
            added.append((b"strict-transport-security", HSTS.encode()))
        headers += [(name, value) for name, value in added if name not in present]
        message["headers"] = headers


class SecurityHeadersMiddleware:
    """Plain ASGI middleware with `SecurityHeaders`, for apps that are not Litestar (the
    console's Reflex backend, through `rx.App(api_transformer=...)`)."""

    def __init__(self, app: ASGIApp, headers: SecurityHeaders) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response's start message."""
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            await self.headers.before_send(message, scope)
            await send(message)

        await self.app(scope, receive, send_with_headers)
