"""The dossier against the real broker and PostgreSQL.

Intake and routing facts published on their topics are projected into a case; publishing the
same stream again changes nothing, and folding it into a second database gives the identical
case. Many simultaneous claims on PostgreSQL leave exactly one owner, and a claim waits for
a consumed batch that holds its case. A refused agency read is 403 and in the audit log, and
the verify command finds a tampered row, and (against the anchor kept outside the database)
the newest records deleted.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from live_service import publish, serving
from sqlalchemy import text

from voorportaal_contracts.envelope import Envelope
from voorportaal_dossier.adapters import case_store as store
from voorportaal_dossier.app import definition
from voorportaal_dossier.domain.projection import CaseState, dump_case, load_case
from voorportaal_dossier.domain.sharing import DataKind
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.audit_log import verify_audit_async
from voorportaal_dossier.service_layer.dossier import DossierService
from voorportaal_dossier.settings import DossierSettings
from voorportaal_kit.audit_log import AnchorFile
from voorportaal_kit.auth import Principal
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.errors import Conflict, Forbidden
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_kit.testing import case_stream

pytestmark = pytest.mark.integration
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SUPERVISOR = Actor(Principal(subject="sv-1", roles=frozenset({"supervisor"})))


@dataclass
class Live:
    runtime: ServiceRuntime
    producer: AIOKafkaProducer

    @property
    def dossier(self) -> DossierService:
        service: DossierService = self.runtime.state["dossier"]
        return service

    async def publish(self, envelope: Envelope) -> None:
        await publish(self.producer, envelope)

    async def case(self, case_id: str) -> CaseState | None:
        async with self.runtime.sessions() as session:
            return await store.load(session, case_id)


def _settings(url: str, bootstrap: str, tmp: Path) -> DossierSettings:
    return DossierSettings(
        data_dir=tmp,
        database_url=url,
        kafka_bootstrap_servers=bootstrap,
        consumer_group_prefix=f"dossier-test-{uuid.uuid4().hex[:8]}",
        consumer_backoff_initial_s=0.1,
        consumer_backoff_max_s=0.5,
        promise_interval_s=3600,
        retention_interval_s=3600,
    )


async def _join_at_the_end(bootstrap: str, settings: DossierSettings) -> None:
    """Commit the test's consumer groups at the topics' ends: the shared broker holds every
    earlier run's events, and this dossier joins now (replay is proven below on its stream)."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    from voorportaal_kit.kafka import ensure_topics, topic_partitions

    runtime = ServiceRuntime(definition(settings))
    try:
        # On a fresh broker the topics may not exist yet: create them as the service would.
        await ensure_topics(bootstrap, list(runtime.definition.topics))
        for subscription in runtime.definition.subscriptions(runtime):
            parts = (await topic_partitions(bootstrap, [subscription.topic]))[subscription.topic]
            consumer = AIOKafkaConsumer(
                bootstrap_servers=bootstrap,
                group_id=subscription.group,
                enable_auto_commit=False,
            )
            await consumer.start()
            try:
                tps = [TopicPartition(subscription.topic, p) for p in parts]
                if not tps:
                    continue
                consumer.assign(tps)
                await consumer.seek_to_end(*tps)
                await consumer.commit({tp: await consumer.position(tp) for tp in tps})
            finally:
                await consumer.stop()
    finally:
        await runtime.engine.dispose()


@pytest.fixture
async def live(pg_database_url: str, kafka_bootstrap: str, tmp_path: Path) -> AsyncIterator[Live]:
    settings = _settings(pg_database_url, kafka_bootstrap, tmp_path)
    await _join_at_the_end(kafka_bootstrap, settings)
    runtime = ServiceRuntime(definition(settings), clock=FixedClock(START))
    async with serving(runtime, kafka_bootstrap) as producer:
        yield Live(runtime, producer)


def stream(case_id: str) -> list[Envelope]:
    """An intake and routing's facts about one case, as they would travel."""
    facts = case_stream(
        case_id,
        START,
        referral_id=f"ref-{case_id[-8:]}",
        accepted_after=timedelta(hours=2),
        channel="phone",
        urgency="acute",
    )
    return [
        Envelope(f, source="/test", time=START + timedelta(minutes=i)) for i, f in enumerate(facts)
    ]


