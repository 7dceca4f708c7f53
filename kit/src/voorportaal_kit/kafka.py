"""Kafka administration: topics created by code, consumer lag, broker reachability."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from faststream.kafka import KafkaBroker

from voorportaal_contracts.topics import TOPICS, TopicSpec, dlq_spec, is_dlq
from voorportaal_kit.kafka_client import KafkaConnection

log = structlog.get_logger()

Kafka = KafkaConnection | str
"""Where a kit function connects: a `KafkaConnection` (with its security), or bootstrap
servers of a plain development broker."""


def create_broker(
    kafka: Kafka, client_id: str = "voorportaal", *, create_topics: bool = True
) -> KafkaBroker:
    """A FastStream broker for the kit's consumers.

    Its per-message "Received"/"Processed" lines go to DEBUG: the consumer logs what matters
    (retries, dead letters) with case and event ids. Anything it publishes is idempotent.
    FastStream creates a subscriber's missing topic itself (with its own defaults) unless
    `create_topics` is off: a service that may not create topics passes off.
    """
    connection = KafkaConnection.of(kafka)
    return KafkaBroker(
        bootstrap_list(connection.bootstrap_servers),
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        log_level=logging.DEBUG,
        security=connection.faststream_security(),
        allow_auto_create_topics=create_topics,
    )


def admin_client(kafka: Kafka, **kwargs: Any) -> AIOKafkaAdminClient:
    """An admin client (not started) with the connection's security."""
    return AIOKafkaAdminClient(**KafkaConnection.of(kafka).client_kwargs(), **kwargs)


def plain_consumer(kafka: Kafka, *topics: str, **kwargs: Any) -> AIOKafkaConsumer:
    """A consumer (not started) with the connection's security."""
    return AIOKafkaConsumer(*topics, **KafkaConnection.of(kafka).client_kwargs(), **kwargs)


def bootstrap_list(bootstrap_servers: str) -> list[str]:
    """`host:port,host:port` as a list: FastStream wraps a string in a list whole, so a
    cluster's comma-separated addresses would reach aiokafka as one unparseable host."""
    return [server.strip() for server in bootstrap_servers.split(",") if server.strip()]


def all_topic_specs(agency_codes: Iterable[str] = ()) -> list[TopicSpec]:
    """Every topic the suite needs: the main topics, per-agency referral topics, their DLQs."""
    from voorportaal_contracts.topics import referral_spec

    specs = list(TOPICS) + [referral_spec(code) for code in agency_codes]
    return specs + [dlq_spec(spec.name) for spec in specs]


async def ensure_topics(
    kafka: Kafka,
    specs: Sequence[TopicSpec],
    *,
    replication_factor: int | None = None,
    min_insync_replicas: int | None = None,
) -> list[str]:
    """Create the topics that do not exist yet (idempotent); returns the names created.

    Replication follows the cluster unless given: factor 3 (`min.insync.replicas` 2) on a
    cluster of three or more brokers, 1 on the single local broker (`replication_for`)."""
    admin = admin_client(kafka)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [spec for spec in specs if spec.name not in existing]
        if not missing:
            return []
        if replication_factor is None:
            cluster = await admin.describe_cluster()
            replication_factor, auto_isr = replication_for(len(cluster["brokers"]))
            min_insync_replicas = min_insync_replicas or auto_isr
        if min_insync_replicas is None:
            min_insync_replicas = max(replication_factor - 1, 1)
        new = [
            NewTopic(
                name=spec.name,
                num_partitions=spec.partitions,
                replication_factor=replication_factor,
                topic_configs=spec.config(min_insync_replicas),
            )
            for spec in missing
        ]
        response = await admin.create_topics(new)
        # create_topics reports failures per topic instead of raising. 36 is "already
        # exists" (another process created it between our list and our create).
        failed = {name: code for name, code, *_ in response.topic_errors if code not in (0, 36)}
        if failed:
            raise RuntimeError(f"could not create topics (Kafka error codes): {failed}")
        created = [spec.name for spec in missing]
        log.info(
            "kafka.topics_created",
            topics=created,
            replication_factor=replication_factor,
            min_insync_replicas=min_insync_replicas,
        )
        return created
    finally:
        await admin.close()


@dataclass(frozen=True, slots=True)
class TopicsApplied:
    """What `apply_topics` did."""

    created: list[str]
    configured: list[str]
    """Existing topics whose configuration was set to the spec."""
    grown: dict[str, int]
    """Existing topics given more partitions: the new count."""


async def apply_topics(
    kafka: Kafka,
    specs: Sequence[TopicSpec],
    *,
    replication_factor: int,
    min_insync_replicas: int,
) -> TopicsApplied:
    """The operator's command: make the cluster's topics what the code declares.

    Missing topics are created; an existing topic gets the spec's configuration
    (`cleanup.policy`, `retention.ms`, `min.insync.replicas`; Kafka's AlterConfigs sets the
    whole topic configuration, so anything set by hand besides these returns to the default)
    and more partitions when it has fewer (Kafka cannot take partitions away, and more
    partitions move keys: an operator decides that, so it is only ever done here).
    """
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
    from aiokafka.admin.new_partitions import NewPartitions

    created = await ensure_topics(
        kafka,
        specs,
        replication_factor=replication_factor,
        min_insync_replicas=min_insync_replicas,
    )
    existing = [spec for spec in specs if spec.name not in created]
    if not existing:
        return TopicsApplied(created, [], {})
    partitions = await topic_partitions(kafka, [spec.name for spec in existing])
    admin = admin_client(kafka)
    await admin.start()
    try:
        responses = await admin.alter_configs(
            [
                ConfigResource(
                    ConfigResourceType.TOPIC, spec.name, spec.config(min_insync_replicas)
                )
                for spec in existing
            ]
        )
        failed = {
            name: (code, message)
            for response in responses
            for code, message, _kind, name in response.resources
            if code != 0
        }
        if failed:
            raise RuntimeError(f"could not configure topics (Kafka error code, message): {failed}")
        grow = {
            spec.name: NewPartitions(spec.partitions)
            for spec in existing
            if len(partitions[spec.name]) < spec.partitions
        }
        if grow:
            await admin.create_partitions(grow)
    finally:
        await admin.close()
    applied = TopicsApplied(
        created,
        [spec.name for spec in existing],
        {name: new.total_count for name, new in grow.items()},
    )
    log.info(
        "kafka.topics_applied",
        created=len(applied.created),
        configured=len(applied.configured),
        grown=applied.grown,
    )
    return applied


