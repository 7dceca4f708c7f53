"""Reading a statement's result the three ways the repositories need (rows as mappings, or
one column), so each repository method says only what it selects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import RowMapping, Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

T = TypeVar("T")


async def first_row(session: AsyncSession, statement: Select[Any]) -> RowMapping | None:
    """The first row, by column name; None when there is none."""
    row: RowMapping | None = (await session.execute(statement)).mappings().first()
    return row


async def all_rows(session: AsyncSession, statement: Select[Any]) -> list[RowMapping]:
    """Every row, by column name."""
    return list((await session.execute(statement)).mappings().all())


async def column(session: AsyncSession, statement: Select[Any]) -> list[Any]:
    """The first column of every row."""
    return list((await session.scalars(statement)).all())


async def due_ids(
    session: AsyncSession, queue: Table, open_statuses: Iterable[str], now: datetime, limit: int
) -> list[str]:
    """Ids of a delivery queue's open rows (messages, notices) whose next attempt is due,
    soonest first."""
    c = queue.c
    return await column(
        session,
        select(c.id)
        .where(c.status.in_(list(open_statuses)), c.next_attempt_at <= now)
        .order_by(c.next_attempt_at)
        .limit(limit),
    )


async def claim_row(
    session: AsyncSession,
    queue: Table,
    row_id: str,
    status: str,
    attempts: int,
    /,
    **values: Any,
) -> bool:
    """Compare-and-set on a delivery queue's row (its status and attempts as this worker read
    them): True when this worker got it."""
    c = queue.c
    claimed = await session.execute(
        update(queue)
        .where(c.id == row_id, c.status == status, c.attempts == attempts)
        .values(**values)
    )
    return claimed.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def record(cls: type[T], row: Mapping[Any, Any], **converted: Any) -> T:
    """The domain record `cls` (a dataclass) from a row whose columns are named like its
    fields; `converted` gives the fields that need more than the stored value."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    return cls(**{**{name: row[name] for name in names}, **converted})
