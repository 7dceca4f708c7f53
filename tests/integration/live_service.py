"""A service running on the real broker for an integration test: migrated, its consumers
joined, and a producer to feed it."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from voorportaal_kit.kafka import ensure_topics, topic_partitions
from voorportaal_kit.runtime import ServiceDefinition, ServiceRuntime


async def messaging_ready(runtime: ServiceRuntime, attempts: int = 120) -> None:
    """Wait (half a second an attempt) until the service's consumers and producer answer."""
    for _ in range(attempts):
        try:
            await runtime.check_messaging()
            break
        except RuntimeError:
            await asyncio.sleep(0.5)


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
