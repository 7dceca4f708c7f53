"""Reading a statement's result the three ways the repositories need (rows as mappings, or
one column), so each repository method says only what it selects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any, TypeVar

from sqlalchemy import RowMapping
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


def record(cls: type[T], row: Mapping[Any, Any], **converted: Any) -> T:
    """The domain record `cls` (a dataclass) from a row whose columns are named like its
    fields; `converted` gives the fields that need more than the stored value."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    return cls(**{**{name: row[name] for name in names}, **converted})
