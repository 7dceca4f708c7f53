"""Fixtures shared by the suite-level tests: the real broker, real databases, test events."""

from __future__ import annotations

import asyncio
import contextlib
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
    from voorportaal_kit.db import create_database

    name = f"vp_test_{uuid.uuid4().hex[:12]}"
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    await create_database(url)
    return url


async def _drop_pg_database(url: str) -> None:
    from voorportaal_kit.db import drop_database

    if not await drop_database(url):
        warnings.warn(f"test database {make_url(url).database} was not dropped", stacklevel=1)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    """A fresh, empty database: an SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/test.db"
        return
    with _fresh_pg_database() as url:
        yield url


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    """A fresh PostgreSQL database only."""
    with _fresh_pg_database() as url:
        yield url


@pytest.fixture
def second_pg_database_url() -> Iterator[str]:
    """Another fresh PostgreSQL database, for a second service in the same test."""
    with _fresh_pg_database() as url:
        yield url


@contextlib.contextmanager
def _fresh_pg_database() -> Iterator[str]:
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


SECURE_KAFKA_PORT = int(os.environ.get("VOORPORTAAL_TEST_KAFKA_SECURE_PORT", "29093"))
"""The secured test broker's SASL_SSL port (9093 is the shared plain broker's controller on
machines formatted before the secured broker existed)."""


@pytest.fixture(scope="session")
def secure_kafka(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[object]:
    """The secured broker (`kafka.sh start --secure`: SASL_SSL, ACLs, a principal per service
    and agency) in a state dir of its own, with the operator's topics applied; started on
    demand, stopped after the session. Skipped only when Java is missing."""
    import shutil
    import sys

    from voorportaal.cli import agency_codes
    from voorportaal.secure_broker import OPERATOR, start_secure_broker, stop_secure_broker
    from voorportaal_kit.kafka import all_topic_specs, apply_topics

    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Java is missing: the secured broker is the real Apache Kafka")
    env = {
        **os.environ,
        "VOORPORTAAL_STATE": str(tmp_path_factory.mktemp("state")),
        "KAFKA_SECURE_PORT": str(SECURE_KAFKA_PORT),
        "KAFKA_SECURE_CONTROLLER_PORT": str(SECURE_KAFKA_PORT + 2),
        "KAFKA_HEAP_OPTS": "-Xms128m -Xmx384m",
        "VOORPORTAAL_PYTHON": sys.executable,
    }
    broker = start_secure_broker(env)
    try:
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"secured Kafka broker started in {broker.started_in_s}s")
        asyncio.run(
            apply_topics(
                broker.connection(OPERATOR),
                all_topic_specs(agency_codes()),
                replication_factor=1,
                min_insync_replicas=1,
            )
        )
        yield broker
    finally:
        stop_secure_broker(env)
