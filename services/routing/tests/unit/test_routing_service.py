"""The routing use cases on SQLite: intake → referrals, answers, SLA clock, estafette, buddy.

Handlers are called the way the kit's consumer calls them (inside a transaction); what they
cause is read back from the outbox. Kafka is not needed here; tests/integration has the broker.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from voorportaal_contracts.consent import intake_grant_id
from voorportaal_contracts.envelope import Envelope, from_kafka
from voorportaal_contracts.events import (
    BuddyAssigned,
    CaseAnonymised,
    CitizenIdentified,
    ConsentGranted,
    ConsentRevoked,
    IntakeAmended,
    IntakeConfirmed,
    IntakeSubmitted,
    ReferralResponded,
)
from voorportaal_contracts.registry import Event
from voorportaal_contracts.signing import (
    SIGNATURE_HEADER,
    sign,
    signature_header,
    signed_response,
)
from voorportaal_kit.auth import Principal
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.errors import Conflict, Forbidden, PermanentError
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_routing.app import definition
from voorportaal_routing.service_layer.routing import RoutingService
from voorportaal_routing.settings import RoutingSettings

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
CASE = "vp-0000000000000000case"
CASEMANAGER = Principal(subject="cm-1", roles=frozenset({"casemanager"}))
SUPERVISOR = Principal(subject="sv-1", roles=frozenset({"supervisor"}))


@dataclass
class Routing:
    runtime: ServiceRuntime
    service: RoutingService
    clock: FixedClock
    settings: RoutingSettings

    async def handle(self, data: Event, handler: str = "on_intake_submitted") -> None:
        envelope = Envelope(data, source="/test", time=self.clock.now())
        async with self.runtime.sessions.begin() as session:
            await getattr(self.service, handler)(session, envelope)

    def answer(self, referral: dict[str, Any], response: str, **extra: Any) -> ReferralResponded:
        """The agency's signed answer to a referral (by default: now, with its own key)."""
        key = self.settings.agency_key(extra.pop("as_agency", referral["agency_code"]))
        assert key is not None
        extra.setdefault("responded_at", self.clock.now())
        return signed_response(
            key,
            case_id=referral["case_id"],
            referral_id=referral["id"],
            agency_code=extra.pop("agency_code", referral["agency_code"]),
            response=response,
            **extra,
        )

    async def respond(self, referral: dict[str, Any], response: str, **extra: Any) -> None:
        await self.handle(self.answer(referral, response, **extra), "on_response")

    async def case_event(self, data: Event) -> None:
        """A fact from `case.events` as both of routing's groups apply it."""
        envelope = Envelope(data, source="/test", time=self.clock.now())
        async with self.runtime.sessions.begin() as session:
            await self.service.access.on_event(session, envelope)
            await self.service.on_buddy(session, envelope)

    async def outbox(self, *, access_log: bool = False) -> list[tuple[str, str, dict[str, Any]]]:
        """What routing staged; the access log's events only when asked (they are tested with
        the access matrix)."""
        query = text("SELECT topic, event_type, value FROM outbox ORDER BY id")
        async with self.runtime.sessions() as session:
            rows = (await session.execute(query)).all()
        staged = [r for r in rows if access_log or r[0] != "access.log"]
        return [(r[0], r[1], json.loads(bytes(r[2]))) for r in staged]

    async def referrals(self) -> list[dict[str, Any]]:
        """The case's referrals as the route answers them."""
        return [r.model_dump() for r in await self.service.case_referrals(CASE, SUPERVISOR)]


@pytest.fixture
async def routing(tmp_path: Path) -> AsyncIterator[Routing]:
    settings = RoutingSettings(data_dir=tmp_path, kafka_bootstrap_servers="127.0.0.1:1")
    clock = FixedClock(MONDAY)
    runtime = ServiceRuntime(definition(settings), clock=clock)
    await asyncio.to_thread(runtime.migrate)
    yield Routing(runtime, runtime.state["routing"], clock, settings)
    await runtime.engine.dispose()


def submitted(**changes: Any) -> IntakeSubmitted:
    fields: dict[str, Any] = {
        "case_id": CASE,
        "intake_id": "intake-1",
        "life_events": ["income_loss"],
        "channel": "web",
        "redzaamheid": "middengroep",
        "urgency": "normal",
        "needs": ["income_gap", "unemployment_benefit", "allowances"],
        "risks": [],
        "municipality_code": "GM0344",
        "share_with": ["uwv"],
        "language": "tr",
        "preferred_channels": ["sms"],
        "submitted_at": MONDAY,
    }
    return IntakeSubmitted(**{**fields, **changes})


