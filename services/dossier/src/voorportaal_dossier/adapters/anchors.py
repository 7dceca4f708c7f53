"""Where the audit chain's checkpoints are kept: outside the database.

A database user who deletes the newest audit records, or rewrites the newest one with a fresh
hash, leaves a chain that verifies on its own; the checkpoints are what they cannot reach. The
file implementation appends one signed JSON line per checkpoint and never rewrites the file.
In production it belongs on storage the database's users and administrators cannot write:
another host or volume, made append-only (`chattr +a`) or WORM (object lock), with backups.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol


class AnchorStore(Protocol):
    """Append-only storage for checkpoint lines."""

    def append(self, line: bytes) -> None:
        """Add one line, durably."""

    def lines(self) -> list[bytes]:
        """Every line so far, oldest first."""


class AnchorFile:
    """Checkpoint lines appended to a file (created on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, line: bytes) -> None:
        """Append (O_APPEND: a line is never interleaved with another writer's) and fsync."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def lines(self) -> list[bytes]:
        """Every line so far (none when the file does not exist yet)."""
        try:
            return self.path.read_bytes().splitlines()
        except FileNotFoundError:
            return []