async def missing_topics(kafka: Kafka, names: Sequence[str]) -> list[str]:
    """The topics among `names` the cluster does not have (or this principal may not see)."""
    admin = admin_client(kafka)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
    finally:
        await admin.close()
    return [name for name in names if name not in existing]


def replication_for(brokers: int) -> tuple[int, int]:
    """(replication factor, min.insync.replicas) for new topics on a cluster of `brokers`:
    three copies, two of which must have a write before it is acknowledged (one broker may
    fail without loss or a stop), as in production; fewer brokers, as many copies as there
    are brokers."""
    factor = max(min(brokers, 3), 1)
    return factor, max(factor - 1, 1)


async def wait_for_broker(kafka: Kafka, timeout_s: float = 60.0) -> None:
    """Wait until the broker answers a metadata request, or raise TimeoutError."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    last: Exception | None = None
    while asyncio.get_running_loop().time() < deadline:
        try:
            await broker_reachable(kafka)
            return
        except Exception as exc:  # noqa: BLE001 - remembered and re-raised as the cause
            last = exc
            await asyncio.sleep(0.5)
    where = KafkaConnection.of(kafka).bootstrap_servers
    raise TimeoutError(f"Kafka at {where} did not answer in {timeout_s}s") from last


async def broker_reachable(kafka: Kafka) -> None:
    """Raise unless the broker answers a metadata request."""
    admin = admin_client(kafka, request_timeout_ms=5000)
    await admin.start()
    try:
        await admin.describe_cluster()
    finally:
        await admin.close()


@dataclass(frozen=True, slots=True)
class GroupLag:
    """How far one consumer group is behind on one topic."""

    group: str
    topic: str
    committed: int
    end: int

    @property
    def lag(self) -> int:
        """Records not yet committed by the group."""
        return max(self.end - self.committed, 0)


async def consumer_lag(kafka: Kafka) -> list[GroupLag]:
    """Lag of every consumer group, per topic (summed over partitions)."""
    admin = admin_client(kafka)
    await admin.start()
    consumer = plain_consumer(kafka, enable_auto_commit=False)
    await consumer.start()
    try:
        groups = [
            g[0] if isinstance(g, tuple) else g.group_id for g in await admin.list_consumer_groups()
        ]
        result = []
        for group in sorted(groups):
            offsets = await admin.list_consumer_group_offsets(group)
            if not offsets:
                continue
            ends = await consumer.end_offsets(list(offsets))
            per_topic: dict[str, list[int]] = {}
            for tp, meta in offsets.items():
                committed = max(meta.offset, 0)
                entry = per_topic.setdefault(tp.topic, [0, 0])
                entry[0] += committed
                entry[1] += ends.get(TopicPartition(tp.topic, tp.partition), committed)
            for topic, (committed, end) in sorted(per_topic.items()):
                result.append(GroupLag(group, topic, committed, end))
        return result
    finally:
        await consumer.stop()
        await admin.close()


async def dead_letter_topics(kafka: Kafka) -> list[str]:
    """Every dead-letter topic on the cluster (including per-agency referral DLQs)."""
    admin = admin_client(kafka)
    await admin.start()
    try:
        return sorted(t for t in await admin.list_topics() if is_dlq(t))
    finally:
        await admin.close()


async def topic_partitions(kafka: Kafka, topics: Sequence[str]) -> dict[str, list[int]]:
    """The partition numbers of each topic; an absent topic has none."""
    admin = admin_client(kafka)
    await admin.start()
    try:
        described = await admin.describe_topics(list(topics))
    finally:
        await admin.close()
    found = {
        d["topic"]: sorted(p["partition"] for p in d["partitions"])
        for d in described
        if d["error_code"] == 0
    }
    return {topic: found.get(topic, []) for topic in topics}


async def topic_sizes(kafka: Kafka, topics: Sequence[str]) -> dict[str, int]:
    """Messages currently on each topic (end minus beginning offsets; 0 if absent)."""
    partitions = await topic_partitions(kafka, topics)
    consumer = plain_consumer(kafka, enable_auto_commit=False)
    await consumer.start()
    try:
        sizes: dict[str, int] = {}
        for topic in topics:
            tps = [TopicPartition(topic, p) for p in partitions[topic]]
            if not tps:
                sizes[topic] = 0
                continue
            begin = await consumer.beginning_offsets(tps)
            end = await consumer.end_offsets(tps)
            sizes[topic] = sum(end[tp] - begin[tp] for tp in tps)
        return sizes
    finally:
        await consumer.stop()