def types(outbox: list[tuple[str, str, dict[str, Any]]]) -> list[tuple[str, str]]:
    return [(topic, kind.rsplit(".", 1)[-1]) for topic, kind, _ in outbox]


async def test_an_intake_becomes_explained_referrals_on_each_agencys_own_topic(
    routing: Routing,
) -> None:
    await routing.handle(
        CitizenIdentified(case_id=CASE, name="S. Yilmaz", bsn="111222333"),
        "on_citizen_identified",
    )
    await routing.handle(submitted())
    referrals = await routing.referrals()
    assert referrals, "income loss with an income gap is routed somewhere"
    assert all(r["reasons"] and r["reasons"][0]["nl"] for r in referrals)
    outbox = await routing.outbox()
    issued = [v for _, kind, v in outbox if kind.endswith("referral-issued")]
    assert len(issued) == len(referrals)
    offered = {topic: v for topic, kind, v in outbox if kind.endswith("referral.offered")}
    uwv = offered["referrals.uwv"]
    assert uwv["mode"] == "warm_handover"
    assert uwv["handover"]["bsn"] == "111222333" and uwv["handover"]["language"] == "tr"
    assert "Vraag er niet opnieuw naar" in uwv["handover"]["story"]
    for topic, value in offered.items():
        if topic != "referrals.uwv":
            assert value["handover"] is None, f"{topic} got personal details without consent"
    for _, _, value in outbox:
        if "handover" not in value:
            assert "111222333" not in json.dumps(value)


async def test_a_signed_answer_moves_only_that_agencys_referral(routing: Routing) -> None:
    await routing.handle(submitted())
    uwv = next(r for r in await routing.referrals() if r["agency_code"] == "uwv")
    await routing.respond(uwv, "received")
    await routing.respond(uwv, "accepted")
    await routing.respond(uwv, "in_progress")
    await routing.respond(uwv, "completed", outcome="WW-aanvraag in behandeling genomen.")
    after = next(r for r in await routing.referrals() if r["id"] == uwv["id"])
    assert after["state"] == "completed"
    assert [h["to_state"] for h in after["history"]] == [
        "received",
        "accepted",
        "in_progress",
        "completed",
    ]
    kinds = [kind for _, kind in types(await routing.outbox())]
    for kind in ("referral-received", "referral-accepted", "referral-started"):
        assert kind in kinds


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ({"as_agency": "svb"}, "bad signature"),
        ({"as_agency": "svb", "agency_code": "svb"}, "not for agency svb"),
        ({"outcome": "x"}, "cannot"),
    ],
)
async def test_responses_that_break_a_rule_are_refused_and_change_nothing(
    routing: Routing, tamper: dict[str, Any], reason: str
) -> None:
    await routing.handle(submitted())
    uwv = next(r for r in await routing.referrals() if r["agency_code"] == "uwv")
    before = await routing.outbox()
    response = "completed" if "outcome" in tamper else "accepted"
    with pytest.raises(PermanentError) as refused:
        await routing.respond(uwv, response, **tamper)
    assert reason in str(refused.value) or "only" in str(refused.value)
    assert await routing.outbox() == before
    assert next(r for r in await routing.referrals() if r["id"] == uwv["id"])["state"] == "issued"


async def test_a_decline_needs_a_fixed_reason_and_counts_towards_a_buddy(routing: Routing) -> None:
    await routing.handle(
        submitted(redzaamheid="zelfredzaam", needs=["housing_costs", "allowances"])
    )
    open_ = [r for r in await routing.referrals() if r["state"] == "issued"]
    assert len(open_) >= 2
    assert len({r["agency_code"] for r in open_}) < 3, "fewer than 3 agencies: no buddy yet"
    assert not [k for _, k in types(await routing.outbox()) if k == "buddy-recommended"]
    for referral in open_[:2]:
        key = routing.settings.agency_key(referral["agency_code"])
        assert key is not None
        await routing.respond(referral, "declined", decline_reason="referred_elsewhere")
    outbox = await routing.outbox()
    declined = [v for _, kind, v in outbox if kind.endswith("referral-declined")]
    assert {d["reason"] for d in declined} == {"referred_elsewhere"}
    recommended = [v for _, kind, v in outbox if kind.endswith("buddy-recommended")]
    assert len(recommended) == 1
    assert any(
        "declined" in r["rule"] or "decline" in r["en"].lower() for r in recommended[0]["reasons"]
    )


