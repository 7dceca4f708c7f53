"""Dossier: events projected per second into PostgreSQL against a raw consume loop in the same
run, and the case read latency of a case with 1,000 timeline entries.

    uv run python bench/dossier.py [--cases 2000] [--reads 200]

Projection: the real dossier runtime (its consumers, inbox, one transaction per batch, each
case in a batch locked, folded and written once) on PostgreSQL, with its own consumer groups
joined at the topics' ends and logging configured as the service configures it; `--cases`
cases of four events each (intake, referral issued, buddy recommended, referral accepted) go
onto `intake.events` and `case.events`. The clock starts before the first record is published
(the consumers work while the producer is still sending, so that time counts too; the producer
is another process, as intake and routing are) and stops
when the consumers have committed every event (the kit's applied-events counter, read in
process, then the inbox to confirm that every one of ours is in). 2,000 cases (8,000 events)
by default: a burst after an outage or a replay, the load for which batch throughput matters;
at 500 the whole run lasts a fraction of a second and measures start-up more than throughput.
The baseline reads the same records afterwards with a plain aiokafka consumer. Target (issue
5): projection at least 25 % of the raw loop.

Read latency: one case with 1,000 timeline entries and 20 referrals, read `--reads` times by a
casemanager through the HTTP API (in-process ASGI client, so no network; every read is
authorised and audited as in production). Target: p99 below 50 ms.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition
from litestar.testing import AsyncTestClient
from publisher import Publisher
from sqlalchemy import func, select

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import ReferralIssued, ReferralReminded
from voorportaal_contracts.registry import Event
from voorportaal_contracts.topics import CASE_EVENTS, INTAKE_EVENTS
from voorportaal_dossier.app import definition
from voorportaal_dossier.settings import DossierSettings
from voorportaal_kit import testing
from voorportaal_kit.auth import issue_token
from voorportaal_kit.db import create_database, drop_database
from voorportaal_kit.kafka import topic_partitions
from voorportaal_kit.logging import configure_logging
from voorportaal_kit.metrics import applied_events
from voorportaal_kit.runtime import ServiceRuntime, tune_gc_for_serving
from voorportaal_kit.tables import inbox

PG = "postgresql+asyncpg://voorportaal:voorportaal@127.0.0.1:5432/voorportaal_bench"
BOOTSTRAP = "127.0.0.1:9092"
START = datetime.now(UTC).replace(microsecond=0)


def case_stream(case_id: str) -> list[Event]:
    """Four facts about one case, as intake and routing publish them."""
    return testing.case_stream(case_id, START)


async def join_at_the_end(settings: DossierSettings, runtime: ServiceRuntime) -> None:
    """Commit the bench's fresh consumer groups at the topics' current ends."""
    for subscription in runtime.definition.subscriptions(runtime):
        parts = (await topic_partitions(BOOTSTRAP, [subscription.topic]))[subscription.topic]
        consumer = AIOKafkaConsumer(
            bootstrap_servers=BOOTSTRAP, group_id=subscription.group, enable_auto_commit=False
        )
        await consumer.start()
        try:
            tps = [TopicPartition(subscription.topic, p) for p in parts]
            consumer.assign(tps)
            await consumer.seek_to_end(*tps)
            await consumer.commit({tp: await consumer.position(tp) for tp in tps})
        finally:
            await consumer.stop()


async def raw_consume(first: dict[str, dict[int, int]], n: int) -> float:
    consumer = AIOKafkaConsumer(bootstrap_servers=BOOTSTRAP, group_id=None)
    await consumer.start()
    try:
        tps = {TopicPartition(t, p): o for t, ps in first.items() for p, o in ps.items()}
        consumer.assign(list(tps))
        for tp, offset in tps.items():
            consumer.seek(tp, offset)
        seen = 0
        started = time.perf_counter()
        while seen < n:
            batch = await consumer.getmany(timeout_ms=1000, max_records=500)
            seen += sum(len(records) for records in batch.values())
        return n / (time.perf_counter() - started)
    finally:
        await consumer.stop()


async def projection(cases: int, db: str, tmp: Path) -> tuple[float, float, float]:
    settings = DossierSettings(
        data_dir=tmp,
        database_url=db,
        kafka_bootstrap_servers=BOOTSTRAP,
        log_level="WARNING",
        consumer_group_prefix=f"bench-dossier-{uuid.uuid4().hex[:6]}",
    )
    runtime = ServiceRuntime(definition(settings))
    await asyncio.to_thread(runtime.migrate)
    tune_gc_for_serving()  # as `serve` does once it has started up
    await join_at_the_end(settings, runtime)
    tag = uuid.uuid4().hex[:6]
    envelopes = [
        Envelope(event, source="/bench", time=START)
        for i in range(cases)
        for event in case_stream(f"vp-bd{tag}{i:08d}")
    ]
    records = [envelope.to_kafka() for envelope in envelopes]
    groups = [s.group for s in runtime.definition.subscriptions(runtime)]
    async with runtime.lifespan():
        while True:
            try:
                await runtime.check_messaging()
                break
            except RuntimeError:
                await asyncio.sleep(0.2)
        await asyncio.sleep(3)  # let the groups settle on their partitions
        # The records are published by another process, as intake and routing would: a
        # producer in this event loop would take its turns from the consumers measured here.
        publisher = await Publisher.ready(
            [(r.topic, r.key, r.value, list(r.headers)) for r in records], tmp
        )
        before = applied_events(groups, (INTAKE_EVENTS, CASE_EVENTS))
        started = time.perf_counter()
        await publisher.go()
        first = await publisher.done()
        produced = time.perf_counter() - started
        # The consumers count what they applied once its transaction committed; watching
        # that counter costs the database nothing (polling the inbox every 50 ms cost it a
        # good share of a core on this machine).
        # Others may publish on the shared broker meanwhile: the counter then runs ahead, so
        # the inbox confirms that every one of ours is in before the clock stops.
        ours = [envelope.id for envelope in envelopes]
        while True:
            if applied_events(groups, (INTAKE_EVENTS, CASE_EVENTS)) - before >= len(envelopes):
                async with runtime.sessions() as session:
                    stored = await session.scalar(
                        select(func.count())
                        .select_from(inbox)
                        .where(inbox.c.consumer.in_(groups), inbox.c.event_id.in_(ours))
                    )
                if stored == len(envelopes):
                    break
            await asyncio.sleep(0.01)
        projected = len(envelopes) / (time.perf_counter() - started)
    raw = await raw_consume(first, len(envelopes))
    return projected, raw, produced


async def read_latency(reads: int, db: str, tmp: Path) -> list[float]:
    settings = DossierSettings(
        data_dir=tmp, database_url=db, kafka_bootstrap_servers="127.0.0.1:1", log_level="WARNING"
    )
    runtime = ServiceRuntime(definition(settings))
    await asyncio.to_thread(runtime.migrate)
    case_id = f"vp-bigcase{uuid.uuid4().hex[:10]}"
    events: list[Event] = case_stream(case_id)[:3]
    for r in range(20):
        events.append(
            ReferralIssued(
                case_id=case_id,
                referral_id=f"ref-big-{r:03d}",
                agency_code="svb" if r % 2 else "gemeente",
                service_code="svb_aow" if r % 2 else "gemeente_bijstand",
                rule_id="bench",
                summary_shared=False,
                due_at=START + timedelta(days=5),
            )
        )
    while len(events) < 1000:
        n = len(events)
        events.append(
            ReferralReminded(
                case_id=case_id,
                referral_id=f"ref-big-{n % 20:03d}",
                agency_code="svb" if n % 2 else "gemeente",
                by="system",
                due_at=START + timedelta(days=5),
                reminded_at=START + timedelta(minutes=n),
            )
        )
    dossier = runtime.state["dossier"]
    async with runtime.sessions.begin() as session:
        for i, event in enumerate(events):
            await dossier.projection.on_event(
                session, Envelope(event, source="/bench", time=START + timedelta(seconds=i))
            )
    await runtime.engine.dispose()  # the client serves the app on its own event loop
    token = issue_token(settings.auth, "sv-bench", ["supervisor"], name="Bench")
    latencies: list[float] = []
    async with AsyncTestClient(runtime.app()) as client:
        headers = {"Authorization": f"Bearer {token}"}
        first = await client.get(f"/cases/{case_id}", headers=headers)
        first.raise_for_status()
        assert len(first.json()["timeline"]) >= 1000 or "timeline" in first.json()
        for _ in range(reads):
            t = time.perf_counter()
            response = await client.get(f"/cases/{case_id}", headers=headers)
            latencies.append(time.perf_counter() - t)
            response.raise_for_status()
    return latencies


async def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--reads", type=int, default=200)
    args = parser.parse_args()
    configure_logging("WARNING")  # as the service does (`serve`) with its log level
    tmp = Path("var/bench-dossier")
    await asyncio.to_thread(tmp.mkdir, parents=True, exist_ok=True)
    db = PG.replace("voorportaal_bench", f"voorportaal_bench_{uuid.uuid4().hex[:6]}")
    await create_database(db)
    try:
        projected, raw, produced = await projection(args.cases, db, tmp)
    finally:
        await drop_database(db)
    ratio = projected / raw
    print(
        f"projection: {projected:.0f} events/s into PostgreSQL, raw consume {raw:.0f} events/s "
        f"-> {ratio:.0%} (target >= 25%): {'OK' if ratio >= 0.25 else 'BELOW TARGET'} "
        f"[{args.cases * 4} events; publishing them took {produced:.2f} s of the clock]"
    )
    db = PG.replace("voorportaal_bench", f"voorportaal_bench_{uuid.uuid4().hex[:6]}")
    await create_database(db)
    try:
        latencies = await read_latency(args.reads, db, tmp)
    finally:
        await drop_database(db)
    ordered = sorted(latencies)
    p99 = ordered[min(int(len(ordered) * 0.99), len(ordered) - 1)] * 1000
    print(
        f"case read with 1,000 timeline entries and 20 referrals ({len(latencies)} reads): "
        f"p50 {statistics.median(latencies) * 1000:.1f} ms, p99 {p99:.1f} ms "
        f"(target p99 < 50 ms): {'OK' if p99 < 50 else 'ABOVE TARGET'}"
    )


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
