"""Routing against the real broker and PostgreSQL, in-process with a test clock.

An intake event goes onto `intake.events`; referrals come out on each agency's own topic; an
agency's answers come back on `referral.responses`. Forged, unsigned and cross-agency answers
are dead-lettered and change nothing, a duplicate applies once, and an SLA passes under the
test clock with exactly one `ReferralOverdue`. The agency side is also played by Debian's
`kcat`, a Kafka client that is not ours.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from kafka_reading import read_topic
from live_service import eventually, publish, send_record, serving
from sqlalchemy import func, select

from voorportaal_contracts.consent import intake_grant_id
from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    CaseAnonymised,
    CitizenIdentified,
    ConsentGranted,
    ConsentRevoked,
    ConsentWithdrawn,
    IntakeConfirmed,
    IntakeSubmitted,
    ReferralOffered,
)
from voorportaal_contracts.signing import sign_record, sign_value, unsigned_response
from voorportaal_contracts.topics import municipal_agency, referral_spec
from voorportaal_kit.auth import Principal
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.dlq import read_dead_letters
from voorportaal_kit.kafka import ensure_topics
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_kit.tables import inbox
from voorportaal_routing.adapters.data_files import load_directory
from voorportaal_routing.app import definition
from voorportaal_routing.settings import RoutingSettings

pytestmark = pytest.mark.integration
STAFF = Principal(subject="sv-test", roles=frozenset({"supervisor"}))
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday


@dataclass
class Live:
    runtime: ServiceRuntime
    clock: FixedClock
    settings: RoutingSettings
    bootstrap: str
    producer: AIOKafkaProducer

    async def publish(self, envelope: Envelope) -> None:
        await publish(self.producer, envelope)

    async def referrals(self, case_id: str, until: Any, wait_s: float = 45) -> list[dict[str, Any]]:
        async def there() -> list[dict[str, Any]] | None:
            try:
                found = await self.runtime.state["routing"].case_referrals(case_id, STAFF)
                rows = [r.model_dump() for r in found]
            except Exception:  # noqa: BLE001 - not there yet
                rows = []
            return rows if rows and until(rows) else None

        return list(await eventually(there, f"referrals of {case_id} got there", wait_s))

    async def respond(self, referral: dict[str, Any], response: str, **extra: Any) -> Envelope:
        """An answer as an agency sends it: its record value signed in `vp-signature`."""
        key = extra.pop("key", None) or self.settings.agency_key(referral["agency_code"])
        answer = unsigned_response(
            case_id=referral["case_id"],
            referral_id=referral["id"],
            agency_code=extra.pop("agency_code", referral["agency_code"]),
            response=response,
            responded_at=extra.pop("responded_at", self.clock.now()),
            **extra,
        )
        envelope = Envelope(answer, source="/agency/test", time=self.clock.now())
        await send_record(self.producer, sign_record(envelope.to_kafka(), key))
        return envelope

    async def consumed(self, envelope: Envelope, wait_s: float = 45) -> None:
        """Wait until routing applied `envelope` (its inbox has it). Records of one case share
        a partition, so everything the case had before it was handled by then too: the marker
        after which a "nothing happened" can be asserted."""

        async def taken() -> int | None:
            async with self.runtime.sessions() as session:
                return await session.scalar(
                    select(func.count()).select_from(inbox).where(inbox.c.event_id == envelope.id)
                )

        await eventually(taken, f"routing consumed {envelope.type} {envelope.id}", wait_s)

    async def wait_on_topic(
        self, topic: str, case_id: str, found: Any, wait_s: float = 45
    ) -> list[Envelope]:
        """The case's events on `topic`, once `found(events)` holds (read from the start)."""
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            events = await read_topic(self.bootstrap, topic, case_id, wait_s=5)
            if found(events):
                return events
        raise AssertionError(f"{topic} never had what was expected for {case_id}")