async def test_the_sla_clock_reminds_flags_overdue_and_expires_in_working_days(
    routing: Routing,
) -> None:
    await routing.handle(submitted())
    uwv = next(r for r in await routing.referrals() if r["agency_code"] == "uwv")
    assert uwv["due_at"] > MONDAY
    routing.clock.advance(uwv["remind_at"] - MONDAY)
    await routing.service.sweep()
    routing.clock.advance(uwv["due_at"] - routing.clock.now() + timedelta(minutes=1))
    await routing.service.sweep()
    await routing.service.sweep()  # a second sweep adds nothing
    routing.clock.advance(uwv["expires_at"] - routing.clock.now() + timedelta(minutes=1))
    await routing.service.sweep()
    uwv_events = [
        (topic, kind)
        for topic, kind, v in await routing.outbox()
        if v.get("referral_id") == uwv["id"]
    ]
    assert uwv_events.count(("referrals.uwv", "nl.voorportaal.referral.reminder")) == 1
    assert uwv_events.count(("case.events", "nl.voorportaal.case.referral-overdue")) == 1
    assert ("case.events", "nl.voorportaal.case.referral-expired") in uwv_events
    assert ("referrals.uwv", "nl.voorportaal.referral.cancelled") in uwv_events
    after = next(r for r in await routing.referrals() if r["id"] == uwv["id"])
    assert after["state"] == "expired"


async def test_an_amendment_adds_what_is_new_and_withdraws_what_is_gone(routing: Routing) -> None:
    await routing.handle(submitted(needs=["income_gap", "unemployment_benefit", "debts"]))
    before = {r["service_id"]: r for r in await routing.referrals()}
    amended = IntakeAmended(
        **submitted(needs=["income_gap", "unemployment_benefit"]).model_dump(),
        revision=2,
        changed=["income_loss.debts"],
        amended_at=MONDAY,
    )
    await routing.handle(amended)
    await routing.handle(amended)  # the same revision again changes nothing
    after = {r["service_id"]: r for r in await routing.referrals()}
    assert set(after) == set(before)
    withdrawn = [s for s, r in after.items() if r["state"] == "withdrawn"]
    assert withdrawn, "the debt referral is withdrawn"
    assert all("debt" in s or "schuld" in s for s in withdrawn)


async def test_staff_actions_and_who_sees_what(routing: Routing) -> None:
    await routing.handle(submitted())
    await routing.case_event(
        BuddyAssigned(
            case_id=CASE, casemanager_id="cm-1", casemanager_name="Fatima", assigned_at=MONDAY
        )
    )
    await routing.case_event(
        ConsentGranted(
            case_id=CASE,
            grant_id="grant-uwv",
            agency_code="uwv",
            scopes=["summary"],
            valid_until=MONDAY + timedelta(days=30),
        )
    )
    added = await routing.service.add_referral(CASE, "svb_aow", "Ook AOW nagaan.", CASEMANAGER)
    assert added.manual_by == "cm-1"
    with pytest.raises(Conflict):
        await routing.service.add_referral(CASE, "svb_aow", "Nog eens.", CASEMANAGER)
    await routing.service.nudge(added.id, CASEMANAGER)
    withdrawn = await routing.service.withdraw(added.id, "Toch niet nodig.", CASEMANAGER)
    assert withdrawn.state == "withdrawn"
    with pytest.raises(Conflict):
        await routing.service.withdraw(added.id, "Nog eens.", CASEMANAGER)
    uwv_staff = Principal(subject="uwv-1", roles=frozenset({"agency:uwv"}))
    seen = await routing.service.case_referrals(CASE, uwv_staff)
    assert seen and {r.agency_code for r in seen} == {"uwv"}
    stranger = Principal(subject="x", roles=frozenset({"operator"}))
    with pytest.raises(Forbidden):
        await routing.service.case_referrals(CASE, stranger)
    with pytest.raises(Forbidden):
        await routing.service.nudge(added.id, uwv_staff)
    offers = [
        v for topic, kind, v in await routing.outbox() if kind.endswith("offered") and v["handover"]
    ]
    assert offers and offers[-1]["handover"]["buddy_name"] in (None, "Fatima")


async def test_an_estafette_releases_the_next_referral_when_the_first_completes(
    routing: Routing,
) -> None:
    await routing.handle(submitted(needs=["income_gap", "unemployment_benefit"]))
    rows = await routing.referrals()
    held = next(r for r in rows if r["state"] == "held")
    first = next(r for r in rows if r["id"] == held["waits_on"])
    assert held["due_at"] is None and first["state"] == "issued"
    with pytest.raises(PermanentError, match="waits on another"):
        await routing.respond(held, "accepted")
    await routing.respond(first, "accepted")
    await routing.respond(first, "completed", outcome="WW toegekend.")
    released = next(r for r in await routing.referrals() if r["id"] == held["id"])
    assert released["state"] == "issued" and released["due_at"] is not None
    kinds = types(await routing.outbox())
    assert ("case.events", "referral-released") in kinds
    topic = f"referrals.{held['agency_code']}"
    assert kinds.count((topic, "offered")) >= 1


