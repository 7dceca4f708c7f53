"""One-time codes that confirm a citizen's phone number or e-mail address.

A code is six random digits, kept only as a salted hash. Six digits can be found from any hash
in a moment, so what protects a code is its short life and its few attempts; the hash keeps
the code itself out of the database, its backups and its logs. An address is remembered as a
hash too, so that a confirmation holds only for the address that received the code. A
representative who receives copies confirms their own address the same way (its hash is kept
apart from the citizen's, `representative_hash`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from voorportaal_contracts.types import MessageChannel

CODE_DIGITS = 6


def new_code() -> str:
    """Six random digits (leading zeros kept)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def hash_code(salt: str, code: str) -> str:
    """The stored form of a code."""
    return hashlib.sha256(f"{salt}\0{code}".encode()).hexdigest()


def code_matches(salt: str, stored: str, given: str) -> bool:
    """Whether `given` is the code stored as `stored` (in constant time)."""
    return hmac.compare_digest(hash_code(salt, given.strip()), stored)


def address_hash(channel: MessageChannel, address: str) -> str:
    """The stored form of the address a code went to."""
    return hashlib.sha256(f"{channel.value}\0{address.strip().lower()}".encode()).hexdigest()


def representative_hash(channel: MessageChannel, address: str) -> str:
    """The stored form of a representative's address a code went to: apart from the citizen's,
    so a code confirms the citizen's address or the representative's, never both."""
    normalised = address.strip().lower()
    return hashlib.sha256(f"representative\0{channel.value}\0{normalised}".encode()).hexdigest()


def address_of(contact: Mapping[str, object], channel: MessageChannel) -> str | None:
    """The address for a channel (e-mail or phone) in a representative's details, if given."""
    value = contact.get("email" if channel == MessageChannel.EMAIL else "phone")
    return str(value) if value else None


class CodeStatus(StrEnum):
    """Where a one-time code is: waiting, used, replaced by a newer one, or out of attempts."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    SUPERSEDED = "superseded"
    SPENT = "spent"


@dataclass(frozen=True)
class Verification:
    """One code sent to one address of an intake (only hashes of both are kept)."""

    id: str
    """Also the salt of the code's hash."""
    intake_id: UUID
    channel: MessageChannel
    address_hash: str
    code_hash: str
    status: CodeStatus
    attempts: int
    created_at: datetime
    expires_at: datetime
    confirmed_at: datetime | None = None

    def live(self, now: datetime) -> bool:
        """Waiting for the citizen, and not expired."""
        return self.status is CodeStatus.PENDING and self.expires_at > now

    @property
    def confirmed(self) -> bool:
        """The citizen gave this code."""
        return self.status is CodeStatus.CONFIRMED
