"""Confirming a citizen's address with a one-time code, inside a use case's transaction.

The contact step (and the resend route) issue a code per chosen channel whose address is not
confirmed yet: the code's hash is stored, `ContactVerificationRequested` is staged for notify
(the only message that may go to an unconfirmed address), and each code counts against the
address's rate limit, over all intakes. A confirmation holds for the address that received the
code: a changed address must be confirmed again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import ContactVerificationRequested
from voorportaal_contracts.types import MessageChannel
from voorportaal_intake.adapters import verifications
from voorportaal_intake.adapters.rate_limits import RateLimited, hit
from voorportaal_intake.domain.rate_limits import Limit, subject_key
from voorportaal_intake.domain.verification import (
    address_hash,
    address_of,
    code_matches,
    hash_code,
    new_code,
)

CONFIRMABLE = (MessageChannel.SMS, MessageChannel.EMAIL)
"""Channels with an address a code can go to (post has none)."""


@dataclass(frozen=True)
class CodePolicy:
    """How codes are limited: their life, their attempts, how many per address."""

    ttl: timedelta = timedelta(minutes=15)
    max_attempts: int = 5
    per_address: Sequence[Limit] = field(
        default_factory=lambda: (Limit("codes", 3600, 3), Limit("codes", 86400, 6))
    )
    per_intake: Sequence[Limit] = field(default_factory=lambda: (Limit("codes", 86400, 8),))
    """One intake cannot send codes to ever new addresses (one intake, many victims)."""


@dataclass(frozen=True)
class Attempt:
    """What a code given by the citizen did."""

    confirmed: MessageChannel | None
    attempts_left: int
    pending: bool


def _confirmable(contact: dict[str, Any]) -> list[tuple[MessageChannel, str]]:
    found = []
    for raw in contact["channels"]:
        channel = MessageChannel(raw)
        address = address_of(contact, channel) if channel in CONFIRMABLE else None
        if address:
            found.append((channel, address))
    return found


async def verified_channels(
    session: AsyncSession, intake_id: UUID, contact: dict[str, Any] | None
) -> list[MessageChannel]:
    """The chosen channels whose current address the citizen confirmed."""
    if contact is None:
        return []
    confirmed = {
        (r["channel"], r["address_hash"])
        for r in await verifications.of_intake(session, intake_id)
        if r["status"] == "confirmed"
    }
    return [
        channel
        for channel, address in _confirmable(contact)
        if (channel.value, address_hash(channel, address)) in confirmed
    ]


async def issue_codes(
    session: AsyncSession,
    *,
    intake_id: UUID,
    case_id: str,
    contact: dict[str, Any],
    policy: CodePolicy,
    now: datetime,
    source: str,
    again: bool = False,
) -> list[Envelope]:
    """Codes for the chosen channels whose address is not confirmed, each as an event for
    notify. Without `again`, an address that already has a live code gets none (a repeated
    contact step sends nothing twice); with it (the resend route) a new code replaces it.
    Raises `RateLimited` when an address had its share of codes."""
    rows = await verifications.of_intake(session, intake_id)
    staged: list[Envelope] = []
    for channel, address in _confirmable(contact):
        hashed = address_hash(channel, address)
        mine = [r for r in rows if r["channel"] == channel.value and r["address_hash"] == hashed]
        if any(r["status"] == "confirmed" for r in mine):
            continue
        live = [r for r in mine if r["status"] == "pending" and r["expires_at"] > now]
        if live and not again:
            continue
        exceeded = await hit(
            session, subject_key("intake", str(intake_id)), policy.per_intake, now
        ) or await hit(session, subject_key("address", address), policy.per_address, now)
        if exceeded is not None:
            raise RateLimited(
                "Too many codes were sent to this address or for this intake; try again later. / "
                "Er zijn te veel codes naar dit adres of voor deze intake gestuurd; "
                "probeer het later opnieuw.",
                retry_after_s=exceeded.retry_after_s,
                field="email" if channel == MessageChannel.EMAIL else "phone",
            )
        await verifications.supersede(session, intake_id, channel.value)
        verification_id = uuid4().hex
        code = new_code()
        expires = now + policy.ttl
        await verifications.add(
            session,
            verification_id=verification_id,
            intake_id=intake_id,
            channel=channel.value,
            address_hash=hashed,
            code_hash=hash_code(verification_id, code),
            now=now,
            expires_at=expires,
        )
        event = ContactVerificationRequested(
            case_id=case_id,
            verification_id=verification_id,
            channel=channel,
            email=address if channel == MessageChannel.EMAIL else None,
            phone=address if channel == MessageChannel.SMS else None,
            code=code,
            language=contact["language"],
            expires_at=expires,
        )
        staged.append(Envelope(event, source=source, time=now))
    return staged


async def try_code(
    session: AsyncSession, intake_id: UUID, code: str, policy: CodePolicy, now: datetime
) -> Attempt:
    """Check a code against the intake's live codes: a match confirms its channel; a miss
    spends an attempt of each live code (the caller commits either way)."""
    live = [
        r
        for r in await verifications.of_intake(session, intake_id)
        if r["status"] == "pending" and r["expires_at"] > now
    ]
    for row in live:
        if code_matches(row["id"], row["code_hash"], code):
            await verifications.confirm(session, row["id"], now)
            return Attempt(MessageChannel(row["channel"]), 0, pending=False)
    left = 0
    for row in live:
        attempts = row["attempts"] + 1
        spent = attempts >= policy.max_attempts
        await verifications.count_attempt(session, row["id"], attempts, spent=spent)
        left = max(left, policy.max_attempts - attempts)
    return Attempt(None, left, pending=bool(live))