async def test_a_broken_estafette_is_escalated_once(routing: Routing) -> None:
    await routing.handle(submitted(needs=["income_gap", "unemployment_benefit"]))
    rows = await routing.referrals()
    held = next(r for r in rows if r["state"] == "held")
    first = next(r for r in rows if r["id"] == held["waits_on"])
    await routing.respond(first, "declined", decline_reason="not_eligible")
    await routing.service.sweep()
    await routing.service.sweep()
    stalled = [v for _, k, v in await routing.outbox() if k.endswith("chain-stalled")]
    assert len(stalled) == 1
    assert stalled[0]["referral_id"] == held["id"] and stalled[0]["waits_on"] == first["id"]
    assert stalled[0]["text"]["nl"]


async def test_a_batch_of_intakes_routes_the_same_as_one_by_one(tmp_path: Path) -> None:
    """One path for a new case (issue 14): a batch routes every new case as one intake would,
    including one awaiting confirmation and one whose amendment arrived first."""
    cases = [f"vp-batch-{c}0000000000" for c in "abcde"]

    async def run(batched: bool, folder: Path) -> tuple[list[Any], list[str]]:
        folder.mkdir()
        settings = RoutingSettings(data_dir=folder, kafka_bootstrap_servers="127.0.0.1:1")
        runtime = ServiceRuntime(definition(settings), clock=FixedClock(MONDAY))
        await asyncio.to_thread(runtime.migrate)
        routing = Routing(runtime, runtime.state["routing"], FixedClock(MONDAY), settings)
        events = [
            submitted(case_id="vp-batch-a0000000000"),
            submitted(case_id="vp-batch-b0000000000", needs=["debts"], share_with=[]),
            submitted(case_id="vp-batch-a0000000000"),  # the same case again, new event id
            submitted(case_id="vp-batch-c0000000000", redzaamheid="niet_redzaam"),
            submitted(case_id="vp-batch-d0000000000", awaiting_confirmation=True),
            IntakeAmended(
                **submitted(case_id="vp-batch-e0000000000", needs=["debts"]).model_dump(),
                revision=2,
                changed=["income_loss.debts"],
                amended_at=MONDAY,
            ),
        ]
        envelopes = [Envelope(e, source="/test", time=MONDAY) for e in events]
        async with runtime.sessions.begin() as session:
            if batched:
                await routing.service.on_intakes(session, envelopes)
            else:
                for envelope in envelopes:
                    await routing.service.on_intake_submitted(session, envelope)
        shapes = []
        for case_id in cases:
            rows = await routing.service.case_referrals(case_id, SUPERVISOR)
            shapes.append(sorted((r.service_id, r.state, r.mode, r.waits_on is None) for r in rows))
        kinds = sorted(kind for _, kind, _ in await routing.outbox())
        await runtime.engine.dispose()
        return shapes, kinds

    batched = await run(True, tmp_path / "batched")
    assert batched == await run(False, tmp_path / "single")
    shapes = dict(zip(cases, batched[0], strict=True))
    assert {state for _, state, _, _ in shapes["vp-batch-d0000000000"]} == {"unconfirmed"}
    assert shapes["vp-batch-e0000000000"], "an amendment of a case routing did not know routes it"


# -- agencies' answers: signed over their bytes, applied once, on time ----------------------


def hand_built_answer(
    referral: dict[str, Any], value: bytes, key: bytes | None, *, header: str | None = None
) -> Envelope:
    """A record as another client would put it on the topic, read back as the consumer does."""
    headers = [
        ("ce_id", str(uuid.uuid4()).encode()),
        ("ce_type", b"nl.voorportaal.referral.responded"),
        ("ce_source", b"/agency/other-client"),
        ("ce_time", b"2026-11-30T09:00:00+00:00"),
        ("ce_subject", referral["case_id"].encode()),
        ("ce_specversion", b"1.0"),
        ("ce_schemaversion", b"1"),
    ]
    if key is not None:
        headers.append(signature_header(value, key))
    if header is not None:
        headers.append((SIGNATURE_HEADER, header.encode()))
    return from_kafka(referral["case_id"].encode(), value, headers)


def other_serialiser(referral: dict[str, Any], response: str, **extra: Any) -> bytes:
    """The answer as a client with another JSON library writes it: `+00:00` for UTC, no null
    fields, its own key order and spacing."""
    fields = {
        "response": response,
        "responded_at": "2026-11-30T09:00:00+00:00",
        "referral_id": referral["id"],
        "agency_code": referral["agency_code"],
        "case_id": referral["case_id"],
        **extra,
    }
    return json.dumps(fields, indent=1).encode()


