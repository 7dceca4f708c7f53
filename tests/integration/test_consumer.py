"""The reliable consumer against the real broker and real databases."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import func, select
from testapp import (
    APP_PATH,
    Counted,
    applied,
    create_schema,
    make_consumer,
    wait_until_committed,
)

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.topics import dlq_topic
from voorportaal_kit.dlq import read_dead_letters, replay
from voorportaal_kit.kafka import create_broker
from voorportaal_kit.metrics import REGISTRY
from voorportaal_kit.outbox import create_producer

pytestmark = pytest.mark.integration


def record(event: Counted, event_id: uuid.UUID | None = None) -> tuple[bytes, bytes, list]:
    env = Envelope(event, source="/voorportaal/test", **({"id": event_id} if event_id else {}))
    r = env.to_kafka("x")
    return r.key, r.value, r.headers


async def publish(
    bootstrap: str, topic: str, records: list[tuple[bytes | None, bytes | None, list]]
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for key, value, headers in records:
            await producer.send_and_wait(topic, value=value, key=key, headers=headers)
    finally:
        await producer.stop()


async def applied_rows(consumer: object) -> list[tuple[str, int]]:
    async with consumer._sessions() as s:  # type: ignore[attr-defined]
        return [
            (str(r.event_id), r.seq)
            for r in (
                await s.execute(select(applied.c.event_id, applied.c.seq).order_by(applied.c.id))
            ).all()
        ]


async def consume_until(
    url: str,
    bootstrap: str,
    topic: str,
    *,
    rows: int,
    dead: int = 0,
    timeout: float = 60,
    group: str | None = None,
    upgraded: bool = False,
    then: Callable[[], Awaitable[None]] | None = None,
    duplicates: int = 0,
) -> tuple[list[tuple[str, int]], list]:
    """Run a consumer in-process until `rows` are applied and `dead` dead-lettered; then run
    `then` (e.g. publish a redelivery) and wait until the inbox has dropped `duplicates`, and
    until the consumer has committed every record on the topic: it commits after its
    transaction, so anything extra (a double apply) is in the database by then."""
    group = group or f"test-{uuid.uuid4().hex[:8]}"
    dlq_producer = create_producer(bootstrap, "test-dlq")
    await dlq_producer.start()
    consumer, engine = make_consumer(url, topic, group, dlq_producer, upgraded=upgraded)
    broker = create_broker(bootstrap)
    consumer.register(broker)
    await broker.start()
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            got = await applied_rows(consumer)
            letters = [x async for x in read_dead_letters(bootstrap, dlq_topic(topic))]
            if len(got) >= rows and len(letters) >= dead:
                if then is not None:
                    await then()
                    await wait_for_duplicates(topic, group, duplicates, deadline)
                await wait_until_committed(bootstrap, topic, group, deadline)
                letters = [x async for x in read_dead_letters(bootstrap, dlq_topic(topic))]
                return await applied_rows(consumer), letters
            if asyncio.get_running_loop().time() > deadline:
                pytest.fail(f"timed out: {len(got)}/{rows} applied, {len(letters)}/{dead} dead")
            await asyncio.sleep(0.2)
    finally:
        await broker.stop()
        await dlq_producer.stop()
        await engine.dispose()  # type: ignore[attr-defined]


async def wait_for_duplicates(topic: str, group: str, n: int, deadline: float) -> None:
    """Until the consumer has counted `n` events as already applied (the inbox said so)."""
    while (
        REGISTRY.get_sample_value(
            "voorportaal_events_consumed_total",
            {"topic": topic, "group": group, "outcome": "duplicate"},
        )
        or 0
    ) < n:
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"the consumer never saw {n} redelivered event(s)")
        await asyncio.sleep(0.1)


async def test_event_delivered_again_after_it_was_applied_is_a_no_op(
    database_url: str, kafka_bootstrap: str, topic: str
) -> None:
    await create_schema(database_url)
    twice = uuid.uuid4()
    first = record(Counted(case_id="case-twice-1", seq=1), twice)
    await publish(kafka_bootstrap, topic, [first, record(Counted(case_id="case-twice-1", seq=2))])

    async def redeliver() -> None:  # only after the first copy was applied and committed
        await publish(kafka_bootstrap, topic, [first])

    rows, letters = await consume_until(
        database_url, kafka_bootstrap, topic, rows=2, then=redeliver, duplicates=1
    )

    assert [seq for _, seq in rows] == [1, 2]
    assert rows[0][0] == str(twice)
    assert letters == [], "a redelivery is a silent no-op, not an error"


def _with(headers: list, name: str, value: bytes | None) -> list:
    out = [(n, v) for n, v in headers if n != name]
    return out if value is None else [*out, (name, value)]


async def test_poison_messages_go_to_dlq_with_reason_and_the_next_message_is_processed(
    database_url: str, kafka_bootstrap: str, topic: str
) -> None:
    await create_schema(database_url)
    key, value, headers = record(Counted(case_id="case-poison-1", seq=1))
    good = record(Counted(case_id="case-poison-1", seq=2))
    await publish(
        kafka_bootstrap,
        topic,
        [
            (key, b"{this is not json", headers),
            (key, value, _with(headers, "ce_type", b"nl.voorportaal.test.unheard-of")),
            (key, value, _with(headers, "ce_schemaversion", b"7")),
            (key, value, _with(headers, "ce_id", None)),
            (key, b"", []),  # no headers at all
            (key, value, _with(headers, "ce_source", b"\xff\xfe not UTF-8")),
            record(Counted(case_id="case-poison-1", seq=90, fail="always")),
            record(Counted(case_id="case-poison-1", seq=91, fail="permanent")),
            good,
        ],
    )

    rows, letters = await consume_until(database_url, kafka_bootstrap, topic, rows=1, dead=8)

    assert [seq for _, seq in rows] == [2]
    codes = [letter.reason_code for letter in letters]
    assert codes == [
        "bad_json",
        "unknown_type",
        "unknown_version",
        "missing_header",
        "missing_header",
        "bad_header",
        "handler_failed",
        "handler_rejected",
    ]
    assert "ce_id" in letters[3].reason
    assert "not JSON" in letters[0].reason
    assert "not UTF-8" in letters[5].reason
    assert letters[6].attempts == 3
    assert letters[6].reason == "RuntimeError (after 3 attempts)", "the type, never the text"
    assert all(letter.original_topic == topic for letter in letters)
    assert letters[0].value == b"{this is not json", "the original message travels unchanged"


async def test_dead_letter_replayed_after_an_upgrade_is_applied_exactly_once(
    pg_database_url: str, kafka_bootstrap: str, topic: str
) -> None:
    await create_schema(pg_database_url)
    key, value, headers = record(Counted(case_id="case-replay-1", seq=1))
    # A producer already speaks version 2; this consumer release does not know it yet.
    await publish(kafka_bootstrap, topic, [(key, value, _with(headers, "ce_schemaversion", b"2"))])
    group = f"replay-{uuid.uuid4().hex[:8]}"
    rows, letters = await consume_until(
        pg_database_url, kafka_bootstrap, topic, rows=0, dead=1, group=group
    )
    assert rows == [] and letters[0].reason_code == "unknown_version"

    # The upgraded release is deployed; the operator replays the dead letter, and later,
    # by mistake, once more.
    async def replay_it() -> None:
        replayed = await replay(kafka_bootstrap, dlq_topic(topic), offsets={letters[0].offset})
        assert len(replayed) == 1
        assert replayed[0].original_topic == topic

    await replay_it()
    rows, after = await consume_until(
        pg_database_url,
        kafka_bootstrap,
        topic,
        rows=1,
        dead=1,
        group=group,
        upgraded=True,
        then=replay_it,
        duplicates=1,
    )
    assert [seq for _, seq in rows] == [1], "replayed twice, applied once"
    assert len(after) == 1, "the replayed copies were applied, not dead-lettered again"


async def test_consumer_killed_between_db_commit_and_offset_commit_does_not_double_apply(
    database_url: str, kafka_bootstrap: str, topic: str, tmp_path: Path
) -> None:
    await create_schema(database_url)
    await publish(
        kafka_bootstrap,
        topic,
        [record(Counted(case_id=f"case-crash-{i % 5}", seq=i)) for i in range(60)],
    )
    group = f"crash-{uuid.uuid4().hex[:8]}"
    marker = tmp_path / "killed"
    base = [
        sys.executable,
        str(APP_PATH),
        "consume",
        "--db",
        database_url,
        "--bootstrap",
        kafka_bootstrap,
        "--topic",
        topic,
        "--group",
        group,
        "--expect",
        "60",
    ]

    first = subprocess.Popen([*base, "--kill-after-commit", str(marker)])
    assert await asyncio.to_thread(first.wait, 120) == -9
    assert marker.exists()

    second = subprocess.Popen(base)
    assert await asyncio.to_thread(second.wait, 120) == 0

    from voorportaal_kit.db import create_engine, create_sessions

    engine = create_engine(database_url)
    async with create_sessions(engine)() as s:
        total = await s.scalar(select(func.count()).select_from(applied))
        distinct = await s.scalar(select(func.count(applied.c.event_id.distinct())))
    await engine.dispose()
    assert total == distinct == 60
    assert [x async for x in read_dead_letters(kafka_bootstrap, dlq_topic(topic))] == []