async def _until(live: Live, case_id: str, ids: set[str], wait_s: float = 60) -> CaseState:
    """The case once all `ids` are applied and nothing changed for two seconds (a routing
    service on the shared broker may add its own facts about the case)."""
    deadline = time.monotonic() + wait_s
    last: bytes | None = None
    stable_since = time.monotonic()
    while time.monotonic() < deadline:
        case = await live.case(case_id)
        if case is not None and ids <= case.applied:
            now = dump_case(case)
            if now != last:
                last, stable_since = now, time.monotonic()
            elif time.monotonic() - stable_since >= 2:
                return case
        await asyncio.sleep(0.2)
    raise AssertionError(f"case {case_id} was not projected")


async def test_events_on_the_topics_are_projected_and_a_replay_changes_nothing(
    live: Live, second_pg_database_url: str, kafka_bootstrap: str, tmp_path: Path
) -> None:
    case_id = f"vp-{uuid.uuid4().hex[:16]}"
    envelopes = stream(case_id)
    ids = {str(e.id) for e in envelopes}
    for envelope in envelopes:
        await live.publish(envelope)
    case = await _until(live, case_id, ids)
    ours = case.referral(f"ref-{case_id[-8:]}")
    assert ours is not None and ours.status.value == "accepted"
    assert case.ownership.status.value == "recommended"
    assert ids <= {entry.event_id for entry in case.timeline}
    for envelope in envelopes:  # the whole stream again: redelivered, so nothing changes
        await live.publish(envelope)
    again = await _until(live, case_id, ids)
    assert dump_case(again) == dump_case(case)

    # Two runs into another database: the same stream applied twice gives the same case.
    other = ServiceRuntime(
        definition(_settings(second_pg_database_url, kafka_bootstrap, tmp_path / "b")),
        clock=FixedClock(START),
    )
    await asyncio.to_thread(other.migrate)
    try:
        service: DossierService = other.state["dossier"]
        snapshots = []
        for _ in range(2):
            for envelope in envelopes:
                async with other.sessions.begin() as session:
                    await service.projection.on_event(session, envelope)
            async with other.sessions() as session:
                rebuilt = await store.load(session, case_id)
            assert rebuilt is not None
            snapshots.append(dump_case(rebuilt))
        assert snapshots[0] == snapshots[1]
        assert rebuilt.referral(ours.referral_id) == ours
    finally:
        await other.engine.dispose()


async def test_one_batch_on_postgresql_stores_what_one_event_at_a_time_stores(
    live: Live, second_pg_database_url: str, kafka_bootstrap: str, tmp_path: Path
) -> None:
    case_ids = [f"vp-{uuid.uuid4().hex[:16]}" for _ in range(3)]
    streams = [stream(case_id) for case_id in case_ids]
    interleaved = [s[i] for i in range(4) for s in streams]
    async with live.runtime.sessions.begin() as session:
        await live.dossier.projection.on_events(session, interleaved)
    other = ServiceRuntime(
        definition(_settings(second_pg_database_url, kafka_bootstrap, tmp_path / "b")),
        clock=FixedClock(START),
    )
    await asyncio.to_thread(other.migrate)
    select_rows = text(
        "SELECT * FROM dossier_cases WHERE case_id = ANY(:ids) ORDER BY case_id"
    ).bindparams(ids=case_ids)
    try:
        service: DossierService = other.state["dossier"]
        for envelope in interleaved:
            async with other.sessions.begin() as session:
                await service.projection.on_event(session, envelope)
        async with other.sessions() as session:
            expected = [tuple(r) for r in await session.execute(select_rows)]
    finally:
        await other.engine.dispose()
    async with live.runtime.sessions() as session:
        rows = (await session.execute(select_rows)).mappings().all()
    assert len(expected) == 3 and [tuple(r.values()) for r in rows] == expected
    for row in rows:  # the queue's columns say what the stored case says
        columns = store._columns(load_case(row["state"]))
        del columns["state"]  # re-dumped, its set of applied ids may come out in another order
        assert {k: row[k] for k in columns} == columns
        assert row["life_events"] == ["income_loss"] and row["agency_codes"] == ["uwv"]


