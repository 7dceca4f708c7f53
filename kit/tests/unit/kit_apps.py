"""A small service app for the kit's HTTP tests: `create_app` under a test name, with an HS256
verifier and no readiness checks unless a test says otherwise."""

from __future__ import annotations

from typing import Any

from litestar import Litestar

from voorportaal_kit.auth import AuthSettings, TokenVerifier
from voorportaal_kit.http import create_app


def small_app(*route_handlers: Any, secret: str = "x" * 40, **overrides: Any) -> Litestar:
    """The kit's app serving `route_handlers`; `overrides` are `create_app`'s other options."""
    options: dict[str, Any] = {
        "service_name": "t",
        "title": "T",
        "version": "1",
        "verifier": TokenVerifier(AuthSettings(hs256_secret=secret)),
        "checks": {},
        **overrides,
    }
    return create_app(route_handlers=list(route_handlers), **options)
