"""The append-only, hash-chained access log in the database, and its verify command.

Appending takes a lock first (an advisory transaction lock on PostgreSQL; SQLite serialises
writers anyway), so two transactions never chain onto the same head. `verify_audit` re-reads
the whole table and reports every modified, deleted, inserted or reordered row.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Sequence

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_dossier.adapters.orm import audit_log
from voorportaal_dossier.domain import audit
from voorportaal_dossier.domain.audit import AuditRecord, Problem
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


async def verify_session(session: AsyncSession) -> list[Problem]:
    """Every problem in the stored chain (empty when intact)."""
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
    return problems + audit.verify(records)


async def verify_audit_async(database_url: str) -> list[Problem]:
    """Verify the audit chain of the dossier database at `database_url`."""
    engine = create_engine(database_url, pool_size=1)
    try:
        async with create_sessions(engine)() as session:
            return await verify_session(session)
    finally:
        await engine.dispose()


def verify_audit(database_url: str | None = None) -> list[Problem]:
    """The verify command: every problem in the dossier's audit chain (empty when intact).

    Without a URL the configured database is checked (for `voorportaal audit verify`).
    """
    if database_url is None:
        from voorportaal_dossier.settings import get_settings

        database_url = get_settings().effective_database_url
    return asyncio.run(verify_audit_async(database_url))
