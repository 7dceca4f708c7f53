"""The citizen's own work in the dossier against the real broker and PostgreSQL.

The intake's checklist facts and a wish to talk to a person, published on `case.events` before
the intake itself, make a case that is in the console's queue with what is known; the intake
arriving later keeps the checklist, and publishing everything again changes nothing. A tick and
a wish made on the status page leave the dossier through the outbox onto `case.events`, where
the intake and notify read them.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from kafka_reading import read_topic
from test_dossier_on_kafka import START, Live, _until, live

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events.checklist import (
    ChecklistEntry,
    ChecklistIssued,
    ChecklistItemDone,
    PersonRequested,
    Texts,
)
from voorportaal_contracts.topics import CASE_EVENTS
from voorportaal_dossier.domain.case_state import dump_case
from voorportaal_dossier.domain.checklist import open_wish
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_kit.auth import Principal
from voorportaal_kit.testing import intake_submitted

pytestmark = pytest.mark.integration
__all__ = ["live"]  # the fixture

NOTHING_MORE = {"needs": [], "risks": [], "municipality_code": None, "share_with": []}
"""What the kit's intake factory fills in and this intake leaves at the contract's defaults."""
CM = Actor(Principal(subject="cm-anna", roles=frozenset({"casemanager"}), name="Anna"))


def _texts(nl: str, en: str) -> Texts:
    return Texts(nl=nl, en=en, tr=f"{en} (tr)", ar=f"{en} (ar)", pl=f"{en} (pl)")


def _facts(case_id: str) -> list[Envelope]:
    entry = ChecklistEntry(
        item_id="apply_ww",
        agency="uwv",
        agency_name=_texts("UWV", "UWV"),
        life_events=["income_loss"],
        title=_texts("Vraag WW aan", "Apply for WW"),
        due_on=date(2026, 12, 8),
    )
    facts = [
        PersonRequested(
            case_id=case_id,
            request_id="wish-intake-1",
            intake_id="intake-1",
            channel="video",
            preferred_time="evening",
            language="tr",
            via="portal_intake",
            requested_at=START,
            answer_by=START + timedelta(days=2),
        ),
        ChecklistItemDone(
            case_id=case_id,
            intake_id="intake-1",
            item_id="apply_ww",
            by_role="citizen",
            at=START + timedelta(minutes=5),
        ),
        ChecklistIssued(
            case_id=case_id,
            intake_id="intake-1",
            revision=1,
            language="tr",
            items=[entry, entry.model_copy(update={"item_id": "apply_toeslag"})],
            issued_at=START,
        ),
    ]
    return [
        Envelope(f, source="/test", time=START + timedelta(minutes=i)) for i, f in enumerate(facts)
    ]


def _intake(case_id: str) -> Envelope:
    """The intake itself, in Turkish, for a middle-group citizen (no needs, risks or sharing)."""
    intake = intake_submitted(
        case_id,
        START,
        intake_id="intake-1",
        redzaamheid="middengroep",
        urgency="normal",
        language="tr",
        **NOTHING_MORE,
    )
    return Envelope(intake, source="/test", time=START + timedelta(minutes=10))


async def test_checklist_and_wish_before_the_intake_put_the_case_in_the_queue_and_replay_is_a_no_op(
    live: Live,
) -> None:
    case_id = f"vp-{uuid.uuid4().hex[:16]}"
    facts = _facts(case_id)
    for envelope in facts:
        await live.publish(envelope)
    case = await _until(live, case_id, {str(e.id) for e in facts})
    assert case.checklist.item_done("apply_ww") and case.checklist.still_to_do() == 1
    queue = await live.dossier.queue.work_queue(CM, view="recommended", sort="urgency", limit=1000)
    mine = next(item for item in queue if item["case_id"] == case_id)
    assert mine["person_request"]["channel"] == "video"
    assert mine["checklist_todo"] == 1

    intake = _intake(case_id)
    await live.publish(intake)
    ids = {str(e.id) for e in [*facts, intake]}
    with_intake = await _until(live, case_id, ids)
    assert with_intake.intake_id == "intake-1" and with_intake.language == "tr"
    assert with_intake.checklist == case.checklist

    for envelope in [*facts, intake]:  # redelivered: nothing changes
        await live.publish(envelope)
    again = await _until(live, case_id, ids)
    assert dump_case(again) == dump_case(with_intake)

    await live.dossier.ownership.claim(CM, case_id)
    taken = await live.case(case_id)
    assert taken is not None and open_wish(taken.person_requests) is None


async def test_a_tick_and_a_wish_from_the_status_page_reach_case_events(
    live: Live, kafka_bootstrap: str
) -> None:
    case_id = f"vp-{uuid.uuid4().hex[:16]}"
    facts = _facts(case_id)[2:]  # the checklist only
    for envelope in facts:
        await live.publish(envelope)
    await _until(live, case_id, {str(e.id) for e in facts})
    link, _ = live.dossier.citizen_links.issue_link(case_id)
    citizen = live.dossier.citizen_links.citizen_actor(link)
    await live.dossier.citizen_work.mark_item(citizen, case_id, "apply_toeslag", done=True)
    wish = await live.dossier.citizen_work.request_person(
        citizen, case_id, channel="phone", preferred_time="morning", language=None
    )
    assert wish["already_requested"] is False

    published = await read_topic(kafka_bootstrap, CASE_EVENTS, case_id)
    ticks = [e.data for e in published if isinstance(e.data, ChecklistItemDone)]
    wishes = [e.data for e in published if isinstance(e.data, PersonRequested)]
    assert [(t.item_id, t.done, t.by_role) for t in ticks] == [("apply_toeslag", True, "citizen")]
    assert [(w.request_id, w.via, w.language.value) for w in wishes] == [
        (wish["request_id"], "portal_status", "tr")
    ]
    # The dossier consumed its own facts back and changed nothing: one wish, one tick.
    case = await live.case(case_id)
    assert case is not None and len(case.person_requests) == 1
    assert case.checklist.item_done("apply_toeslag")
