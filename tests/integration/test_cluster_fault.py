"""On a three-broker cluster of the test's own (`kafka.sh start --brokers 3`): topics are
replicated three times with `min.insync.replicas` 2, and when one broker is killed with
SIGKILL in the middle of the intake → routing flow and restarted, nothing is lost and
nothing is applied twice (counted as effects in routing's database, not as deliveries), and
the relay and the consumers carry on."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from intake_flow import ready, serve, stop, submit_intake, wait_for_events, wait_until
from own_kafka import OwnKafka, own_cluster
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from voorportaal_contracts.events import IntakeSubmitted
from voorportaal_contracts.topics import INTAKE_EVENTS, TopicSpec
from voorportaal_kit.kafka import consumer_lag, ensure_topics

pytestmark = [pytest.mark.integration, pytest.mark.cluster, pytest.mark.timeout(600)]
INTAKE_PORT, ROUTING_PORT = 18962, 18963
INTAKE, ROUTING = f"http://127.0.0.1:{INTAKE_PORT}", f"http://127.0.0.1:{ROUTING_PORT}"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnKafka]:
    """Three brokers on 19092/19192/19292 with their own state; stopped after the module."""
    with own_cluster(tmp_path_factory.mktemp("kafka-cluster")) as kafka:
        yield kafka


async def _replication(bootstrap: str, topic: str) -> tuple[set[int], str]:
    """(replica counts of the topic's partitions, its min.insync.replicas)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        # A broker may describe a topic just created before its partitions reach its metadata
        # (seen once in CI: no partitions at all): wait until they do, with a deadline.
        deadline = asyncio.get_running_loop().time() + 30
        while True:
            [described] = await admin.describe_topics([topic])
            if described["partitions"] or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.2)
        configs = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        await admin.close()
    entries = {name: value for name, value, *_ in configs[0].resources[0][4]}
    return {len(p["replicas"]) for p in described["partitions"]}, entries["min.insync.replicas"]


def test_topics_get_three_replicas_and_min_insync_two_on_a_three_broker_cluster(
    cluster: OwnKafka,
) -> None:
    name = f"test.rf.{uuid.uuid4().hex[:8]}"
    asyncio.run(ensure_topics(cluster.bootstrap, [TopicSpec(name, partitions=3)]))
    replicas, min_insync = asyncio.run(_replication(cluster.bootstrap, name))
    assert replicas == {3}
    assert min_insync == "2"


async def _leader_of_most(bootstrap: str, topic: str) -> int:
    """The broker that leads most partitions of `topic` (the one whose death hurts most)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    leaders = Counter(p["leader"] for p in described["partitions"])
    return int(leaders.most_common(1)[0][0])


async def _referrals_per_case(database_url: str, cases: list[str]) -> dict[str, list[str]]:
    """Routing's referrals (its effects) per case: the service each one is for."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text("SELECT case_id, service_id FROM referrals WHERE case_id = ANY(:cases)"),
                    {"cases": cases},
                )
            ).all()
    finally:
        await engine.dispose()
    found: dict[str, list[str]] = {case: [] for case in cases}
    for case_id, service_id in rows:
        found[case_id].append(service_id)
    return found


def _routing_lag(bootstrap: str) -> int:
    lags = asyncio.run(consumer_lag(bootstrap))
    mine = [lag for lag in lags if lag.group.startswith("routing") and lag.topic == INTAKE_EVENTS]
    assert mine, "routing's consumer group on intake.events is not there"
    return sum(lag.lag for lag in mine)


def _messaging_ok(base: str) -> bool:
    answer = ready(base)
    return answer is not None and answer["messaging"]["status"] == "ok"


def test_a_broker_killed_mid_run_loses_nothing_and_applies_nothing_twice(
    cluster: OwnKafka, pg_database_url: str, second_pg_database_url: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": cluster.bootstrap,
        "VOORPORTAAL_INTAKE_DATABASE_URL": pg_database_url,
        "VOORPORTAAL_INTAKE_HTTP_PORT": str(INTAKE_PORT),
        "VOORPORTAAL_INTAKE_STARTS_PER_CLIENT_HOUR": "1000",
        "VOORPORTAAL_INTAKE_STARTS_PER_CLIENT_DAY": "1000",
        "VOORPORTAAL_ROUTING_DATABASE_URL": second_pg_database_url,
        "VOORPORTAAL_ROUTING_HTTP_PORT": str(ROUTING_PORT),
    }
    procs = [serve("intake", env, tmp_path), serve("routing", env, tmp_path)]
    try:
        for base in (INTAKE, ROUTING):
            wait_until(f"{base} messaging ok", lambda base=base: _messaging_ok(base), 180)
        # The services created their topics replicated as production does.
        assert asyncio.run(_replication(cluster.bootstrap, INTAKE_EVENTS)) == ({3}, "2")

        cases = [submit_intake(INTAKE) for _ in range(4)]
        victim = asyncio.run(_leader_of_most(cluster.bootstrap, INTAKE_EVENTS))
        cluster.kill_node(victim)  # SIGKILL while those intakes are being relayed and routed
        cases += [submit_intake(INTAKE) for _ in range(6)]
        cluster.start()  # the killed node comes back and catches up
        cases += [submit_intake(INTAKE) for _ in range(2)]

        # Nothing lost: every intake reached the topic (a re-sent copy has the same event id).
        arrived = asyncio.run(
            wait_for_events(
                cluster.bootstrap, INTAKE_EVENTS, cases, IntakeSubmitted.event_type, 240
            )
        )
        assert {case: len({e.id for e in events}) for case, events in arrived.items()} == {
            case: 1 for case in cases
        }
        # Settled: the intake's outbox is empty and routing has committed everything.
        wait_until(
            "intake outbox drained",
            lambda: (ready(INTAKE) or {}).get("messaging", {}).get("outbox_backlog") == 0,
            180,
        )
        wait_until("routing caught up", lambda: _routing_lag(cluster.bootstrap) == 0, 180, 1.0)

        # Nothing applied twice: each case has its referrals once, the same as every other
        # case (the same answers were given), and none is missing.
        effects = asyncio.run(_referrals_per_case(second_pg_database_url, cases))
        expected = sorted(effects[cases[0]])
        assert expected, "the sample intake must lead to at least one referral"
        assert len(set(expected)) == len(expected), f"a referral applied twice: {expected}"
        assert {case: sorted(services) for case, services in effects.items()} == {
            case: expected for case in cases
        }
        # And both services carry on, their messaging healthy after the fault.
        assert _messaging_ok(INTAKE)
        assert _messaging_ok(ROUTING)
    finally:
        stop(procs)
        for name in ("intake", "routing"):  # shown by pytest when the test failed
            print(f"--- {name} log (problems only) ---")
            for line in (tmp_path / f"{name}.log").read_text().splitlines():
                if '"level": "error"' in line and "aiokafka" not in line:
                    print(line[:400])
