"""The one-time codes' rows (`intake_verifications`): what the confirmation use cases read and
write, in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_intake.adapters.orm import intake_verifications as table


async def of_intake(session: AsyncSession, intake_id: UUID) -> list[dict[str, Any]]:
    """Every code of an intake, oldest first."""
    found = await session.execute(
        select(table).where(table.c.intake_id == intake_id).order_by(table.c.created_at)
    )
    return [dict(r) for r in found.mappings()]


async def supersede(
    session: AsyncSession, intake_id: UUID, channel: str, keep: frozenset[str] = frozenset()
) -> None:
    """The pending codes of a channel no longer count (a new one replaces them), but for the
    codes of the addresses in `keep` (the other person's: citizen or representative)."""
    await session.execute(
        update(table)
        .where(
            table.c.intake_id == intake_id,
            table.c.channel == channel,
            table.c.status == "pending",
            table.c.address_hash.not_in(keep) if keep else table.c.address_hash.is_not(None),
        )
        .values(status="superseded")
    )


async def add(
    session: AsyncSession,
    *,
    verification_id: str,
    intake_id: UUID,
    channel: str,
    address_hash: str,
    code_hash: str,
    now: datetime,
    expires_at: datetime,
) -> None:
    """A new pending code."""
    await session.execute(
        insert(table).values(
            id=verification_id,
            intake_id=intake_id,
            channel=channel,
            address_hash=address_hash,
            code_hash=code_hash,
            status="pending",
            attempts=0,
            created_at=now,
            expires_at=expires_at,
        )
    )


async def confirm(session: AsyncSession, verification_id: str, now: datetime) -> None:
    """The citizen gave this code."""
    await session.execute(
        update(table)
        .where(table.c.id == verification_id)
        .values(status="confirmed", confirmed_at=now)
    )


async def count_attempt(
    session: AsyncSession, verification_id: str, attempts: int, *, spent: bool
) -> None:
    """A wrong code was tried; the code is spent after the last attempt."""
    await session.execute(
        update(table)
        .where(table.c.id == verification_id)
        .values(attempts=attempts, status="spent" if spent else "pending")
    )
