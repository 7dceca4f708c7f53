"""Reliable consumption: idempotent inbox, delayed retries, dead letters, commit after work.

For every batch FastStream hands over (its offsets are committed only when `process` returns):
1. each record is parsed into an Envelope; one that cannot be (bad JSON, missing headers,
   unknown type or version, invalid payload) is dead-lettered with the reason;
2. the batch is applied in ONE transaction: the inbox is checked for every event id, handlers
   run for the new events, and their ids are written to the inbox in that same transaction;
3. if that fails, each event is applied alone, retried with exponential backoff (a delayed
   retry, not an immediate re-read); after `max_attempts` failures, or at once for a
   `PermanentError`, it is dead-lettered and the consumer moves on. While the database itself
   is unreachable, nothing counts against a message: the consumer waits for the database.

A crash anywhere before the offset commit means the batch is read again; events already
applied are found in the inbox and skipped, so nothing is applied twice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias
from uuid import UUID

import structlog
from aiokafka import ConsumerRecord, TopicPartition
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.middlewares import AckPolicy
from opentelemetry.trace import Span, Tracer
from sqlalchemy import DateTime, String, Uuid, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from voorportaal_contracts.envelope import (
    H_TYPE,
    Envelope,
    EnvelopeError,
    from_kafka,
    restore_traceparent,
    use_traceparent,
)
from voorportaal_contracts.registry import Event, EventRegistry, registry
from voorportaal_kit.clock import Clock, SystemClock
from voorportaal_kit.db import is_sqlite, ping
from voorportaal_kit.dlq import DeadLetterPublisher, position
from voorportaal_kit.errors import PermanentError
from voorportaal_kit.metrics import CONSUMER_LAG, EVENTS_CONSUMED, HANDLER_RETRIES, HANDLER_SECONDS
from voorportaal_kit.tables import inbox
from voorportaal_kit.tracing import consume_spans, end_spans, traceparent_of

log = structlog.get_logger()

Handler = Callable[[AsyncSession, Envelope], Awaitable[None]]
"""Applies one event inside the consumer's transaction (and may stage outbox events)."""

BatchHandler = Callable[[AsyncSession, Sequence[Envelope]], Awaitable[None]]
"""Applies several events of one type at once, in order, inside the consumer's transaction
(for throughput: one statement for many rows). Must give the same result as applying them
one by one."""

TombstoneHandler = Callable[[AsyncSession, str], Awaitable[None]]
"""Applies a tombstone (the key's data was erased upstream); must be idempotent."""


class DatabaseUnavailable(Exception):
    """The database did not answer; the batch is given back to be read again later."""


@dataclass(frozen=True, slots=True)
class Tombstone:
    """A record with a key and no value on a compacted topic."""

    key: str


Record: TypeAlias = ConsumerRecord[bytes, bytes]

_PG_CLAIM = (
    text(
        "INSERT INTO inbox (consumer, event_id, event_type, processed_at) "
        "SELECT :consumer, t.event_id, t.event_type, :now "
        "FROM unnest(:ids, :types) AS t(event_id, event_type) "
        "ON CONFLICT DO NOTHING RETURNING event_id"
    )
    .bindparams(
        bindparam("ids", type_=ARRAY(Uuid())),
        bindparam("types", type_=ARRAY(String())),
        bindparam("now", type_=DateTime(timezone=True)),
    )
    .columns(event_id=Uuid())
)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a failing message is retried before it is dead-lettered."""

    max_attempts: int = 5
    initial_backoff_s: float = 0.5
    max_backoff_s: float = 30.0

    def delay(self, attempt: int) -> float:
        """Delay after the given failed attempt (1-based): exponential, capped."""
        return float(min(self.initial_backoff_s * 2 ** (attempt - 1), self.max_backoff_s))


@dataclass(frozen=True)
class Subscription:
    """Which events of one topic a consumer group applies, and with which handlers."""

    topic: str
    group: str
    handlers: Mapping[type[Event], Handler]
    max_records: int | None = None
    """Records per batch (one transaction each); None takes the service's setting."""
    on_tombstone: TombstoneHandler | None = None
    """For compacted topics: erase what the key (a case id) held. Without it, a tombstone is
    dead-lettered (it carries no data, so nothing personal lands in the DLQ)."""
    batch_handlers: Mapping[type[Event], BatchHandler] = field(default_factory=dict)
    """Optional: types whose consecutive events in a batch go to one call instead of one call
    each; consecutive events of different types that map to the same (equal) handler share
    that call. Each type must be in `handlers` too: a failing batch is retried event by
    event."""
    members: int = 1
    """Members of the group this process runs: each reads its share of the partitions, so one
    member's batch is parsed and applied while another waits on the database. Per-case order
    holds (a case's events share a partition); handlers that touch a case from more than one
    topic must lock it anyway."""

    def __post_init__(self) -> None:
        if self.members < 1:
            raise ValueError("members must be at least 1")


