"""The citizen's "who looked at my dossier" covers every service, on the real broker (routing
and the dossier on PostgreSQL): a casemanager reads a case's referrals in routing; routing
audits the read in its own chain and publishes it on `access.log`; the dossier's citizen view
lists it, with the service that recorded it. A refused read by another team reaches the view
the same way, and so does the owner's read of the intake in the intake service."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiokafka import AIOKafkaProducer
from live_service import join_at_the_end, messaging_up, own_groups, publish

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import BuddyAssigned
from voorportaal_contracts.types import Channel, LifeEvent
from voorportaal_dossier.app import definition as dossier_definition
from voorportaal_dossier.service_layer.access import Actor, LinkUse
from voorportaal_dossier.settings import DossierSettings
from voorportaal_intake.app import definition as intake_definition
from voorportaal_intake.demo import sample_answer
from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.auth import Principal
from voorportaal_kit.errors import Forbidden, NotFound
from voorportaal_kit.runtime import ServiceDefinition, ServiceRuntime
from voorportaal_kit.testing import intake_submitted
from voorportaal_routing.app import definition as routing_definition
from voorportaal_routing.settings import RoutingSettings

pytestmark = pytest.mark.integration
_T = TypeVar("_T")
OWNER = Principal("cm-owner", frozenset({"casemanager"}), team="noord")
STRANGER = Principal("cm-stranger", frozenset({"casemanager"}), team="zuid")


def _own_groups(definition: ServiceDefinition, prefix: str) -> ServiceDefinition:
    """The service with consumer groups of its own (`live_service.own_groups`) and no jobs."""
    return dataclasses.replace(own_groups(definition, prefix), jobs=lambda _runtime: [])


async def _until(probe: Callable[[], Awaitable[_T | None]], what: str, wait_s: float = 60) -> _T:
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        found = await probe()
        if found is not None:
            return found
        await asyncio.sleep(0.2)
    raise AssertionError(f"{what} never happened")


@dataclass
class Suite:
    routing: ServiceRuntime
    dossier: ServiceRuntime
    intake: ServiceRuntime
    producer: AIOKafkaProducer

    async def publish(self, envelope: Envelope) -> None:
        await publish(self.producer, envelope)

    async def citizens_access_log(self, case_id: str) -> list[dict[str, Any]]:
        principal = Principal(f"intake:{case_id}", frozenset({"citizen"}), case_id=case_id)
        link = LinkUse(case_id, None, None, "dossier", datetime.now(UTC) + timedelta(days=1))
        citizen = Actor(principal, link=link)
        entries: list[dict[str, Any]] = await self.dossier.state["dossier"].citizen_view.access_log(
            citizen, case_id
        )
        return entries


@pytest.fixture
async def suite(
    pg_database_url: str, second_pg_database_url: str, kafka_bootstrap: str, tmp_path: Path
) -> AsyncIterator[Suite]:
    prefix = f"it-{uuid.uuid4().hex[:8]}"
    common: dict[str, Any] = {
        "kafka_bootstrap_servers": kafka_bootstrap,
        "consumer_backoff_initial_s": 0.1,
        "consumer_backoff_max_s": 0.5,
        "relay_poll_interval_s": 0.05,
    }
    routing_settings = RoutingSettings(
        data_dir=tmp_path / "routing", database_url=pg_database_url, **common
    )
    dossier_settings = DossierSettings(
        data_dir=tmp_path / "dossier",
        database_url=second_pg_database_url,
        consumer_group_prefix=f"dossier-{prefix}",
        **common,
    )
    intake_settings = IntakeSettings(data_dir=tmp_path / "intake", **common)
    routing = ServiceRuntime(_own_groups(routing_definition(routing_settings), prefix))
    dossier = ServiceRuntime(dossier_definition(dossier_settings))
    intake = ServiceRuntime(_own_groups(intake_definition(intake_settings), prefix))
    for runtime in (routing, dossier, intake):
        await asyncio.to_thread(runtime.migrate)
        await join_at_the_end(kafka_bootstrap, runtime)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        async with routing.lifespan(), dossier.lifespan(), intake.lifespan():
            for runtime in (routing, dossier, intake):
                await messaging_up(runtime)
            yield Suite(routing, dossier, intake, producer)
    finally:
        await producer.stop()


async def test_a_read_of_referrals_in_routing_is_in_the_citizens_access_log(suite: Suite) -> None:
    case_id = f"vp-it{uuid.uuid4().hex[:18]}"
    now = datetime.now(UTC)
    submitted = Envelope(
        intake_submitted(
            case_id,
            now,
            redzaamheid="middengroep",
            urgency="normal",
            needs=["income_gap", "unemployment_benefit", "allowances"],
            risks=[],
            share_with=[],
        ),
        source="/test",
        time=now,
    )
    await suite.publish(submitted)
    await suite.publish(
        submitted.follow_up(
            BuddyAssigned(
                case_id=case_id,
                casemanager_id=OWNER.subject,
                casemanager_name="Owner",
                team="noord",
                assigned_at=now,
            ),
            "/test",
            time=now,
        )
    )
    routing = suite.routing.state["routing"]

    async def referrals_as_the_owner() -> list[dict[str, Any]] | None:
        async with suite.routing.sessions() as session:
            if (await routing.access.get(session, case_id)).owner_id != OWNER.subject:
                return None
        try:
            found = await routing.case_referrals(case_id, OWNER)
            rows = [r.model_dump() for r in found]
        except NotFound:
            return None  # the intake is not routed yet (the read is audited all the same)
        return rows

    rows = await _until(referrals_as_the_owner, "routing knowing the owner and the referrals")
    assert rows and all(r["case_id"] == case_id for r in rows)
    with pytest.raises(Forbidden):
        await routing.case_referrals(case_id, STRANGER)

    async def routing_entries() -> list[dict[str, Any]] | None:
        try:
            entries = await suite.citizens_access_log(case_id)
        except (Forbidden, NotFound):
            return None  # the dossier has not projected the case yet
        found = [e for e in entries if e["service"] == "routing"]
        allowed = [e for e in found if e["allowed"]]
        return found if allowed and any(not e["allowed"] for e in found) else None

    entries = await _until(routing_entries, "the citizen's view listing routing's reads")
    read = next(e for e in entries if e["allowed"] and e["who"] == OWNER.subject)
    assert (read["role"], read["data"], read["purpose"], read["action"]) == (
        "casemanager",
        "referrals",
        "referral_history",
        "read",
    )
    refused = next(e for e in entries if not e["allowed"])
    assert refused["who"] == STRANGER.subject
    async with suite.routing.sessions() as session:
        assert await routing.audit.log.verify_session(session) == []
        chained = await routing.audit.log.query(session, case_id=case_id)
    assert {e["seq"] for e in entries} <= {r.seq for r in chained}


async def test_a_read_of_an_intake_is_in_the_citizens_access_log(suite: Suite) -> None:
    intakes = suite.intake.state["intakes"]
    state = await intakes.start([LifeEvent.DIVORCE], Channel.WEB)
    citizen = Principal(f"intake:{state.id}", frozenset({"citizen"}), case_id=state.case_id)
    while state.next is not None:
        question = state.next.question
        shown = {
            "type": question.type,
            "minimum": question.minimum,
            "options": [{"value": o.value} for o in question.options],
        }
        state = await intakes.answer(
            state.id, citizen, state.next.step, question.id, sample_answer(shown)
        )
    await intakes.submit(state.id, citizen)  # IntakeSubmitted: the dossier opens the case
    now = datetime.now(UTC)
    await suite.publish(
        Envelope(
            BuddyAssigned(
                case_id=state.case_id,
                casemanager_id=OWNER.subject,
                casemanager_name="Owner",
                team="noord",
                assigned_at=now,
            ),
            source="/test",
            time=now,
        )
    )

    async def read_as_the_owner() -> bool | None:
        try:
            await intakes.get(state.id, OWNER)
        except Forbidden:
            return None  # the intake has not heard who owns the case yet
        return True

    await _until(read_as_the_owner, "the intake knowing the case's owner")

    async def intake_entries() -> list[dict[str, Any]] | None:
        try:
            entries = await suite.citizens_access_log(state.case_id)
        except (Forbidden, NotFound):
            return None
        found = [e for e in entries if e["service"] == "intake" and e["who"] == OWNER.subject]
        return found if any(e["allowed"] for e in found) else None

    entries = await _until(intake_entries, "the citizen's view listing the intake's read")
    read = next(e for e in entries if e["allowed"])
    assert (read["data"], read["purpose"], read["action"]) == (
        "intake_answers",
        "read_intake",
        "read",
    )
    # The citizen's own steps through the intake are theirs, and in their view too.
    own = [e for e in await suite.citizens_access_log(state.case_id) if e["who"] == citizen.subject]
    assert {e["purpose"] for e in own} >= {"answer", "submit"}
