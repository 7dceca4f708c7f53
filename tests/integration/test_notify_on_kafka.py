"""Notify against the real broker and PostgreSQL, in-process with a test clock, sending to the
real local SMTP server and SMS gateway stub.

Contact points and case events go onto their topics; after the bundling window (the test clock
moves) exactly one message per citizen arrives, in their language and on their channel, and
`NotificationSent` appears on `notify.outcomes`. A redelivered event sends nothing twice, and a
tombstone on `contact.points` erases the citizen's addresses.

Issue 13 across services: one-time codes from `contact.verifications` reach the phone, at most
three an hour however many intakes name it; only the owner (from `BuddyAssigned` on
`case.events`) changes contact details, and each attempt reaches `access.log`; a
representative's copy carries the link of the mandate `MandateGranted` named; `CaseAnonymised`
purges what notify holds.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import RecordMetadata
from kafka_reading import read_topic
from live_service import (
    dev_servers,
    eventually,
    join_at_the_end,
    own_groups,
    publish,
    quick_notify,
    serving,
)
from sqlalchemy import func, select

from voorportaal.devservers import (
    DevServers,
    read_sent_emails,
    read_sent_sms,
)
from voorportaal_contracts.citizen_links import verify_link_token
from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    BuddyAssigned,
    CaseAnonymised,
    ContactPointsUpdated,
    ContactVerificationRequested,
    MandateGranted,
    ReferralAccepted,
)
from voorportaal_contracts.registry import Event
from voorportaal_contracts.topics import ACCESS_LOG, CONTACT_POINTS, NOTIFY_OUTCOMES
from voorportaal_kit.auth import Principal
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.errors import Forbidden
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_notify.adapters.orm import contact_points, notices, pending_updates
from voorportaal_notify.app import definition
from voorportaal_notify.domain.access import ChangeReason
from voorportaal_notify.entrypoints.http.routes import preferences_out
from voorportaal_notify.entrypoints.messaging.subscriptions import GROUPS
from voorportaal_notify.service_layer.preferences import PreferencesChange

pytestmark = pytest.mark.integration
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam: no quiet hours
WINDOW = timedelta(minutes=15)


@dataclass
class Live:
    runtime: ServiceRuntime
    clock: FixedClock
    bootstrap: str
    producer: AIOKafkaProducer
    store: Path
    servers: DevServers
    prefix: str
    """Of this test's consumer groups."""

    async def publish(self, envelope: Envelope) -> RecordMetadata:
        return await publish(self.producer, envelope)

    async def rounds(self, n: int = 3) -> None:
        """Wait until the delivery worker completed `n` more rounds (so a round that started
        after this call has run to its end): what "nothing else happened" waits for."""
        worker = self.runtime.state["delivery"]
        target = worker.rounds + n
        await eventually(lambda: worker.rounds >= target, f"{n} more worker rounds")

    async def consumed(self, group: str, sent: RecordMetadata) -> None:
        """Wait until consumer group `group` committed past the record `sent` (it was read and
        handled, a redelivered duplicate included)."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        try:
            partition = TopicPartition(sent.topic, sent.partition)

            async def past() -> bool:
                offsets = await admin.list_consumer_group_offsets(group, partitions=[partition])
                meta = offsets.get(partition)
                return meta is not None and meta.offset > sent.offset

            await eventually(past, f"{group} read offset {sent.offset}")
        finally:
            await admin.close()

    async def tombstone(self, case_id: str) -> None:
        await self.producer.send_and_wait(CONTACT_POINTS, None, key=case_id.encode())

    async def count(self, table: Any, case_id: str) -> int:
        async with self.runtime.sessions() as session:
            found = await session.execute(
                select(func.count()).select_from(table).where(table.c.case_id == case_id)
            )
            return int(found.scalar_one())


@pytest.fixture
async def live(pg_database_url: str, kafka_bootstrap: str, tmp_path: Path) -> AsyncIterator[Live]:
    store = tmp_path / "outbox-dev"
    clock = FixedClock(START)
    # Consumer groups of its own: another session's notify on the shared broker (its tests, a
    # `voorportaal up`) joining `notify.case-events` would otherwise take this test's events.
    prefix = f"it-{uuid.uuid4().hex[:8]}"
    with dev_servers(store) as servers:
        settings = quick_notify(tmp_path, pg_database_url, kafka_bootstrap, servers)
        runtime = ServiceRuntime(own_groups(definition(settings), prefix), clock=clock)
        await asyncio.to_thread(runtime.migrate)
        await join_at_the_end(kafka_bootstrap, runtime)
        async with serving(runtime, kafka_bootstrap) as producer:
            yield Live(runtime, clock, kafka_bootstrap, producer, store, servers, prefix)


def new_case() -> str:
    return f"vp-nt{uuid.uuid4().hex[:18]}"


def points(case_id: str, **changes: Any) -> Envelope:
    fields: dict[str, Any] = {
        "case_id": case_id,
        "channels": ["email"],
        "language": "ar",
        "email": f"{case_id}@example.org",
        "verified": ["email", "sms"],
    }
    return Envelope(ContactPointsUpdated(**{**fields, **changes}), source="/test", time=START)


def accepted(case_id: str) -> Envelope:
    event = ReferralAccepted(
        case_id=case_id, referral_id="ref-1", agency_code="uwv", by="agency", changed_at=START
    )
    return Envelope(event, source="/test", time=START)


async def test_an_event_on_kafka_sends_one_email_in_the_citizens_language(live: Live) -> None:
    email_case, sms_case = new_case(), new_case()
    await live.publish(points(email_case))
    phone = f"+3163{uuid.uuid4().int % 10**7:07d}"  # unique: other tests share the broker
    await live.publish(points(sms_case, channels=["sms"], language="pl", phone=phone))
    event = accepted(email_case)
    await live.publish(event)
    duplicate = await live.publish(event)  # redelivered: the inbox applies it once
    await live.publish(accepted(sms_case))
    for case_id in (email_case, sms_case):
        await eventually(partial(live.count, pending_updates, case_id), f"queued for {case_id}")
    await live.consumed(
        f"{live.prefix}.{GROUPS['case.events']}", duplicate
    )  # the duplicate has been read too
    await live.rounds()

    def mails() -> list[Any]:
        # Only this case's: on a shared broker, codes other tests put on contact.verifications
        # reach the dev servers too.
        return [
            m for m in read_sent_emails(live.store) if m.rcpt_tos == [f"{email_case}@example.org"]
        ]

    assert mails() == [], "nothing before the bundling window"
    live.clock.advance(WINDOW)

    (stored,) = await eventually(mails, "the e-mail arrived")
    mail = stored.message()
    assert mail["Content-Language"] == "ar"
    html = mail.get_body(("html",))
    assert html is not None and 'dir="rtl"' in html.get_content()

    def texts() -> list[Any]:
        return [s for s in read_sent_sms(live.store) if s.to == phone]

    await eventually(texts, "the SMS arrived")

    outcomes = await eventually(
        partial(read_topic, live.bootstrap, NOTIFY_OUTCOMES, email_case),
        "the outcome relayed to notify.outcomes",
    )
    assert [(e.type, e.data.channel) for e in outcomes] == [  # type: ignore[attr-defined]
        ("nl.voorportaal.notify.sent", "email")
    ]
    await live.rounds()  # a few more worker rounds: still exactly one of each
    assert len(mails()) == 1 and len(texts()) == 1


async def test_a_tombstone_on_contact_points_erases_the_addresses(live: Live) -> None:
    case_id = new_case()
    await live.publish(points(case_id))
    await eventually(lambda: live.count(contact_points, case_id), "contact points stored")
    await live.tombstone(case_id)

    async def erased() -> bool:
        return await live.count(contact_points, case_id) == 0

    await eventually(erased, "contact points erased")


def referral_event(case_id: str, n: int) -> Envelope:
    event = ReferralAccepted(
        case_id=case_id, referral_id=f"ref-{n}", agency_code="uwv", by="agency", changed_at=START
    )
    return Envelope(event, source="/test", time=START)


async def test_a_burst_of_five_events_becomes_one_bundled_message(live: Live) -> None:
    case_id = new_case()
    await live.publish(points(case_id, language="nl"))
    for n in range(5):
        await live.publish(referral_event(case_id, n))
    await eventually(
        lambda: _at_least(live.count(pending_updates, case_id), 5), "five updates queued"
    )
    live.clock.advance(WINDOW)

    def mails() -> list[Any]:
        return [m for m in read_sent_emails(live.store) if m.rcpt_tos == [f"{case_id}@example.org"]]

    (stored,) = await eventually(mails, "one bundled e-mail")
    assert "(5 berichten)" in stored.message()["Subject"]
    await live.rounds()
    assert len(mails()) == 1


async def test_quiet_hours_defer_the_message_until_they_end(live: Live) -> None:
    case_id = new_case()
    # 09:00-12:00 Amsterdam covers the test clock's 10:00.
    await live.publish(points(case_id, language="en", quiet_from="09:00", quiet_until="12:00"))
    await live.publish(referral_event(case_id, 1))
    await eventually(partial(live.count, pending_updates, case_id), "queued")
    live.clock.advance(WINDOW)

    def mails() -> list[Any]:
        return [m for m in read_sent_emails(live.store) if m.rcpt_tos == [f"{case_id}@example.org"]]

    await live.rounds()  # rounds that ran after the window, inside the quiet hours
    assert mails() == [], "nothing during the citizen's quiet hours"
    live.clock.advance(timedelta(hours=2))  # 12:15 in Amsterdam
    await eventually(mails, "sent when the quiet hours ended")


async def test_a_gateway_failing_three_times_then_working_delivers_once(live: Live) -> None:
    case_id = new_case()
    phone = "+31611112222"
    await live.publish(points(case_id, channels=["sms"], language="nl", phone=phone, email=None))
    await live.publish(referral_event(case_id, 1))
    await eventually(partial(live.count, pending_updates, case_id), "queued")
    live.servers.sms.fail_next(3)
    live.clock.advance(WINDOW)

    def texts() -> list[Any]:
        return [s for s in read_sent_sms(live.store) if s.to == phone]

    for _ in range(60):
        if texts():
            break
        await live.rounds(1)
        live.clock.advance(timedelta(hours=2))  # past any retry backoff
    assert len(texts()) == 1
    await live.rounds()
    assert len(texts()) == 1, "delivered once"
    outcomes = await eventually(
        partial(read_topic, live.bootstrap, NOTIFY_OUTCOMES, case_id),
        "the outcome relayed to notify.outcomes",
    )
    assert [e.type for e in outcomes] == ["nl.voorportaal.notify.sent"]


async def test_a_gateway_that_always_fails_yields_notification_failed(live: Live) -> None:
    case_id = new_case()
    await live.publish(
        points(case_id, channels=["sms"], language="nl", phone="+31633334444", email=None)
    )
    await live.publish(referral_event(case_id, 1))
    await eventually(partial(live.count, pending_updates, case_id), "queued")
    live.servers.sms.fail_always()
    live.clock.advance(WINDOW)
    failed: list[Envelope] = []
    for _ in range(40):
        await live.rounds(1)
        live.clock.advance(timedelta(hours=2))
        failed = [
            e
            for e in await read_topic(live.bootstrap, NOTIFY_OUTCOMES, case_id, wait_s=2)
            if e.type == "nl.voorportaal.notify.failed"
        ]
        if failed:
            break
    assert len(failed) == 1
    assert read_sent_sms(live.store) == []


async def _at_least(count: Any, n: int) -> bool:
    return bool(await count >= n)


def envelope(event: Event) -> Envelope:
    return Envelope(event, source="/test", time=START)


def mandate_granted(case_id: str) -> Envelope:
    """The citizen's mandate for a bewindvoerder (`mandate-` and the end of the case id)."""
    return envelope(
        MandateGranted(
            case_id=case_id,
            mandate_id=f"mandate-{case_id[-8:]}",
            relation="bewindvoerder",
            scopes=["summary"],
            valid_from=START - timedelta(days=1),
            valid_until=START + timedelta(days=90),
            granted_by="citizen",
        )
    )


