"""Every service migrates on PostgreSQL and SQLite and runs against the real broker."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy import inspect

from voorportaal.services import SERVICES
from voorportaal_kit import migrations
from voorportaal_kit.db import create_engine

pytestmark = pytest.mark.integration


async def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return names


@pytest.mark.parametrize("service", sorted(SERVICES))
async def test_service_migrations_upgrade_and_downgrade(service: str, database_url: str) -> None:
    location = SERVICES[service].definition().migrations_dir
    await asyncio.to_thread(migrations.upgrade, location, database_url)
    assert {"outbox", "inbox", "alembic_version"} <= await table_names(database_url)
    await asyncio.to_thread(migrations.upgrade, location, database_url)  # idempotent
    await asyncio.to_thread(migrations.downgrade, location, database_url, "base")
    assert await table_names(database_url) <= {"alembic_version"}


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - loopback only
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_service_process_is_ready_with_real_postgres_and_kafka_and_stops_cleanly(
    pg_database_url: str, kafka_bootstrap: str
) -> None:
    port = 8931
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "VOORPORTAAL_DOSSIER_DATABASE_URL": pg_database_url,
        "VOORPORTAAL_DOSSIER_HTTP_PORT": str(port),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "voorportaal", "serve", "dossier"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        status, body = 0, {}
        while time.monotonic() < deadline:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/ready")
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        assert status == 200, body
        assert body["checks"] == {"database": "ok", "broker": "ok", "messaging": "ok"}
        code, _ = _get(f"http://127.0.0.1:{port}/health")
        assert code == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            assert b"voorportaal_http_request_seconds" in r.read()
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0].decode()
    # uvicorn re-raises the signal it handled after a graceful shutdown.
    assert proc.returncode in (0, -15), output[-2000:]
    assert "Application shutdown complete" in output, output[-2000:]
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert any(line.get("event") == "runtime.serving" for line in lines), "JSON logs expected"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_migrations_create_exactly_the_tables_the_code_declares(
    service: str, tmp_path: object
) -> None:
    """The frozen DDL of the migrations matches the kit's and the service's table metadata."""
    import importlib

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import MetaData
    from sqlalchemy import create_engine as create_sync_engine

    from voorportaal_kit.tables import kit_metadata

    declared = MetaData()
    orm = importlib.import_module(f"voorportaal_{service}.adapters.orm")
    for source in (kit_metadata, orm.metadata):
        for table in source.tables.values():
            table.to_metadata(declared)
    url = f"sqlite+aiosqlite:///{tmp_path}/m.db"
    migrations.upgrade(SERVICES[service].definition().migrations_dir, url)
    engine = create_sync_engine(f"sqlite:///{tmp_path}/m.db")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), declared)
    engine.dispose()
    assert diff == []
