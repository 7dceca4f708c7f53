"""A tiny service used by the reliability tests, run in-process or as a separate process.

It has one test event type (in its own registry, so the public AsyncAPI stays clean), one
table of applied events (no unique key: a double application would show as two rows), and
can run an outbox relay or a reliable consumer, optionally killing itself with SIGKILL at the
worst moment, so tests can prove that nothing is lost and nothing is applied twice.

    python testapp.py relay    --db URL --kill-after-batches N
    python testapp.py consume  --db URL --topic T --group G --kill-after-commit MARKER
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from collections.abc import Sequence
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Uuid, insert
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.registry import Event, EventRegistry
from voorportaal_kit.consumer import ReliableConsumer, RetryPolicy, Subscription
from voorportaal_kit.db import create_engine, create_sessions
from voorportaal_kit.dlq import DeadLetterPublisher
from voorportaal_kit.errors import PermanentError
from voorportaal_kit.kafka import create_broker, topic_partitions
from voorportaal_kit.outbox import OutboxRelay, create_producer
from voorportaal_kit.tables import kit_metadata

APP_PATH = Path(__file__)
test_events = EventRegistry()


@test_events.register("nl.voorportaal.test.counted", version=1, topic="test")
class Counted(Event):
    """A test fact: one numbered step of a case."""

    case_id: str
    seq: int
    fail: str | None = None  # "always" or "permanent": makes the handler fail on purpose


upgraded_events = EventRegistry()
"""A later release of the consumer, which also knows version 2 of the test event."""
upgraded_events.register("nl.voorportaal.test.counted", version=1, topic="test")(Counted)


@upgraded_events.register("nl.voorportaal.test.counted", version=2, topic="test")
class CountedV2(Counted):
    """Version 2 of the test fact (same fields; a new version number)."""


app_metadata = MetaData()
applied = Table(
    "applied",
    app_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False),
    Column("case_id", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("at", DateTime(timezone=True)),
)


async def create_schema(url: str) -> None:
    """Kit tables plus the applied table (tests only; services use migrations)."""
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(kit_metadata.create_all)
        await conn.run_sync(app_metadata.create_all)
    await engine.dispose()


async def apply_counted(session: AsyncSession, envelope: Envelope) -> None:
    """The handler: record the event (fails on purpose when the event says so)."""
    event = envelope.data
    assert isinstance(event, Counted)
    if event.fail == "permanent":
        raise PermanentError("this event breaks a rule")
    if event.fail == "always":
        raise RuntimeError("handler bug")
    await session.execute(
        insert(applied).values(
            event_id=envelope.id, case_id=event.case_id, seq=event.seq, at=envelope.time
        )
    )


def make_consumer(
    url: str,
    topic: str,
    group: str,
    dlq_producer: object,
    after_commit: object = None,
    *,
    upgraded: bool = False,
) -> tuple[ReliableConsumer, object]:
    """A ReliableConsumer for Counted events on `topic`."""
    engine = create_engine(url)
    sessions = create_sessions(engine)
    consumer = ReliableConsumer(
        Subscription(
            topic=topic,
            group=group,
            handlers=(
                {Counted: apply_counted, CountedV2: apply_counted}
                if upgraded
                else {Counted: apply_counted}
            ),
        ),
        engine=engine,
        sessions=sessions,
        dead_letters=DeadLetterPublisher(dlq_producer, group),  # type: ignore[arg-type]
        retry=RetryPolicy(max_attempts=3, initial_backoff_s=0.05, max_backoff_s=0.2),
        events=upgraded_events if upgraded else test_events,
        after_commit=after_commit,  # type: ignore[arg-type]
    )
    return consumer, engine


async def run_relay(url: str, bootstrap: str, kill_after_batches: int, batch_size: int) -> None:
    """Relay the outbox until it is empty (or kill ourselves after N published batches)."""
    engine = create_engine(url)
    sessions = create_sessions(engine)
    published = 0

    async def after_publish(ids: Sequence[int]) -> None:
        nonlocal published
        published += 1
        if kill_after_batches and published >= kill_after_batches:
            # Kafka has the batch; the database does not know yet: the worst moment.
            os.kill(os.getpid(), signal.SIGKILL)

    relay = OutboxRelay(
        engine,
        sessions,
        lambda: create_producer(bootstrap, "test-relay"),
        service_name="testapp",
        batch_size=batch_size,
        after_publish=after_publish,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    from sqlalchemy import func, select

    from voorportaal_kit.tables import outbox

    while True:
        async with sessions() as s:
            left = await s.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
            )
        if not left:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await task
    await engine.dispose()


async def run_consumer(
    url: str, bootstrap: str, topic: str, group: str, marker: str | None, expect: int
) -> None:
    """Consume until `expect` rows are applied; with a marker, die once after a commit."""
    dlq_producer = create_producer(bootstrap, "test-dlq")
    await dlq_producer.start()

    async def after_commit(envelopes: Sequence[Envelope]) -> None:
        if marker and envelopes and not Path(marker).exists():
            Path(marker).write_text("killed after commit, before the offset commit\n")
            os.kill(os.getpid(), signal.SIGKILL)

    consumer, engine = make_consumer(url, topic, group, dlq_producer, after_commit)
    broker = create_broker(bootstrap)
    consumer.register(broker)
    await broker.start()
    from sqlalchemy import func, select

    try:
        for _ in range(600):
            async with consumer._sessions() as s:
                count = await s.scalar(select(func.count()).select_from(applied))
            if count is not None and count >= expect:
                break
            await asyncio.sleep(0.1)
        deadline = asyncio.get_running_loop().time() + 60
        await wait_until_committed(bootstrap, topic, group, deadline)  # the final offset commit
    finally:
        await broker.stop()
        await dlq_producer.stop()
        await engine.dispose()  # type: ignore[attr-defined]


async def wait_until_committed(bootstrap: str, topic: str, group: str, deadline: float) -> None:
    """Until `group` has committed up to the end of every partition of `topic` (before the
    loop's clock passes `deadline`): a consumer commits after its transaction, so by then
    everything it would apply, a double apply too, is in the database."""
    parts = (await topic_partitions(bootstrap, [topic]))[topic]
    tps = [TopicPartition(topic, p) for p in parts]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await admin.start()
    await reader.start()
    try:
        while True:
            ends = await reader.end_offsets(tps)
            committed = await admin.list_consumer_group_offsets(group, partitions=tps)
            behind = {
                tp.partition: (committed[tp].offset if tp in committed else -1, end)
                for tp, end in ends.items()
                if end > 0 and (tp not in committed or committed[tp].offset < end)
            }
            if not behind:
                return
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the consumer never committed the whole topic: {behind}")
            await asyncio.sleep(0.1)
    finally:
        await reader.stop()
        await admin.close()


def main() -> None:
    """Entry point for the subprocess runs."""
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["relay", "consume"])
    parser.add_argument("--db", required=True)
    parser.add_argument(
        "--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    )
    parser.add_argument("--kill-after-batches", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--topic")
    parser.add_argument("--group")
    parser.add_argument("--kill-after-commit")
    parser.add_argument("--expect", type=int, default=0)
    args = parser.parse_args()
    if args.mode == "relay":
        asyncio.run(run_relay(args.db, args.bootstrap, args.kill_after_batches, args.batch_size))
    else:
        asyncio.run(
            run_consumer(
                args.db, args.bootstrap, args.topic, args.group, args.kill_after_commit, args.expect
            )
        )


if __name__ == "__main__":
    main()