@pytest.fixture
async def live(pg_database_url: str, kafka_bootstrap: str, tmp_path: Path) -> AsyncIterator[Live]:
    settings = RoutingSettings(
        data_dir=tmp_path,
        database_url=pg_database_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        sweep_interval_s=3600,  # the test sweeps by hand, after moving the clock
        consumer_backoff_initial_s=0.1,
        consumer_backoff_max_s=0.5,
    )
    clock = FixedClock(START)
    # A municipality's topics are made by onboarding it (the operator's), not by routing's start.
    municipal = [c for c in load_directory().agency_codes() if municipal_agency(c)]
    await ensure_topics(kafka_bootstrap, [referral_spec(code) for code in municipal])
    runtime = ServiceRuntime(definition(settings), clock=clock)
    async with serving(runtime, kafka_bootstrap) as producer:
        yield Live(runtime, clock, settings, kafka_bootstrap, producer)


def intake(case_id: str, **changes: Any) -> Envelope:
    fields: dict[str, Any] = {
        "case_id": case_id,
        "intake_id": f"intake-{case_id}",
        "life_events": ["income_loss"],
        "channel": "web",
        "redzaamheid": "middengroep",
        "urgency": "normal",
        "needs": ["income_gap", "unemployment_benefit", "allowances"],
        "risks": [],
        "municipality_code": "GM0344",
        "share_with": ["uwv"],
        "submitted_at": START,
    }
    return Envelope(IntakeSubmitted(**{**fields, **changes}), source="/test", time=START)


def new_case() -> str:
    return f"vp-it{uuid.uuid4().hex[:18]}"


async def test_one_referral_per_chosen_agency_on_its_own_topic(live: Live) -> None:
    case_id = new_case()
    await live.publish(intake(case_id))
    again = intake(case_id)  # the same intake again (a new event id): no change
    await live.publish(again)
    await live.referrals(case_id, lambda rows: len(rows) >= 2)
    await live.consumed(again)
    rows = [
        r.model_dump() for r in await live.runtime.state["routing"].case_referrals(case_id, STAFF)
    ]
    assert len({r["service_id"] for r in rows}) == len(rows), "one referral per service"
    sent = [r for r in rows if r["state"] == "issued" and r["mode"] != "self_contact"]
    for agency in {r["agency_code"] for r in sent}:
        # An agency may get several referrals of one case (UWV: WW and the Toeslagenwet),
        # each offered once, on its own topic only.
        offers = [
            e
            for e in await read_topic(live.bootstrap, f"referrals.{agency}", case_id)
            if e.type.endswith("offered")
        ]
        assert sorted(e.data.referral_id for e in offers) == sorted(  # type: ignore[attr-defined]
            r["id"] for r in sent if r["agency_code"] == agency
        )
    issued = [
        e for e in await read_topic(live.bootstrap, "case.events", case_id) if "issued" in e.type
    ]
    assert sorted(e.data.referral_id for e in issued) == sorted(r["id"] for r in rows)  # type: ignore[attr-defined]


