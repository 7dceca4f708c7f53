"""Staff notices against the real broker and PostgreSQL: an agency's decline published by
routing on `case.events` becomes one notice for the case's owner, however often it is
delivered, and the owner reads it through the dossier's use case (audited)."""

# ruff: noqa: F811 - the tests take the imported `live` fixture by its name

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from test_dossier_on_kafka import START, Live, _until, live, stream  # noqa: F401 - the fixture

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import BuddyAssigned, ReferralDeclined
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_kit.auth import Principal

pytestmark = pytest.mark.integration
ANNA = Actor(Principal(subject="cm-anna", roles=frozenset({"casemanager"})), team="team-noord")
BRAM = Actor(Principal(subject="cm-bram", roles=frozenset({"casemanager"})), team="team-noord")


async def test_a_decline_on_kafka_notifies_the_owner_once_on_postgresql(live: Live) -> None:
    case_id = f"vp-{uuid.uuid4().hex[:16]}"
    envelopes = stream(case_id)[:3]
    later = START + timedelta(hours=1)
    assigned = Envelope(
        BuddyAssigned(
            case_id=case_id, casemanager_id="cm-anna", casemanager_name="Anna", assigned_at=later
        ),
        source="/test",
        time=later,
    )
    declined = Envelope(
        ReferralDeclined(
            case_id=case_id,
            referral_id=f"ref-{uuid.uuid4().hex[:8]}",
            agency_code="uwv",
            by="agency",
            changed_at=later + timedelta(minutes=5),
            reason="no_capacity",
        ),
        source="/routing",
        time=later + timedelta(minutes=5),
    )
    for envelope in [*envelopes, assigned, declined, declined]:  # the decline delivered twice
        await live.publish(envelope)
    await _until(live, case_id, {str(e.id) for e in [*envelopes, assigned, declined]})
    mine = await live.dossier.staff_notices.mine(ANNA)
    ours = [(n.case_id, n.kind) for n in mine.items if n.case_id == case_id]
    assert ours == [(case_id, "referral_declined")]
    assert mine.unread >= 1
    theirs = await live.dossier.staff_notices.mine(BRAM)
    assert all(n.case_id != case_id for n in theirs.items)
