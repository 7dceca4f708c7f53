"""Reading a statement's result the three ways the repositories need (rows as mappings, or
one column), so each repository method says only what it selects; domain records to and from
rows (enums kept as their value, tuples as lists) in one place; and the delivery queues' due
rows and claims."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import datetime
from enum import Enum
from typing import Any, ClassVar, TypeVar

from sqlalchemy import ColumnElement, RowMapping, Table, func, select, update
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


async def longest_waiting_cases(
    session: AsyncSession, rows: Table, since: ColumnElement[Any], *where: Any, limit: int
) -> list[str]:
    """The cases of the rows that match `where`, the case whose earliest `since` is oldest
    first, at most `limit` (a worker's batch)."""
    return await column(
        session,
        select(rows.c.case_id)
        .where(*where)
        .group_by(rows.c.case_id)
        .order_by(func.min(since))
        .limit(limit),
    )


class SessionRepository:
    """A repository working in the caller's session (one transaction per request, consumed
    message or worker step)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session


class DeliveryQueue(SessionRepository):
    """What the repositories of the two delivery queues (messages, notices) do alike: find the
    due rows and claim one; each names its table and the statuses that may still be sent."""

    table: ClassVar[Table]
    open_statuses: ClassVar[tuple[str, ...]]

    async def due(self, now: datetime, limit: int) -> list[str]:
        """Ids of open rows whose next attempt is due, soonest first."""
        c = self.table.c
        return await column(
            self._session,
            select(c.id)
            .where(c.status.in_(list(self.open_statuses)), c.next_attempt_at <= now)
            .order_by(c.next_attempt_at)
            .limit(limit),
        )

    async def _claim(self, row_id: str, status: str, attempts: int, /, **values: Any) -> bool:
        """Compare-and-set on a row (its status and attempts as this worker read them): True
        when this worker got it."""
        c = self.table.c
        claimed = await self._session.execute(
            update(self.table)
            .where(c.id == row_id, c.status == status, c.attempts == attempts)
            .values(**values)
        )
        return claimed.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def record(
    cls: type[T],
    row: Mapping[Any, Any],
    enums: Mapping[str, type[Enum]] | None = None,
    **converted: Any,
) -> T:
    """The domain record `cls` (a dataclass) from a row whose columns are named like its
    fields; `enums` names the fields stored as an enum's value (a NULL stays None),
    `converted` gives the fields that need more than the stored value."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    values = {name: row[name] for name in names}
    for name, enum in (enums or {}).items():
        values[name] = enum(values[name]) if values[name] is not None else None
    return cls(**{**values, **converted})


def stored(values: Mapping[str, Any]) -> dict[str, Any]:
    """Column values as the tables keep them: an enum by its value, a tuple as a list."""
    return {name: _column_value(value) for name, value in values.items()}


def row_values(item: Any, **converted: Any) -> dict[str, Any]:
    """A domain record's (a dataclass's) fields as the columns named like them keep them;
    `converted` adds or replaces columns (given as stored)."""
    return {**stored({f.name: getattr(item, f.name) for f in fields(item)}), **converted}


def _column_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value