class ReliableConsumer:
    """Applies one subscription's events exactly once per consumer group."""

    def __init__(
        self,
        subscription: Subscription,
        *,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        dead_letters: DeadLetterPublisher,
        retry: RetryPolicy | None = None,
        clock: Clock | None = None,
        events: EventRegistry = registry,
        after_commit: Callable[[Sequence[Envelope]], Awaitable[None]] | None = None,
        default_max_records: int = 200,
        tracer: Tracer | None = None,
    ) -> None:
        self.subscription = subscription
        self._tracer = tracer
        self._engine = engine
        self._sessions = sessions
        self._dead_letters = dead_letters
        self._retry = retry or RetryPolicy()
        self._clock = clock or SystemClock()
        self._events = events
        self._after_commit = after_commit
        self._is_sqlite = is_sqlite(str(engine.url))
        self._max_records = subscription.max_records or default_max_records
        self._handlers = {
            (model.event_type, model.schema_version): handler
            for model, handler in subscription.handlers.items()
        }
        self._handled_types = {event_type for event_type, _ in self._handlers}
        self._counters: dict[str, Any] = {}
        self._known_types = {model.event_type for model in events}
        self._batch_handlers = {
            (model.event_type, model.schema_version): handler
            for model, handler in subscription.batch_handlers.items()
        }

    def register(self, broker: KafkaBroker) -> None:
        """Attach this consumer to a FastStream broker as batch subscribers, one per member."""
        for _ in range(self.subscription.members):
            self._register_member(broker)

    def _register_member(self, broker: KafkaBroker) -> None:
        sub = self.subscription
        subscriber = broker.subscriber(
            sub.topic,
            batch=True,
            max_records=self._max_records,
            group_id=sub.group,
            # A new group must start at the beginning, or it skips what came before it.
            auto_offset_reset="earliest",
            # Commit offsets only after the batch was processed; on an unexpected error
            # (database or DLQ unreachable) rewind so the batch is read again.
            ack_policy=AckPolicy.NACK_ON_ERROR,
            # Retries happen inside the handler (delayed, in order), so allow a failing batch
            # its whole retry budget before the group considers this member dead.
            max_poll_interval_ms=self._poll_budget_ms(),
            include_in_schema=False,
            # The envelope parser below decides what a record is; FastStream must not try to
            # decode bodies or headers first (a malformed one would fail before we could DLQ
            # it: one header that is not UTF-8 stopped the partition for good).
            parser=_parse_raw_batch,
            decoder=_keep_raw,
        )

        @subscriber
        async def consume(msg: KafkaMessage) -> None:
            raw = msg.raw_message
            records: tuple[Record, ...] = raw if isinstance(raw, tuple) else (raw,)
            await self.process(records)
            _record_lag(msg, records, sub.group)

    def _poll_budget_ms(self) -> int:
        per_event = sum(self._retry.delay(a) for a in range(1, self._retry.max_attempts))
        return int(max(300.0, self._max_records * per_event * 1.5 + 60) * 1000)

    async def process(self, records: Sequence[Record]) -> None:
        """Apply a batch; returns only when every record is applied, skipped or dead-lettered."""
        if not records:
            return
        started = time.perf_counter()
        parsed: list[tuple[Record, Envelope | Tombstone]] = []
        for record in records:
            item = await self._parse(record)
            if item is not None:
                parsed.append((record, item))
        if parsed:
            try:
                await self._apply([item for _, item in parsed])
            except Exception as exc:  # noqa: BLE001 - isolate the failing event below
                log.info(
                    "consumer.batch_failed_isolating",
                    topic=self.subscription.topic,
                    size=len(parsed),
                    error_type=type(exc).__name__,
                )
                for record, item in parsed:
                    await self._apply_alone(record, item)
        HANDLER_SECONDS.labels(self.subscription.topic, self.subscription.group).observe(
            time.perf_counter() - started
        )

    async def _parse(self, record: Record) -> Envelope | Tombstone | None:
        if record.value is None and record.key and self.subscription.on_tombstone is not None:
            return Tombstone(record.key.decode("utf-8", "replace"))
        if not self._wants(record):
            self._count("ignored")  # another group's event: not parsed, let alone validated
            return None
        try:
            envelope = from_kafka(record.key, record.value, record.headers or (), self._events)
        except EnvelopeError as exc:
            await self._dead_letter(record, exc.code, exc.reason, attempts=1)
            return None
        except Exception as exc:  # noqa: BLE001 - a record must never stop the consumer
            await self._dead_letter(
                record, "parse_error", f"{type(exc).__name__} while parsing", attempts=1
            )
            return None
        if (envelope.type, envelope.version) in self._handlers:
            return envelope
        if envelope.type in self._handled_types:
            # A version this release does not handle yet: keep it for a replay after upgrade.
            await self._dead_letter(
                record,
                "unknown_version",
                f"{self.subscription.group} does not handle {envelope.type} v{envelope.version}",
                attempts=1,
            )
        else:
            self._count("ignored")  # topics carry many types; this group wants others
        return None

    def _wants(self, record: Record) -> bool:
        """False only for a record whose `ce_type` names a known type this group does not
        handle.

        Topics carry many types and most groups want a few: skipping the others by header
        spares parsing and validating their payloads. A record without a readable type, or
        with a type no release knows, is parsed as usual, so it is dead-lettered with its
        reason.
        """
        types = [raw for name, raw in record.headers or () if name == H_TYPE]
        if len(types) != 1 or types[0] is None:
            return True  # none, or repeated: the parser decides (the last one wins there)
        try:
            event_type = types[0].decode("utf-8")
        except UnicodeDecodeError:
            return True
        return event_type in self._handled_types or event_type not in self._known_types

    async def _apply(self, items: Sequence[Envelope | Tombstone]) -> None:
        """Apply events (and tombstones) in order in one transaction; events already in the
        inbox are skipped. With tracing, each event gets a span (a child of its traceparent)
        that lasts until the transaction ends."""
        if self._tracer is None:
            await self._apply_items(items, None)
            return
        envelopes = [item for item in items if isinstance(item, Envelope)]
        spans = consume_spans(
            self._tracer, envelopes, topic=self.subscription.topic, group=self.subscription.group
        )
        try:
            await self._apply_items(items, {e.id: s for e, s in zip(envelopes, spans, strict=True)})
        except BaseException as exc:
            end_spans(spans, exc)
            raise
        end_spans(spans)

    async def _apply_items(
        self, items: Sequence[Envelope | Tombstone], spans: dict[UUID, Span] | None
    ) -> None:
        applied: list[Envelope] = []
        envelopes = [item for item in items if isinstance(item, Envelope)]
        async with self._sessions.begin() as session:
            claimed = await self._claim(session, envelopes)
            run: list[Envelope] = []  # consecutive events for one batch handler
            for item in items:
                if isinstance(item, Envelope) and item.id in claimed:
                    claimed.discard(item.id)  # a redelivery within one batch counts once
                    batch = self._batch_handlers.get((item.type, item.version))
                    if len(items) > 1 and batch is not None:
                        # A run is the consecutive events that share one batch handler (of
                        # one type, or of several types that handler folds together).
                        if run and self._batch_handlers[(run[0].type, run[0].version)] != batch:
                            await self._apply_run(session, run)
                            run = []
                        run.append(item)
                        applied.append(item)
                        continue
                elif isinstance(item, Envelope):
                    continue
                if run:
                    await self._apply_run(session, run)
                    run = []
                if isinstance(item, Tombstone):
                    assert self.subscription.on_tombstone is not None
                    await self.subscription.on_tombstone(session, item.key)
                    continue
                handler = self._handlers[(item.type, item.version)]
                # bind/reset rather than bound_contextvars(): this runs per event, and the
                # context manager's extra look-up of the current values costs measurably.
                tokens = structlog.contextvars.bind_contextvars(
                    case_id=item.subject,
                    event_id=str(item.id),
                    trace_id=_trace_id(item.traceparent),
                )
                # Events the handler creates join the trace of the one it handles.
                trace = use_traceparent(traceparent_of(spans[item.id])) if spans else None
                try:
                    await handler(session, item)
                finally:
                    structlog.contextvars.reset_contextvars(**tokens)
                    if trace is not None:
                        restore_traceparent(trace)
                applied.append(item)
            if run:
                await self._apply_run(session, run)
        self._count("applied", len(applied))
        self._count("duplicate", len(envelopes) - len(applied))
        if self._after_commit is not None:
            await self._after_commit(applied)

    async def _claim(self, session: AsyncSession, envelopes: Sequence[Envelope]) -> set[UUID]:
        """Record the events in the inbox; returns the ids that were not there yet.

        One round trip (INSERT … ON CONFLICT DO NOTHING RETURNING) instead of a look-up and
        an insert. The claims are part of the transaction: if a handler fails, they go too.
        """
        envelopes = list({env.id: env for env in envelopes}.values())
        if not envelopes:
            return set()
        now = self._clock.now()
        group = self.subscription.group
        if not self._is_sqlite:
            # Arrays instead of a row of parameters per event: the batch claims in one
            # statement with four parameters, whatever its size.
            result = await session.execute(
                _PG_CLAIM,
                {
                    "consumer": group,
                    "ids": [env.id for env in envelopes],
                    "types": [env.type for env in envelopes],
                    "now": now,
                },
            )
            return set(result.scalars().all())
        rows = [
            {"consumer": group, "event_id": env.id, "event_type": env.type, "processed_at": now}
            for env in envelopes
        ]
        statement = sqlite_insert(inbox).on_conflict_do_nothing().returning(inbox.c.event_id)
        return set((await session.scalars(statement, rows)).all())

    async def _apply_run(self, session: AsyncSession, run: Sequence[Envelope]) -> None:
        handler = self._batch_handlers[(run[0].type, run[0].version)]
        tokens = structlog.contextvars.bind_contextvars(batch_size=len(run))
        try:
            await handler(session, run)
        finally:
            structlog.contextvars.reset_contextvars(**tokens)

    async def _apply_alone(self, record: Record, item: Envelope | Tombstone) -> None:
        attempt = 0
        while True:
            attempt += 1
            try:
                await self._apply([item])
                return
            except PermanentError as exc:
                # Our own rule violations: their messages are written to be safe to keep.
                await self._dead_letter(
                    record, exc.code, str(exc) or type(exc).__name__, attempts=attempt
                )
                return
            except Exception as exc:
                if not await self._database_answers():
                    # Not the message's fault. Wait a while, then give the batch back
                    # (uncommitted) so it is read again: nothing is counted against it.
                    log.warning(
                        "consumer.database_unavailable",
                        topic=record.topic,
                        retry_in_s=self._retry.max_backoff_s,
                    )
                    await asyncio.sleep(self._retry.max_backoff_s)
                    raise DatabaseUnavailable from exc
                # Exception messages can quote data (a driver's SQL parameters, a validator's
                # input): only the type goes to logs and dead letters.
                error = type(exc).__name__
                if attempt >= self._retry.max_attempts:
                    await self._dead_letter(
                        record,
                        "handler_failed",
                        f"{error} (after {attempt} attempts)",
                        attempts=attempt,
                    )
                    return
                delay = self._retry.delay(attempt)
                HANDLER_RETRIES.labels(record.topic, self.subscription.group).inc()
                log.warning(
                    "consumer.retrying",
                    **position(record),
                    attempt=attempt,
                    retry_in_s=delay,
                    error_type=error,
                )
                await asyncio.sleep(delay)

    async def _database_answers(self) -> bool:
        try:
            await asyncio.wait_for(ping(self._engine), timeout=5)
        except Exception:  # noqa: BLE001 - any failure to ping means "not reachable"
            return False
        return True

    async def _dead_letter(self, record: Record, code: str, reason: str, *, attempts: int) -> None:
        try:
            await self._dead_letters.send(
                record, code=code, reason=reason, attempts=attempts, failed_at=self._clock.now()
            )
        except Exception:
            # Without its dead letter the record must not be committed past: give the batch
            # back, after a pause so that a broken DLQ does not turn into a hot loop.
            log.exception(
                "consumer.dead_letter_failed",
                **position(record),
                code=code,
            )
            await asyncio.sleep(self._retry.max_backoff_s)
            raise
        self._count("dead_lettered")

    def _count(self, outcome: str, n: int = 1) -> None:
        if n:
            counter = self._counters.get(outcome)
            if counter is None:  # looked up once: `labels` costs more than `inc`, per record
                counter = EVENTS_CONSUMED.labels(
                    self.subscription.topic, self.subscription.group, outcome
                )
                self._counters[outcome] = counter
            counter.inc(n)