async def deliver(routing: Routing, envelope: Envelope, handler: str = "on_response") -> None:
    async with routing.runtime.sessions.begin() as session:
        await getattr(routing.service, handler)(session, envelope)


async def test_an_answer_signed_over_its_exact_bytes_is_accepted_from_any_serialiser(
    routing: Routing,
) -> None:
    await routing.handle(submitted())
    uwv = next(r for r in await routing.referrals() if r["agency_code"] == "uwv")
    key = routing.settings.agency_key("uwv")
    assert key is not None
    value = other_serialiser(uwv, "received")
    assert b"+00:00" in value and b"null" not in value and b"\n" in value
    await deliver(routing, hand_built_answer(uwv, value, key))
    assert next(r for r in await routing.referrals() if r["id"] == uwv["id"])["state"] == (
        "received"
    )
    # The old form fails such a client on day one: its canonical JSON is not ours.
    agency_side = json.loads(other_serialiser(uwv, "accepted"))
    legacy = {**agency_side, "signature": sign(agency_side, key)}
    with pytest.raises(PermanentError, match="bad signature"):
        await deliver(routing, hand_built_answer(uwv, json.dumps(legacy).encode(), None))


async def test_a_bad_v2_signature_is_refused_even_next_to_a_valid_legacy_one(
    routing: Routing,
) -> None:
    await routing.handle(submitted())
    uwv = next(r for r in await routing.referrals() if r["agency_code"] == "uwv")
    legacy = routing.answer(uwv, "received", responded_at=MONDAY).model_dump_json()
    forged = hand_built_answer(uwv, legacy.encode(), None, header=f"v2={'0' * 64}")
    with pytest.raises(PermanentError, match="bad vp-signature"):
        await deliver(routing, forged)
    unsigned = hand_built_answer(uwv, other_serialiser(uwv, "received"), None)
    with pytest.raises(PermanentError, match="no signature"):
        await deliver(routing, unsigned)


async def test_the_in_payload_signature_is_refused_after_its_last_day(tmp_path: Path) -> None:
    settings = RoutingSettings(
        data_dir=tmp_path,
        kafka_bootstrap_servers="127.0.0.1:1",
        legacy_signatures_until=MONDAY.date(),
    )
    clock = FixedClock(MONDAY)
    runtime = ServiceRuntime(definition(settings), clock=clock)
    await asyncio.to_thread(runtime.migrate)
    routing = Routing(runtime, runtime.state["routing"], clock, settings)
    try:
        await routing.handle(submitted())
        uwv = next(r for r in await routing.referrals() if r["agency_code"] == "uwv")
        await routing.respond(uwv, "received")  # the last day: still read
        clock.advance(timedelta(days=1))
        with pytest.raises(PermanentError, match="no longer accepted"):
            await routing.respond(uwv, "accepted")
    finally:
        await runtime.engine.dispose()


async def test_a_promise_sent_twice_is_recorded_once(routing: Routing) -> None:
    await routing.handle(submitted())
    uwv = next(r for r in await routing.referrals() if r["agency_code"] == "uwv")
    promise = {"promise": "We bellen u binnen 2 dagen.", "promise_due_at": MONDAY + timedelta(2)}
    await routing.respond(uwv, "promise_made", **promise)
    routing.clock.advance(timedelta(minutes=3))  # a retry, built anew: another responded_at
    await routing.respond(uwv, "promise_made", **promise)
    promises = [v for _, kind, v in await routing.outbox() if kind.endswith("promise-recorded")]
    assert len(promises) == 1


async def test_the_same_answer_twice_moves_the_referral_once(routing: Routing) -> None:
    await routing.handle(submitted())
    uwv = next(r for r in await routing.referrals() if r["agency_code"] == "uwv")
    await routing.respond(uwv, "accepted")
    await routing.respond(uwv, "accepted")  # retried with the same responded_at
    routing.clock.advance(timedelta(minutes=1))
    await routing.respond(uwv, "accepted")  # retried, built anew
    after = next(r for r in await routing.referrals() if r["id"] == uwv["id"])
    assert [h["to_state"] for h in after["history"]] == ["accepted"]
    kinds = [kind for _, kind in types(await routing.outbox())]
    assert kinds.count("referral-accepted") == 1


