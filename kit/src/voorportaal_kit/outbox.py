"""Transactional outbox: write events with the state change, publish them afterwards.

A use case calls `add_events(session, ...)` inside its transaction. The relay reads unsent rows
in id order, publishes them with an idempotent producer (`acks=all`), and marks them sent. A
relay killed at any moment loses nothing: rows stay unsent until Kafka acknowledged them, so
the worst case is the batches in flight (at most two) published twice, which consumers'
inboxes absorb. Per-key order holds for rows in id order; ids are handed out at insert, so
two transactions writing the same case at once must be serialised by the use case (lock the
case row first), or the later insert may commit, and be published, first.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, TypeAlias
from uuid import uuid4

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from aiokafka.partitioner import DefaultPartitioner, murmur2
from opentelemetry.trace import Tracer
from sqlalchemy import (
    BigInteger,
    DateTime,
    LargeBinary,
    Row,
    String,
    Text,
    Uuid,
    all_,
    bindparam,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from voorportaal_contracts.envelope import (
    H_CONTENT_TYPE,
    H_DATASCHEMA,
    H_ID,
    H_SCHEMAVERSION,
    H_SOURCE,
    H_SPECVERSION,
    H_TRACEPARENT,
    H_TYPE,
    Envelope,
)
from voorportaal_kit.clock import Clock, SystemClock
from voorportaal_kit.db import is_sqlite
from voorportaal_kit.kafka_client import KafkaConnection
from voorportaal_kit.metrics import EVENTS_PUBLISHED, OUTBOX_BACKLOG
from voorportaal_kit.tables import outbox
from voorportaal_kit.tracing import publish_span

log = structlog.get_logger()

_IDS = ARRAY(BigInteger)
_Row: TypeAlias = Row[
    Any, Any, Any, Any, Any, Any
]  # (id, topic, message_key, headers, value, event_type)


MAX_MESSAGE_BYTES = 900_000
"""Largest value staged; Kafka refuses records over ~1 MiB, and one refused row would block
every row behind it in the outbox."""


async def add_events(
    session: AsyncSession,
    envelopes: Sequence[Envelope],
    *,
    clock: Clock | None = None,
    topic: str | None = None,
    topics: Sequence[str | None] | None = None,
) -> None:
    """Stage events in the caller's transaction (one statement); `topic` overrides the type's
    own topic for all of them, `topics` per event (None keeps the type's topic)."""
    if not envelopes:
        return
    if topics is not None and len(topics) != len(envelopes):
        raise ValueError("topics must name one topic (or None) per envelope")
    now = (clock or SystemClock()).now()
    rows = []
    for i, envelope in enumerate(envelopes):
        # What `Envelope.to_kafka` would give, in the outbox's own form (text key and headers)
        # without encoding to bytes and back.
        record_topic = (topics[i] if topics is not None else topic) or envelope.topic
        if "{" in record_topic:
            raise ValueError(f"{envelope.type} needs an explicit topic (got {record_topic!r})")
        value = envelope.value()
        if len(value) > MAX_MESSAGE_BYTES:
            raise ValueError(
                f"{envelope.type} is {len(value)} bytes; the limit is {MAX_MESSAGE_BYTES}"
            )
        rows.append(
            {
                "event_id": envelope.id,
                "topic": record_topic,
                "message_key": envelope.subject,
                "event_type": envelope.type,
                "headers": envelope.header_text(),
                "value": value,
                "created_at": now,
            }
        )
    await _hold_writers_lock(session)
    if session.get_bind().dialect.name == "postgresql":
        # One row of array parameters instead of a parameter set per row: for a batch of a
        # thousand events the per-row parameter processing was most of the statement's cost.
        await session.execute(
            _PG_STAGE,
            {
                "event_ids": [row["event_id"] for row in rows],
                "topics": [row["topic"] for row in rows],
                "keys": [row["message_key"] for row in rows],
                "types": [row["event_type"] for row in rows],
                "headers": [row["headers"] for row in rows],
                "values": [row["value"] for row in rows],
                "now": now,
            },
        )
    else:
        await session.execute(insert(outbox), rows)
    session.sync_session.info[_STAGED] = True


_PG_STAGE = text(
    "INSERT INTO outbox (event_id, topic, message_key, event_type, headers, value, created_at) "
    "SELECT t.event_id, t.topic, t.message_key, t.event_type, t.headers, t.value, :now "
    "FROM unnest(:event_ids, :topics, :keys, :types, :headers, :values) WITH ORDINALITY "
    "AS t(event_id, topic, message_key, event_type, headers, value, n) ORDER BY t.n"
).bindparams(
    bindparam("event_ids", type_=ARRAY(Uuid())),
    bindparam("topics", type_=ARRAY(String())),
    bindparam("keys", type_=ARRAY(String())),
    bindparam("types", type_=ARRAY(String())),
    bindparam("headers", type_=ARRAY(Text())),
    bindparam("values", type_=ARRAY(LargeBinary())),
    bindparam("now", type_=DateTime(timezone=True)),
)
"""Staging on PostgreSQL: ids are handed out in the order of the rows (ORDER BY ordinality),
as the relay publishes in id order."""


async def add_tombstone(
    session: AsyncSession, topic: str, key: str, *, clock: Clock | None = None
) -> None:
    """Stage a tombstone (null value) for `key` on a compacted topic: compaction then erases
    everything that topic held for the key (e.g. a citizen's contact details)."""
    await _hold_writers_lock(session)
    await session.execute(
        insert(outbox),
        [
            {
                "event_id": uuid4(),
                "topic": topic,
                "message_key": key,
                "event_type": TOMBSTONE,
                "headers": "",
                "value": None,
                "created_at": (clock or SystemClock()).now(),
            }
        ],
    )
    session.sync_session.info[_STAGED] = True


_WRITERS_LOCK = zlib.crc32(b"voorportaal-outbox-writers")
"""Advisory lock key: shared by transactions staging outbox rows, tried exclusively by the
relay to learn which ids are settled (PostgreSQL only; see OutboxRelay._settled_id)."""


_PG_MARK_SENT = text(
    "WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true)) "
    "UPDATE outbox SET sent_at = :now FROM relaxed WHERE outbox.id = ANY(:ids)"
).bindparams(bindparam("ids", type_=_IDS), bindparam("now", type_=DateTime(timezone=True)))
"""The relay's mark on PostgreSQL: the rows sent, in one autocommitted statement that also
relaxes its own commit (one array parameter instead of hundreds of bind parameters). The mark
need not wait for the WAL flush: one lost in a crash only publishes those rows again, which
the consumers' inboxes absorb (see bench/README.md)."""


_SETTLED = text(
    "SELECT CASE WHEN pg_try_advisory_xact_lock(:k) "
    "THEN (SELECT coalesce(max(id), 0) FROM outbox) END"
)


async def _hold_writers_lock(session: AsyncSession) -> None:
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock_shared(:k)"), {"k": _WRITERS_LOCK})


TOMBSTONE = "tombstone"
"""The `event_type` of an outbox row that carries a tombstone."""


def encode_headers(headers: Sequence[tuple[str, bytes]]) -> str:
    """Headers as `name=value` lines: readable in the database and ~5x cheaper than JSON
    for the relay to decode, which is its hottest loop. `add_events` stores an envelope's
    headers with `Envelope.header_text`, which writes this form without encoding each header
    first (tested against `decode_headers`); this is the general writer of the form."""
    lines = []
    for name, value in headers:
        text = value.decode()
        if "=" in name or "\n" in name or "\n" in text:
            raise ValueError(f"header {name!r} cannot be stored in the outbox")
        lines.append(f"{name}={text}")
    return "\n".join(lines)


def decode_headers(text: str) -> list[tuple[str, bytes]]:
    """The inverse of `encode_headers`."""
    if not text:
        return []
    known = _decoded_lines.get
    return [known(line) or _decode_line(line) for line in text.split("\n")]


def _header_fields(text: str, names: Sequence[str]) -> dict[str, str]:
    """The values of a few headers in the outbox's header text (for tracing)."""
    wanted = tuple(f"{name}=" for name in names)
    return {
        line.partition("=")[0]: line.partition("=")[2]
        for line in text.split("\n")
        if line.startswith(wanted)
    }


def _decode_line(line: str) -> tuple[str, bytes]:
    name, _, value = line.partition("=")
    pair = (name, value.encode())
    if name in _REPEATING_HEADERS and len(_decoded_lines) < 4096:
        _decoded_lines[line] = pair
    return pair


_REPEATING_HEADERS = frozenset(
    {H_SPECVERSION, H_TYPE, H_SCHEMAVERSION, H_DATASCHEMA, H_CONTENT_TYPE, H_SOURCE}
)
"""Headers whose lines recur across events (they follow from the type or the service): the
relay decodes each such line once (`_decoded_lines`), not once per row."""
_decoded_lines: dict[str, tuple[str, bytes]] = {}


_STAGED = "voorportaal.outbox.staged"
_wakers: set[Callable[[], None]] = set()


@event.listens_for(Session, "after_commit")
def _wake_relays(session: Session) -> None:
    # An idle relay in this process looks at once instead of waiting for its next poll.
    if session.info.pop(_STAGED, False):
        for wake in list(_wakers):
            wake()


@event.listens_for(Session, "after_rollback")
def _forget_staged(session: Session) -> None:
    session.info.pop(_STAGED, None)


def create_producer(kafka: KafkaConnection | str, client_id: str) -> AIOKafkaProducer:
    """A producer that neither loses nor duplicates on retry: idempotent, acks from all ISRs."""
    return AIOKafkaProducer(
        **KafkaConnection.of(kafka).client_kwargs(),
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        max_batch_size=256 * 1024,
        request_timeout_ms=30_000,
        partitioner=key_partitioner,
    )


def key_partitioner(key: bytes | None, all_partitions: list[int], available: list[int]) -> int:
    """Kafka's default partitioner (murmur2 of the key, as the Java client), with the hash
    of each key remembered: aiokafka computes murmur2 in pure Python, and a case's key comes
    back for every event of the case. Same partition as the default, so per-case order holds
    across producers that partition by key the Java way."""
    if key is None:
        return DefaultPartitioner()(key, all_partitions, available)  # type: ignore[no-any-return]
    return all_partitions[(_murmur2(key) & 0x7FFFFFFF) % len(all_partitions)]


@lru_cache(maxsize=65536)
def _murmur2(key: bytes) -> int:
    return murmur2(key)  # type: ignore[no-any-return]


class OutboxRelay:
    """Publishes outbox rows to Kafka in batches; one active relay per service database."""

    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        producer_factory: Callable[[], AIOKafkaProducer],
        *,
        service_name: str,
        batch_size: int = 1000,
        poll_interval_s: float = 0.2,
        keep_sent_s: float = 3600.0,
        clock: Clock | None = None,
        after_publish: Callable[[Sequence[int]], Awaitable[None]] | None = None,
        tracer: Tracer | None = None,
    ) -> None:
        self._engine = engine
        self._tracer = tracer
        self._sessions = sessions
        self._producer_factory = producer_factory
        self._service = service_name
        self._batch_size = batch_size
        self._poll = poll_interval_s
        self._keep_sent = timedelta(seconds=keep_sent_s)
        self._clock = clock or SystemClock()
        self._after_publish = after_publish
        self._producer: AIOKafkaProducer | None = None
        self._is_sqlite = is_sqlite(str(engine.url))
        self._purged_at = 0.0
        self._counted_at = 0.0
        self._settled = 0
        self.alive = False
        """True while the relay loop runs (readiness)."""

    async def run(self, stop: asyncio.Event) -> None:
        """Relay until `stop` is set. Never gives up: every failure is logged and retried
        with backoff (broker down, database down, lost leadership, a bug)."""
        wakeup = asyncio.Event()
        _wakers.add(wakeup.set)
        self.alive = True
        backoff = 0.5
        try:
            while not stop.is_set():
                try:
                    async with self._leadership(stop) as lease:
                        while not stop.is_set() and await lease.still_held():
                            wakeup.clear()  # before draining: rows staged meanwhile wake us
                            await self.drain(stop)
                            await self._purge_sent_now_and_then()
                            backoff = 0.5
                            await _wait_any(stop, wakeup, self._poll)
                except Exception as exc:  # noqa: BLE001 - the relay must outlive any failure
                    log.warning(
                        "outbox.relay_retry", error_type=type(exc).__name__, retry_in_s=backoff
                    )
                    await self._close_producer()
                    await _sleep_or_stop(stop, backoff)
                    backoff = min(backoff * 2, 30.0)
        finally:
            self.alive = False
            _wakers.discard(wakeup.set)
            await self._close_producer()

    async def backlog(self) -> int:
        """Rows not yet published (counted on the small index of unsent rows)."""
        async with self._reading() as session:
            count = await session.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
            )
        return int(count or 0)

    async def drain(self, stop: asyncio.Event | None = None) -> int:
        """Publish until no unsent row is left (or `stop`); returns how many were published.

        Batches are pipelined: while Kafka acknowledges batch k and the database marks it,
        batch k+1 is read and enqueued; batches are confirmed strictly in order.

        Order under concurrent writers: ids are handed out at INSERT, rows become visible at
        COMMIT, so a row may appear after rows with higher ids were read. Each read therefore
        takes the lowest unsent ids above a *floor* below which every row is known to be
        settled and sent (`_settled_id`), excluding only the batch still in flight. Reading
        from the floor rather than from the start keeps each read from wading through the
        index entries of rows already sent.
        """
        total = 0
        in_flight: list[int] = []
        floor = 0
        confirming: asyncio.Task[None] | None = None
        next_floor = 0
        settled = highest_read = 0
        try:
            while stop is None or not stop.is_set():
                if highest_read >= settled:  # an older (lower) answer is still true: reuse it
                    settled = await self._settled_id()
                rows = await self._fetch(floor=floor, exclude=in_flight)
                if not rows:
                    break
                enqueued_ns = time.time_ns()
                acks = await self._enqueue(rows)
                if confirming is not None:
                    await confirming
                    floor = next_floor  # every row up to it is now sent
                confirming = asyncio.create_task(self._confirm(rows, acks, enqueued_ns))
                in_flight = [row.id for row in rows]
                highest_read = max(highest_read, in_flight[-1])
                # Once this batch is confirmed, nothing unsent remains at or below: the lowest
                # ids above the floor were read, and all ids up to `settled` are visible.
                top = rows[-1].id if len(rows) == self._batch_size else settled
                next_floor = max(floor, min(settled, top))
                total += len(rows)
        finally:
            if confirming is not None:
                # Never cancel a confirmation: Kafka may already have the batch, and marking
                # it is what keeps it from going out again.
                await asyncio.shield(confirming)
        if total == 0:
            OUTBOX_BACKLOG.set(0)
        return total

    async def _settled_id(self) -> int:
        """An id such that every row with an id up to it is committed (or rolled back).

        SQLite: writers hold the database's write lock from BEGIN to COMMIT, so no row with a
        lower id can still be uncommitted: everything visible is settled. PostgreSQL: writers
        hold a shared advisory lock while they stage rows (`add_events`); when the relay can
        take it exclusively, no transaction that staged a row is open, so every id allocated
        so far is settled. The relay only tries (never waits) and keeps the previous answer
        when a writer is busy, so writers are never held up.
        """
        if self._is_sqlite:
            async with self._sessions() as session:
                return int(
                    await session.scalar(select(func.coalesce(func.max(outbox.c.id), 0))) or 0
                )
        # One statement in autocommit: the transaction-level lock is released as it ends.
        async with self._engine.connect() as conn:
            autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
            settled = await autocommit.scalar(_SETTLED, {"k": _WRITERS_LOCK})
        if settled is not None:
            self._settled = int(settled)
        return self._settled

    async def _fetch(self, *, floor: int, exclude: Sequence[int]) -> Sequence[_Row]:
        """The lowest unsent rows above `floor`, leaving out `exclude` (the batch in flight)."""
        columns = (
            outbox.c.id,
            outbox.c.topic,
            outbox.c.message_key,
            outbox.c.headers,
            outbox.c.value,
            outbox.c.event_type,
        )
        unsent = outbox.c.sent_at.is_(None)
        async with self._reading() as session:
            if exclude:
                # Fast path: read above the batch in flight, then check that no other row
                # turned up at or below it meanwhile (a late commit). Checking *after* the
                # read means a late row that could precede anything read is always seen.
                high = max(exclude)
                rows = (
                    await session.execute(
                        select(*columns)
                        .where(unsent, outbox.c.id > high)
                        .order_by(outbox.c.id)
                        .limit(self._batch_size)
                    )
                ).all()
                below = await session.scalar(
                    select(func.count())
                    .select_from(outbox)
                    .where(unsent, outbox.c.id > floor, outbox.c.id <= high)
                )
                if below == len(exclude):
                    return await self._note_backlog(session, rows)
                excluded = (
                    outbox.c.id.not_in(exclude)
                    if self._is_sqlite
                    else outbox.c.id != all_(bindparam("ex", list(exclude), type_=_IDS))
                )
            else:
                excluded = outbox.c.id > floor
            rows = (
                await session.execute(
                    select(*columns)
                    .where(unsent, outbox.c.id > floor, excluded)
                    .order_by(outbox.c.id)
                    .limit(self._batch_size)
                )
            ).all()
            return await self._note_backlog(session, rows)

    @contextlib.asynccontextmanager
    async def _reading(self) -> AsyncIterator[AsyncSession | AsyncConnection]:
        """Where the relay reads: on PostgreSQL a connection in autocommit (each statement
        sees what is committed when it starts, as in a read-committed transaction, without a
        BEGIN and ROLLBACK around the reads)."""
        if self._is_sqlite:
            async with self._sessions() as session:
                yield session
            return
        async with self._engine.connect() as conn:
            yield await conn.execution_options(isolation_level="AUTOCOMMIT")

    async def _note_backlog(
        self, session: AsyncSession | AsyncConnection, rows: Sequence[_Row]
    ) -> Sequence[_Row]:
        # A full batch means a backlog: count it, but not more than every few seconds.
        if len(rows) == self._batch_size and time.monotonic() - self._counted_at > 5:
            self._counted_at = time.monotonic()
            backlog = await session.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
            )
            OUTBOX_BACKLOG.set(backlog or 0)
        return rows

    async def _enqueue(self, rows: Sequence[_Row]) -> list[asyncio.Future[Any]]:
        """Hand the rows to the producer as record batches, one open batch per partition,
        filled in id order; the returned futures resolve when the broker acknowledged.

        The same records and partitions as one `send` per row (the key's murmur2, as Kafka's
        default partitioner), and the same order per partition: a partition's batches are
        submitted in the order they were filled, and the producer sends a partition's batches
        one after the other. Building the batches here spares the producer's per-record work
        (metadata check, partitioner, a future per record), the relay's hottest loop."""
        await self._ensure_producer()
        producer = self._producer
        assert producer is not None
        partitions: dict[str, list[int]] = {}
        filling: dict[tuple[str, int], Any] = {}
        acks: list[asyncio.Future[Any]] = []
        for row in rows:
            topic = row.topic
            known = partitions.get(topic)
            if known is None:
                known = partitions[topic] = sorted(await producer.partitions_for(topic))
            key = row.message_key.encode()
            partition = key_partitioner(key, known, known)
            batch = filling.get((topic, partition))
            if batch is None:
                batch = filling[(topic, partition)] = producer.create_batch()
            headers = decode_headers(row.headers)
            if batch.append(key=key, value=row.value, timestamp=None, headers=headers) is None:
                # Full: it goes now, and a new one takes the row (a first record always fits).
                acks.append(await producer.send_batch(batch, topic, partition=partition))
                batch = filling[(topic, partition)] = producer.create_batch()
                if batch.append(key=key, value=row.value, timestamp=None, headers=headers) is None:
                    raise RuntimeError("an empty record batch refused a record")
        for (topic, partition), batch in filling.items():
            batch.close()  # nothing else may join it: what it holds is what we confirm
            acks.append(await producer.send_batch(batch, topic, partition=partition))
        return acks

    async def _confirm(
        self, rows: Sequence[_Row], acks: list[asyncio.Future[Any]], enqueued_ns: int = 0
    ) -> None:
        """Wait until Kafka has every row of the batch, then mark them sent."""
        # Every batch's answer is read (a failure is raised once all are in, so none is left
        # unread); nothing is marked sent unless every batch was acknowledged.
        answers = await asyncio.gather(*acks, return_exceptions=True)
        failed = next((a for a in answers if isinstance(a, BaseException)), None)
        if failed is not None:
            raise failed
        ids = [row.id for row in rows]
        if self._after_publish is not None:
            await self._after_publish(ids)
        if self._is_sqlite:
            async with self._sessions.begin() as session:
                await session.execute(
                    update(outbox).where(outbox.c.id.in_(ids)).values(sent_at=self._clock.now())
                )
        else:
            # One statement in autocommit, which is its own transaction. Losing this mark in a
            # database crash only means the batch goes out again (consumers' inboxes absorb
            # it), so that transaction need not wait for the WAL flush (set_config local).
            async with self._engine.connect() as conn:
                autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await autocommit.execute(_PG_MARK_SENT, {"ids": ids, "now": self._clock.now()})
        for (topic, event_type), count in Counter((r.topic, r.event_type) for r in rows).items():
            EVENTS_PUBLISHED.labels(topic, event_type).inc(count)
        if self._tracer is not None:
            for row in rows:
                fields = _header_fields(row.headers, (H_TRACEPARENT, H_ID))
                publish_span(
                    self._tracer,
                    topic=row.topic,
                    traceparent=fields.get(H_TRACEPARENT),
                    event_id=fields.get(H_ID),
                    start_ns=enqueued_ns or time.time_ns(),
                )
        log.debug("outbox.published", count=len(rows), last_id=ids[-1])

    async def _purge_sent_now_and_then(self) -> None:
        # Sent rows are kept a while for inspection, then deleted: some carry personal data
        # (contact.points), which must not outlive its purpose in a second place.
        if time.monotonic() - self._purged_at < 60:
            return
        self._purged_at = time.monotonic()
        purged = await self.purge_sent(self._clock.now() - self._keep_sent)
        if purged:
            log.info("outbox.purged", count=purged)

    async def purge_sent(self, older_than: datetime) -> int:
        """Delete rows published before `older_than`; returns how many."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                outbox.delete().where(outbox.c.sent_at.is_not(None), outbox.c.sent_at < older_than)
            )
        return int(getattr(result, "rowcount", 0) or 0)

    async def _ensure_producer(self) -> None:
        if self._producer is None:
            producer = self._producer_factory()
            try:
                await producer.start()
            except BaseException:
                await producer.stop()
                raise
            self._producer = producer

    async def _close_producer(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            with contextlib.suppress(KafkaError, OSError):
                await producer.stop()

    @contextlib.asynccontextmanager
    async def _leadership(self, stop: asyncio.Event) -> AsyncIterator[_Lease]:
        """On PostgreSQL, hold an advisory lock so that only one replica relays at a time.

        Two relays on one outbox would interleave rows of the same case and break its order.
        A standby waits for the lock and takes over when the leader dies (its connection,
        and with it the lock, goes away). The leader checks its lock connection before every
        round and steps down when it is gone. SQLite is one process: no lock needed.
        """
        if self._is_sqlite:
            yield _Lease(None)
            return
        key = zlib.crc32(f"voorportaal-outbox-{self._service}".encode())
        conn: AsyncConnection | None = None
        while not stop.is_set():
            conn = await self._engine.connect()
            got = await conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key})
            await conn.commit()
            if got:
                break
            await conn.close()
            conn = None
            log.info("outbox.relay_standby", service=self._service)
            await _sleep_or_stop(stop, 5.0)
        try:
            yield _Lease(conn)
        finally:
            if conn is not None:
                # Throw the connection away rather than unlock it: a pooled connection that
                # still held the lock would make this process leader by accident later.
                await conn.invalidate()
                await conn.close()


class _Lease:
    """The relay's hold on leadership (an open connection holding the advisory lock)."""

    def __init__(self, conn: AsyncConnection | None) -> None:
        self._conn = conn

    async def still_held(self) -> bool:
        """Whether the lock connection is still alive (always true without a lock)."""
        if self._conn is None:
            return True
        try:
            await self._conn.execute(text("SELECT 1"))
            await self._conn.commit()
        except DBAPIError:
            log.warning("outbox.relay_lost_leadership")
            return False
        return True


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def _wait_any(stop: asyncio.Event, wake: asyncio.Event, seconds: float) -> None:
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
