"""Each service's append-only, hash-chained access log in its own database, and its anchor.

One design for every service (`voorportaal_kit.audit` holds the pure record and chain): a
service creates its table with `tables.audit_table(metadata, "<service>_audit_log")` (and the
same shape in a migration, `migrations.create_audit_table`), binds an `AuditLog` to it and
appends records in the same transaction as the read or change they describe.

Appending takes a lock first (an advisory transaction lock on PostgreSQL; SQLite serialises
writers anyway), so two transactions never chain onto the same head. `verify_session`
re-reads the whole table and reports every modified, deleted, inserted or reordered row.

The anchor: `anchor` writes the committed head as a signed checkpoint to an `AnchorStore`
outside the database (each service's periodic job does, every `audit_anchor_interval_s`), and
verify compares the chain with the newest genuine checkpoint, so deleting the newest records
(or rewriting the newest with a fresh hash) is found as well — for everything up to the last
checkpoint; what was appended after it is covered from the next one on.

A database user who deletes the newest audit records, or rewrites the newest one with a fresh
hash, leaves a chain that verifies on its own; the checkpoints are what they cannot reach. The
file implementation appends one signed JSON line per checkpoint and never rewrites the file.
In production it belongs on storage the database's users and administrators cannot write:
another host or volume, made append-only (`chattr +a`) or WORM (object lock), with backups.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import zlib
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

import structlog
from sqlalchemy import Table, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events.audit import PersonalDataAccessed
from voorportaal_kit import audit
from voorportaal_kit.audit import AuditRecord, Checkpoint, Problem
from voorportaal_kit.clock import Clock, SystemClock
from voorportaal_kit.db import create_engine, create_sessions
from voorportaal_kit.errors import Forbidden
from voorportaal_kit.metrics import AUDIT_ANCHOR_LAST_SUCCESS
from voorportaal_kit.outbox import add_events
from voorportaal_kit.runtime import PeriodicJob
from voorportaal_kit.settings import AuditedServiceSettings

log = structlog.get_logger()


class AnchorStore(Protocol):
    """Append-only storage for checkpoint lines."""

    def append(self, line: bytes) -> None:
        """Add one line, durably."""

    def lines(self) -> list[bytes]:
        """Every line so far, oldest first."""


class AnchorFile:
    """Checkpoint lines appended to a file (created on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, line: bytes) -> None:
        """Append (O_APPEND: a line is never interleaved with another writer's) and fsync."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def lines(self) -> list[bytes]:
        """Every line so far (none when the file does not exist yet)."""
        try:
            return self.path.read_bytes().splitlines()
        except FileNotFoundError:
            return []


def chain_lock_key(table_name: str) -> int:
    """The advisory lock a table's appends serialise on (`dossier_audit_log` keeps the key
    the dossier used before the log moved to the kit)."""
    stem = table_name.removesuffix("_log").replace("_", "-")
    return zlib.crc32(f"voorportaal-{stem}-chain".encode())


class AuditLog:
    """The access log stored in one service's `audit_table`."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self._lock = chain_lock_key(table.name)

    async def append(
        self, session: AsyncSession, records: Sequence[AuditRecord]
    ) -> list[AuditRecord]:
        """Chain `records` onto the log's head and insert them in the caller's transaction."""
        if not records:
            return []
        table = self.table
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": self._lock})
        head_raw = await session.scalar(
            select(table.c.record).order_by(table.c.seq.desc()).limit(1)
        )
        head = audit.decode(head_raw.encode()) if head_raw else None
        sealed = audit.chain(records, after=head)
        await session.execute(
            insert(table),
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
        self,
        session: AsyncSession,
        *,
        case_id: str | None = None,
        actor: str | None = None,
        limit: int = 500,
    ) -> list[AuditRecord]:
        """Records about a case and/or by an actor, oldest first."""
        table = self.table
        stmt = select(table.c.record).order_by(table.c.seq)
        if case_id is not None:
            stmt = stmt.where(table.c.case_id == case_id)
        if actor is not None:
            stmt = stmt.where(table.c.actor == actor)
        rows = (await session.execute(stmt.limit(limit))).scalars().all()
        return [audit.decode(raw.encode()) for raw in rows]

    async def head(self, session: AsyncSession) -> AuditRecord | None:
        """The newest committed record."""
        table = self.table
        raw = await session.scalar(select(table.c.record).order_by(table.c.seq.desc()).limit(1))
        return audit.decode(str(raw).encode()) if raw is not None else None

    async def anchor(
        self,
        session: AsyncSession,
        anchors: AnchorStore,
        key: bytes,
        now: datetime,
        *,
        anchored_seq: int | None = None,
    ) -> Checkpoint | None:
        """Write the head as a checkpoint when it moved past the newest one (`anchored_seq`,
        or read from the store); None when there was nothing new. Never writes a lower head
        than an earlier checkpoint: a shorter log is for verify to report, not to anchor."""
        current = await self.head(session)
        if anchored_seq is None:
            checkpoints, _ = audit.parse_checkpoints(key, anchors.lines())
            anchored_seq = max((c.seq for c in checkpoints), default=0)
        if current is None or current.seq <= anchored_seq:
            return None
        checkpoint = Checkpoint(current.seq, current.hash, now)
        anchors.append(audit.checkpoint_line(key, checkpoint))
        return checkpoint

    async def verify_session(
        self, session: AsyncSession, anchors: AnchorStore | None = None, key: bytes | None = None
    ) -> list[Problem]:
        """Every problem in the stored chain (empty when intact); with `anchors` (and their
        `key`), also against the newest genuine checkpoint kept outside the database."""
        table = self.table
        rows = (await session.execute(select(table).order_by(table.c.seq))).mappings().all()
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
                    Problem(
                        index, row["seq"], "modified", "the row's columns differ from its record"
                    )
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

    async def verify_database(
        self, database_url: str, anchors: AnchorStore | None = None, key: bytes | None = None
    ) -> list[Problem]:
        """Verify the chain in the database at `database_url` (and against the checkpoints in
        `anchors`, signed with `key`, when given)."""
        engine = create_engine(database_url, pool_size=1)
        try:
            async with create_sessions(engine)() as session:
                return await self.verify_session(session, anchors, key)
        finally:
            await engine.dispose()

    async def anchor_database(
        self, database_url: str, anchors: AnchorStore, key: bytes, now: datetime
    ) -> Checkpoint | None:
        """Checkpoint the head of the chain in the database at `database_url` now."""
        engine = create_engine(database_url, pool_size=1)
        try:
            async with create_sessions(engine)() as session:
                return await self.anchor(session, anchors, key, now)
        finally:
            await engine.dispose()


