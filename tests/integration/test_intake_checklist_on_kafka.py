"""The intake's checklist+ and "talk to a person" against the real broker and PostgreSQL.

- `ChecklistIssued` arrives on `case.events` with the submission; ticking an item off gives
  `ChecklistItemDone`; asking for a person gives `PersonRequested` (`via="portal_intake"`).
- A mark made at the dossier (its `ChecklistItemDone` on `case.events`) is applied by the
  intake's consumer, so the intake's state stays the truth for the overdue sweep.
- Two replicas sweeping at once on one PostgreSQL database announce each overdue item once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from intake_flow import walk_async
from live_service import eventually, publish_once
from test_intake_safeguards_on_kafka import START, Live, _live, published_events

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import CitizenIdentified, IntakeSubmitted
from voorportaal_contracts.events.checklist import (
    ChecklistIssued,
    ChecklistItemDone,
    ChecklistItemOverdue,
    PersonRequested,
)
from voorportaal_contracts.topics import CASE_EVENTS, CITIZEN_IDENTITY, INTAKE_EVENTS
from voorportaal_intake.app import definition
from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.auth import issue_token
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.runtime import ServiceRuntime

pytestmark = pytest.mark.integration

OWN_WORDS = "Ik ben mijn baan kwijt en weet niet waar ik moet beginnen."


@pytest.fixture
async def live(pg_database_url: str, kafka_bootstrap: str, tmp_path: Path) -> AsyncIterator[Live]:
    async for found in _live(pg_database_url, kafka_bootstrap, tmp_path):
        yield found


async def _moving(live: Live) -> tuple[Any, dict[str, str]]:
    """A staff-started intake for moving house, walked (its dates give real deadlines)."""
    staff = issue_token(live.runtime.settings.auth, "sv-1", ["supervisor"])
    auth = {"Authorization": f"Bearer {staff}"}
    response = await live.http.post(
        "/intakes", json={"life_events": ["moving_rented_home"]}, headers=auth
    )
    assert response.status_code == 201, response.text
    return await walk_async(live.http, response.json(), auth), auth


async def _answer_own_words(live: Live, intake: Any, auth: dict[str, str]) -> None:
    response = await live.http.put(
        f"/intakes/{intake['id']}/answers/profile/own_words",
        json={"value": OWN_WORDS},
        headers=auth,
    )
    assert response.status_code == 200, response.text


async def test_the_checklist_ticking_off_and_a_person_requested_arrive_on_case_events(
    live: Live,
) -> None:
    intake, auth = await live.start()
    await _answer_own_words(live, intake, auth)
    asked = await live.http.post(
        f"/intakes/{intake['id']}/person", json={"channel": "phone"}, headers=auth
    )
    assert asked.status_code == 201, asked.text
    submitted = await live.submit(intake, auth)
    case_id = submitted["case_id"]
    items = submitted["result"]["checklist"]
    assert items
    ticked = await live.http.put(
        f"/intakes/{intake['id']}/checklist/{items[0]['id']}", json={"done": True}, headers=auth
    )
    assert ticked.status_code == 200, ticked.text

    facts = [e.data for e in await published_events(live, CASE_EVENTS, case_id)]
    (person,) = [f for f in facts if isinstance(f, PersonRequested)]
    assert person.via == "portal_intake" and person.request_id == asked.json()["request_id"]
    (issued,) = [f for f in facts if isinstance(f, ChecklistIssued)]
    assert [i.item_id for i in issued.items] == [i["id"] for i in items]
    assert issued.revision == 1 and issued.intake_id == intake["id"]
    (done,) = [f for f in facts if isinstance(f, ChecklistItemDone)]
    assert done.item_id == items[0]["id"] and done.done and done.by_role == "citizen"
    # The own words travel on citizen.identity only.
    (identity,) = [e.data for e in await published_events(live, CITIZEN_IDENTITY, case_id)]
    assert isinstance(identity, CitizenIdentified) and identity.own_words == OWN_WORDS
    (submission,) = [e.data for e in await published_events(live, INTAKE_EVENTS, case_id)]
    assert isinstance(submission, IntakeSubmitted)
    assert OWN_WORDS not in submission.model_dump_json()
    assert all(OWN_WORDS not in f.model_dump_json() for f in facts)


async def test_a_mark_made_at_the_dossier_is_applied_by_the_intake(live: Live) -> None:
    intake, auth = await live.start()
    submitted = await live.submit(intake, auth)
    item = submitted["result"]["checklist"][0]["id"]
    mark = ChecklistItemDone(
        case_id=submitted["case_id"],
        intake_id=intake["id"],
        item_id=item,
        done=True,
        by_role="citizen",
        at=START + timedelta(minutes=3),
    )
    await publish_once(live.bootstrap, Envelope(mark, source="/voorportaal/dossier", time=mark.at))

    async def shown_done() -> bool:
        found = (await live.http.get(f"/intakes/{intake['id']}", headers=auth)).json()
        return bool({i["id"]: i["done"] for i in found["result"]["checklist"]}[item])

    await eventually(shown_done, "the dossier's mark applied by the intake", wait_s=90)


async def test_two_replicas_announce_each_overdue_item_once(
    pg_database_url: str, tmp_path: Path, live: Live
) -> None:
    intake, auth = await _moving(live)
    submitted = await live.submit(intake, auth)
    due = [i for i in submitted["result"]["checklist"] if i["deadline"]]
    assert due, "the walk's dates (20 November) give deadlines before 1 December"
    # Two more replicas on the same database, a month later, sweeping at the same moment.
    settings = IntakeSettings(
        data_dir=tmp_path, database_url=pg_database_url, kafka_bootstrap_servers="127.0.0.1:1"
    )
    later = FixedClock(START + timedelta(days=40))
    replicas = [ServiceRuntime(definition(settings), clock=later) for _ in range(2)]
    try:
        sweeps = [r.state["intakes"].housekeeping.announce_overdue() for r in replicas]
        counts = await asyncio.gather(*sweeps)
        again = await replicas[0].state["intakes"].housekeeping.announce_overdue()
    finally:
        for replica in replicas:
            await replica.engine.dispose()
    assert again == 0
    facts = [e.data for e in await published_events(live, CASE_EVENTS, submitted["case_id"])]
    overdue = [f for f in facts if isinstance(f, ChecklistItemOverdue)]
    assert sorted(o.item_id for o in overdue) == sorted(i["id"] for i in due)
    assert sum(counts) == len(due), "each item once over both replicas"
