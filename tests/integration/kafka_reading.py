"""Reading back what landed on a topic, as the integration tests check it."""

from __future__ import annotations

import time

from aiokafka import AIOKafkaConsumer

from voorportaal_contracts.envelope import Envelope, from_kafka


def from_the_start(bootstrap: str, topic: str) -> AIOKafkaConsumer:
    """A consumer (not started) that reads `topic` from its first record, in no group."""
    return AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )


async def read_topic(bootstrap: str, topic: str, key: str, wait_s: float = 20) -> list[Envelope]:
    """Every event on `topic` with this key (a case id), from the beginning, until the topic
    has been quiet for two seconds or `wait_s` passed."""
    consumer = from_the_start(bootstrap, topic)
    await consumer.start()
    found: list[Envelope] = []
    try:
        deadline = time.monotonic() + wait_s
        quiet = 0
        while time.monotonic() < deadline and quiet < 4:
            batch = await consumer.getmany(timeout_ms=500)
            quiet = 0 if batch else quiet + 1
            for records in batch.values():
                found += [
                    from_kafka(r.key, r.value, r.headers) for r in records if r.key == key.encode()
                ]
    finally:
        await consumer.stop()
    return found
