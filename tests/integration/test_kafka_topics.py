"""Topics are the operator's: services create them only where allowed, `apply_topics` (the
`voorportaal topics` command) makes the cluster's topics what the code declares."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from click.testing import CliRunner
from sqlalchemy.ext.asyncio import AsyncSession
from structlog.testing import capture_logs
from testapp import Counted

from voorportaal.cli import main
from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.topics import DAY_MS, TopicSpec
from voorportaal_kit.consumer import Subscription
from voorportaal_kit.kafka import apply_topics, missing_topics, topic_partitions
from voorportaal_kit.runtime import ServiceDefinition, ServiceRuntime
from voorportaal_kit.settings import ServiceSettings

pytestmark = pytest.mark.integration


async def _topic_config(bootstrap: str, topic: str) -> dict[str, str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        await admin.close()
    [(_code, _msg, _kind, _name, entries)] = response.resources
    return {entry[0]: entry[1] for entry in entries}


async def test_a_service_not_allowed_to_create_topics_leaves_them_to_the_operator(
    kafka_bootstrap: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    spec = TopicSpec(f"test.op-{uuid.uuid4().hex[:10]}", partitions=2)
    consumed = f"test.op-consumed-{uuid.uuid4().hex[:10]}"
    settings = ServiceSettings(
        service_name="test",
        data_dir=tmp_path,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_create_topics=False,
    )

    async def ignore(_session: AsyncSession, _envelope: Envelope) -> None:
        """Never called: nothing is published."""

    runtime = ServiceRuntime(
        ServiceDefinition(
            settings=settings,
            migrations_dir=tmp_path,
            title="t",
            topics=[spec],
            # FastStream would create a subscriber's missing topic itself unless told not to.
            subscriptions=lambda _rt: [Subscription(consumed, "test.op", {Counted: ignore})],
        )
    )
    with capture_logs() as logs:
        async with runtime.lifespan():
            # The consumer has started (past FastStream's topic creation) once aiokafka asks
            # the cluster for the topic; it waits there until the operator creates it.
            for _ in range(600):
                if any(consumed in r.getMessage() for r in caplog.records):
                    break
                await asyncio.sleep(0.05)
            assert runtime.broker is not None
            assert runtime.broker.config.broker_config.allow_auto_create_topics is False
            assert any(consumed in r.getMessage() for r in caplog.records)
    assert await missing_topics(kafka_bootstrap, [spec.name, consumed]) == [spec.name, consumed]
    [warning] = [e for e in logs if e["event"] == "runtime.kafka_topics_missing"]
    assert set(warning["topics"]) == {spec.name, f"{consumed}.dlq"}


async def test_applying_topics_creates_configures_and_grows_them_as_declared(
    kafka_bootstrap: str,
) -> None:
    name = f"test.apply-{uuid.uuid4().hex[:10]}"
    missing = TopicSpec(f"{name}-new", partitions=2, retention_ms=3 * DAY_MS)
    # An existing topic that drifted: one partition, a retention set by hand.
    drifted = TopicSpec(name, partitions=3, retention_ms=7 * DAY_MS)
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(name, 1, 1, topic_configs={"retention.ms": str(DAY_MS)})]
        )
    finally:
        await admin.close()

    applied = await apply_topics(
        kafka_bootstrap, [missing, drifted], replication_factor=1, min_insync_replicas=1
    )

    assert applied.created == [missing.name]
    assert applied.configured == [drifted.name]
    assert applied.grown == {drifted.name: 3}
    partitions = await topic_partitions(kafka_bootstrap, [missing.name, drifted.name])
    assert partitions == {missing.name: [0, 1], drifted.name: [0, 1, 2]}
    assert (await _topic_config(kafka_bootstrap, drifted.name))["retention.ms"] == str(7 * DAY_MS)
    assert (await _topic_config(kafka_bootstrap, missing.name))["retention.ms"] == str(3 * DAY_MS)
    again = await apply_topics(
        kafka_bootstrap, [missing, drifted], replication_factor=1, min_insync_replicas=1
    )
    assert again.created == [] and again.grown == {}


def test_the_topics_command_refuses_more_insync_replicas_than_replicas() -> None:
    result = CliRunner().invoke(
        main, ["topics", "--replication-factor", "1", "--min-insync-replicas", "2"]
    )
    assert result.exit_code == 2
    assert "--min-insync-replicas" in result.output
    assert "more than the replication factor" in result.output