async def test_of_many_simultaneous_claims_on_postgresql_exactly_one_wins(live: Live) -> None:
    case_id = f"vp-{uuid.uuid4().hex[:16]}"
    for envelope in stream(case_id)[:3]:
        async with live.runtime.sessions.begin() as session:
            await live.dossier.projection.on_event(session, envelope)
    claimants = [
        Actor(Principal(subject=f"cm-{i}", roles=frozenset({"casemanager"}))) for i in range(12)
    ]
    results = await asyncio.gather(
        *(live.dossier.ownership.claim(actor, case_id) for actor in claimants),
        return_exceptions=True,
    )
    winners = [r for r in results if isinstance(r, CaseState)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1 and len(losers) == len(claimants) - 1, results
    case = await live.case(case_id)
    assert case is not None and case.ownership.owner is not None
    async with live.runtime.sessions() as session:
        assigned = await session.scalar(
            text(
                "SELECT count(*) FROM outbox WHERE message_key = :k "
                "AND event_type = 'nl.voorportaal.case.buddy-assigned'"
            ),
            {"k": case_id},
        )
    assert assigned == 1


async def _until_a_transaction_waits_on_a_lock(live: Live, wait_s: float = 10) -> None:
    """Return once a session of the test's own database waits on a lock (PostgreSQL's view of
    its backends), so that a test asserts "still waiting" only once the wait began."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        async with live.runtime.sessions() as session:
            waiting = await session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        if waiting:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("no transaction ever waited on a lock")


async def test_a_claim_waits_for_a_consumed_batch_that_holds_its_case(live: Live) -> None:
    first, second = (f"vp-{uuid.uuid4().hex[:16]}" for _ in range(2))
    for case_id in (first, second):
        for envelope in stream(case_id)[:3]:
            async with live.runtime.sessions.begin() as session:
                await live.dossier.projection.on_event(session, envelope)
    actor = Actor(Principal(subject="cm-batch", roles=frozenset({"casemanager"})))
    accepted = [stream(first)[3], stream(second)[3]]
    async with live.runtime.sessions.begin() as session:
        await live.dossier.projection.on_events(session, accepted)
        claim = asyncio.create_task(live.dossier.ownership.claim(actor, second))
        # Not a fixed pause: wait until PostgreSQL shows the claim waiting on a row lock.
        await _until_a_transaction_waits_on_a_lock(live)
        assert not claim.done(), "the claim must wait while the batch holds the case"
    claimed = await asyncio.wait_for(claim, timeout=10)
    assert claimed.ownership.owner is not None and claimed.ownership.owner.id == "cm-batch"
    case = await live.case(second)
    assert case is not None and str(accepted[1].id) in case.applied, "no lost update"
    assert case.ownership.owner is not None


async def test_a_refused_agency_read_is_403_and_audited_and_tampering_is_detected(
    live: Live, pg_database_url: str
) -> None:
    case_id = f"vp-{uuid.uuid4().hex[:16]}"
    for envelope in stream(case_id)[:3]:
        async with live.runtime.sessions.begin() as session:
            await live.dossier.projection.on_event(session, envelope)
    svb = Actor(Principal(subject="svb-1", roles=frozenset({"agency:svb"})))
    with pytest.raises(Forbidden):
        await live.dossier.cases.read(svb, case_id, DataKind.SUMMARY, "case_page")
    log = await live.dossier.audit.audit_query(SUPERVISOR, case_id=case_id, subject=None)
    assert any(r["who"] == "svb-1" and not r["allowed"] for r in log)
    assert await verify_audit_async(pg_database_url) == []
    async with live.runtime.sessions.begin() as session:
        await session.execute(
            text(
                "DELETE FROM dossier_audit_log WHERE seq = (SELECT min(seq) FROM dossier_audit_log)"
            )
        )
    problems = await verify_audit_async(pg_database_url)
    assert {p.kind for p in problems} & {"broken_link", "sequence"}


async def test_deleting_the_newest_audit_records_on_postgresql_is_found_against_the_anchor(
    live: Live, pg_database_url: str, tmp_path: Path
) -> None:
    case_id = f"vp-{uuid.uuid4().hex[:16]}"
    for envelope in stream(case_id)[:3]:
        async with live.runtime.sessions.begin() as session:
            await live.dossier.projection.on_event(session, envelope)
    for _ in range(5):
        await live.dossier.cases.read(SUPERVISOR, case_id, DataKind.SUMMARY, "case_page")
    anchored = await live.dossier.audit.anchor_audit()
    assert anchored is not None
    anchors = AnchorFile(tmp_path / "audit-anchors.jsonl")
    key = live.runtime.settings.anchor_key  # type: ignore[attr-defined]
    assert await verify_audit_async(pg_database_url, anchors, key) == []
    async with live.runtime.sessions.begin() as session:
        await session.execute(
            text("DELETE FROM dossier_audit_log WHERE seq > :keep"), {"keep": anchored - 3}
        )
    assert await verify_audit_async(pg_database_url) == [], "the chain alone looks intact"
    problems = await verify_audit_async(pg_database_url, anchors, key)
    assert [p.kind for p in problems] == ["truncated"]


def _random_bsn() -> str:
    """A random nine-digit number that passes the 11-proof (unique on the shared broker)."""
    while True:
        digits = [int(c) for c in f"{uuid.uuid4().int % 10**9:09d}"]
        total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
        if total % 11 == 0 and any(digits):
            return "".join(map(str, digits))


async def test_a_case_is_found_by_the_bsn_and_phone_its_identity_and_contact_topics_carry(
    live: Live,
) -> None:
    # Who the citizen is and how to reach them come from `citizen.identity` and
    # `contact.points` (intake's topics); the dossier keeps them, so a search needs no call to
    # notify. The number and BSN are unique to this run: the broker is shared.
    from voorportaal_contracts.events import CitizenIdentified, ContactPointsUpdated
    from voorportaal_kit.testing import buddy_recommended, intake_submitted

    case_id = f"vp-{uuid.uuid4().hex[:16]}"
    bsn = _random_bsn()
    mobile = f"06-{uuid.uuid4().int % 10**8:08d}"
    facts = [
        intake_submitted(case_id, START),
        CitizenIdentified(case_id=case_id, name="Nadia Zoekmans", bsn=bsn, postcode="1234AB"),
        ContactPointsUpdated(
            case_id=case_id, channels=["sms"], language="nl", phone="+316" + mobile[3:]
        ),
        buddy_recommended(case_id, START),
    ]
    envelopes = [
        Envelope(f, source="/test", time=START + timedelta(minutes=i)) for i, f in enumerate(facts)
    ]
    for envelope in envelopes:
        await live.publish(envelope)
    await _until(live, case_id, {str(e.id) for e in envelopes})
    anna = Actor(Principal(subject="cm-anna", roles=frozenset({"casemanager"})), "team-noord")
    cees = Actor(Principal(subject="cm-cees", roles=frozenset({"casemanager"})), "team-zuid")
    await live.dossier.ownership.claim(anna, case_id)

    by_phone = await live.dossier.case_search.search(anna, mobile, "phone")
    assert [h["case_id"] for h in by_phone["hits"]] == [case_id]
    by_bsn = await live.dossier.case_search.search(SUPERVISOR, bsn, "bsn")
    assert [h["case_id"] for h in by_bsn["hits"]] == [case_id]
    assert by_bsn["hits"][0]["name"] == "Nadia Zoekmans"
    assert (await live.dossier.case_search.search(cees, bsn, "bsn"))["hits"] == []
    log = await live.dossier.audit.audit_query(SUPERVISOR, case_id=case_id, subject=None)
    assert [r["who"] for r in log if r["purpose"] == "case_search"] == ["cm-anna", "sv-1"]
    assert bsn not in str(log) and mobile[3:] not in str(log)
