"""Codes notify sends itself to an address changed here, until they are typed back.

A confirmation keeps a keyed hash of the address and of the code, never either; five wrong tries
end it (a six-digit code is not guessed in five), and a new change of the address supersedes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

MAX_CONFIRMATION_TRIES = 5
"""Wrong codes before a confirmation ends (a six-digit code is not guessed in five)."""


class ConfirmationStatus(StrEnum):
    """Where a confirmation stands; only `open` accepts a code."""

    OPEN = "open"
    CONFIRMED = "confirmed"
    FAILED = "failed"
    SUPERSEDED = "superseded"


@dataclass(frozen=True)
class Confirmation:
    """One code sent to one changed address of a case."""

    id: str
    case_id: str
    channel: str
    address_key: str
    """Keyed hash of the address the code went to."""
    code_hash: str
    """Keyed hash of the code."""
    tries: int
    status: ConfirmationStatus
    expires_at: datetime

    def after_try(self, right: bool) -> tuple[int, ConfirmationStatus]:
        """The tries and status after one typed code (a right one confirms it)."""
        if right:
            return self.tries, ConfirmationStatus.CONFIRMED
        tries = self.tries + 1
        if tries >= MAX_CONFIRMATION_TRIES:
            return tries, ConfirmationStatus.FAILED
        return tries, ConfirmationStatus.OPEN