@pytest.mark.parametrize(
    ("offset", "reason"),
    [(timedelta(hours=-25), "more than 24 h before now"), (timedelta(minutes=6), "after now")],
)
async def test_answers_whose_responded_at_is_far_from_now_are_refused(
    routing: Routing, offset: timedelta, reason: str
) -> None:
    await routing.handle(submitted())
    uwv = next(r for r in await routing.referrals() if r["agency_code"] == "uwv")
    answer = routing.answer(uwv, "accepted", responded_at=routing.clock.now() + offset)
    with pytest.raises(PermanentError, match=reason):
        await routing.handle(answer, "on_response")
    assert next(r for r in await routing.referrals() if r["id"] == uwv["id"])["state"] == "issued"


# -- consent: one truth, decided at every send ----------------------------------------------

UWV_GRANT = intake_grant_id("intake-1", "uwv")


def identified(**changes: Any) -> CitizenIdentified:
    return CitizenIdentified(
        **{"case_id": CASE, "name": "S. Yilmaz", "bsn": "111222333", **changes}
    )


def granted(agency: str, grant_id: str, **changes: Any) -> ConsentGranted:
    fields: dict[str, Any] = {
        "case_id": CASE,
        "grant_id": grant_id,
        "agency_code": agency,
        "scopes": ["summary", "identity"],
        "valid_until": MONDAY + timedelta(days=90),
        "granted_by": "citizen",
    }
    return ConsentGranted(**{**fields, **changes})


def revoked(agency: str, grant_id: str) -> ConsentRevoked:
    return ConsentRevoked(case_id=CASE, grant_id=grant_id, agency_code=agency, revoked_at=MONDAY)


def offers_to(outbox: list[tuple[str, str, dict[str, Any]]], agency: str) -> list[dict[str, Any]]:
    return [v for topic, kind, v in outbox if topic == f"referrals.{agency}" and "offered" in kind]


def withdrawals(outbox: list[tuple[str, str, dict[str, Any]]], agency: str) -> list[Any]:
    return [
        v for topic, kind, v in outbox if topic == f"referrals.{agency}" and "withdrawn" in kind
    ]


async def test_after_a_revocation_no_handover_carries_identity_and_the_agency_is_told(
    routing: Routing,
) -> None:
    await routing.handle(identified(), "on_citizen_identified")
    await routing.handle(submitted())
    uwv = next(r for r in await routing.referrals() if r["agency_code"] == "uwv")
    assert offers_to(await routing.outbox(), "uwv")[-1]["handover"]["bsn"] == "111222333"
    before = len(await routing.outbox())
    await routing.handle(revoked("uwv", UWV_GRANT), "on_consent_revoked")
    told = withdrawals(await routing.outbox(), "uwv")
    assert len(told) == 1 and told[0]["referral_ids"] == [uwv["id"]]
    assert told[0]["reason"] == "consent_revoked"
    assert set(told[0]["scopes"]) == {"summary", "identity"}
    # A new identity, then a referral added by hand: nothing personal goes to uwv any more.
    await routing.handle(identified(name="S. Yilmaz-de Vries"), "on_citizen_identified")
    await routing.service.withdraw(uwv["id"], "Opnieuw, met de hand.", SUPERVISOR)
    await routing.service.add_referral(CASE, "uwv_werk", "Werk zoeken met UWV.", SUPERVISOR)
    after = (await routing.outbox())[before:]
    new_offers = offers_to(after, "uwv")
    assert new_offers, "the manual referral went out"
    assert all(o["handover"] is None and o["mode"] == "anonymous" for o in new_offers)
    assert "111222333" not in json.dumps(after) and "Yilmaz" not in json.dumps(after)
    assert len(withdrawals(after, "uwv")) == 1, "told once, not again on every send"


async def test_a_revocation_that_arrives_before_its_grant_still_wins(routing: Routing) -> None:
    await routing.handle(revoked("uwv", UWV_GRANT), "on_consent_revoked")
    await routing.handle(identified(), "on_citizen_identified")
    await routing.handle(submitted())  # seeds the same grant from share_with
    await routing.handle(granted("uwv", UWV_GRANT), "on_consent_granted")  # and its own event
    offers = offers_to(await routing.outbox(), "uwv")
    assert offers and all(o["handover"] is None for o in offers)


async def test_a_later_grant_upgrades_an_anonymous_referral_to_a_warm_handover(
    routing: Routing,
) -> None:
    await routing.handle(identified(), "on_citizen_identified")
    await routing.handle(submitted(share_with=[]))
    uwv = next(r for r in await routing.referrals() if r["agency_code"] == "uwv")
    assert offers_to(await routing.outbox(), "uwv")[-1]["handover"] is None
    await routing.handle(granted("uwv", "grant-later-uwv"), "on_consent_granted")
    offers = offers_to(await routing.outbox(), "uwv")
    assert len(offers) == 2 and offers[-1]["referral_id"] == uwv["id"]
    assert offers[-1]["mode"] == "warm_handover" and offers[-1]["handover"]["bsn"] == "111222333"
    after = next(r for r in await routing.referrals() if r["id"] == uwv["id"])
    assert after["mode"] == "warm_handover"


