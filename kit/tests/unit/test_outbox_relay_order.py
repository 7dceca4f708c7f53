"""The relay's ordering and marking rules, on SQLite with a recording producer."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from kit_engines import dispose_engines, kit_engine
from sqlalchemy import func, insert, select

from voorportaal_kit.db import create_sessions
from voorportaal_kit.outbox import OutboxRelay, add_tombstone, key_partitioner
from voorportaal_kit.tables import outbox

__all__ = ["dispose_engines"]  # the fixture, shared with the kit's other engine tests

T = datetime(2026, 11, 29, tzinfo=UTC)


class RecordingBatch:
    def __init__(self, capacity: int) -> None:
        self.records: list[tuple[bytes, bytes | None]] = []
        self.capacity = capacity
        self.closed = False

    def append(
        self, *, key: bytes, value: bytes | None, timestamp: None, headers: list[Any]
    ) -> object | None:
        if self.closed or (self.records and len(self.records) >= self.capacity):
            self.closed = True
            return None
        self.records.append((key, value))
        return object()

    def close(self) -> None:
        self.closed = True


class RecordingProducer:
    """The batch side of AIOKafkaProducer's API: records what a submitted batch holds, in
    the order batches are submitted, with `partitions` partitions per topic."""

    def __init__(self, partitions: int = 1, capacity: int = 1000) -> None:
        self.sent: list[tuple[str, bytes | None]] = []
        self.batches: list[tuple[str, int, list[tuple[bytes, bytes | None]]]] = []
        self.on_send: Any = None
        self.partitions = partitions
        self.capacity = capacity

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def partitions_for(self, topic: str) -> set[int]:
        return set(range(self.partitions))

    def create_batch(self) -> RecordingBatch:
        return RecordingBatch(self.capacity)

    async def send_batch(
        self, batch: RecordingBatch, topic: str, *, partition: int
    ) -> asyncio.Future[None]:
        self.batches.append((topic, partition, list(batch.records)))
        for key, value in batch.records:
            self.sent.append((key.decode(), value))
            if self.on_send is not None:
                await self.on_send(value)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


def row(row_id: int, case: str) -> dict[str, Any]:
    return {
        "id": row_id,
        "event_id": uuid4(),
        "topic": "t",
        "message_key": case,
        "event_type": "x",
        "headers": "ce_id=1",
        "value": f"{case}:{row_id}".encode(),
        "created_at": T,
    }


async def setup(
    tmp_path: Path, batch: int, producer: RecordingProducer | None = None
) -> tuple[Any, OutboxRelay, RecordingProducer]:
    engine = await kit_engine(f"sqlite+aiosqlite:///{tmp_path}/o.db")
    sessions = create_sessions(engine)
    producer = producer or RecordingProducer()
    relay = OutboxRelay(
        engine,
        sessions,
        lambda: producer,  # type: ignore[arg-type,return-value]
        service_name="t",
        batch_size=batch,
    )
    return sessions, relay, producer


async def test_a_row_that_commits_late_with_a_lower_id_still_goes_before_later_rows(
    tmp_path: Path,
) -> None:
    sessions, relay, producer = await setup(tmp_path, batch=3)
    async with sessions.begin() as s:  # 1, 2, 4 and 5 are visible; 3 is not committed yet
        await s.execute(insert(outbox), [row(1, "a"), row(2, "b"), row(4, "c"), row(5, "d")])

    async def commit_late_rows(value: bytes | None) -> None:
        if value == b"c:4":  # while the first batch (1, 2, 4) is in flight
            async with sessions.begin() as s:
                await s.execute(insert(outbox), [row(3, "x"), row(6, "x")])

    producer.on_send = commit_late_rows
    await relay.drain()
    # Row 3 (case x's first event) must not be overtaken by row 6 (its second).
    sent = [v for _, v in producer.sent]
    assert sent.index(b"x:3") < sent.index(b"x:6")
    assert sorted(sent) == [b"a:1", b"b:2", b"c:4", b"d:5", b"x:3", b"x:6"]


async def test_every_row_is_marked_sent_exactly_when_published(tmp_path: Path) -> None:
    sessions, relay, producer = await setup(tmp_path, batch=3)
    async with sessions.begin() as s:
        await s.execute(insert(outbox), [row(i, f"c{i % 2}") for i in range(1, 11)])
    assert await relay.drain() == 10
    assert await relay.drain() == 0
    async with sessions() as s:
        unsent = await s.scalar(
            select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
        )
    assert unsent == 0
    assert len(producer.sent) == 10


async def test_a_tombstone_is_published_as_a_null_value(tmp_path: Path) -> None:
    sessions, relay, producer = await setup(tmp_path, batch=10)
    async with sessions.begin() as s:
        await add_tombstone(s, "contact.points", "case-123456")
    await relay.drain()
    assert producer.sent == [("case-123456", None)]


async def test_rows_go_in_batches_per_partition_in_id_order_and_full_batches_go_first(
    tmp_path: Path,
) -> None:
    producer = RecordingProducer(partitions=3, capacity=2)
    sessions, relay, _ = await setup(tmp_path, batch=100, producer=producer)
    cases = [f"case-{n}" for n in range(6)]
    async with sessions.begin() as s:
        await s.execute(insert(outbox), [row(i, cases[i % 6]) for i in range(1, 31)])

    assert await relay.drain() == 30

    by_partition: dict[int, list[bytes | None]] = {}
    for topic, partition, records in producer.batches:
        assert topic == "t"
        assert 1 <= len(records) <= 2
        by_partition.setdefault(partition, []).extend(value for _, value in records)
        assert len({key_partitioner(key, [0, 1, 2], [0, 1, 2]) for key, _ in records}) == 1
        assert key_partitioner(records[0][0], [0, 1, 2], [0, 1, 2]) == partition
    for values in by_partition.values():
        ids = [int(v.decode().split(":")[1]) for v in values if v is not None]
        assert ids == sorted(ids), "a partition's rows go in id order"
    assert sum(len(v) for v in by_partition.values()) == 30
    assert len(by_partition) >= 2, "the cases spread over the partitions"
    sizes: dict[int, list[int]] = {}
    for _, partition, records in producer.batches:
        sizes.setdefault(partition, []).append(len(records))
    assert any(len(s) > 1 for s in sizes.values()), "a partition's rows overflowed one batch"
    for per_batch in sizes.values():
        assert all(n == 2 for n in per_batch[:-1]), "a batch goes early only when it is full"


async def test_published_events_are_counted_by_topic_and_type(tmp_path: Path) -> None:
    from voorportaal_kit.metrics import REGISTRY

    def published(event_type: str) -> float:
        labels = {"topic": "t", "type": event_type}
        return REGISTRY.get_sample_value("voorportaal_events_published_total", labels) or 0.0

    before = {t: published(t) for t in ("overdue", "failed")}
    sessions, relay, _ = await setup(tmp_path, batch=10)
    rows = [row(n, f"case-{n}") for n in range(1, 6)]
    for r in rows:
        r["event_type"] = "overdue" if r["id"] <= 3 else "failed"
    async with sessions.begin() as session:
        await session.execute(insert(outbox), rows)
    assert await relay.drain() == 5
    assert published("overdue") - before["overdue"] == 3
    assert published("failed") - before["failed"] == 2