class Anchorer:
    """The periodic job that checkpoints one service's chain when its head moved."""

    def __init__(
        self,
        log: AuditLog,
        sessions: async_sessionmaker[AsyncSession],
        anchors: AnchorStore,
        key: bytes,
        clock: Clock,
    ) -> None:
        self._log = log
        self._sessions = sessions
        self._anchors = anchors
        self._key = key
        self._clock = clock
        self._anchored_seq: int | None = None
        self._last_success = AUDIT_ANCHOR_LAST_SUCCESS.labels(log.table.name)
        # Until the first run succeeds, its age counts from the start (an alert that waits
        # for a first success would stay silent when the job never works).
        self._last_success.set(clock.now().timestamp())

    async def run(self) -> int | None:
        """Checkpoint the head if it is newer than the last checkpoint; returns the anchored
        record's number, or None when nothing was new."""
        async with self._sessions() as session:
            checkpoint = await self._log.anchor(
                session,
                self._anchors,
                self._key,
                self._clock.now(),
                anchored_seq=self._anchored_seq,
            )
        self._last_success.set(self._clock.now().timestamp())
        if checkpoint is None:
            return None
        self._anchored_seq = checkpoint.seq
        log.info("audit.anchored", table=self._log.table.name, seq=checkpoint.seq)
        return checkpoint.seq


def anchor_job(
    log: AuditLog,
    sessions: async_sessionmaker[AsyncSession],
    settings: AuditedServiceSettings,
    clock: Clock,
) -> PeriodicJob:
    """The service's periodic `audit_anchor` job, from its settings."""
    anchorer = Anchorer(
        log, sessions, AnchorFile(settings.effective_audit_anchor_file), settings.anchor_key, clock
    )
    return PeriodicJob("audit_anchor", settings.audit_anchor_interval_s, anchorer.run)


