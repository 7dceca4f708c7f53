"""A service running on the real broker for an integration test: migrated, its consumers
joined, a producer to feed it, and waiting (bounded, on a condition) for what it does."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import RecordMetadata

from voorportaal.devservers import DevServers, start_dev_servers
from voorportaal_contracts.envelope import Envelope, KafkaRecord
from voorportaal_contracts.registry import Event
from voorportaal_kit.kafka import ensure_topics, topic_partitions
from voorportaal_kit.runtime import ServiceDefinition, ServiceRuntime
from voorportaal_notify.settings import NotifySettings


async def eventually(check: Callable[[], Any], what: str, wait_s: float = 60) -> Any:
    """Poll `check` (plain or async) until it gives something truthy, and return that.
    Generous by default: a service's first run of its consumer groups on the shared broker may
    read a long backlog (from `earliest`) first."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        await asyncio.sleep(0.2)
    raise AssertionError(f"never happened: {what}")


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def dev_servers(store: Path) -> Iterator[DevServers]:
    """The local SMTP server and SMS gateway stub on free ports, keeping what they receive in
    `store`; stopped after."""
    servers = start_dev_servers(store, free_port(), free_port())
    try:
        yield servers
    finally:
        servers.stop()


def quick_notify(
    data_dir: Path, database_url: str, bootstrap: str, servers: DevServers, **more: Any
) -> NotifySettings:
    """Notify's settings for a test: sending to `servers`, its delivery worker and consumers
    retrying quickly; `more` adds to them."""
    return NotifySettings(
        data_dir=data_dir,
        database_url=database_url,
        kafka_bootstrap_servers=bootstrap,
        smtp_port=servers.smtp.port,
        sms_gateway_url=servers.sms.url,
        worker_interval_s=0.2,
        consumer_backoff_initial_s=0.1,
        consumer_backoff_max_s=0.5,
        **more,
    )


async def project(runtime: ServiceRuntime, events: Iterable[Event], at: datetime) -> None:
    """Fold `events` (sent at `at`) into the in-process dossier of `runtime`, one transaction
    each, as its consumer does."""
    for event in events:
        async with runtime.sessions.begin() as session:
            envelope = Envelope(event, source="/test", time=at)
            await runtime.state["dossier"].projection.on_event(session, envelope)


async def publish(producer: AIOKafkaProducer, envelope: Envelope) -> RecordMetadata:
    """Send `envelope` as it travels (its topic, key and headers) and wait for the broker."""
    return await send_record(producer, envelope.to_kafka())


async def send_record(producer: AIOKafkaProducer, record: KafkaRecord) -> RecordMetadata:
    """Send a record as the contracts shape it (e.g. signed after `to_kafka`) and wait."""
    return await producer.send_and_wait(
        record.topic, record.value, key=record.key, headers=list(record.headers)
    )


async def publish_once(bootstrap: str, envelope: Envelope) -> None:
    """`publish` on an idempotent producer of its own, started and stopped for this one."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        await publish(producer, envelope)
    finally:
        await producer.stop()


async def messaging_ready(runtime: ServiceRuntime, attempts: int = 120) -> None:
    """Wait (half a second an attempt) until the service's consumers and producer answer."""
    for _ in range(attempts):
        try:
            await runtime.check_messaging()
            break
        except RuntimeError:
            await asyncio.sleep(0.5)


async def messaging_up(runtime: ServiceRuntime, wait_s: float = 60) -> None:
    """Wait until the service's consumers and producer answer; fail after `wait_s`."""

    async def answers() -> bool:
        try:
            await runtime.check_messaging()
        except RuntimeError:
            return False
        return True

    await eventually(answers, "the service's consumers joined", wait_s)


@asynccontextmanager
async def serving(runtime: ServiceRuntime, bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    """The service migrated and running, with an idempotent producer for the test's events."""
    await asyncio.to_thread(runtime.migrate)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        async with runtime.lifespan():
            await messaging_ready(runtime)
            yield producer
    finally:
        await producer.stop()


def own_groups(service: ServiceDefinition, prefix: str) -> ServiceDefinition:
    """The service with consumer groups of its own (`<prefix>.<group>`), so a run of the same
    service elsewhere on the shared broker (another session's tests, a `voorportaal up`) never
    takes its partitions."""
    subscriptions = service.subscriptions
    return dataclasses.replace(
        service,
        subscriptions=lambda runtime: [
            dataclasses.replace(s, group=f"{prefix}.{s.group}") for s in subscriptions(runtime)
        ],
    )


async def join_at_the_end(bootstrap: str, runtime: ServiceRuntime) -> None:
    """Commit the runtime's consumer groups at the topics' ends before it starts: the shared
    broker holds every earlier run's events, and a new group would read them all first."""
    await ensure_topics(bootstrap, list(runtime.definition.topics))
    for subscription in runtime.definition.subscriptions(runtime):
        parts = (await topic_partitions(bootstrap, [subscription.topic]))[subscription.topic]
        tps = [TopicPartition(subscription.topic, p) for p in parts]
        if not tps:
            continue
        consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, group_id=subscription.group, enable_auto_commit=False
        )
        await consumer.start()
        try:
            consumer.assign(tps)
            await consumer.seek_to_end(*tps)
            await consumer.commit({tp: await consumer.position(tp) for tp in tps})
        finally:
            await consumer.stop()