async def news_once_the_mandate_is_known(live: Live, case_id: str) -> None:
    """Once notify knows the case's mandate: an agency's acceptance, queued, and the bundling
    window passed."""

    async def mandate_known() -> bool:
        async with live.runtime.sessions() as session:
            case = await live.runtime.state["access"].get(session, case_id)
        return bool(case.mandates)

    await eventually(mandate_known, "the mandate is known")
    await live.publish(accepted(case_id))
    await eventually(partial(live.count, pending_updates, case_id), "queued")
    live.clock.advance(WINDOW)


def code_for(case_id: str, phone: str, code: str) -> Envelope:
    return envelope(
        ContactVerificationRequested(
            case_id=case_id,
            verification_id=f"ver-{uuid.uuid4().hex[:16]}",
            channel="sms",
            phone=phone,
            code=code,
            language="nl",
            expires_at=START + timedelta(minutes=15),
        )
    )


async def test_codes_reach_the_phone_at_most_three_an_hour_however_many_intakes(
    live: Live,
) -> None:
    phone = f"+3161{uuid.uuid4().int % 10**7:07d}"
    for n in range(5):
        await live.publish(code_for(new_case(), phone, f"10000{n}"))

    def texts() -> list[str]:
        return [s.text for s in read_sent_sms(live.store) if s.to == phone]

    await eventually(lambda: len(texts()) >= 3, "three codes arrived")

    async def all_five_seen() -> bool:
        async with live.runtime.sessions() as session:
            found = await session.execute(
                select(func.count()).select_from(notices).where(notices.c.status != "pending")
            )
            return int(found.scalar_one()) >= 5

    await eventually(all_five_seen, "the other two were refused")
    await live.rounds()  # a few more worker rounds
    sent = texts()
    assert len(sent) == 3, "three an hour per address, whichever intakes came first"
    assert set(sent) <= {f"Uw code is 10000{n}" for n in range(5)}