async def test_a_summary_only_grant_hands_on_the_story_without_who_the_citizen_is(
    routing: Routing,
) -> None:
    await routing.handle(identified(), "on_citizen_identified")
    await routing.handle(submitted(share_with=[]))
    await routing.handle(granted("uwv", "grant-story", scopes=["summary"]), "on_consent_granted")
    handover = offers_to(await routing.outbox(), "uwv")[-1]["handover"]
    assert "Vraag er niet opnieuw naar" in handover["story"]
    assert handover["name"] is None and handover["bsn"] is None and handover["channels"] == []


OWN_WORDS = "Mijn man is weg en ik kan de huur niet meer betalen."


async def test_the_citizens_own_words_go_to_an_agency_with_the_summary_scope(
    routing: Routing,
) -> None:
    await routing.handle(
        CitizenIdentified(case_id=CASE, own_words=OWN_WORDS), "on_citizen_identified"
    )
    await routing.handle(submitted(share_with=[]))
    await routing.handle(granted("uwv", "grant-story", scopes=["summary"]), "on_consent_granted")
    handover = offers_to(await routing.outbox(), "uwv")[-1]["handover"]
    assert handover["own_words"] == OWN_WORDS
    assert handover["name"] is None and handover["bsn"] is None


async def test_own_words_told_before_the_intake_go_with_a_summary_only_grant(
    routing: Routing,
) -> None:
    # The grant and the identity were applied before the intake (three topics, three
    # consumers): the intake's first offer must carry the words, for nothing comes after it
    # that would bring them (a grant that shares who the citizen is used to be needed).
    await routing.handle(granted("uwv", "grant-story", scopes=["summary"]), "on_consent_granted")
    await routing.handle(
        CitizenIdentified(case_id=CASE, own_words=OWN_WORDS), "on_citizen_identified"
    )
    await routing.handle(submitted(share_with=[]))
    offers = offers_to(await routing.outbox(), "uwv")
    assert len(offers) == 1 and offers[0]["handover"]["own_words"] == OWN_WORDS
    assert offers[0]["handover"]["name"] is None


async def test_an_agency_without_the_summary_scope_never_gets_the_own_words(
    routing: Routing,
) -> None:
    await routing.handle(identified(own_words=OWN_WORDS), "on_citizen_identified")
    await routing.handle(submitted(share_with=[]))
    await routing.handle(granted("uwv", "grant-who", scopes=["identity"]), "on_consent_granted")
    offers = offers_to(await routing.outbox(), "uwv")
    assert offers[-1]["handover"]["bsn"] == "111222333", "identity is shared"
    assert offers[-1]["handover"]["own_words"] is None
    assert OWN_WORDS not in json.dumps(await routing.outbox())


async def test_own_words_written_later_reach_an_agency_that_has_the_story(
    routing: Routing,
) -> None:
    await routing.handle(submitted(share_with=[]))
    await routing.handle(granted("uwv", "grant-story", scopes=["summary"]), "on_consent_granted")
    assert offers_to(await routing.outbox(), "uwv")[-1]["handover"]["own_words"] is None
    await routing.handle(
        CitizenIdentified(case_id=CASE, own_words=OWN_WORDS), "on_citizen_identified"
    )
    assert offers_to(await routing.outbox(), "uwv")[-1]["handover"]["own_words"] == OWN_WORDS


async def test_grants_start_and_expire_with_the_sweep(routing: Routing) -> None:
    await routing.handle(identified(), "on_citizen_identified")
    await routing.handle(submitted(share_with=[]))
    start, end = MONDAY + timedelta(days=1), MONDAY + timedelta(days=3)
    later = granted("uwv", "grant-later", valid_from=start, valid_until=end)
    await routing.handle(later, "on_consent_granted")
    assert len(offers_to(await routing.outbox(), "uwv")) == 1, "not yet"
    routing.clock.advance(timedelta(days=1, minutes=1))
    await routing.service.sweep()
    offers = offers_to(await routing.outbox(), "uwv")
    assert len(offers) == 2 and offers[-1]["handover"]["bsn"] == "111222333"
    routing.clock.advance(timedelta(days=2))
    await routing.service.sweep()
    told = withdrawals(await routing.outbox(), "uwv")
    assert len(told) == 1 and told[0]["reason"] == "consent_expired"
    await routing.service.sweep()
    assert len(withdrawals(await routing.outbox(), "uwv")) == 1, "once"


