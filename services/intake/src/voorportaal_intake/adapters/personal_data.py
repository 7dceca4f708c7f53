"""Where the intake keeps personal data, for erasure: its tables and its outbox's copies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_intake.adapters.orm import (
    intake_citizens,
    intake_contacts,
    intake_verifications,
    intakes,
)
from voorportaal_kit.tables import outbox


async def intake_of_case(session: AsyncSession, case_id: str) -> dict[str, Any] | None:
    """The intake of a case, locked for the erasure, or None."""
    found = (
        (
            await session.execute(
                select(intakes).where(intakes.c.case_id == case_id).with_for_update()
            )
        )
        .mappings()
        .first()
    )
    return dict(found) if found else None


async def purge(
    session: AsyncSession,
    *,
    intake_id: UUID,
    case_id: str,
    answers: dict[str, Any],
    profile: dict[str, Any],
    topics: Sequence[str],
    now: datetime,
) -> None:
    """Delete identity, contact details and codes; keep the blanked answers; drop the case's
    records for `topics` still in the outbox (sent or not: a tombstone follows); mark erased."""
    for table in (intake_contacts, intake_citizens, intake_verifications):
        await session.execute(delete(table).where(table.c.intake_id == intake_id))
    await session.execute(
        delete(outbox).where(outbox.c.message_key == case_id, outbox.c.topic.in_(list(topics)))
    )
    await session.execute(
        update(intakes)
        .where(intakes.c.id == intake_id)
        .values(answers=answers, profile=profile, erased_at=now, updated_at=now)
    )
