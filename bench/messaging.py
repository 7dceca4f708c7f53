"""Throughput of the outbox relay and the inbox consumer against raw aiokafka, in one run.

The machines are noisy, so nothing here is an absolute target: each reliable path is measured
as a ratio of the raw aiokafka loop measured minutes earlier on the same broker.

    uv run python bench/messaging.py [--events 20000] [--database-url URL]

Targets (issue 2): relay >= 50% of a raw idempotent producer; consumer with inbox on
PostgreSQL >= 25% of a raw consumer. Also reports the peak RSS of a service process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy.ext.asyncio import AsyncSession

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration"))
from testapp import Counted, apply_counted, create_schema, test_events

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.topics import TopicSpec, dlq_spec
from voorportaal_kit.consumer import ReliableConsumer, Subscription
from voorportaal_kit.db import create_database, create_engine, create_sessions, drop_database
from voorportaal_kit.dlq import DeadLetterPublisher
from voorportaal_kit.kafka import create_broker, ensure_topics
from voorportaal_kit.outbox import OutboxRelay, add_events, create_producer

ROOT = Path(__file__).resolve().parents[1]


def envelopes(n: int) -> list[Envelope]:
    return [
        Envelope(Counted(case_id=f"case-{i % 500:05d}-bench", seq=i), source="/bench")
        for i in range(n)
    ]


async def raw_produce(bootstrap: str, topic: str, events: list[Envelope]) -> float:
    records = [e.to_kafka(topic) for e in events]
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        max_batch_size=256 * 1024,
    )
    await producer.start()
    try:
        started = time.perf_counter()
        pending = [
            await producer.send(topic, value=r.value, key=r.key, headers=r.headers) for r in records
        ]
        await asyncio.gather(*pending)
        return len(records) / (time.perf_counter() - started)
    finally:
        await producer.stop()


async def relay_produce(
    bootstrap: str, url: str, topic: str, events: list[Envelope], batch_size: int
) -> float:
    await create_schema(url)
    engine = create_engine(url)
    sessions = create_sessions(engine)
    for i in range(0, len(events), 1000):
        async with sessions.begin() as session:
            await add_events(session, events[i : i + 1000], topic=topic)
    relay = OutboxRelay(
        engine,
        sessions,
        lambda: create_producer(bootstrap, "bench-relay"),
        service_name="bench",
        batch_size=batch_size,
    )
    try:
        await relay._ensure_producer()  # warm up: connected before the clock starts
        started = time.perf_counter()
        sent = await relay.drain()
        return sent / (time.perf_counter() - started)
    finally:
        await relay._close_producer()
        await engine.dispose()


async def raw_consume(bootstrap: str, topic: str, n: int) -> float:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bench-raw-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_poll_records=500,
    )
    await consumer.start()
    try:
        got = 0
        started: float | None = None
        while got < n:
            batch = await consumer.getmany(timeout_ms=1000, max_records=500)
            if batch and started is None:
                started = time.perf_counter()
            for records in batch.values():
                for r in records:
                    json.loads(r.value)  # the least a consumer does with a message
                got += len(records)
            if batch:
                await consumer.commit()
        assert started is not None
        return got / (time.perf_counter() - started)
    finally:
        await consumer.stop()


async def inbox_consume(
    bootstrap: str, url: str, topic: str, n: int, max_records: int, *, insert_per_event: bool
) -> float:
    """The kit's consumer through FastStream: envelope parsing, inbox claim on PostgreSQL, one
    transaction and one offset commit per batch. The handler either does nothing of its own
    (what the kit costs) or one INSERT per event (a typical projection)."""
    await create_schema(url)
    dlq = create_producer(bootstrap, "bench-dlq")
    await dlq.start()
    engine = create_engine(url)
    sessions = create_sessions(engine)
    handled = 0
    first_seen, all_seen = asyncio.Event(), asyncio.Event()

    def count() -> None:
        nonlocal handled
        handled += 1
        first_seen.set()
        if handled >= n:
            all_seen.set()

    async def count_only(_session: AsyncSession, _envelope: Envelope) -> None:
        count()

    async def insert_row(session: AsyncSession, envelope: Envelope) -> None:
        await apply_counted(session, envelope)
        count()

    group = f"bench-inbox-{uuid.uuid4().hex[:6]}"
    consumer = ReliableConsumer(
        Subscription(
            topic=topic,
            group=group,
            max_records=max_records,
            handlers={Counted: insert_row if insert_per_event else count_only},
        ),
        engine=engine,
        sessions=sessions,
        dead_letters=DeadLetterPublisher(dlq, group),
        events=test_events,
    )
    broker = create_broker(bootstrap)
    consumer.register(broker)
    await broker.start()
    try:
        await first_seen.wait()
        # Measured from the first handled event, as the raw loop is from its first batch.
        started = time.perf_counter()
        first = handled
        await all_seen.wait()
        return (handled - first) / (time.perf_counter() - started)
    finally:
        await broker.stop()
        await dlq.stop()
        await engine.dispose()


def peak_rss_kib(cmd: list[str], env: dict[str, str], port: int | None) -> int:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if port is not None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    for path in ("/health", "/ready", "/metrics", "/schema/openapi.json") * 25:
                        urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5)
                    break
                except OSError:
                    time.sleep(0.3)
            time.sleep(2)
        else:
            time.sleep(1)
        with open(f"/proc/{proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return -1
    except FileNotFoundError:
        return -1
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(20)


async def one_round(args: argparse.Namespace) -> dict[str, float]:
    """Each reliable path right after its raw baseline, on fresh topics and a fresh database."""
    run = uuid.uuid4().hex[:8]
    raw_topic, relay_topic = f"bench.raw.{run}", f"bench.relay.{run}"
    await ensure_topics(
        args.bootstrap, [TopicSpec(raw_topic), TopicSpec(relay_topic), dlq_spec(raw_topic)]
    )
    r: dict[str, float] = {}
    r["raw_produce_per_s"] = await raw_produce(args.bootstrap, raw_topic, envelopes(args.events))
    r["relay_produce_per_s"] = await relay_produce(
        args.bootstrap,
        await _fresh_database(args.database_url),
        relay_topic,
        envelopes(args.events),
        args.relay_batch,
    )
    r["raw_consume_per_s"] = await raw_consume(args.bootstrap, raw_topic, args.events)
    for insert_per_event, name in (
        (False, "inbox_consume_pg_per_s"),
        (True, "inbox_consume_pg_insert_per_event_per_s"),
    ):
        r[name] = await inbox_consume(
            args.bootstrap,
            await _fresh_database(args.database_url),
            raw_topic,
            args.events,
            args.consumer_batch,
            insert_per_event=insert_per_event,
        )
    r["relay_ratio"] = r["relay_produce_per_s"] / r["raw_produce_per_s"]
    r["inbox_ratio"] = r["inbox_consume_pg_per_s"] / r["raw_consume_per_s"]
    r["inbox_insert_per_event_ratio"] = (
        r["inbox_consume_pg_insert_per_event_per_s"] / r["raw_consume_per_s"]
    )
    return r


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "VOORPORTAAL_BENCH_PG_URL",
            "postgresql+asyncpg://voorportaal:voorportaal@127.0.0.1:5432/voorportaal_bench",
        ),
    )
    parser.add_argument("--relay-batch", type=int, default=1000)
    parser.add_argument("--consumer-batch", type=int, default=500)
    args = parser.parse_args()

    rounds = [await one_round(args) for _ in range(args.rounds)]
    for i, r in enumerate(rounds, 1):
        print(
            f"round {i}: "
            + ", ".join(f"{k}={v:.2f}" if "ratio" in k else f"{k}={v:.0f}" for k, v in r.items())
        )
    results = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}

    service_db = await _fresh_database(args.database_url)
    env = {
        **os.environ,
        "VOORPORTAAL_INTAKE_HTTP_PORT": "8911",
        "VOORPORTAAL_INTAKE_DATABASE_URL": service_db,
        "KAFKA_BOOTSTRAP_SERVERS": args.bootstrap,
        "VOORPORTAAL_INTAKE_LOG_LEVEL": "WARNING",
    }
    results["service_peak_rss_mib"] = (
        peak_rss_kib([sys.executable, "-m", "voorportaal", "serve", "intake"], env, 8911) / 1024
    )
    results["bare_python_peak_rss_mib"] = (
        peak_rss_kib([sys.executable, "-c", "import time; time.sleep(5)"], env, None) / 1024
    )

    print(f"medians over {args.rounds} round(s) of {args.events} events:")
    print(json.dumps({k: round(v, 3) for k, v in results.items()}, indent=2))
    verdict = {True: "OK", False: "BELOW TARGET"}
    print(
        f"relay  {results['relay_ratio']:.0%} of raw producer (target >= 50%): "
        f"{verdict[results['relay_ratio'] >= 0.5]}"
    )
    print(
        f"inbox  {results['inbox_ratio']:.0%} of raw consumer, inbox on PostgreSQL "
        f"(target >= 25%): {verdict[results['inbox_ratio'] >= 0.25]}"
    )
    print(
        f"inbox  with one INSERT per event in the handler: "
        f"{results['inbox_insert_per_event_ratio']:.0%} of raw consumer (no target)"
    )
    print(
        f"service process peak RSS {results['service_peak_rss_mib']:.0f} MiB "
        f"(bare python {results['bare_python_peak_rss_mib']:.0f} MiB)"
    )
    await _drop_created()
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"messaging-{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(
        json.dumps({"rounds": rounds, "medians": results}, indent=2)
    )


async def _fresh_database(base_url: str) -> str:
    """A new, empty database named after the base URL's, e.g. voorportaal_bench_1a2b3c."""
    from sqlalchemy.engine import make_url

    u = make_url(base_url)
    url = u.set(database=f"{u.database}_{uuid.uuid4().hex[:6]}").render_as_string(
        hide_password=False
    )
    await create_database(url)
    _created.append(url)
    return url


_created: list[str] = []


async def _drop_created() -> None:
    for url in _created:
        if not await drop_database(url):
            print(f"could not drop {url.rsplit('/', 1)[-1]}; drop it by hand")


if __name__ == "__main__":
    asyncio.run(main())