def operator_command(
    argv: Sequence[str] | None, *, prog: str, log: AuditLog, settings: AuditedServiceSettings
) -> int:
    """`audit-verify` (every problem in the chain, against the anchor file; exit 1 if any) or
    `audit-anchor` (checkpoint the head now) on the configured database."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("command", choices=["audit-verify", "audit-anchor"])
    args = parser.parse_args(argv)
    url = settings.effective_database_url
    anchors = AnchorFile(settings.effective_audit_anchor_file)
    if args.command == "audit-anchor":
        checkpoint = asyncio.run(
            log.anchor_database(url, anchors, settings.anchor_key, SystemClock().now())
        )
        print(f"anchored record {checkpoint.seq}" if checkpoint else "nothing new to anchor")
        return 0
    problems = asyncio.run(log.verify_database(url, anchors, settings.anchor_key))
    for problem in problems:
        print(f"{problem.kind}: record {problem.seq}: {problem.detail}")
    print("audit chain intact" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


_CASE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{5,63}")
_PENDING = "voorportaal_audit_pending"
"""Where `AuditTrail.transaction` keeps the records of allowed steps until its end."""


class Refused(Exception):
    """A decision refused a read or change: raised inside `AuditTrail.transaction`, which
    rolls back everything but this audit record and answers 403."""

    def __init__(self, record: AuditRecord, reason: str) -> None:
        super().__init__(reason)
        self.record = record
        self.reason = reason


class AuditTrail:
    """What a service's use cases write to: records appended to its own chained log, and —
    for every service but the dossier, which keeps the citizen's view — each one published
    as `PersonalDataAccessed` on `access.log` in the same transaction (outbox), so the
    citizen's "who looked at my dossier" covers every service."""

    def __init__(
        self, log: AuditLog, clock: Clock, *, source: str, service: str | None = None
    ) -> None:
        self.log = log
        self._clock = clock
        self._source = source
        self._service = service
        """The `service` of the published events; None publishes nothing."""

    async def write(
        self, session: AsyncSession, records: Sequence[AuditRecord]
    ) -> list[AuditRecord]:
        """Append `records` (and stage their events) in the caller's transaction."""
        sealed = await self.log.append(session, records)
        if self._service is None:
            return sealed
        published = [
            Envelope(
                PersonalDataAccessed(
                    case_id=r.case_id,
                    service=self._service,
                    actor=r.actor,
                    role=r.role,
                    on_behalf_of=r.on_behalf_of,
                    data_kind=r.data_kind,
                    purpose=r.purpose,
                    object_id=r.object_id,
                    action=r.action.value,
                    outcome=r.outcome.value,
                    basis=r.basis,
                    at=r.at,
                    record_seq=r.seq,
                    record_hash=r.hash,
                ),
                source=self._source,
                time=r.at,
            )
            for r in sealed
            # An id that is no case id names no citizen's case: nobody's view to reach.
            if _CASE_ID.fullmatch(r.case_id)
        ]
        await add_events(session, published, clock=self._clock)
        return sealed

    async def check(self, session: AsyncSession, record: AuditRecord, *, allowed: bool) -> None:
        """Write the record of an allowed read or change in the caller's transaction, or raise
        `Refused` with it (see `transaction`). Inside `transaction` the record is written at
        its end, so the chain's lock is held only while the transaction commits."""
        if not allowed:
            raise Refused(record, record.reason)
        pending = session.info.get(_PENDING)
        if pending is None:
            await self.write(session, [record])
        else:
            pending.append(record)

    @contextlib.asynccontextmanager
    async def transaction(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> AsyncIterator[AsyncSession]:
        """One use case's transaction. A `Refused` inside it rolls the transaction back, then
        its audit record is committed on its own and the caller gets `Forbidden` (403): a
        refusal changes nothing but is always in the log."""
        try:
            async with sessions.begin() as session:
                pending: list[AuditRecord] = []
                session.info[_PENDING] = pending
                try:
                    yield session
                finally:
                    del session.info[_PENDING]
                # The use case went through: its records join the chain last (the chain's
                # lock serialises appends, and is held until commit).
                await self.write(session, pending)
        except Refused as refused:
            async with sessions.begin() as session:
                await self.write(session, [refused.record])
            log.info(
                "audit.refused",
                case_id=refused.record.case_id,
                data_kind=refused.record.data_kind,
                purpose=refused.record.purpose,
            )
            raise Forbidden(refused.reason) from None