async def test_only_the_owner_from_case_events_changes_contact_details(live: Live) -> None:
    case_id = new_case()
    await live.publish(points(case_id))
    await live.publish(
        envelope(
            BuddyAssigned(
                case_id=case_id,
                casemanager_id="cm-owner",
                casemanager_name="Sanne de Vries",
                assigned_at=START,
                team="noord",
            )
        )
    )

    async def owner_known() -> bool:
        async with live.runtime.sessions() as session:
            case = await live.runtime.state["access"].get(session, case_id)
        return case.owner_id == "cm-owner"

    await eventually(owner_known, "the owner is known")
    await eventually(partial(live.count, contact_points, case_id), "contact points stored")
    service = live.runtime.state["notify"]
    change = PreferencesChange(phone="+31687654321")
    stranger = Principal(subject="cm-other", roles=frozenset({"casemanager"}), team="zuid")
    with pytest.raises(Forbidden):
        await service.change_preferences(
            case_id, change, stranger, reason=ChangeReason.CITIZEN_REQUEST
        )
    owner = Principal(subject="cm-owner", roles=frozenset({"casemanager"}), team="noord")
    changed = await service.change_preferences(
        case_id, change, owner, reason=ChangeReason.CITIZEN_REQUEST
    )
    assert changed.phone == "+31687654321"
    assert preferences_out(changed).phone == "+316****4321", "staff see it masked"
    async with live.runtime.sessions() as session:
        records = await live.runtime.state["audit"].query(session, case_id=case_id)
    assert [(r.actor, r.outcome.value) for r in records] == [
        ("cm-other", "refused"),
        ("cm-owner", "allowed"),
    ]
    seqs = {r.seq for r in records}

    async def published() -> list[Envelope]:
        # The whole topic from its start: on a broker shared with other runs it is long.
        found = await read_topic(live.bootstrap, ACCESS_LOG, case_id, wait_s=30)
        return found if len(found) >= 2 else []

    accessed = await eventually(published, "both records on access.log")
    assert {(e.data.service, e.data.record_seq) for e in accessed} == {  # type: ignore[attr-defined]
        ("notify", seq) for seq in seqs
    }


