"""Confirming a citizen's address with a one-time code, inside a use case's transaction.

The contact step (and the resend route) issue a code per chosen channel whose address is not
confirmed yet: the code's hash is stored, `ContactVerificationRequested` is staged for notify
(the only message that may go to an unconfirmed address), and each code counts against the
address's rate limit, over all intakes. A confirmation holds for the address that received the
code: a changed address must be confirmed again.

A representative who receives copies gets a code at their own e-mail address and phone too
(`for_representative`, the same limits per address); the citizen or the desk types it into the
same verify route, which confirms whichever open code it matches. Notify sends copies only to
the representative's confirmed channels (`Representative.verified`).
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
from voorportaal_intake.adapters.rate_limits import hit
from voorportaal_intake.domain.intake import ContactDetails
from voorportaal_intake.domain.rate_limits import Limit, RateLimited, subject_key
from voorportaal_intake.domain.verification import (
    CodeStatus,
    Verification,
    address_hash,
    address_of,
    code_matches,
    hash_code,
    new_code,
    representative_hash,
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
    address_hash: str | None = None
    """The stored form of the address the matching code went to."""


def _confirmable(contact: ContactDetails) -> list[tuple[MessageChannel, str]]:
    found = []
    for channel in contact.channels:
        address = contact.address(channel) if channel in CONFIRMABLE else None
        if address:
            found.append((channel, address))
    return found


def _representative_confirmable(
    representative: dict[str, Any] | None,
) -> list[tuple[MessageChannel, str]]:
    """The representative's addresses that receive copies (none when they receive none)."""
    if not representative or not representative.get("receives_copies", True):
        return []
    found = []
    for channel in CONFIRMABLE:
        address = address_of(representative, channel)
        if address:
            found.append((channel, address))
    return found


def citizen_hashes(contact: ContactDetails | None) -> frozenset[str]:
    """The stored forms of the citizen's chosen addresses."""
    if contact is None:
        return frozenset()
    return frozenset(address_hash(c, a) for c, a in _confirmable(contact))


def representative_hashes(representative: dict[str, Any] | None) -> frozenset[str]:
    """The stored forms of the representative's addresses that receive copies."""
    return frozenset(
        representative_hash(c, a) for c, a in _representative_confirmable(representative)
    )


async def representative_verified(
    session: AsyncSession, intake_id: UUID, representative: dict[str, Any] | None
) -> list[MessageChannel]:
    """The representative's channels whose current address was confirmed with a code."""
    confirmed = await _confirmed(session, intake_id)
    return [
        channel
        for channel, address in _representative_confirmable(representative)
        if (channel, representative_hash(channel, address)) in confirmed
    ]


async def verified_channels(
    session: AsyncSession, intake_id: UUID, contact: ContactDetails | None
) -> list[MessageChannel]:
    """The chosen channels whose current address the citizen confirmed."""
    if contact is None:
        return []
    confirmed = await _confirmed(session, intake_id)
    return [
        channel
        for channel, address in _confirmable(contact)
        if (channel, address_hash(channel, address)) in confirmed
    ]


async def _confirmed(session: AsyncSession, intake_id: UUID) -> set[tuple[MessageChannel, str]]:
    """The (channel, address hash) pairs of an intake's confirmed codes."""
    return {
        (v.channel, v.address_hash)
        for v in await verifications.of_intake(session, intake_id)
        if v.confirmed
    }


