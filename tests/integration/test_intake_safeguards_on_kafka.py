"""The intake's safeguards against the real broker and PostgreSQL.

- A citizen confirms their phone with the code that `contact.verifications` carried; the intake
  was held (`awaiting_confirmation`) and `IntakeConfirmed` releases it; every
  `ContactPointsUpdated` lists the confirmed channels; consent goes out as `ConsentGranted`.
- Rate limits live in PostgreSQL: two replicas share one count, also under concurrent hits.
- On `CaseAnonymised` the intake purges the case and the latest record for the case on
  `contact.points` and `citizen.identity` is a tombstone; on compacted topics made for the test
  with an eager log cleaner, no record with the personal data is left once the cleaner ran.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from intake_flow import serve, stop, wait_until, walk_async
from live_service import eventually, messaging_ready, own_groups, publish_once
from sqlalchemy import func, select

from voorportaal_contracts.envelope import Envelope, from_kafka
from voorportaal_contracts.events import (
    CaseAnonymised,
    ConsentGranted,
    ContactPointsUpdated,
    ContactVerificationRequested,
    IntakeConfirmed,
    IntakeSubmitted,
)
from voorportaal_contracts.topics import (
    CASE_EVENTS,
    CITIZEN_IDENTITY,
    CONTACT_POINTS,
    CONTACT_VERIFICATIONS,
    INTAKE_EVENTS,
)
from voorportaal_intake.adapters.orm import intakes
from voorportaal_intake.app import definition
from voorportaal_intake.service_layer.context import PersonalTopics
from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.auth import issue_token
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_kit.tables import outbox

pytestmark = pytest.mark.integration
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BSN = "111222333"
PHONE = "+31612345678"


@dataclass
class Live:
    runtime: ServiceRuntime
    http: httpx.AsyncClient
    bootstrap: str

    async def start(self, *, phone: str = "0612345678", share_with: list[str] | None = None) -> Any:
        """An anonymous intake, walked, with contact details and who the citizen is."""
        response = await self.http.post("/intakes", json={"life_events": ["turning_18"]})
        assert response.status_code == 201, response.text
        intake = response.json()
        auth = {"Authorization": f"Bearer {intake['token']}"}
        citizen = {"name": "Sevda Yilmaz", "bsn": BSN, "postcode": "3512 JK"}
        ok = await self.http.put(f"/intakes/{intake['id']}/citizen", json=citizen, headers=auth)
        assert ok.status_code == 204, ok.text
        body = {"channels": ["sms"], "phone": phone, "share_with": share_with or []}
        ok = await self.http.put(f"/intakes/{intake['id']}/contact", json=body, headers=auth)
        assert ok.status_code == 204, ok.text
        return await walk_async(self.http, intake, auth), auth

    async def submit(self, intake: Any, auth: dict[str, str]) -> Any:
        response = await self.http.post(f"/intakes/{intake['id']}/submit", headers=auth)
        assert response.status_code == 200, response.text
        return response.json()


async def _live(
    database_url: str, bootstrap: str, tmp_path: Path, topics: PersonalTopics | None = None
) -> AsyncIterator[Live]:
    settings = IntakeSettings(
        data_dir=tmp_path,
        database_url=database_url,
        kafka_bootstrap_servers=bootstrap,
        consumer_backoff_initial_s=0.1,
        consumer_backoff_max_s=0.5,
    )
    # Groups of its own: another intake on this shared broker in the production group would
    # take this test's CaseAnonymised and find no intake for it.
    service = own_groups(definition(settings, topics=topics), f"test-intake-{uuid.uuid4().hex[:8]}")
    runtime = ServiceRuntime(service, clock=FixedClock(START))
    await asyncio.to_thread(runtime.migrate)
    transport = httpx.ASGITransport(app=runtime.app())  # type: ignore[arg-type]  # Litestar is ASGI
    async with (
        runtime.lifespan(),
        httpx.AsyncClient(transport=transport, base_url="http://intake") as http,
    ):
        await messaging_ready(runtime, attempts=240)
        yield Live(runtime, http, bootstrap)


@pytest.fixture
async def live(pg_database_url: str, kafka_bootstrap: str, tmp_path: Path) -> AsyncIterator[Live]:
    async for found in _live(pg_database_url, kafka_bootstrap, tmp_path):
        yield found


async def test_a_held_intake_is_released_by_the_code_that_went_out_on_kafka(live: Live) -> None:
    intake, auth = await live.start(share_with=["uwv", "svb"])
    submitted = await live.submit(intake, auth)
    assert submitted["awaiting_confirmation"] is True
    case_id = submitted["case_id"]

    (request,) = await published_events(live, CONTACT_VERIFICATIONS, case_id)
    assert isinstance(request.data, ContactVerificationRequested)
    assert request.data.phone == PHONE
    verified = await live.http.post(
        f"/intakes/{intake['id']}/contact/verify", json={"code": request.data.code}, headers=auth
    )
    assert verified.status_code == 200, verified.text

    facts = await published_events(live, INTAKE_EVENTS, case_id)
    assert [type(e.data) for e in facts] == [IntakeSubmitted, IntakeConfirmed]
    first, confirmed = facts
    assert isinstance(first.data, IntakeSubmitted) and first.data.awaiting_confirmation
    assert isinstance(confirmed.data, IntakeConfirmed) and confirmed.data.confirmed_by == "citizen"
    points = [e.data for e in await published_events(live, CONTACT_POINTS, case_id)]
    assert all(isinstance(p, ContactPointsUpdated) for p in points)
    assert [p.verified for p in points] == [[], ["sms"]]
    grants = [e.data for e in await published_events(live, CASE_EVENTS, case_id)]
    assert sorted(g.agency_code for g in grants if isinstance(g, ConsentGranted)) == ["svb", "uwv"]


async def test_a_representatives_address_is_confirmed_by_the_code_that_went_out_on_kafka(
    live: Live,
) -> None:
    intake, auth = await live.start()
    representative = {"name": "J. Jansen", "relation": "bewindvoerder", "email": "bw@example.org"}
    ok = await live.http.put(
        f"/intakes/{intake['id']}/citizen",
        json={"name": "Sevda Yilmaz", "representative": representative},
        headers=auth,
    )
    assert ok.status_code == 204, ok.text
    case_id = (await live.submit(intake, auth))["case_id"]

    requests = [e.data for e in await published_events(live, CONTACT_VERIFICATIONS, case_id)]
    assert all(isinstance(r, ContactVerificationRequested) for r in requests)
    (for_copies,) = [r for r in requests if r.for_representative]  # type: ignore[union-attr]
    assert isinstance(for_copies, ContactVerificationRequested)
    assert str(for_copies.email) == "bw@example.org"
    verified = await live.http.post(
        f"/intakes/{intake['id']}/contact/verify", json={"code": for_copies.code}, headers=auth
    )
    assert verified.status_code == 200, verified.text
    assert verified.json()["representative_verified"] == ["email"]

    points = [e.data for e in await published_events(live, CONTACT_POINTS, case_id)]
    assert all(isinstance(p, ContactPointsUpdated) and p.representative for p in points)
    assert [p.representative.verified for p in points] == [[], ["email"]]  # type: ignore[union-attr]
    assert [p.verified for p in points] == [[], []], "the citizen's own phone is not confirmed"
    facts = await published_events(live, INTAKE_EVENTS, case_id)
    assert [type(e.data) for e in facts] == [IntakeSubmitted], "still held from the agencies"


async def test_a_held_intake_taken_in_by_a_supervisor_is_confirmed_on_kafka(live: Live) -> None:
    intake, auth = await live.start()
    case_id = (await live.submit(intake, auth))["case_id"]
    supervisor = issue_token(live.runtime.settings.auth, "sv-1", ["supervisor"])
    taken = await live.http.post(
        f"/intakes/{intake['id']}/take-in", headers={"Authorization": f"Bearer {supervisor}"}
    )
    assert taken.status_code == 200, taken.text
    facts = await published_events(live, INTAKE_EVENTS, case_id)
    assert [type(e.data) for e in facts] == [IntakeSubmitted, IntakeConfirmed]
    confirmed = facts[1].data
    assert isinstance(confirmed, IntakeConfirmed) and confirmed.confirmed_by == "staff"


async def test_two_replicas_share_the_rate_limit_in_postgresql(
    pg_database_url: str, tmp_path: Path
) -> None:
    # HTTP only: the limits are in the database, so no broker is needed for this one.
    settings = IntakeSettings(
        data_dir=tmp_path,
        database_url=pg_database_url,
        kafka_bootstrap_servers="127.0.0.1:1",
        starts_per_client_hour=4,
    )
    replicas = [ServiceRuntime(definition(settings), clock=FixedClock(START)) for _ in range(2)]
    await asyncio.to_thread(replicas[0].migrate)
    clients = [
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=r.app()),  # type: ignore[arg-type]  # ASGI
            base_url="http://intake",
        )
        for r in replicas
    ]
    try:
        body = {"life_events": ["divorce"]}
        answers = await asyncio.gather(
            *(clients[i % 2].post("/intakes", json=body) for i in range(12))
        )
        assert sorted(a.status_code for a in answers) == [201] * 4 + [429] * 8
        refused = next(a for a in answers if a.status_code == 429)
        assert refused.headers["retry-after"] == "3600"
        assert refused.json()["type"] == "urn:voorportaal:problem:rate_limited"
    finally:
        for client in clients:
            await client.aclose()
        for replica in replicas:
            await replica.engine.dispose()


async def _partitions(bootstrap: str, topic: str) -> list[int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return [int(p["partition"]) for p in described["partitions"]]


async def _latest_values(bootstrap: str, topic: str, key: str) -> list[bytes | None]:
    """Every value on `topic` for `key`, oldest first, read with a plain Kafka client."""
    return [r.value for r in await _records(bootstrap, topic, key)]


async def published_events(live: Live, topic: str, case_id: str) -> list[Any]:
    """The case's events on `topic`, read once the relay has sent everything the intake staged
    for the case: its outbox is the counter (no quiet period), and the topic is read up to its
    end, so an event that is not there was never published."""

    await _relayed(live, case_id)
    return [
        from_kafka(r.key, r.value, r.headers)
        for r in await _records(live.bootstrap, topic, case_id)
    ]


async def _records(bootstrap: str, topic: str, key: str) -> list[Any]:
    """Every record on `topic` for `key`, oldest first, up to the end offsets of now."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    found: list[Any] = []
    try:
        partitions = await _partitions(bootstrap, topic)
        assert partitions, f"{topic} has no partitions"
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        await consumer.seek_to_beginning(*assigned)
        ends = await consumer.end_offsets(assigned)
        while any([await consumer.position(tp) < end for tp, end in ends.items()]):
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                found += [r for r in records if r.key == key.encode()]
        return found
    finally:
        await consumer.stop()


