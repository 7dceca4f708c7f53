"""Anonymisation on the real broker and PostgreSQL: the dossier purges what it holds of a case
and `CaseAnonymised` reaches `case.events`, keyed by the case, carrying the case id and the
moment only — the signal on which every other service purges its own copy."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from kafka_reading import read_topic
from sqlalchemy import text
from test_dossier_on_kafka import Live, _until, live, stream

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import CitizenIdentified
from voorportaal_contracts.topics import CASE_EVENTS
from voorportaal_contracts.types import Channel
from voorportaal_dossier.adapters.orm import metadata
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_kit.auth import Principal
from voorportaal_kit.clock import FixedClock

pytestmark = pytest.mark.integration
__all__ = ["live"]  # the fixture, shared with the dossier's Kafka tests
ANNA = Actor(Principal(subject="cm-anna", roles=frozenset({"casemanager"})), "team-noord")
NAME, BSN = "Noor Visser-Bakker", "123456782"


async def test_an_anonymised_case_is_purged_and_case_anonymised_goes_out_with_its_id_only(
    live: Live, kafka_bootstrap: str
) -> None:
    case_id = f"vp-{uuid.uuid4().hex[:16]}"
    envelopes = stream(case_id)
    identified = CitizenIdentified(case_id=case_id, name=NAME, bsn=BSN, postcode="3512JK")
    start = envelopes[-1].time + timedelta(minutes=1)
    envelopes.append(Envelope(identified, source="/test", time=start))
    for envelope in envelopes:
        await live.publish(envelope)
    case = await _until(live, case_id, {str(e.id) for e in envelopes})
    assert case.citizen is not None and case.citizen.name == NAME
    dossier = live.dossier
    await dossier.ownership.claim(ANNA, case_id)
    await dossier.contacts.record_contact(
        ANNA,
        case_id,
        channel=Channel.DESK,
        summary=f"{NAME} belde over de huur",
        next_steps=None,
        send_confirmation=False,
    )
    await dossier.retention.close(ANNA, case_id, outcome="completed")
    clock = live.runtime.clock
    assert isinstance(clock, FixedClock)
    clock.advance(timedelta(days=2 * 365 + 1))  # the default retention period, passed
    assert await dossier.retention.retention_sweep() >= 1

    found = [
        e
        for e in await read_topic(kafka_bootstrap, CASE_EVENTS, case_id, wait_s=30)
        if e.type == "nl.voorportaal.case.anonymised"
    ]
    assert len(found) == 1
    body = json.loads(found[0].to_kafka().value or b"{}")
    assert set(body) == {"case_id", "anonymised_at"} and body["case_id"] == case_id

    async with live.runtime.sessions() as session:
        for table in metadata.tables:
            rows = (await session.execute(text(f"SELECT * FROM {table}"))).all()  # noqa: S608
            dumped = " ".join(
                (v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v))
                for row in rows
                for v in row
            )
            assert NAME not in dumped and BSN not in dumped, table
