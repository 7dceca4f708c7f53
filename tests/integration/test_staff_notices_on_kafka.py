"""Staff notices against the real broker and PostgreSQL: an agency's decline published by
routing on `case.events` becomes one notice for the case's owner, however often it is
delivered, and the owner reads it through the dossier's use case (audited). Across services: a
casemanager who chose e-mail gets, through the dossier's outbox, `case.events` and notify, one
e-mail with only a link to the case."""

# ruff: noqa: F811 - the tests take the imported `live` fixture by its name

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from live_service import dev_servers, eventually, quick_notify, serving
from test_dossier_on_kafka import START, Live, _until, live, stream  # noqa: F401 - the fixture

from voorportaal.devservers import read_sent_emails
from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import BuddyAssigned, ReferralDeclined
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_kit.auth import Principal
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_notify.app import definition as notify_definition

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


@pytest.fixture
async def notify_mail(
    second_pg_database_url: str, kafka_bootstrap: str, tmp_path: Path
) -> AsyncIterator[tuple[str, Path]]:
    """Notify on the broker and its own PostgreSQL database, mailing to the local dev SMTP
    server; yields the staff id it has an address for and the dev servers' store."""
    staff_id = f"cm-t{uuid.uuid4().hex[:12]}"  # unique: the broker is shared
    store = tmp_path / "outbox-dev"
    with dev_servers(store) as servers:
        settings = quick_notify(
            tmp_path / "notify",
            second_pg_database_url,
            kafka_bootstrap,
            servers,
            staff_emails={staff_id: f"{staff_id}@gemeente.example"},
            console_url="https://console.example",
        )
        runtime = ServiceRuntime(notify_definition(settings), clock=FixedClock(START))
        async with serving(runtime, kafka_bootstrap):
            yield staff_id, store


async def test_a_chosen_email_goes_from_the_dossier_through_kafka_and_notify_as_a_link(
    live: Live, notify_mail: tuple[str, Path]
) -> None:
    staff_id, store = notify_mail
    case_id = f"vp-{uuid.uuid4().hex[:16]}"
    for envelope in stream(case_id)[:3]:
        async with live.runtime.sessions.begin() as session:
            await live.dossier.projection.on_event(session, envelope)
    someone = Actor(Principal(subject=staff_id, roles=frozenset({"casemanager"})))
    await live.dossier.staff_notices.choose_email(someone, True)
    supervisor = Actor(Principal(subject="sv-1", roles=frozenset({"supervisor"})))
    await live.dossier.ownership.reassign(supervisor, case_id, to_id=staff_id, to_name="Test")

    def mails() -> list[Any]:
        return [
            m for m in read_sent_emails(store) if m.rcpt_tos == [f"{staff_id}@gemeente.example"]
        ]

    (sent,) = await eventually(mails, "the staff e-mail arrived", wait_s=90)
    plain = sent.message().get_body(("plain",))
    assert plain is not None
    text = str(plain.get_content())
    assert f"https://console.example/zaak/{case_id}" in text and "Test" not in text
