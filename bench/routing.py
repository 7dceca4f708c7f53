"""Referrals routed per second, from `intake.events` to the agency topics, against a raw
consume-produce loop measured in the same run on the same broker.

    uv run python bench/routing.py [--intakes 2000] [--rounds 3]

Routing runs in-process on PostgreSQL with its real consumer (inbox, one transaction per batch)
and its real outbox relay, logging configured as the service configures it; a round ends when
every intake's referrals are on their agency topics (the outbox is empty of unsent rows). The
baseline reads the same number of intakes with a plain aiokafka consumer and, for each,
produces as many records as routing did per intake, with an idempotent producer (acks=all) —
the least a consume-produce service can do. Both are measured the same way: their consumer
groups have joined and are idle when the clock starts, the intakes are then published by
another process (`publisher.py`, as the intake service would), and the clock runs until the
last output is acknowledged. Target (issue 4): routing at least 30 % of the raw loop.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from publisher import Publisher, Record
from sqlalchemy import func, select, text

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import IntakeSubmitted
from voorportaal_contracts.topics import INTAKE_EVENTS, TopicSpec
from voorportaal_kit.db import create_database, drop_database
from voorportaal_kit.kafka import consumer_lag, ensure_topics, topic_partitions
from voorportaal_kit.logging import configure_logging
from voorportaal_kit.metrics import applied_events
from voorportaal_kit.runtime import ServiceRuntime, tune_gc_for_serving
from voorportaal_routing.adapters.orm import referrals
from voorportaal_routing.app import definition
from voorportaal_routing.settings import RoutingSettings

PG = "postgresql+asyncpg://voorportaal:voorportaal@127.0.0.1:5432/voorportaal_bench"
BOOTSTRAP = "127.0.0.1:9092"
# Employees who lost their job and are entitled to WW (`unemployment_benefit`, the gate need
# routing's WW rules read since issue 18): the same referrals per intake as before that gate.
NEEDS = (
    ["income_gap", "unemployment_benefit", "allowances"],
    ["debts", "housing_costs"],
    ["income_gap", "unemployment_benefit", "work"],
)


def intakes(n: int, tag: str) -> list[Envelope]:
    now = datetime.now(UTC)
    return [
        Envelope(
            IntakeSubmitted(
                case_id=f"vp-b{tag}{i:08d}",
                intake_id=f"bench-{i}",
                life_events=["income_loss"],
                channel="web",
                redzaamheid="middengroep",
                urgency="normal",
                needs=NEEDS[i % len(NEEDS)],
                municipality_code="GM0344",
                share_with=["uwv"],
                submitted_at=now,
            ),
            source="/bench",
            time=now,
        )
        for i in range(n)
    ]


def as_records(topic: str, events: list[Envelope]) -> list[Record]:
    return [(r.topic, r.key, r.value, list(r.headers)) for r in (e.to_kafka(topic) for e in events)]


async def raw_loop(source: str, sink: str, n: int, fan_out: float, tmp: Path) -> float:
    """Consume n records and produce `fan_out` records per record; returns intakes/s."""
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=BOOTSTRAP,
        group_id=f"bench-raw-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_poll_records=200,
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=BOOTSTRAP, enable_idempotence=True, acks="all", linger_ms=5
    )
    await consumer.start()
    await producer.start()
    seen, owed = 0, 0.0
    try:
        while not consumer.assignment():  # joined before the clock starts, as routing's groups
            await consumer.getmany(timeout_ms=100)
        publisher = await Publisher.ready(as_records(source, intakes(n, "raw")), tmp)
        started, cpu = time.perf_counter(), time.process_time()
        await publisher.go()
        while seen < n:
            batch = await consumer.getmany(timeout_ms=1000, max_records=200)
            for records in batch.values():
                for record in records:
                    seen += 1
                    owed += fan_out
                    while owed >= 1:
                        owed -= 1
                        await producer.send(
                            sink, record.value, key=record.key, headers=list(record.headers or [])
                        )
            await producer.flush()
            await consumer.commit()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        await publisher.done()  # after the clock: the publisher process's exit is not the loop's
        print(f"  raw: {n} intakes in {elapsed:.1f}s, {cpu * 1e6 / n:.0f} us CPU per intake")
        return n / elapsed
    finally:
        await consumer.stop()
        await producer.stop()


async def routing_round(n: int, db: str, tmp: Path) -> tuple[float, float]:
    """Route n intakes through the real service; returns (intakes/s, records per intake)."""
    settings = RoutingSettings(
        data_dir=tmp,
        database_url=db,
        kafka_bootstrap_servers=BOOTSTRAP,
        log_level="WARNING",
        sweep_interval_s=3600,
    )
    runtime = ServiceRuntime(definition(settings))
    await asyncio.to_thread(runtime.migrate)
    tune_gc_for_serving()  # as `serve` does once it has started up
    async with runtime.lifespan():
        while True:  # first drain what others left on the topics routing reads (all groups)
            try:
                await runtime.check_messaging()
                lags = [g for g in await consumer_lag(BOOTSTRAP) if g.group.startswith("routing.")]
                # A group that never committed has nothing on record: fine only while the
                # topic it reads is still empty (a fresh broker).
                committed = any(g.group == "routing.intakes" for g in lags)
                if all(g.lag == 0 for g in lags) and (
                    committed or await topic_is_empty(INTAKE_EVENTS)
                ):
                    break
            except RuntimeError:
                pass
            await asyncio.sleep(0.5)
        async with runtime.sessions() as session:
            before = await session.scalar(select(func.count()).select_from(referrals)) or 0
            sent_before = await session.scalar(text("SELECT count(*) FROM outbox")) or 0
        tag = uuid.uuid4().hex[:6]
        publisher = await Publisher.ready(as_records(INTAKE_EVENTS, intakes(n, tag)), tmp)
        intakes_before = applied_events(["routing.intakes"])
        started, cpu = time.perf_counter(), time.process_time()
        await publisher.go()
        routed_at: float | None = None
        # The consumers' applied-intakes counter is read in process (it costs the database
        # nothing); once it is reached, the database confirms every case is there and the
        # outbox has nothing unsent (a partial index answers that).
        progress = text(
            "SELECT (SELECT count(*) FROM routing_cases WHERE starts_with(case_id, :prefix)), "
            "(SELECT count(*) FROM outbox WHERE sent_at IS NULL)"
        )
        while True:
            if routed_at is None and applied_events(["routing.intakes"]) - intakes_before < n:
                await asyncio.sleep(0.01)
                continue
            async with runtime.engine.connect() as conn:
                cases, unsent = (await conn.execute(progress, {"prefix": f"vp-b{tag}"})).one()
            if cases == n and routed_at is None:
                routed_at = time.perf_counter() - started
            if cases == n and unsent == 0:
                break
            await asyncio.sleep(0.02)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        await publisher.done()
        async with runtime.sessions() as session:
            after = await session.scalar(select(func.count()).select_from(referrals)) or 0
            records = (await session.scalar(text("SELECT count(*) FROM outbox")) or 0) - sent_before
    print(
        f"  routing: {n} intakes -> {after - before} referrals, {records} records in "
        f"{elapsed:.1f}s (all routed after {routed_at or 0:.1f}s), "
        f"{cpu * 1e6 / n:.0f} us CPU per intake"
    )
    return n / elapsed, records / n


async def topic_is_empty(topic: str) -> bool:
    consumer = AIOKafkaConsumer(bootstrap_servers=BOOTSTRAP, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = (await topic_partitions(BOOTSTRAP, [topic])).get(topic, [])
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in partitions])
        return not any(ends.values())
    finally:
        await consumer.stop()


async def delete_topics(topics: list[str]) -> None:
    """The raw loop's topics go when the round ends (a broker full of topics makes every
    client's metadata refresh slower, for the next round too)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP)
    await admin.start()
    try:
        await admin.delete_topics(topics)
    finally:
        await admin.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--intakes", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    configure_logging("WARNING")  # as the service does (`serve`) with its log level
    tmp = Path("var/bench-routing")
    await asyncio.to_thread(tmp.mkdir, parents=True, exist_ok=True)
    ratios: list[float] = []
    for round_no in range(args.rounds):
        db = PG.replace("voorportaal_bench", f"voorportaal_bench_{uuid.uuid4().hex[:6]}")
        await create_database(db)
        try:
            routed, fan_out = await routing_round(args.intakes, db, tmp)
        finally:
            await drop_database(db)
        source, sink = (f"bench.routing.{uuid.uuid4().hex[:8]}" for _ in range(2))
        await ensure_topics(BOOTSTRAP, [TopicSpec(source, partitions=6), TopicSpec(sink)])
        try:
            raw = await raw_loop(source, sink, args.intakes, fan_out, tmp)
        finally:
            await delete_topics([source, sink])
        ratio = routed / raw
        ratios.append(ratio)
        print(
            f"round {round_no + 1}: routing {routed:.0f} intakes/s "
            f"({routed * fan_out:.0f} records/s), raw consume-produce {raw:.0f} intakes/s "
            f"at the same fan-out ({fan_out:.1f} records per intake) -> {ratio:.0%}"
        )
    median = statistics.median(ratios)
    print(
        f"median routing/raw: {median:.0%} (target >= 30%): "
        f"{'OK' if median >= 0.3 else 'BELOW TARGET'}"
    )


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