async def test_bad_answers_are_dead_lettered_and_a_duplicate_applies_once(live: Live) -> None:
    case_id = new_case()
    await live.publish(intake(case_id))
    rows = await live.referrals(case_id, lambda rows: any(r["agency_code"] == "uwv" for r in rows))
    uwv = next(r for r in rows if r["agency_code"] == "uwv")
    other = next(r for r in rows if r["agency_code"] != "uwv" and r["state"] == "issued")

    forged = await live.respond(uwv, "accepted", key=b"not-the-key-of-uwv-000000000000000")
    cross = await live.respond(
        uwv,
        "accepted",
        agency_code=other["agency_code"],
        key=live.settings.agency_key(other["agency_code"]),
    )
    unsigned = uuid.uuid4()
    body = {
        "case_id": case_id,
        "referral_id": uwv["id"],
        "agency_code": "uwv",
        "response": "accepted",
        "responded_at": START.isoformat(),
    }
    headers = [
        ("ce_id", str(unsigned).encode()),
        ("ce_type", b"nl.voorportaal.referral.responded"),
        ("ce_source", b"/agency/uwv"),
        ("ce_time", START.isoformat().encode()),
        ("ce_subject", case_id.encode()),
        ("ce_specversion", b"1.0"),
        ("ce_schemaversion", b"1"),
        ("content-type", b"application/json"),
    ]
    await live.producer.send_and_wait(
        "referral.responses", json.dumps(body).encode(), key=case_id.encode(), headers=headers
    )
    stale = await live.respond(uwv, "accepted", responded_at=START - timedelta(hours=25))
    good = await live.respond(uwv, "accepted")
    await live.publish(good)  # the very same answer again (same event id)
    again = await live.respond(uwv, "accepted")  # sent again by the agency: a new event id
    await live.referrals(case_id, lambda rows: any(r["state"] == "accepted" for r in rows))
    await live.consumed(again)  # the last answer sent: every one before it was handled too
    rows = [
        r.model_dump() for r in await live.runtime.state["routing"].case_referrals(case_id, STAFF)
    ]
    after = {r["id"]: r for r in rows}
    assert after[uwv["id"]]["state"] == "accepted"
    assert [h["to_state"] for h in after[uwv["id"]]["history"]] == ["accepted"]
    assert after[other["id"]]["state"] == "issued"

    letters = [
        letter
        async for letter in read_dead_letters(live.bootstrap, "referral.responses.dlq")
        if letter.event_id in {str(forged.id), str(cross.id), str(unsigned), str(stale.id)}
    ]
    assert {letter.event_id: letter.reason_code for letter in letters} == {
        str(forged.id): "response_rejected",
        str(cross.id): "response_rejected",
        str(unsigned): "response_rejected",
        str(stale.id): "response_rejected",
    }
    reasons = {letter.event_id: letter.reason for letter in letters}
    assert "no signature" in reasons[str(unsigned)]
    assert "more than 24 h before now" in reasons[str(stale.id)]
    assert str(again.id) not in reasons, "the same answer again is no error, just no change"
    accepted = [
        e for e in await read_topic(live.bootstrap, "case.events", case_id) if "accepted" in e.type
    ]
    assert len(accepted) == 1


async def test_an_sla_passes_under_the_test_clock_and_is_reported_once(live: Live) -> None:
    case_id = new_case()
    await live.publish(intake(case_id))
    rows = await live.referrals(case_id, lambda rows: any(r["agency_code"] == "uwv" for r in rows))
    uwv = next(r for r in rows if r["agency_code"] == "uwv")
    routing = live.runtime.state["routing"]
    live.clock.advance(uwv["due_at"] - live.clock.now() + timedelta(hours=1))
    await routing.sweep()
    await routing.sweep()
    events = await read_topic(live.bootstrap, "case.events", case_id)
    overdue = [
        e
        for e in events
        if e.type.endswith("referral-overdue") and e.data.referral_id == uwv["id"]  # type: ignore[attr-defined]
    ]
    assert len(overdue) == 1
    reminders = [
        e
        for e in await read_topic(live.bootstrap, "referrals.uwv", case_id)
        if "reminder" in e.type
    ]
    assert reminders == [], "past the norm a reminder is pointless; overdue is reported instead"