async def _anonymise(bootstrap: str, case_id: str) -> None:
    event = Envelope(
        CaseAnonymised(case_id=case_id, anonymised_at=START), source="/voorportaal/dossier"
    )
    await publish_once(bootstrap, event)


async def _relayed(live: Live, case_id: str) -> None:
    """Wait until the relay has sent everything the intake staged for the case (its outbox is
    the counter)."""

    async def nothing_unsent() -> bool:
        async with live.runtime.sessions() as session:
            unsent = await session.scalar(
                select(func.count())
                .select_from(outbox)
                .where(outbox.c.message_key == case_id, outbox.c.sent_at.is_(None))
            )
        return unsent == 0

    await eventually(
        nothing_unsent, f"the relay sent what the intake staged for {case_id}", wait_s=90
    )


async def _erased(live: Live, case_id: str) -> bool:
    async with live.runtime.sessions() as session:
        found = await session.scalar(
            select(intakes.c.erased_at).where(intakes.c.case_id == case_id)
        )
    return found is not None


async def _submit_and_anonymise(live: Live, topics: PersonalTopics) -> tuple[str, Any, Any]:
    """An intake with personal details on the topics, then its case anonymised and purged."""
    intake, auth = await live.start()
    case_id = (await live.submit(intake, auth))["case_id"]
    for topic in (topics.contact_points, topics.citizen_identity):

        async def published(topic: str = topic) -> bool:
            return bool(await _latest_values(live.bootstrap, topic, case_id))

        await eventually(published, f"the details on {topic}", wait_s=90)
    await _anonymise(live.bootstrap, case_id)
    await eventually(lambda: _erased(live, case_id), "the intake purged the case", wait_s=90)
    # The purge stages the tombstones in its transaction; the relay sends them a moment later.
    # Stopping the intake before that would leave the personal records on the topics.
    await _relayed(live, case_id)
    return case_id, intake, auth


