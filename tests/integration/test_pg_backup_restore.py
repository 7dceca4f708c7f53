"""The run book's backup and restore (scripts/pg-backup.sh, scripts/pg-restore.sh) on the
shared PostgreSQL, each test on a database of its own: dump, drop, restore, and the dossier's
audit chain still verifies against the anchor file kept outside the database."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from voorportaal_dossier.service_layer.audit_log import AUDIT_LOG
from voorportaal_kit import audit, migrations
from voorportaal_kit.audit import AuditAction
from voorportaal_kit.db import create_engine, create_sessions, drop_database

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
BACKUP = REPO / "scripts" / "pg-backup.sh"
RESTORE = REPO / "scripts" / "pg-restore.sh"
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ANCHOR_KEY = "backup-restore-test-anchor-key-0123456789"


def _env(url: str, anchors: Path) -> dict[str, str]:
    return {
        **os.environ,
        "VOORPORTAAL_DOSSIER_DATABASE_URL": url,
        "VOORPORTAAL_DOSSIER_AUDIT_ANCHOR_FILE": str(anchors),
        "VOORPORTAAL_DOSSIER_AUDIT_ANCHOR_KEY": ANCHOR_KEY,
    }


def _dossier(command: str, url: str, anchors: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voorportaal_dossier", command],
        env=_env(url, anchors),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _script(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )


async def _append_audit(url: str, first: int, count: int) -> None:
    engine = create_engine(url)
    try:
        async with create_sessions(engine).begin() as session:
            await AUDIT_LOG.append(
                session,
                [
                    audit.record(
                        at=T0 + timedelta(minutes=n),
                        actor=f"cm-{n}",
                        role="casemanager",
                        case_id="vp-backup-0001",
                        data_kind="summary",
                        purpose="case_work",
                        action=AuditAction.READ,
                        allowed=True,
                        basis="owner",
                        reason="owner of the case",
                    )
                    for n in range(first, first + count)
                ],
            )
    finally:
        await engine.dispose()


async def _audit_rows(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return int(await conn.scalar(select(func.count()).select_from(AUDIT_LOG.table)) or 0)
    finally:
        await engine.dispose()


def _dossier_with_audit(url: str, anchors: Path, records: int) -> None:
    """A migrated dossier database with `records` audit records, anchored."""
    from voorportaal_dossier.app import definition

    migrations.upgrade(definition().migrations_dir, url)
    asyncio.run(_append_audit(url, 1, records))
    anchored = _dossier("audit-anchor", url, anchors)
    assert anchored.returncode == 0, anchored.stderr
    assert anchored.stdout.strip() == f"anchored record {records}"


def test_dump_drop_restore_keeps_the_audit_chain_verifiable(
    pg_database_url: str, tmp_path: Path
) -> None:
    anchors = tmp_path / "anchors" / "dossier-audit-anchors.jsonl"
    anchors.parent.mkdir()
    _dossier_with_audit(pg_database_url, anchors, records=5)
    dump = tmp_path / "dossier.dump"

    backed_up = _script(BACKUP, pg_database_url, dump)
    assert backed_up.returncode == 0, backed_up.stderr
    assert dump.stat().st_size > 0
    digest, name = (tmp_path / "dossier.dump.sha256").read_text().split()
    assert (len(digest), name) == (64, "dossier.dump")
    assert "voorportaal:voorportaal" not in backed_up.stdout + backed_up.stderr

    assert asyncio.run(drop_database(pg_database_url)), "the database was not dropped"
    restored = _script(RESTORE, dump, pg_database_url)
    assert restored.returncode == 0, restored.stderr

    assert asyncio.run(_audit_rows(pg_database_url)) == 5
    verified = _dossier("audit-verify", pg_database_url, anchors)
    assert (verified.returncode, verified.stdout.strip()) == (0, "audit chain intact")


def test_a_backup_older_than_the_newest_anchor_is_reported_after_restore(
    pg_database_url: str, tmp_path: Path
) -> None:
    anchors = tmp_path / "dossier-audit-anchors.jsonl"
    _dossier_with_audit(pg_database_url, anchors, records=3)
    dump = tmp_path / "old.dump"
    assert _script(BACKUP, pg_database_url, dump).returncode == 0
    # Work goes on after the backup and is anchored; the restore loses it, and must say so.
    asyncio.run(_append_audit(pg_database_url, 4, 2))
    assert _dossier("audit-anchor", pg_database_url, anchors).stdout.strip() == "anchored record 5"

    restored = _script(RESTORE, dump, pg_database_url, "--replace")
    assert restored.returncode == 0, restored.stderr
    verified = _dossier("audit-verify", pg_database_url, anchors)
    assert verified.returncode == 1
    assert "truncated" in verified.stdout


def test_restore_refuses_an_existing_database_without_replace(
    pg_database_url: str, tmp_path: Path
) -> None:
    anchors = tmp_path / "anchors.jsonl"
    _dossier_with_audit(pg_database_url, anchors, records=2)
    dump = tmp_path / "d.dump"
    assert _script(BACKUP, pg_database_url, dump).returncode == 0
    asyncio.run(_append_audit(pg_database_url, 3, 1))

    refused = _script(RESTORE, dump, pg_database_url)
    assert refused.returncode == 2
    name = make_url(pg_database_url).database
    assert f"database {name} exists" in refused.stderr
    assert asyncio.run(_audit_rows(pg_database_url)) == 3, "nothing was dropped"


def test_restore_refuses_a_damaged_backup_before_dropping_anything(
    pg_database_url: str, tmp_path: Path
) -> None:
    anchors = tmp_path / "anchors.jsonl"
    _dossier_with_audit(pg_database_url, anchors, records=2)
    dump = tmp_path / "d.dump"
    assert _script(BACKUP, pg_database_url, dump).returncode == 0
    with dump.open("r+b") as f:
        f.seek(dump.stat().st_size // 2)
        byte = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([byte[0] ^ 0xFF]))

    refused = _script(RESTORE, dump, pg_database_url, "--replace")
    assert refused.returncode == 2
    assert "does not match its SHA-256" in refused.stderr
    assert asyncio.run(_audit_rows(pg_database_url)) == 2


def test_backup_refuses_a_url_that_is_not_postgresql(tmp_path: Path) -> None:
    refused = _script(BACKUP, f"sqlite+aiosqlite:///{tmp_path}/x.db", tmp_path / "x.dump")
    assert refused.returncode == 2
    assert "DATABASE_URL must be a PostgreSQL URL" in refused.stderr
