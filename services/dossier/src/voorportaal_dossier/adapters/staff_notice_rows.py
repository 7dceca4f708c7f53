"""The staff members' notices in the dossier's database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_dossier.adapters.orm import staff_notices, staff_settings
from voorportaal_dossier.domain.staff_notices import Notice
from voorportaal_kit.db import insert_new_rows


@dataclass(frozen=True, slots=True)
class NoticeRow:
    """A stored notice."""

    notice_id: str
    case_id: str
    kind: str
    at: datetime
    read_at: datetime | None


async def add(session: AsyncSession, notices: Sequence[Notice]) -> set[str]:
    """Store new notices (one already stored, from an earlier delivery, is kept as it is);
    returns the ids stored now."""
    inserted: set[str] = await insert_new_rows(
        session,
        staff_notices,
        [
            {
                "id": n.notice_id,
                "staff_id": n.staff_id,
                "case_id": n.case_id,
                "kind": n.kind.value,
                "event_id": n.event_id,
                "at": n.at,
                "read_at": None,
            }
            for n in notices
        ],
    )
    return inserted


async def newest(session: AsyncSession, staff_id: str, limit: int) -> list[NoticeRow]:
    """The staff member's newest notices, newest first."""
    c = staff_notices.c
    rows = await session.execute(
        select(c.id, c.case_id, c.kind, c.at, c.read_at)
        .where(c.staff_id == staff_id)
        .order_by(c.at.desc(), c.id)
        .limit(limit)
    )
    return [NoticeRow(r.id, r.case_id, r.kind, r.at, r.read_at) for r in rows]


async def unread_count(session: AsyncSession, staff_id: str) -> int:
    """How many of the staff member's notices are unread."""
    c = staff_notices.c
    count = await session.scalar(
        select(func.count()).where(c.staff_id == staff_id, c.read_at.is_(None))
    )
    return int(count or 0)


async def one(session: AsyncSession, notice_id: str, staff_id: str) -> NoticeRow | None:
    """The notice when it is addressed to `staff_id`."""
    c = staff_notices.c
    row = (
        await session.execute(
            select(c.id, c.case_id, c.kind, c.at, c.read_at).where(
                c.id == notice_id, c.staff_id == staff_id
            )
        )
    ).first()
    return NoticeRow(row.id, row.case_id, row.kind, row.at, row.read_at) if row else None


async def mark_read(session: AsyncSession, notice_id: str, at: datetime) -> None:
    """Mark the notice read (a notice read before keeps its first moment)."""
    c = staff_notices.c
    await session.execute(
        update(staff_notices).where(c.id == notice_id, c.read_at.is_(None)).values(read_at=at)
    )


async def email_wanted(session: AsyncSession, staff_ids: set[str]) -> set[str]:
    """Those of `staff_ids` who chose an e-mail for each notice."""
    if not staff_ids:
        return set()
    c = staff_settings.c
    rows = await session.scalars(
        select(c.staff_id).where(c.staff_id.in_(sorted(staff_ids)), c.email_notices.is_(True))
    )
    return set(rows.all())


async def set_email(session: AsyncSession, staff_id: str, on: bool, at: datetime) -> None:
    """Record the staff member's choice (replacing an earlier one)."""
    await session.execute(delete(staff_settings).where(staff_settings.c.staff_id == staff_id))
    await session.execute(
        insert(staff_settings).values(staff_id=staff_id, email_notices=on, updated_at=at)
    )
