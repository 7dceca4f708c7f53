"""Fixtures shared by the suite-level tests: the real broker, real databases, test events."""

from __future__ import annotations

import asyncio
import os
import uuid
import warnings
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

KAFKA = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
PG_ADMIN_URL = os.environ.get(
    "VOORPORTAAL_TEST_PG_URL",
    "postgresql+asyncpg://voorportaal:voorportaal@127.0.0.1:5432/postgres",
)


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    """The real broker; the run fails (not skips) when it is not there."""
    from voorportaal_kit.kafka import wait_for_broker

    asyncio.run(wait_for_broker(KAFKA, timeout_s=30))
    return KAFKA


async def _create_pg_database() -> str:
    import asyncpg

    name = f"vp_test_{uuid.uuid4().hex[:12]}"
    admin = make_url(PG_ADMIN_URL)
    conn = await asyncpg.connect(
        host=admin.host,
        port=admin.port or 5432,
        user=admin.username,
        password=admin.password,
        database=admin.database,
    )
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return admin.set(database=name).render_as_string(hide_password=False)


async def _drop_pg_database(url: str) -> None:
    import asyncpg

    admin = make_url(PG_ADMIN_URL)
    name = make_url(url).database
    conn = await asyncpg.connect(
        host=admin.host,
        port=admin.port or 5432,
        user=admin.username,
        password=admin.password,
        database=admin.database,
    )
    try:
        # An autovacuum worker (a superuser process) may still be in it; wait it out.
        for attempt in range(10):
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return
            except asyncpg.InsufficientPrivilegeError:
                await asyncio.sleep(0.5 * (attempt + 1))
        warnings.warn(f"test database {name} could not be dropped", stacklevel=1)
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    """A fresh, empty database: an SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/test.db"
        return
    url = asyncio.run(_create_pg_database())
    try:
        yield url
    finally:
        asyncio.run(_drop_pg_database(url))


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    """A fresh PostgreSQL database only."""
    url = asyncio.run(_create_pg_database())
    try:
        yield url
    finally:
        asyncio.run(_drop_pg_database(url))


@pytest.fixture
async def topic(kafka_bootstrap: str) -> str:
    """A new topic (3 partitions) with its dead-letter topic, unique to the test."""
    from voorportaal_contracts.topics import TopicSpec, dlq_spec
    from voorportaal_kit.kafka import ensure_topics

    name = f"test.{uuid.uuid4().hex[:10]}"
    spec = TopicSpec(name, partitions=3)
    await ensure_topics(kafka_bootstrap, [spec, dlq_spec(name)])
    return name