async def test_kcat_reads_a_referral_and_answers_it_as_an_agency_would(live: Live) -> None:
    assert shutil.which("kcat"), "kcat is installed by scripts/test-tools.sh"
    case_id = new_case()
    await live.publish(intake(case_id))
    await live.referrals(case_id, lambda rows: any(r["agency_code"] == "uwv" for r in rows))
    read = await asyncio.to_thread(
        subprocess.run,
        ["kcat", "-C", "-b", live.bootstrap, "-t", "referrals.uwv", "-o", "beginning", "-e", "-J"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    mine = [
        message
        for message in map(json.loads, read.stdout.splitlines())
        if message.get("key") == case_id
    ]
    assert mine, "kcat sees the referral on the agency's own topic"
    headers = dict(zip(mine[0]["headers"][::2], mine[0]["headers"][1::2], strict=True))
    assert headers["ce_type"] == "nl.voorportaal.referral.offered"
    offer = json.loads(mine[0]["payload"])
    # The agency writes the answer with its own tools, as it likes (`+00:00` for UTC, no null
    # fields, its own key order and spacing), and signs exactly those bytes.
    key = live.settings.agency_key("uwv")
    assert key is not None
    answer = (
        f'{{ "response": "received",  "responded_at": "{START.isoformat()}",'
        f' "referral_id": "{offer["referral_id"]}", "agency_code": "uwv", '
        f'"case_id": "{case_id}"}}'
    )
    assert "+00:00" in answer and "null" not in answer
    event_id = str(uuid.uuid4())
    produce = [
        "kcat", "-P", "-b", live.bootstrap, "-t", "referral.responses", "-k", case_id,
        "-H", f"ce_id={event_id}",
        "-H", "ce_type=nl.voorportaal.referral.responded",
        "-H", "ce_source=/agency/uwv",
        "-H", f"ce_time={datetime.now(UTC).isoformat()}",
        "-H", f"ce_subject={case_id}",
        "-H", "ce_specversion=1.0",
        "-H", "ce_schemaversion=1",
        "-H", "content-type=application/json",
        "-H", f"vp-signature=v2={sign_value(answer.encode(), key)}",
    ]  # fmt: skip
    await asyncio.to_thread(
        subprocess.run, produce, input=answer, text=True, timeout=60, check=True
    )
    rows = await live.referrals(case_id, lambda rows: any(r["state"] == "received" for r in rows))
    assert next(r for r in rows if r["id"] == offer["referral_id"])["state"] == "received"


def offered(events: list[Envelope], referral_id: str | None = None) -> list[Any]:
    return [
        e.data
        for e in events
        if isinstance(e.data, ReferralOffered)
        and (referral_id is None or e.data.referral_id == referral_id)
    ]


def withdrawn(events: list[Envelope]) -> list[ConsentWithdrawn]:
    return [e.data for e in events if isinstance(e.data, ConsentWithdrawn)]


async def test_a_revoked_consent_stops_every_identity_handover_and_a_later_grant_upgrades(
    live: Live,
) -> None:
    case_id = new_case()
    bsn = "123456782"
    identity = CitizenIdentified(case_id=case_id, name="A. de Vries", bsn=bsn)
    await live.publish(Envelope(identity, source="/test", time=START))
    await live.publish(intake(case_id, share_with=["uwv", "gemeente-gm0344"]))
    rows = await live.referrals(case_id, lambda rows: any(r["state"] == "held" for r in rows))
    uwv = next(r for r in rows if r["agency_code"] == "uwv")
    held = next(r for r in rows if r["state"] == "held")
    assert held["waits_on"] == uwv["id"]
    await live.wait_on_topic(
        "referrals.uwv",
        case_id,
        lambda events: any(o.handover and o.handover.bsn == bsn for o in offered(events)),
    )

    # The citizen withdraws sharing with both agencies (the intake's grants, by their ids).
    for agency in ("uwv", held["agency_code"]):
        revoke = ConsentRevoked(
            case_id=case_id,
            grant_id=intake_grant_id(f"intake-{case_id}", agency),
            agency_code=agency,
            revoked_at=START,
        )
        await live.publish(Envelope(revoke, source="/test", time=START))
    told = withdrawn(
        await live.wait_on_topic("referrals.uwv", case_id, lambda events: withdrawn(events))
    )
    assert told[0].referral_ids == [uwv["id"]] and told[0].reason == "consent_revoked"
    before = len(await read_topic(live.bootstrap, "referrals.uwv", case_id))

    # Then: a new identity, the estafette's next step released, a referral added by hand.
    renamed = CitizenIdentified(case_id=case_id, name="A. de Vries-Bakker", bsn=bsn)
    await live.publish(Envelope(renamed, source="/test", time=START))
    await live.respond(uwv, "accepted")
    await live.respond(uwv, "completed", outcome="WW toegekend.")
    await live.referrals(
        case_id, lambda rows: next(r for r in rows if r["id"] == held["id"])["state"] == "issued"
    )
    added = await live.runtime.state["routing"].add_referral(
        case_id, "uwv_werk", "Werk zoeken met het UWV.", STAFF
    )
    manual = added.model_dump()
    released = await live.wait_on_topic(
        f"referrals.{held['agency_code']}", case_id, lambda events: offered(events, held["id"])
    )
    assert all(o.handover is None for o in offered(released, held["id"]))
    uwv_events = await live.wait_on_topic(
        "referrals.uwv", case_id, lambda events: offered(events, manual["id"])
    )
    after = uwv_events[before:]
    assert all(o.handover is None for o in offered(after)), "nothing personal after revoking"
    assert not any(bsn in e.value().decode() or "Vries" in e.value().decode() for e in after)

    # A later grant upgrades the open referral: the same referral id, now a warm handover.
    grant = ConsentGranted(
        case_id=case_id,
        grant_id=f"grant-{case_id[-8:]}-uwv",
        agency_code="uwv",
        scopes=["summary", "identity"],
        valid_until=START + timedelta(days=30),
        granted_by="citizen",
    )
    await live.publish(Envelope(grant, source="/test", time=START))
    upgraded = await live.wait_on_topic(
        "referrals.uwv",
        case_id,
        lambda events: any(o.handover is not None for o in offered(events, manual["id"])),
    )
    warm = [o for o in offered(upgraded, manual["id"]) if o.handover is not None]
    assert warm[-1].handover.bsn == bsn and warm[-1].mode == "warm_handover"


async def test_the_citizens_own_words_reach_only_an_agency_that_has_the_story(
    live: Live,
) -> None:
    case_id = new_case()
    words = "Sinds mijn ontslag heb ik geen inkomen en de huur loopt achter."
    identity = CitizenIdentified(case_id=case_id, name="D. Bakker", own_words=words)
    await live.publish(Envelope(identity, source="/test", time=START))
    # UWV may see the story, Toeslagen who the citizen is: each grant before the intake.
    story, who = "uwv", "toeslagen"
    for agency, scopes in ((story, ["summary"]), (who, ["identity"])):
        grant = ConsentGranted(
            case_id=case_id,
            grant_id=f"grant-{case_id[-8:]}-{agency}",
            agency_code=agency,
            scopes=scopes,
            valid_until=START + timedelta(days=30),
            granted_by="citizen",
        )
        await live.publish(Envelope(grant, source="/test", time=START))
    await live.publish(intake(case_id, share_with=[]))
    rows = await live.referrals(
        case_id, lambda rows: {story, who} <= {r["agency_code"] for r in rows}, wait_s=90
    )
    assert all(r["state"] == "issued" for r in rows if r["agency_code"] in (story, who))
    # The identity travels on another topic: it may arrive after the first offer, and then
    # brings a replacing offer with the own words.
    with_story = await live.wait_on_topic(
        f"referrals.{story}",
        case_id,
        lambda events: any(o.handover and o.handover.own_words == words for o in offered(events)),
        wait_s=90,
    )
    warm = [o for o in offered(with_story) if o.handover is not None]
    assert all(o.handover.name is None for o in warm), "the story, not who the citizen is"
    with_identity = await live.wait_on_topic(
        f"referrals.{who}",
        case_id,
        lambda events: any(o.handover and o.handover.name for o in offered(events)),
        wait_s=90,
    )
    # A grant that arrives before the identity brings an offer without a name first; the
    # identity then brings the replacing one with it.
    assert {o.handover.name for o in offered(with_identity) if o.handover and o.handover.name} == {
        "D. Bakker"
    }
    assert not any(words in e.value().decode() for e in with_identity)


async def test_an_intake_awaiting_confirmation_reaches_agencies_only_once_confirmed(
    live: Live,
) -> None:
    case_id = new_case()
    await live.publish(intake(case_id, awaiting_confirmation=True))
    rows = await live.referrals(case_id, lambda rows: bool(rows))
    assert {r["state"] for r in rows} == {"unconfirmed"}
    assert all(r["due_at"] is None for r in rows)
    assert await read_topic(live.bootstrap, "referrals.uwv", case_id, wait_s=5) == []
    case_events = await read_topic(live.bootstrap, "case.events", case_id, wait_s=5)
    assert not any("referral" in e.type for e in case_events)
    confirmed = IntakeConfirmed(
        case_id=case_id, intake_id=f"intake-{case_id}", confirmed_by="citizen", confirmed_at=START
    )
    await live.publish(Envelope(confirmed, source="/test", time=START))
    rows = await live.referrals(
        case_id, lambda rows: "unconfirmed" not in {r["state"] for r in rows}
    )
    uwv = next(r for r in rows if r["agency_code"] == "uwv")
    assert uwv["state"] == "issued" and uwv["due_at"] is not None
    events = await live.wait_on_topic("referrals.uwv", case_id, lambda events: offered(events))
    assert [o.referral_id for o in offered(events)] == [uwv["id"]]


async def test_an_anonymised_case_tells_each_agency_to_delete_what_it_holds(live: Live) -> None:
    case_id = new_case()
    identity = CitizenIdentified(case_id=case_id, name="B. Jansen", bsn="123456782")
    await live.publish(Envelope(identity, source="/test", time=START))
    await live.publish(intake(case_id))
    rows = await live.referrals(case_id, lambda rows: any(r["agency_code"] == "uwv" for r in rows))
    uwv = next(r for r in rows if r["agency_code"] == "uwv")
    anonymised = CaseAnonymised(case_id=case_id, anonymised_at=START)
    await live.publish(Envelope(anonymised, source="/test", time=START))
    told = withdrawn(
        await live.wait_on_topic("referrals.uwv", case_id, lambda events: withdrawn(events))
    )
    assert told[0].reason == "case_anonymised" and uwv["id"] in told[0].referral_ids
    assert set(told[0].scopes) == {"summary", "identity"}


async def test_a_promise_sent_twice_by_the_agency_is_recorded_once(live: Live) -> None:
    case_id = new_case()
    await live.publish(intake(case_id))
    rows = await live.referrals(case_id, lambda rows: any(r["agency_code"] == "uwv" for r in rows))
    uwv = next(r for r in rows if r["agency_code"] == "uwv")
    promise = {"promise": "We bellen u vrijdag.", "promise_due_at": START + timedelta(days=3)}
    first = await live.respond(uwv, "promise_made", **promise)
    retried = await live.respond(
        uwv, "promise_made", responded_at=START + timedelta(minutes=2), **promise
    )
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:  # until routing's consumer took both (its inbox)
        async with live.runtime.sessions() as session:
            taken = await session.scalar(
                select(func.count())
                .select_from(inbox)
                .where(inbox.c.event_id.in_([first.id, retried.id]))
            )
        if taken == 2:
            break
        await asyncio.sleep(0.3)
    else:
        raise AssertionError("routing never consumed both answers")
    recorded = await live.wait_on_topic(
        "case.events", case_id, lambda events: any("promise" in e.type for e in events)
    )
    assert len([e for e in recorded if "promise-recorded" in e.type]) == 1


async def _referral_topics_with(bootstrap: str, case_id: str, wait_s: float = 30) -> set[str]:
    """Every `referrals.*` topic on the broker (the old shared `referrals.gemeente` too, where
    it exists) that holds an event of this case, read from the beginning until quiet."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    topics = sorted(t for t in await consumer.topics() if t.startswith("referrals."))
    consumer.subscribe(topics)
    found: set[str] = set()
    try:
        deadline = time.monotonic() + wait_s
        quiet = 0
        while time.monotonic() < deadline and quiet < 6:
            batch = await consumer.getmany(timeout_ms=500)
            quiet = 0 if batch else quiet + 1
            for partition, records in batch.items():
                if any(r.key == case_id.encode() for r in records):
                    found.add(partition.topic)
    finally:
        await consumer.stop()
    return found


async def test_a_referral_for_a_citizen_of_amsterdam_lands_on_amsterdams_topic_and_nowhere_else(
    live: Live,
) -> None:
    case_id = new_case()
    identity = CitizenIdentified(case_id=case_id, name="C. Visser", bsn="123456782")
    await live.publish(Envelope(identity, source="/test", time=START))
    await live.publish(
        intake(
            case_id,
            life_events=["divorce"],
            needs=["income_gap"],
            municipality_code="GM0363",
            share_with=["gemeente-gm0363"],
        )
    )
    events = await live.wait_on_topic(
        "referrals.gemeente-gm0363", case_id, lambda events: offered(events)
    )
    assert {o.agency_code for o in offered(events)} == {"gemeente-gm0363"}
    assert any(o.handover is not None and o.handover.bsn == "123456782" for o in offered(events))
    assert await _referral_topics_with(live.bootstrap, case_id) == {"referrals.gemeente-gm0363"}
