"""Every service migrates on PostgreSQL and SQLite and runs against the real broker."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import inspect

from voorportaal.secure_broker import SecureBroker
from voorportaal.services import SERVICES
from voorportaal_kit import migrations
from voorportaal_kit.auth import (
    AuthSettings,
    generate_staff_key_pair,
    issue_staff_token,
    issue_token,
    load_staff_signing_key,
)
from voorportaal_kit.db import create_engine
from voorportaal_kit.settings import DEV_JWT_SECRET

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
                if status == 200 and body["messaging"]["status"] == "ok":
                    break
            except OSError:
                pass
            time.sleep(0.3)
        assert status == 200, body
        assert body["checks"] == {"database": "ok"}
        assert body["messaging"]["broker"] == "ok", body
        assert body["messaging"]["consumers"] == "running", body
        assert body["messaging"]["relay"] == "running", body
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


PROTECTED = {
    "intake": "/intakes/00000000-0000-4000-8000-000000000000",
    "routing": "/cases/vp-000000/referrals",
    "dossier": "/queue",
    "notify": "/cases/vp-000000/contact-load",
}
"""A route per service that needs a staff token."""


def _production_env(service: str, tmp_path: Path, database_url: str) -> dict[str, str]:
    """What an operator sets for `service` in production (see the README), nothing more."""
    private, public = generate_staff_key_pair()
    (tmp_path / "console-staff.pub").write_bytes(public)
    (tmp_path / "console-staff.key").write_bytes(private)
    prefix = f"VOORPORTAAL_{service.upper()}_"
    env = {
        f"{prefix}ENVIRONMENT": "production",
        f"{prefix}DATABASE_URL": database_url,
        f"{prefix}DATA_DIR": str(tmp_path),
        f"{prefix}AUTH__ALGORITHMS": '["HS256"]',
        f"{prefix}AUTH__HS256_SECRET": "citizen-link-secret-of-production-0123456789",
        f"{prefix}AUTH__HS256_STAFF_TOKENS": "false",
        f"{prefix}AUTH__STAFF_PUBLIC_KEY_FILE": str(tmp_path / "console-staff.pub"),
    }
    env.update(
        {
            "intake": {
                f"{prefix}AUDIT_ANCHOR_KEY": "audit-anchor-key-of-production-0123456789",
                f"{prefix}CITIZEN_LINK_KEY": "citizen-link-key-of-production-0123456789",
            },
            "routing": {
                f"{prefix}AGENCY_KEYS__UWV": "uwv-key-of-production-0123456789abcdef",
                f"{prefix}AUDIT_ANCHOR_KEY": "audit-anchor-key-of-production-0123456789",
            },
            "dossier": {
                f"{prefix}CITIZEN_LINK_KEY": "citizen-link-key-of-production-0123456789",
                f"{prefix}AUDIT_ANCHOR_KEY": "audit-anchor-key-of-production-0123456789",
            },
            "notify": {
                f"{prefix}LINK_KEY": "citizen-link-key-of-production-0123456789",
                f"{prefix}AUDIT_ANCHOR_KEY": "audit-anchor-key-of-production-0123456789",
                f"{prefix}SMTP_HOST": "smtp.example.nl",
                f"{prefix}SMTP_PORT": "587",
                f"{prefix}SMTP_STARTTLS": "true",
                f"{prefix}SMS_GATEWAY_URL": "https://sms.example.nl/messages",
            },
        }[service]
    )
    return env


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_service_process_serves_in_production_with_the_consoles_key_only(
    service: str, pg_database_url: str, secure_kafka: SecureBroker, tmp_path: Path
) -> None:
    port = _free_port()
    prefix = f"VOORPORTAAL_{service.upper()}_"
    production = _production_env(service, tmp_path, pg_database_url)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VOORPORTAAL_", "KAFKA_"))}
    env = {
        **clean,
        **production,
        # Production refuses PLAINTEXT Kafka: the service logs in to the secured broker as its
        # own principal, on topics the operator made.
        **secure_kafka.service_env(service),
        f"{prefix}HTTP_PORT": str(port),
    }
    # With a development default left (the development JWT secret), it does not start, and
    # says which setting.
    refused = subprocess.run(
        [sys.executable, "-m", "voorportaal", "migrate", service],
        env={**env, f"{prefix}AUTH__HS256_SECRET": DEV_JWT_SECRET},
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode != 0
    assert b"auth.hs256_secret: development default" in refused.stderr, refused.stderr[-2000:]
    proc = subprocess.Popen(
        [sys.executable, "-m", "voorportaal", "serve", service],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        status, body = 0, {}
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/ready")
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        assert status == 200, body
        key = load_staff_signing_key((tmp_path / "console-staff.key").read_bytes())
        staff = issue_staff_token(
            key,
            issuer="voorportaal-console",
            audience="voorportaal",
            subject="sv-sophie",
            roles=["supervisor"],
        )
        old = issue_token(
            AuthSettings(hs256_secret=SecretStr(DEV_JWT_SECRET)), "sv-eve", ["supervisor"]
        )
        url = f"http://127.0.0.1:{port}{PROTECTED[service]}"
        assert _status(url, staff) != 401
        assert _status(url, old) == 401
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0].decode()
    assert proc.returncode in (0, -15), output[-2000:]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _status(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    try:
        # Generous: a service that has just started may be catching up on a long backlog of the
        # shared topics (the whole suite's events), and this checks who is let in, not speed.
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
