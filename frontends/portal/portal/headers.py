"""Security headers of the portal: the kit's middleware around Reflex's backend, which in prod
mode (`--single-port`) also serves the page, so page, assets and API all carry them (among
them `Referrer-Policy: no-referrer`: nothing the citizen opens leaks the page's address)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from portal.settings import PortalSettings
from voorportaal_kit.security_headers import SecurityHeaders, SecurityHeadersMiddleware


def portal_csp(settings: PortalSettings) -> str:
    """The portal's Content-Security-Policy: its own origin only (the websocket at any origin it
    is served at), nothing framed, forms only to itself. Inline scripts and styles are allowed
    because the compiled React page uses them; the page renders no user-supplied HTML."""
    websockets = []
    for origin in settings.allowed_origins:
        address = urlsplit(origin)
        websockets.append(f"{'wss' if address.scheme == 'https' else 'ws'}://{address.netloc}")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            f"connect-src 'self' {' '.join(websockets)}",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


def with_security_headers(settings: PortalSettings) -> Callable[[Any], Any]:
    """For `rx.App(api_transformer=...)`: wraps the backend's ASGI app in the kit's headers."""
    headers = SecurityHeaders(csp=portal_csp(settings), path_csp=())

    def transform(app: Any) -> Any:
        return SecurityHeadersMiddleware(app, headers)

    return transform