async def test_an_estafette_step_released_after_a_revocation_carries_no_handover(
    routing: Routing,
) -> None:
    await routing.handle(identified(), "on_citizen_identified")
    # WW and its top-up first, bijstand after them: the chain needs someone entitled to WW
    await routing.handle(
        submitted(needs=["income_gap", "unemployment_benefit"], share_with=["uwv", "gemeente"])
    )
    rows = await routing.referrals()
    held = next(r for r in rows if r["state"] == "held")
    first = next(r for r in rows if r["id"] == held["waits_on"])
    gemeente_grant = intake_grant_id("intake-1", held["agency_code"])
    await routing.handle(revoked(held["agency_code"], gemeente_grant), "on_consent_revoked")
    await routing.respond(first, "accepted")
    await routing.respond(first, "completed", outcome="WW toegekend.")
    offers = offers_to(await routing.outbox(), held["agency_code"])
    released = [o for o in offers if o["referral_id"] == held["id"]]
    assert released and released[-1]["handover"] is None


# -- intakes awaiting the citizen's confirmation --------------------------------------------


async def test_an_intake_awaiting_confirmation_is_planned_but_offered_to_nobody(
    routing: Routing,
) -> None:
    await routing.handle(submitted(awaiting_confirmation=True))
    planned = await routing.referrals()
    assert planned and {r["state"] for r in planned} == {"unconfirmed"}
    assert all(r["due_at"] is None for r in planned), "no SLA clock runs"
    routing.clock.advance(timedelta(days=60))
    await routing.service.sweep()
    assert await routing.outbox() == [], "nothing to agencies, nothing announced"
    await routing.handle(
        IntakeConfirmed(
            case_id=CASE, intake_id="intake-1", confirmed_by="citizen", confirmed_at=MONDAY
        ),
        "on_intake_confirmed",
    )
    rows = await routing.referrals()
    assert "unconfirmed" not in {r["state"] for r in rows}
    kinds = types(await routing.outbox())
    assert ("referrals.uwv", "offered") in kinds
    assert sum(1 for _, kind in kinds if kind == "referral-issued") == len(rows)
    uwv = next(r for r in rows if r["agency_code"] == "uwv")
    assert uwv["state"] == "issued" and uwv["due_at"] > routing.clock.now()


async def test_a_confirmation_of_another_intake_is_refused(routing: Routing) -> None:
    await routing.handle(submitted(awaiting_confirmation=True))
    with pytest.raises(PermanentError, match="not the intake"):
        await routing.handle(
            IntakeConfirmed(
                case_id=CASE, intake_id="intake-2", confirmed_by="staff", confirmed_at=MONDAY
            ),
            "on_intake_confirmed",
        )
    assert {r["state"] for r in await routing.referrals()} == {"unconfirmed"}


# -- erasure ------------------------------------------------------------------------------


async def test_an_anonymised_case_is_forgotten_and_every_agency_told_to_delete(
    routing: Routing,
) -> None:
    await routing.handle(identified(own_words=OWN_WORDS), "on_citizen_identified")
    await routing.handle(submitted())
    rows = await routing.referrals()
    sent = [r for r in rows if r["mode"] != "self_contact" and r["issued_at"] is not None]
    assert len({r["agency_code"] for r in sent}) > 1
    await routing.handle(CaseAnonymised(case_id=CASE, anonymised_at=MONDAY), "on_case_anonymised")
    outbox = await routing.outbox()
    told_agencies = {topic for topic, kind, _ in outbox if "withdrawn" in kind}
    assert told_agencies == {f"referrals.{r['agency_code']}" for r in sent}, "held: not sent"
    for agency in {r["agency_code"] for r in sent}:
        told = withdrawals(outbox, agency)
        assert len(told) == 1 and told[0]["reason"] == "case_anonymised", agency
        assert sorted(told[0]["referral_ids"]) == sorted(
            r["id"] for r in sent if r["agency_code"] == agency
        )
    async with routing.runtime.sessions() as session:
        left = (await session.execute(text("SELECT count(*) FROM routing_identities"))).scalar()
        facts = (await session.execute(text("SELECT facts FROM routing_cases"))).scalar()
        notes = (await session.execute(text("SELECT * FROM routing_identities"))).all()
    assert left == 0 and OWN_WORDS not in str(notes)
    assert "income_gap" not in str(facts) and "GM0344" not in str(facts)
    await routing.handle(identified(), "on_citizen_identified")  # a late copy: not kept
    async with routing.runtime.sessions() as session:
        left = (await session.execute(text("SELECT count(*) FROM routing_identities"))).scalar()
    assert left == 0