@dataclass(frozen=True)
class CodeIssuer:
    """Issues one intake's codes in the caller's transaction (`IntakeContext.codes`)."""

    session: AsyncSession
    intake_id: UUID
    case_id: str
    policy: CodePolicy
    now: datetime
    source: str

    async def for_citizen(
        self,
        contact: ContactDetails,
        representative: dict[str, Any] | None,
        *,
        again: bool = False,
    ) -> list[Envelope]:
        """Codes for the chosen channels whose address is not confirmed, each as an event for
        notify. Without `again`, an address that already has a live code gets none (a repeated
        contact step sends nothing twice); with it (the resend route) a new code replaces it.
        Raises `RateLimited` when an address had its share of codes."""
        targets = [(c, a, address_hash(c, a)) for c, a in _confirmable(contact)]
        keep = representative_hashes(representative)
        return await self._issue(
            targets, keep, contact.language or "nl", again, for_representative=False
        )

    async def for_representative(
        self,
        representative: dict[str, Any] | None,
        contact: ContactDetails | None,
        *,
        again: bool = False,
    ) -> list[Envelope]:
        """Codes for the representative's addresses that receive copies and are not confirmed
        (in the citizen's language, Dutch before it is known); as `for_citizen`."""
        targets = [
            (c, a, representative_hash(c, a))
            for c, a in _representative_confirmable(representative)
        ]
        language = (contact.language if contact else None) or "nl"
        keep = citizen_hashes(contact)
        return await self._issue(targets, keep, language, again, for_representative=True)

    async def _issue(
        self,
        targets: Sequence[tuple[MessageChannel, str, str]],
        keep: frozenset[str],
        language: str,
        again: bool,
        *,
        for_representative: bool,
    ) -> list[Envelope]:
        session, now = self.session, self.now
        codes = await verifications.of_intake(session, self.intake_id)
        staged: list[Envelope] = []
        for channel, address, hashed in targets:
            mine = [v for v in codes if v.channel == channel and v.address_hash == hashed]
            if any(v.confirmed for v in mine):
                continue
            if any(v.live(now) for v in mine) and not again:
                continue
            await self._count(channel, address, for_representative)
            await verifications.supersede(session, self.intake_id, channel, keep=keep)
            verification_id = uuid4().hex
            code = new_code()
            expires = now + self.policy.ttl
            await verifications.add(
                session,
                Verification(
                    id=verification_id,
                    intake_id=self.intake_id,
                    channel=channel,
                    address_hash=hashed,
                    code_hash=hash_code(verification_id, code),
                    status=CodeStatus.PENDING,
                    attempts=0,
                    created_at=now,
                    expires_at=expires,
                ),
            )
            event = ContactVerificationRequested(
                case_id=self.case_id,
                verification_id=verification_id,
                channel=channel,
                email=address if channel == MessageChannel.EMAIL else None,
                phone=address if channel == MessageChannel.SMS else None,
                code=code,
                language=language,
                expires_at=expires,
                for_representative=for_representative,
            )
            staged.append(Envelope(event, source=self.source, time=now))
        return staged

    async def _count(self, channel: MessageChannel, address: str, for_representative: bool) -> None:
        """One code against the intake's and the address's limits; `RateLimited` past them."""
        session, now, policy = self.session, self.now, self.policy
        exceeded = await hit(
            session, subject_key("intake", str(self.intake_id)), policy.per_intake, now
        ) or await hit(session, subject_key("address", address), policy.per_address, now)
        if exceeded is not None:
            raise RateLimited(
                "Too many codes were sent to this address or for this intake; try again later. / "
                "Er zijn te veel codes naar dit adres of voor deze intake gestuurd; "
                "probeer het later opnieuw.",
                retry_after_s=exceeded.retry_after_s,
                field=_field(channel, for_representative),
            )


def _field(channel: MessageChannel, for_representative: bool) -> str:
    name = "email" if channel == MessageChannel.EMAIL else "phone"
    return f"representative.{name}" if for_representative else name


async def try_code(
    session: AsyncSession, intake_id: UUID, code: str, policy: CodePolicy, now: datetime
) -> Attempt:
    """Check a code against the intake's live codes: a match confirms its channel; a miss
    spends an attempt of each live code (the caller commits either way)."""
    live = [v for v in await verifications.of_intake(session, intake_id) if v.live(now)]
    for found in live:
        if code_matches(found.id, found.code_hash, code):
            await verifications.confirm(session, found.id, now)
            return Attempt(found.channel, 0, pending=False, address_hash=found.address_hash)
    left = 0
    for found in live:
        attempts = found.attempts + 1
        spent = attempts >= policy.max_attempts
        await verifications.count_attempt(session, found.id, attempts, spent=spent)
        left = max(left, policy.max_attempts - attempts)
    return Attempt(None, left, pending=bool(live))
