"""The kit's audit log store on any service's table: append onto the head, query, verify,
and the anchor job; the same code the dossier, routing, intake and notify use."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_kit import audit
from voorportaal_kit.audit import AuditAction, AuditRecord
from voorportaal_kit.audit_log import (
    Anchorer,
    AnchorFile,
    AuditLog,
    chain_lock_key,
    operator_command,
)
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.db import create_engine, create_sessions, new_metadata
from voorportaal_kit.settings import AuditedServiceSettings
from voorportaal_kit.tables import audit_table

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
KEY = b"k" * 32

metadata = new_metadata()
TABLE = audit_table(metadata, "demo_audit_log")
LOG = AuditLog(TABLE)


def entry(n: int, *, case_id: str = "case-1", actor: str = "cm-1") -> AuditRecord:
    return audit.record(
        at=T0 + timedelta(minutes=n),
        actor=actor,
        role="casemanager",
        case_id=case_id,
        data_kind="referrals",
        purpose="referral_history",
        action=AuditAction.READ,
        allowed=n % 2 == 0,
        basis="owner" if n % 2 == 0 else "none",
        reason="owner of the case" if n % 2 == 0 else "not the owner nor their team",
    )


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/audit.db")
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield create_sessions(engine)
    await engine.dispose()


def test_each_service_gets_its_own_table_and_lock() -> None:
    assert TABLE.name == "demo_audit_log"
    assert {ix.name for ix in TABLE.indexes} == {"ix_demo_audit_case", "ix_demo_audit_actor"}
    other = audit_table(new_metadata(), "routing_audit_log")
    assert chain_lock_key(other.name) != chain_lock_key(TABLE.name)
    # The dossier's lock key is the one it took before the log moved to the kit.
    assert chain_lock_key("dossier_audit_log") == zlib.crc32(b"voorportaal-dossier-audit-chain")


async def test_appends_continue_the_chain_and_queries_filter_by_case_and_actor(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        first = await LOG.append(session, [entry(1), entry(2, case_id="case-2")])
    async with sessions.begin() as session:
        second = await LOG.append(session, [entry(3, actor="cm-2")])
        assert await LOG.append(session, []) == []
    assert [r.seq for r in first + second] == [1, 2, 3]
    assert second[0].prev_hash == first[-1].hash
    async with sessions() as session:
        assert [r.seq for r in await LOG.query(session, case_id="case-1")] == [1, 3]
        assert [r.seq for r in await LOG.query(session, actor="cm-2")] == [3]
        assert await LOG.head(session) == second[0]
        assert await LOG.verify_session(session) == []


async def test_a_tampered_row_and_deleted_newest_records_are_found(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    anchors = AnchorFile(tmp_path / "anchors.jsonl")
    anchorer = Anchorer(LOG, sessions, anchors, KEY, FixedClock(T0))
    async with sessions.begin() as session:
        await LOG.append(session, [entry(n) for n in range(1, 6)])
    assert await anchorer.run() == 5
    assert await anchorer.run() is None, "nothing new: no second checkpoint"
    async with sessions() as session:
        assert await LOG.verify_session(session, anchors, KEY) == []
    async with sessions.begin() as session:
        await session.execute(
            update(TABLE)
            .where(TABLE.c.seq == 2)
            .values(record=TABLE.c.record.op("||")(" "))  # one byte more in storage
        )
        await session.execute(TABLE.delete().where(TABLE.c.seq > 3))
    async with sessions() as session:
        kinds = {p.kind for p in await LOG.verify_session(session, anchors, KEY)}
    # Row 2 no longer decodes (modified), so 3 follows 1 (link and number); 4 and 5 are gone.
    assert kinds == {"modified", "broken_link", "sequence", "truncated"}


async def test_the_operator_commands_anchor_and_verify_the_configured_chain(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with sessions.begin() as session:
        await LOG.append(session, [entry(n) for n in range(1, 4)])
    settings = AuditedServiceSettings(
        service_name="audit", data_dir=tmp_path, audit_anchor_key=SecretStr("a" * 32)
    )
    run = partial(operator_command, prog="demo", log=LOG, settings=settings)
    assert await asyncio.to_thread(run, ["audit-verify"]) == 1, "no checkpoint yet"
    assert "anchor_missing" in capsys.readouterr().out
    assert await asyncio.to_thread(run, ["audit-anchor"]) == 0
    assert capsys.readouterr().out == "anchored record 3\n"
    assert (tmp_path / "audit-audit-anchors.jsonl").exists()
    assert await asyncio.to_thread(run, ["audit-verify"]) == 0
    assert capsys.readouterr().out == "audit chain intact\n"


def test_the_anchor_key_must_be_long_enough(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="audit_anchor_key: at least 32 bytes"):
        AuditedServiceSettings(data_dir=tmp_path, audit_anchor_key=SecretStr("short"))
    assert "audit_anchor_key" in AuditedServiceSettings(data_dir=tmp_path).development_defaults()


async def test_the_anchor_jobs_last_success_is_a_metric_that_stays_put_when_a_run_fails(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    from voorportaal_kit.metrics import REGISTRY

    def last_success() -> float | None:
        return REGISTRY.get_sample_value(
            "voorportaal_audit_anchor_last_success_timestamp_seconds", {"table": TABLE.name}
        )

    clock = FixedClock(T0)
    anchorer = Anchorer(LOG, sessions, AnchorFile(tmp_path / "a.jsonl"), KEY, clock)
    assert last_success() == T0.timestamp(), "counts from the start until a first success"
    clock.advance(timedelta(minutes=5))
    assert await anchorer.run() is None  # nothing to anchor is a successful run too
    assert last_success() == (T0 + timedelta(minutes=5)).timestamp()
    clock.advance(timedelta(minutes=5))
    async with sessions.begin() as session:
        await session.run_sync(lambda s: TABLE.drop(s.connection()))
    with pytest.raises(Exception, match="demo_audit_log"):
        await anchorer.run()
    assert last_success() == (T0 + timedelta(minutes=5)).timestamp()
