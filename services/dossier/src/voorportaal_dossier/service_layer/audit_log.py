"""The append-only, hash-chained access log in the database, and its verify command.

Appending takes a lock first (an advisory transaction lock on PostgreSQL; SQLite serialises
writers anyway), so two transactions never chain onto the same head. `verify_audit` re-reads
the whole table and reports every modified, deleted, inserted or reordered row.

The anchor: `anchor` writes the committed head as a signed checkpoint to an `AnchorStore`
outside the database (a periodic job does, every `audit_anchor_interval_s`), and verify
compares the chain with the newest genuine checkpoint, so deleting the newest records (or
rewriting the newest with a fresh hash) is found as well — for everything up to the last
checkpoint; what was appended after it is covered from the next one on.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_dossier.adapters.anchors import AnchorFile, AnchorStore
from voorportaal_dossier.adapters.orm import audit_log
from voorportaal_dossier.domain import audit
from voorportaal_dossier.domain.audit import AuditRecord, Checkpoint, Problem
from voorportaal_kit.db import create_engine, create_sessions

_AUDIT_LOCK = zlib.crc32(b"voorportaal-dossier-audit-chain")


async def append(session: AsyncSession, records: Sequence[AuditRecord]) -> list[AuditRecord]:
    """Chain `records` onto the log's head and insert them in the caller's transaction."""
    if not records:
        return []
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _AUDIT_LOCK})
    head_raw = await session.scalar(
        select(audit_log.c.record).order_by(audit_log.c.seq.desc()).limit(1)
    )
    head = audit.decode(head_raw.encode()) if head_raw else None
    sealed = audit.chain(records, after=head)
    await session.execute(
        insert(audit_log),
        [
            {
                "seq": r.seq,
                "at": r.at,
                "actor": r.actor,
                "case_id": r.case_id,
                "outcome": r.outcome.value,
                "record": audit.encode(r).decode(),
            }
            for r in sealed
        ],
    )
    return sealed


async def query(
    session: AsyncSession,
    *,
    case_id: str | None = None,
    actor: str | None = None,
    limit: int = 500,
) -> list[AuditRecord]:
    """Records about a case and/or by an actor, oldest first."""
    stmt = select(audit_log.c.record).order_by(audit_log.c.seq)
    if case_id is not None:
        stmt = stmt.where(audit_log.c.case_id == case_id)
    if actor is not None:
        stmt = stmt.where(audit_log.c.actor == actor)
    rows = (await session.execute(stmt.limit(limit))).scalars().all()
    return [audit.decode(raw.encode()) for raw in rows]


async def head(session: AsyncSession) -> AuditRecord | None:
    """The newest committed record."""
    raw = await session.scalar(select(audit_log.c.record).order_by(audit_log.c.seq.desc()).limit(1))
    return audit.decode(str(raw).encode()) if raw is not None else None


async def anchor(
    session: AsyncSession,
    anchors: AnchorStore,
    key: bytes,
    now: datetime,
    *,
    anchored_seq: int | None = None,
) -> Checkpoint | None:
    """Write the head as a checkpoint when it moved past the newest one (`anchored_seq`, or
    read from the store); None when there was nothing new. Never writes a lower head than an
    earlier checkpoint: a shorter log is for verify to report, not to anchor."""
    current = await head(session)
    if anchored_seq is None:
        checkpoints, _ = audit.parse_checkpoints(key, anchors.lines())
        anchored_seq = max((c.seq for c in checkpoints), default=0)
    if current is None or current.seq <= anchored_seq:
        return None
    checkpoint = Checkpoint(current.seq, current.hash, now)
    anchors.append(audit.checkpoint_line(key, checkpoint))
    return checkpoint


async def verify_session(
    session: AsyncSession, anchors: AnchorStore | None = None, key: bytes | None = None
) -> list[Problem]:
    """Every problem in the stored chain (empty when intact); with `anchors` (and their
    `key`), also against the newest genuine checkpoint kept outside the database."""
    rows = (await session.execute(select(audit_log).order_by(audit_log.c.seq))).mappings().all()
    problems: list[Problem] = []
    records: list[AuditRecord] = []
    for index, row in enumerate(rows):
        try:
            record = audit.decode(str(row["record"]).encode())
        except ValueError as exc:
            problems.append(Problem(index, row["seq"], "modified", str(exc)))
            continue
        copies = (row["seq"], row["actor"], row["case_id"], row["outcome"])
        if copies != (record.seq, record.actor, record.case_id, record.outcome.value):
            problems.append(
                Problem(index, row["seq"], "modified", "the row's columns differ from its record")
            )
        records.append(record)
    problems += audit.verify(records)
    if anchors is not None:
        if key is None:
            raise ValueError("checking the anchor needs its key")
        checkpoints, invalid = audit.parse_checkpoints(key, anchors.lines())
        problems += invalid
        newest = max(checkpoints, key=lambda c: c.seq, default=None)
        if newest is not None:
            problems += audit.verify_anchor(records, newest)
        elif records:
            problems.append(
                Problem(
                    len(records),
                    None,
                    "anchor_missing",
                    "no genuine checkpoint of the head was found outside the database",
                )
            )
    return problems


async def verify_audit_async(
    database_url: str, anchors: AnchorStore | None = None, key: bytes | None = None
) -> list[Problem]:
    """Verify the audit chain of the dossier database at `database_url` (and against the
    checkpoints in `anchors`, signed with `key`, when given)."""
    engine = create_engine(database_url, pool_size=1)
    try:
        async with create_sessions(engine)() as session:
            return await verify_session(session, anchors, key)
    finally:
        await engine.dispose()


def verify_audit(
    database_url: str | None = None,
    anchors: AnchorStore | None = None,
    key: bytes | None = None,
) -> list[Problem]:
    """The verify command: every problem in the dossier's audit chain (empty when intact).

    Without a URL the configured database is checked, against the configured anchor file
    (`python -m voorportaal_dossier audit-verify`).
    """
    if database_url is None:
        from voorportaal_dossier.settings import get_settings

        settings = get_settings()
        database_url = settings.effective_database_url
        anchors = AnchorFile(settings.effective_audit_anchor_file)
        key = settings.anchor_key
    return asyncio.run(verify_audit_async(database_url, anchors, key))
