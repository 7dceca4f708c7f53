"""The routing use cases on SQLite: intake → referrals, answers, SLA clock, estafette, buddy.

Handlers are called the way the kit's consumer calls them (inside a transaction); what they
cause is read back from the outbox. Kafka is not needed here; tests/integration has the broker.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    BuddyAssigned,
    CitizenIdentified,
    IntakeAmended,
    IntakeSubmitted,
)
from voorportaal_contracts.registry import Event
from voorportaal_contracts.signing import signed_response
from voorportaal_kit.auth import Principal
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.errors import PermanentError
from voorportaal_kit.http import Conflict, Forbidden
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_routing.app import definition
from voorportaal_routing.service_layer.referrals import RoutingService
from voorportaal_routing.settings import RoutingSettings

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
CASE = "vp-0000000000000000case"
CASEMANAGER = Principal(subject="cm-1", roles=frozenset({"casemanager"}))


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

    async def respond(self, referral: dict[str, Any], response: str, **extra: Any) -> None:
        key = self.settings.agency_key(extra.pop("as_agency", referral["agency_code"]))
        assert key is not None
        signed = signed_response(
            key,
            case_id=referral["case_id"],
            referral_id=referral["id"],
            agency_code=extra.pop("agency_code", referral["agency_code"]),
            response=response,
            responded_at=self.clock.now(),
            **extra,
        )
        await self.handle(signed, "on_response")

    async def outbox(self) -> list[tuple[str, str, dict[str, Any]]]:
        async with self.runtime.sessions() as session:
            rows = (
                await session.execute(
                    text("SELECT topic, event_type, value FROM outbox ORDER BY id")
                )
            ).all()
        return [(r[0], r[1], json.loads(bytes(r[2]))) for r in rows]

    async def referrals(self) -> list[dict[str, Any]]:
        return await self.service.case_referrals(CASE, CASEMANAGER)


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
    await routing.handle(
        BuddyAssigned(
            case_id=CASE, casemanager_id="cm-1", casemanager_name="Fatima", assigned_at=MONDAY
        ),
        "on_buddy",
    )
    added = await routing.service.add_referral(CASE, "svb_aow", "Ook AOW nagaan.", CASEMANAGER)
    assert added["manual_by"] == "cm-1"
    with pytest.raises(Conflict):
        await routing.service.add_referral(CASE, "svb_aow", "Nog eens.", CASEMANAGER)
    await routing.service.nudge(added["id"], CASEMANAGER)
    withdrawn = await routing.service.withdraw(added["id"], "Toch niet nodig.", CASEMANAGER)
    assert withdrawn["state"] == "withdrawn"
    with pytest.raises(Conflict):
        await routing.service.withdraw(added["id"], "Nog eens.", CASEMANAGER)
    uwv_staff = Principal(subject="uwv-1", roles=frozenset({"agency:uwv"}))
    seen = await routing.service.case_referrals(CASE, uwv_staff)
    assert seen and {r["agency_code"] for r in seen} == {"uwv"}
    stranger = Principal(subject="x", roles=frozenset({"operator"}))
    with pytest.raises(Forbidden):
        await routing.service.case_referrals(CASE, stranger)
    with pytest.raises(Forbidden):
        await routing.service.nudge(added["id"], uwv_staff)
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
        ]
        envelopes = [Envelope(e, source="/test", time=MONDAY) for e in events]
        async with runtime.sessions.begin() as session:
            if batched:
                await routing.service.on_intakes(session, envelopes)
            else:
                for envelope in envelopes:
                    await routing.service.on_intake_submitted(session, envelope)
        shapes = []
        for case_id in ("vp-batch-a0000000000", "vp-batch-b0000000000", "vp-batch-c0000000000"):
            rows = await routing.service.case_referrals(case_id, CASEMANAGER)
            shapes.append(
                sorted(
                    (r["service_id"], r["state"], r["mode"], r["waits_on"] is None) for r in rows
                )
            )
        kinds = sorted(kind for _, kind, _ in await routing.outbox())
        await runtime.engine.dispose()
        return shapes, kinds

    assert await run(True, tmp_path / "batched") == await run(False, tmp_path / "single")