async def test_a_representatives_copy_on_kafka_carries_the_mandates_link(live: Live) -> None:
    case_id = new_case()
    rep_email = f"rep-{case_id}@example.org"
    await live.publish(mandate_granted(case_id))
    representative = {
        "name": "J. Jansen",
        "relation": "bewindvoerder",
        "email": rep_email,
        "verified": ["email"],
    }
    await live.publish(points(case_id, language="nl", representative=representative))

    await news_once_the_mandate_is_known(live, case_id)

    def copies() -> list[Any]:
        return [m for m in read_sent_emails(live.store) if m.rcpt_tos == [rep_email]]

    (copy,) = await eventually(copies, "the copy arrived")
    plain = copy.message().get_body(("plain",))
    assert plain is not None
    link = next(w for w in plain.get_content().split() if w.startswith("http"))
    key = live.runtime.state["notify_settings"].link_key.get_secret_value().encode()
    claims = verify_link_token(key, link.rsplit("/", 1)[-1], now=live.clock.now())
    assert (claims.case_id, claims.holder) == (case_id, f"mandate-{case_id[-8:]}")


async def test_a_representatives_copy_waits_for_their_code_and_only_later_news_is_copied(
    live: Live,
) -> None:
    case_id = new_case()
    rep_email = f"rep-{case_id}@example.org"
    await live.publish(mandate_granted(case_id))
    representative = {"name": "J. Jansen", "relation": "bewindvoerder", "email": rep_email}
    await live.publish(points(case_id, language="nl", representative=representative))
    code = envelope(
        ContactVerificationRequested(
            case_id=case_id,
            verification_id=f"ver-{uuid.uuid4().hex[:16]}",
            channel="email",
            email=rep_email,
            code="314159",
            language="nl",
            expires_at=START + timedelta(minutes=15),
            for_representative=True,
        )
    )
    await live.publish(code)

    def to_representative() -> list[Any]:
        return [m for m in read_sent_emails(live.store) if m.rcpt_tos == [rep_email]]

    (code_mail,) = await eventually(to_representative, "the representative's code arrived")
    code_text = code_mail.message().get_body(("plain",)).get_content()
    assert "314159" in code_text and "kopie" in code_text and "http" not in code_text

    await news_once_the_mandate_is_known(live, case_id)
    await eventually(
        lambda: [
            m for m in read_sent_emails(live.store) if m.rcpt_tos == [f"{case_id}@example.org"]
        ],
        "the citizen's message arrived",
    )
    supervisor = Principal(subject="sup-1", roles=frozenset({"supervisor"}))

    async def skipped_copy() -> list[Any]:
        found = await live.runtime.state["notify"].deliveries(case_id, supervisor)
        return [d.message for d in found if d.message.recipient == "representative"]

    (held,) = await eventually(skipped_copy, "the copy is recorded")
    assert (held.status, held.reason_code) == ("skipped", "unconfirmed")
    assert len(to_representative()) == 1, "only the code went to the unconfirmed address"

    confirmed = {**representative, "verified": ["email"]}
    await live.publish(points(case_id, language="nl", representative=confirmed))

    async def confirmation_known() -> bool:
        async with live.runtime.sessions() as session:
            row = (
                await session.execute(
                    select(contact_points.c.representative).where(
                        contact_points.c.case_id == case_id
                    )
                )
            ).scalar_one()
        return bool(row and row.get("verified"))

    await eventually(confirmation_known, "the confirmation is known")
    later = ReferralAccepted(
        case_id=case_id, referral_id="ref-2", agency_code="svb", by="agency", changed_at=START
    )
    await live.publish(envelope(later))

    async def two_updates() -> bool:
        return await live.count(pending_updates, case_id) >= 2

    await eventually(two_updates, "the later news is queued")
    live.clock.advance(WINDOW)
    await eventually(lambda: len(to_representative()) == 2, "the later copy arrived")
    copies = [d for d in await skipped_copy()]
    assert sorted(d.status for d in copies) == ["sent", "skipped"], "old news not flooded"


async def test_case_anonymised_on_kafka_purges_what_notify_holds(live: Live) -> None:
    case_id = new_case()
    phone = f"+3162{uuid.uuid4().int % 10**7:07d}"
    await live.publish(points(case_id, phone=phone))
    await live.publish(code_for(case_id, phone, "246810"))
    await eventually(partial(live.count, contact_points, case_id), "contact points stored")
    await eventually(partial(live.count, notices, case_id), "the code is queued")
    await live.publish(envelope(CaseAnonymised(case_id=case_id, anonymised_at=START)))

    async def purged() -> bool:
        async with live.runtime.sessions() as session:
            kept = await session.execute(
                select(func.count())
                .select_from(notices)
                .where(notices.c.case_id == case_id, notices.c.address.is_not(None))
            )
            return int(kept.scalar_one()) == 0 and await live.count(contact_points, case_id) == 0

    await eventually(purged, "addresses and codes purged")
