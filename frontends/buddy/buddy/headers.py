"""Security headers of the console: the kit's middleware around Reflex's backend, which in
prod mode (`--single-port`) also serves the page, so page, assets and API all carry them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from buddy.settings import ConsoleSettings
from voorportaal_kit.security_headers import SecurityHeaders, SecurityHeadersMiddleware


def console_csp(settings: ConsoleSettings) -> str:
    """The console's Content-Security-Policy: its own origin only (scripts, styles, the
    websocket at any origin the console is served at), nothing framed, forms only to itself.

    Inline scripts and styles are allowed because the compiled React page uses them (its
    hydration data, Radix's styles); the page renders no user-supplied HTML, so the policy's
    work here is to keep everything else (other origins, framing, plugins) out."""
    websockets = []
    for origin in settings.allowed_origins:
        address = urlsplit(origin)
        websockets.append(f"{'wss' if address.scheme == 'https' else 'ws'}://{address.netloc}")
    websocket = " ".join(websockets)
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            f"connect-src 'self' {websocket}",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


def with_security_headers(settings: ConsoleSettings) -> Callable[[Any], Any]:
    """For `rx.App(api_transformer=...)`: wraps the backend's ASGI app in the kit's headers."""
    headers = SecurityHeaders(csp=console_csp(settings), path_csp=())

    def transform(app: Any) -> Any:
        return SecurityHeadersMiddleware(app, headers)

    return transform
