"""Shared test values and helpers (a uniquely named module: `conftest` names clash suite-wide)."""

from __future__ import annotations

import socket

LINK = "https://voorportaal.example/b/Zx81kQ-4tRw"
"""A personal link as the service would make it (short, so SMS stay small)."""


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