async def _parse_raw_batch(
    records: tuple[Record, ...], original: Callable[..., Awaitable[Any]]
) -> Any:
    """FastStream's batch message around the raw records, without its parser's work.

    FastStream's own batch parser decodes every header of every record into a dict first:
    a record with a header that is not UTF-8 made it raise before any of our code ran (so the
    batch failed, was read again and failed again, for ever), and the decoding was a share of
    a busy consumer's CPU spent on dicts nobody reads. The message keeps what acknowledging
    needs: the class and the consumer of the subscriber's parser (`original` is its bound
    `parse_batch`; FastStream 0.7)."""
    parser: Any = getattr(original, "__self__")  # noqa: B009 - typed as a plain callable
    first, last = records[0], records[-1]
    return parser.msg_class(
        body=b"",
        headers={},
        batch_headers=[],
        reply_to="",
        content_type=None,
        message_id=f"{first.topic}-{first.partition}-{first.offset}-{last.offset}",
        correlation_id=None,
        raw_message=records,
        path={},
        consumer=parser._consumer,  # set by FastStream when the subscriber starts
    )


async def _keep_raw(_msg: Any) -> None:
    """A FastStream decoder that decodes nothing: handlers read the raw records."""
    return None


def _trace_id(traceparent: str | None) -> str | None:
    return traceparent.split("-")[1] if traceparent else None


def _record_lag(msg: Any, records: Sequence[Record], group: str) -> None:
    consumer = getattr(msg, "consumer", None)
    highwater = getattr(consumer, "highwater", None)
    if highwater is None:
        return
    last: dict[TopicPartition, int] = {}
    for record in records:
        last[TopicPartition(record.topic, record.partition)] = record.offset
    for tp, offset in last.items():
        end = highwater(tp)
        if end is not None:
            CONSUMER_LAG.labels(tp.topic, group, str(tp.partition)).set(max(end - offset - 1, 0))


__all__ = ["Handler", "ReliableConsumer", "RetryPolicy", "Subscription", "Tombstone"]