async def test_an_anonymised_case_ends_in_tombstones_on_the_compacted_topics(live: Live) -> None:
    case_id, intake, auth = await _submit_and_anonymise(live, PersonalTopics())

    async def tombstoned() -> bool:
        latest = [
            (await _latest_values(live.bootstrap, t, case_id))[-1:]
            for t in (CONTACT_POINTS, CITIZEN_IDENTITY)
        ]
        return latest == [[None], [None]]

    await eventually(tombstoned, "the latest record for the case is a tombstone on both", wait_s=90)
    gone = await live.http.put(
        f"/intakes/{intake['id']}/contact", json={"channels": ["sms"], "phone": PHONE}, headers=auth
    )
    assert gone.status_code == 410


EAGER_CLEANER = {
    "cleanup.policy": "compact",
    "segment.ms": "100",
    "min.cleanable.dirty.ratio": "0.01",
    "delete.retention.ms": "100",
    "min.compaction.lag.ms": "0",
    "max.compaction.lag.ms": "100",
}
"""A compacted topic whose log cleaner takes every rolled segment at once."""


async def test_after_the_log_cleaner_ran_no_personal_data_is_left(
    pg_database_url: str, kafka_bootstrap: str, tmp_path: Path
) -> None:
    suffix = uuid.uuid4().hex[:8]
    topics = PersonalTopics(f"test.points.{suffix}", f"test.identity.{suffix}")
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [
                NewTopic(name, num_partitions=1, replication_factor=1, topic_configs=EAGER_CLEANER)
                for name in (topics.contact_points, topics.citizen_identity)
            ]
        )
    finally:
        await admin.close()
    async for live in _live(pg_database_url, kafka_bootstrap, tmp_path, topics):
        case_id, _, _ = await _submit_and_anonymise(live, topics)

    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()

    async def cleaned() -> bool:
        # The active segment is never cleaned: keep writing another key so segments roll.
        for topic in (topics.contact_points, topics.citizen_identity):
            await producer.send_and_wait(topic, b"{}", key=b"filler")
        for topic in (topics.contact_points, topics.citizen_identity):
            values = await _latest_values(kafka_bootstrap, topic, case_id)
            if any(v is not None for v in values):
                return False
        return True

    try:
        await eventually(cleaned, "the log cleaner removed the personal records", wait_s=180)
    finally:
        await producer.stop()
    for topic in (topics.contact_points, topics.citizen_identity):
        everything = await _latest_values(kafka_bootstrap, topic, case_id)
        assert all(v is None for v in everything)
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        await admin.delete_topics([topics.contact_points, topics.citizen_identity])
    finally:
        await admin.close()


def test_a_served_intake_believes_no_forwarded_for_from_an_untrusted_peer(
    pg_database_url: str, kafka_bootstrap: str, tmp_path: Path
) -> None:
    port = 8953
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "VOORPORTAAL_INTAKE_DATABASE_URL": pg_database_url,
        "VOORPORTAAL_INTAKE_HTTP_PORT": str(port),
        "VOORPORTAAL_INTAKE_STARTS_PER_CLIENT_HOUR": "1",
    }
    proc = serve("intake", env, tmp_path)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until("intake answering", lambda: httpx.get(f"{base}/health").status_code == 200, 60)
        with httpx.Client(base_url=base, timeout=10) as http:
            body = {"life_events": ["divorce"]}
            first = http.post("/intakes", json=body, headers={"X-Forwarded-For": "203.0.113.1"})
            second = http.post("/intakes", json=body, headers={"X-Forwarded-For": "203.0.113.2"})
    finally:
        stop([proc])
    assert first.status_code == 201, first.text
    assert second.status_code == 429, "a forged X-Forwarded-For gave a fresh count"
