"""`insert_rows`: many rows in one statement (arrays per column on PostgreSQL) read back the
same as an ordinary insert would store them, in order, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import JSON, Boolean, Column, Integer, String, Table, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_kit.db import (
    AwareDateTime,
    create_engine,
    create_sessions,
    insert_new_rows,
    insert_rows,
    new_metadata,
)

pytestmark = pytest.mark.integration

metadata = new_metadata()
things = Table(
    "things",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("name", String(32), nullable=False),
    Column("by", String(32), nullable=True),  # a reserved word: must be quoted
    Column("facts", JSON, nullable=True),
    Column("urgent", Boolean, nullable=False),
    Column("at", AwareDateTime(), nullable=True),
)


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a fresh database that holds the `things` table."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        yield create_sessions(engine)
    finally:
        await engine.dispose()


async def test_rows_arrive_whole_and_in_order(sessions: async_sessionmaker[AsyncSession]) -> None:
    amsterdam = timezone(timedelta(hours=1))
    rows = [
        {
            "name": f"n{i}",
            "by": None if i % 3 else "anna",
            "facts": None if i == 4 else {"needs": ["debts"], "i": i, "nl": "schuld"},
            "urgent": i % 2 == 0,
            "at": datetime(2026, 11, 29, 10, i, tzinfo=amsterdam) if i % 4 else None,
        }
        for i in range(50)
    ]
    async with sessions.begin() as session:
        await insert_rows(session, things, rows)
        await insert_rows(session, things, [])  # nothing to do, no statement
    async with sessions() as session:
        stored = (await session.execute(select(things).order_by(things.c.seq))).mappings()
        got = [dict(row) for row in stored]
    assert [row["seq"] for row in got] == list(range(1, 51)), "ids follow the rows' order"
    for row, original in zip(got, rows, strict=True):
        assert {k: row[k] for k in original} == original
        if row["at"] is not None:
            assert row["at"].utcoffset() == timedelta(0), "stored in UTC"
            assert row["at"] == original["at"]


async def test_a_naive_timestamp_is_refused(sessions: async_sessionmaker[AsyncSession]) -> None:
    row = {"name": "x", "by": None, "facts": None, "urgent": False}
    with pytest.raises(Exception, match="naive datetime"):
        async with sessions.begin() as session:
            await insert_rows(session, things, [{**row, "at": datetime(2026, 1, 1)}])  # noqa: DTZ001
    async with sessions() as session:
        assert (await session.execute(select(things))).first() is None


async def test_a_value_too_long_for_its_column_is_refused_not_cut(
    database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    row = {"name": "x" * 33, "by": None, "facts": None, "urgent": False, "at": None}
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite does not enforce VARCHAR lengths")
    with pytest.raises(Exception, match="too long"):
        async with sessions.begin() as session:
            await insert_rows(session, things, [row, {**row, "name": "short"}])
    async with sessions() as session:
        assert (await session.execute(select(things))).first() is None


async def test_json_none_is_stored_as_an_ordinary_insert_stores_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    row = {"name": "x", "by": None, "facts": None, "urgent": False, "at": None}
    async with sessions.begin() as session:
        await insert_rows(session, things, [row])
        await session.execute(things.insert(), [{**row, "name": "y"}])
    async with sessions() as session:
        stored = await session.execute(
            select(things.c.name, things.c.facts.is_(None)).order_by(things.c.name)
        )
        is_null = {name: null for name, null in stored.all()}
    assert is_null["x"] == is_null["y"], "JSON null vs SQL NULL must not depend on the path"


async def test_new_rows_leave_existing_keys_alone_and_say_what_they_inserted(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    row = {"name": "old", "by": "anna", "facts": {"i": 0}, "urgent": False, "at": None}
    async with sessions.begin() as session:
        await insert_rows(session, things, [{**row, "seq": 2}])
    async with sessions.begin() as session:
        inserted = await insert_new_rows(
            session,
            things,
            [{**row, "seq": seq, "name": f"new{seq}"} for seq in (1, 2, 3)],
        )
    assert inserted == {1, 3}
    async with sessions() as session:
        names = (await session.scalars(select(things.c.name).order_by(things.c.seq))).all()
    assert names == ["new1", "old", "new3"], "the row already there is left as it was"
