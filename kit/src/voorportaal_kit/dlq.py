"""Dead letters: messages a consumer gave up on, kept on `<topic>.dlq` to inspect and replay.

The original key, value and headers travel unchanged; `dlq_*` headers say why, where from and
when. The reason is written for an operator and never contains the message's personal content.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition

from voorportaal_contracts.topics import dlq_topic, is_dlq
from voorportaal_kit.kafka import topic_partitions
from voorportaal_kit.kafka_client import KafkaConnection
from voorportaal_kit.metrics import DEAD_LETTERS

log = structlog.get_logger()

DLQ_PREFIX = "dlq_"
_MAX_REASON = 1000


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """One message on a dead-letter topic, as the operator sees it."""

    dlq_topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    original_headers: list[tuple[str, bytes]]
    reason_code: str
    reason: str
    original_topic: str
    original_partition: int | None
    original_offset: int | None
    consumer_group: str
    attempts: int
    failed_at: str

    @property
    def event_id(self) -> str | None:
        """The ce_id of the original message, when it had one."""
        return header_map_safe(self.original_headers).get("ce_id")

    @property
    def event_type(self) -> str | None:
        """The ce_type of the original message, when it had one."""
        return header_map_safe(self.original_headers).get("ce_type")


class DeadLetterPublisher:
    """Sends messages a consumer gave up on to `<topic>.dlq`."""

    def __init__(self, producer: AIOKafkaProducer, consumer_group: str) -> None:
        self._producer = producer
        self._group = consumer_group

    async def send(
        self,
        record: ConsumerRecord[bytes, bytes],
        *,
        code: str,
        reason: str,
        attempts: int,
        failed_at: datetime,
    ) -> None:
        """Publish one dead letter and wait until Kafka has it (before the offset commit)."""
        headers = [(n, v) for n, v in (record.headers or ()) if not n.startswith(DLQ_PREFIX)]
        headers += [
            ("dlq_error_code", code.encode()),
            ("dlq_error", reason[:_MAX_REASON].encode()),
            ("dlq_original_topic", record.topic.encode()),
            ("dlq_original_partition", str(record.partition).encode()),
            ("dlq_original_offset", str(record.offset).encode()),
            ("dlq_consumer_group", self._group.encode()),
            ("dlq_attempts", str(attempts).encode()),
            ("dlq_failed_at", failed_at.isoformat().encode()),
        ]
        # Kafka clients refuse a record with neither key nor value; keep it as an empty value.
        value = record.value if record.value is not None or record.key is not None else b""
        await self._producer.send_and_wait(
            dlq_topic(record.topic), value=value, key=record.key, headers=headers
        )
        DEAD_LETTERS.labels(record.topic, code).inc()
        log.warning(
            "consumer.dead_lettered",
            **position(record),
            code=code,
            reason=reason[:_MAX_REASON],
            event_id=header_map_safe(record.headers).get("ce_id"),
        )


def position(record: ConsumerRecord[bytes, bytes]) -> dict[str, str | int]:
    """Where a record stands (topic, partition, offset): how the logs name it, never by its
    content."""
    return {"topic": record.topic, "partition": record.partition, "offset": record.offset}


def header_map_safe(headers: Sequence[tuple[str, bytes]] | None) -> dict[str, str]:
    """Headers as text, skipping any that are not UTF-8 (for logging what we can)."""
    out: dict[str, str] = {}
    for name, raw in headers or ():
        if raw is not None:
            try:
                out[name] = raw.decode()
            except UnicodeDecodeError:
                continue
    return out


def _to_dead_letter(record: ConsumerRecord[bytes, bytes]) -> DeadLetter:
    h = header_map_safe(record.headers)

    def as_int(name: str) -> int | None:
        try:
            return int(h[name])
        except (KeyError, ValueError):
            return None

    return DeadLetter(
        dlq_topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key,
        value=record.value,
        original_headers=[
            (n, v) for n, v in (record.headers or ()) if not n.startswith(DLQ_PREFIX)
        ],
        reason_code=h.get("dlq_error_code", "?"),
        reason=h.get("dlq_error", ""),
        original_topic=h.get("dlq_original_topic", record.topic.removesuffix(".dlq")),
        original_partition=as_int("dlq_original_partition"),
        original_offset=as_int("dlq_original_offset"),
        consumer_group=h.get("dlq_consumer_group", "?"),
        attempts=as_int("dlq_attempts") or 0,
        failed_at=h.get("dlq_failed_at", ""),
    )


async def read_dead_letters(kafka: KafkaConnection | str, topic: str) -> AsyncIterator[DeadLetter]:
    """Every message currently on a dead-letter topic, oldest first (no consumer group)."""
    if not is_dlq(topic):
        raise ValueError(f"{topic!r} is not a dead-letter topic (expected <topic>.dlq)")
    partitions = (await topic_partitions(kafka, [topic]))[topic]
    if not partitions:
        return
    consumer = AIOKafkaConsumer(
        **KafkaConnection.of(kafka).client_kwargs(),
        enable_auto_commit=False,
        group_id=None,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in partitions]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        begin = await consumer.beginning_offsets(tps)
        end = await consumer.end_offsets(tps)
        remaining = {tp for tp in tps if end[tp] > begin[tp]}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000)
            if not batch:
                await asyncio.sleep(0)
            for tp, records in batch.items():
                for record in records:
                    yield _to_dead_letter(record)
                    if record.offset + 1 >= end[tp]:
                        remaining.discard(tp)
    finally:
        await consumer.stop()


MALFORMED = frozenset(
    {"bad_json", "bad_header", "bad_payload", "missing_header", "invalid_payload"}
)
"""Codes of letters that no consumer release can accept: replaying them only dead-letters
them again. `replay(all)` leaves them out; naming one by id or offset still replays it."""


async def replay(
    kafka: KafkaConnection | str,
    topic: str,
    *,
    event_ids: set[str] | None = None,
    offsets: set[int] | None = None,
) -> list[DeadLetter]:
    """Republish dead letters to the topic they came from: the named ones (ce_id or offset),
    or, when none are named, every replayable one, each event once.

    Replaying is safe to repeat: consumers' inboxes drop an event they already applied.
    """
    wanted_ids = {_normalise_id(i) for i in event_ids or ()}
    chosen: list[DeadLetter] = []
    seen: set[str] = set()
    async for letter in read_dead_letters(kafka, topic):
        event_id = _normalise_id(letter.event_id or "")
        named = event_ids is not None or offsets is not None
        if named:
            if event_id not in wanted_ids and letter.offset not in (offsets or set()):
                continue
        elif letter.reason_code in MALFORMED or (event_id and event_id in seen):
            continue  # unfixable, or the same event dead-lettered by another group/round
        if event_id:
            seen.add(event_id)
        chosen.append(letter)
    if not chosen:
        return []
    producer = AIOKafkaProducer(
        **KafkaConnection.of(kafka).client_kwargs(), enable_idempotence=True, acks="all"
    )
    await producer.start()
    try:
        for letter in chosen:
            await producer.send_and_wait(
                letter.original_topic,
                value=letter.value,
                key=letter.key,
                headers=[
                    *letter.original_headers,
                    ("dlq_replayed_from", f"{letter.dlq_topic}@{letter.offset}".encode()),
                ],
            )
    finally:
        await producer.stop()
    log.info("dlq.replayed", topic=topic, count=len(chosen))
    return chosen


def _normalise_id(value: str) -> str:
    try:
        return str(UUID(value))
    except ValueError:
        return value
