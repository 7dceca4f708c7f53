"""The one-time codes' rows (`intake_verifications`): what the confirmation use cases read and
write, in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.topics import CONTACT_VERIFICATIONS
from voorportaal_contracts.types import MessageChannel
from voorportaal_intake.adapters.orm import intake_verifications as table
from voorportaal_intake.domain.verification import CodeStatus, Verification
from voorportaal_kit.tables import outbox


def _verification(row: Any) -> Verification:
    return Verification(
        id=row["id"],
        intake_id=row["intake_id"],
        channel=MessageChannel(row["channel"]),
        address_hash=row["address_hash"],
        code_hash=row["code_hash"],
        status=CodeStatus(row["status"]),
        attempts=row["attempts"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        confirmed_at=row["confirmed_at"],
    )


async def of_intake(session: AsyncSession, intake_id: UUID) -> list[Verification]:
    """Every code of an intake, oldest first."""
    found = await session.execute(
        select(table).where(table.c.intake_id == intake_id).order_by(table.c.created_at)
    )
    return [_verification(r) for r in found.mappings()]


async def supersede(
    session: AsyncSession,
    intake_id: UUID,
    channel: MessageChannel,
    keep: frozenset[str] = frozenset(),
) -> None:
    """The pending codes of a channel no longer count (a new one replaces them), but for the
    codes of the addresses in `keep` (the other person's: citizen or representative)."""
    await session.execute(
        update(table)
        .where(
            table.c.intake_id == intake_id,
            table.c.channel == channel.value,
            table.c.status == CodeStatus.PENDING.value,
            table.c.address_hash.not_in(keep) if keep else table.c.address_hash.is_not(None),
        )
        .values(status=CodeStatus.SUPERSEDED.value)
    )


async def add(session: AsyncSession, verification: Verification) -> None:
    """A new code."""
    await session.execute(
        insert(table).values(
            id=verification.id,
            intake_id=verification.intake_id,
            channel=verification.channel.value,
            address_hash=verification.address_hash,
            code_hash=verification.code_hash,
            status=verification.status.value,
            attempts=verification.attempts,
            created_at=verification.created_at,
            expires_at=verification.expires_at,
        )
    )


async def confirm(session: AsyncSession, verification_id: str, now: datetime) -> None:
    """The citizen gave this code."""
    await session.execute(
        update(table)
        .where(table.c.id == verification_id)
        .values(status=CodeStatus.CONFIRMED.value, confirmed_at=now)
    )


async def count_attempt(
    session: AsyncSession, verification_id: str, attempts: int, *, spent: bool
) -> None:
    """A wrong code was tried; the code is spent after the last attempt."""
    status = CodeStatus.SPENT if spent else CodeStatus.PENDING
    await session.execute(
        update(table)
        .where(table.c.id == verification_id)
        .values(attempts=attempts, status=status.value)
    )


async def forget_published(session: AsyncSession) -> int:
    """Delete published code requests from the outbox (they hold a code in plain text; the
    relay would keep them an hour for inspection); how many."""
    result = await session.execute(
        delete(outbox).where(outbox.c.topic == CONTACT_VERIFICATIONS, outbox.c.sent_at.is_not(None))
    )
    return int(getattr(result, "rowcount", 0) or 0)
