"""Engines the kit's unit tests make, with the kit's tables on SQLite; each is closed before its
test's event loop goes (aiosqlite threads). A test module takes the fixture by importing it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from voorportaal_kit.db import create_engine
from voorportaal_kit.tables import kit_metadata

_ENGINES: list[AsyncEngine] = []


async def kit_engine(url: str) -> AsyncEngine:
    """An engine on `url`; on SQLite with the kit's tables created."""
    engine = create_engine(url)
    _ENGINES.append(engine)
    if url.startswith("sqlite"):
        async with engine.begin() as conn:
            await conn.run_sync(kit_metadata.create_all)
    return engine


@pytest.fixture(autouse=True)
async def dispose_engines() -> AsyncIterator[None]:
    """Close every engine a test made, before its event loop goes (aiosqlite threads)."""
    yield
    while _ENGINES:
        await _ENGINES.pop().dispose()
