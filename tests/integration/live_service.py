"""A service running on the real broker for an integration test: migrated, its consumers
joined, and a producer to feed it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiokafka import AIOKafkaProducer

from voorportaal_kit.runtime import ServiceRuntime


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
