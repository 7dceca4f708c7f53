"""The notify use cases on SQLite with a test clock, sending to the real local SMTP server and
SMS gateway stub (real servers on 127.0.0.1, free ports; not mocks).

Events are applied the way the kit's consumer applies them (inside a transaction); the delivery
worker runs one round at a time (`run_once`), as its periodic job would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from notify_factories import (
    CASE,
    EMAIL,
    MONDAY,
    PHONE,
    REPRESENTATIVE,
    accepted,
    broken,
    buddy,
    contact_points,
    declined,
    mandate,
)
from notify_harness import (
    FORBIDDEN,
    SUPERVISOR,
    WINDOW,
    Notify,
    NotifyFactory,
    mail_text,
)

from voorportaal.devservers import (
    DevSmtpServer,
    SmsGatewayStub,
    read_sent_emails,
    read_sent_sms,
)
from voorportaal_contracts.citizen_links import verify_link_token
from voorportaal_contracts.events import BuddyAssigned, ReferralReceived
from voorportaal_kit.errors import NotFound, PermanentError
from voorportaal_notify.adapters.data_files import default_renderer
from voorportaal_notify.adapters.senders import EmailReceipt, SmsReceipt
from voorportaal_notify.adapters.sms_gateway import HttpSmsGateway
from voorportaal_notify.adapters.smtp import SmtpEmailSender
from voorportaal_notify.domain.render import Message


async def test_an_event_becomes_one_email_in_the_citizens_language_after_the_window(
    notify: Notify,
) -> None:
    await notify.handle(contact_points(language="tr"))
    await notify.handle(accepted())
    assert (await notify.run()).sent == 0, "nothing goes out before the bundling window"
    assert read_sent_emails(notify.store) == []
    assert (await notify.run(WINDOW)).sent == 1
    await notify.run(timedelta(minutes=5))
    (stored,) = read_sent_emails(notify.store)
    assert stored.rcpt_tos == [EMAIL]
    mail, plain, html = mail_text(notify.store)
    expected = default_renderer().render("referral_accepted", "tr", {"link": "https://x.test/l"})
    assert mail["Subject"] == expected.subject
    assert mail["Content-Language"] == "tr"
    for word in FORBIDDEN:
        assert word not in plain and word not in html
    link = next(w for w in plain.split() if w.startswith("http://127.0.0.1:3001/l/"))
    token = link.rsplit("/", 1)[-1]
    claims = verify_link_token(
        notify.settings.link_key.get_secret_value().encode(), token, now=notify.clock.now()
    )
    assert claims.case_id == CASE
    outcomes = await notify.outbox()
    assert [kind for kind, _ in outcomes] == ["sent"]
    assert outcomes[0][1]["channel"] == "email" and outcomes[0][1]["case_id"] == CASE


async def test_an_sms_citizen_gets_one_sms_in_their_language(
    notify: Notify, sms_stub: SmsGatewayStub
) -> None:
    await notify.handle(contact_points(channels=["sms"], language="pl"))
    await notify.handle(declined())
    await notify.run(WINDOW)
    (sms,) = read_sent_sms(notify.store)
    assert sms.to == PHONE
    (delivery,) = await notify.deliveries()
    assert delivery["channel"] == "sms" and delivery["language"] == "pl"
    assert delivery["status"] == "sent"
    link = next(w for w in sms.text.split() if w.startswith("http"))
    assert sms.text == default_renderer().render("referral_declined", "pl", {"link": link}).sms
    for word in FORBIDDEN:
        assert word not in sms.text
    assert read_sent_emails(notify.store) == []


async def test_five_events_within_the_window_become_one_bundled_message(notify: Notify) -> None:
    await notify.handle(contact_points(language="en"))
    for event in (accepted(), declined(), buddy(), accepted(), declined()):
        await notify.handle(event)
        await notify.run(timedelta(minutes=2))
    assert read_sent_emails(notify.store) == []
    await notify.run(WINDOW)
    await notify.run(WINDOW)
    (stored,) = read_sent_emails(notify.store)
    bundle = default_renderer().render(
        "bundle",
        "en",
        {
            "link": "https://x.test/l",
            "updates": [{"template_id": "news"}, {"template_id": "news"}],
        },
    )
    assert stored.subject.split()[0] == bundle.subject.split()[0]
    _, plain, _ = mail_text(notify.store)
    assert "Sanne de Vries" in plain
    (delivery,) = await notify.deliveries()
    assert delivery["updates"] == 5 and delivery["template_id"] == "bundle"
    load = await notify.service.contact_load(CASE, SUPERVISOR)
    assert (load.messages_24h, load.updates_7d) == (1, 5)


async def test_quiet_hours_defer_the_message_to_the_morning(make_notify: NotifyFactory) -> None:
    evening = datetime(2026, 11, 30, 20, 30, tzinfo=UTC)  # 21:30 in Amsterdam
    notify = await make_notify(start=evening)
    await notify.handle(contact_points())
    await notify.handle(accepted())
    await notify.run(WINDOW)
    await notify.run(timedelta(hours=5))
    assert read_sent_emails(notify.store) == []
    notify.clock.advance(datetime(2026, 12, 1, 6, 59, tzinfo=UTC) - notify.clock.now())
    await notify.run()
    assert read_sent_emails(notify.store) == [], "still quiet at 07:59 in Amsterdam"
    await notify.run(timedelta(minutes=1))
    assert len(read_sent_emails(notify.store)) == 1


async def test_the_citizens_own_quiet_hours_apply(make_notify: NotifyFactory) -> None:
    notify = await make_notify()  # 10:00 in Amsterdam
    await notify.handle(contact_points(quiet_from="09:00", quiet_until="12:00"))
    await notify.handle(accepted())
    await notify.run(WINDOW)
    assert read_sent_emails(notify.store) == []
    await notify.run(timedelta(hours=2))
    assert len(read_sent_emails(notify.store)) == 1


async def test_a_gateway_that_fails_three_times_then_succeeds_delivers_once(
    notify: Notify, sms_stub: SmsGatewayStub
) -> None:
    await notify.handle(contact_points(channels=["sms"]))
    await notify.handle(accepted())
    sms_stub.fail_next(3, status=503)
    await notify.run(WINDOW)
    for _ in range(6):
        await notify.run(timedelta(minutes=5))
    assert len(read_sent_sms(notify.store)) == 1
    assert sms_stub.requests == 4
    (delivery,) = await notify.deliveries()
    assert delivery["status"] == "sent"
    assert [a["outcome"] for a in delivery["attempts"]] == ["transient"] * 3 + ["sent"]
    assert [kind for kind, _ in await notify.outbox()] == ["sent"]


async def test_a_gateway_that_always_fails_yields_notification_failed(
    make_notify: NotifyFactory, sms_stub: SmsGatewayStub
) -> None:
    notify = await make_notify(retry_max_retries=2)
    await notify.handle(contact_points(channels=["sms"]))
    await notify.handle(accepted())
    sms_stub.fail_always(503)
    await notify.run(WINDOW)
    for _ in range(4):
        await notify.run(timedelta(hours=1))
    assert read_sent_sms(notify.store) == []
    (delivery,) = await notify.deliveries()
    assert delivery["status"] == "failed" and delivery["reason_code"] == "http_503"
    assert len(delivery["attempts"]) == 3
    ((kind, failed),) = await notify.outbox()
    assert kind == "failed"
    assert failed["channels_tried"] == ["sms"] and failed["reason_code"] == "http_503"


async def test_a_refused_number_fails_over_to_email_when_the_citizen_allows_it(
    notify: Notify, sms_stub: SmsGatewayStub
) -> None:
    await notify.handle(contact_points(channels=["sms", "email"]))
    await notify.handle(accepted())
    sms_stub.fail_always(400)
    await notify.run(WINDOW)
    await notify.run()
    assert read_sent_sms(notify.store) == []
    assert len(read_sent_emails(notify.store)) == 1
    (delivery,) = await notify.deliveries()
    assert delivery["channels_tried"] == ["sms", "email"]
    ((kind, sent),) = await notify.outbox()
    assert kind == "sent" and sent["channel"] == "email"


class Crash(BaseException):
    """The process dies: nothing after the provider call runs."""


@dataclass
class CrashAfterSms:
    """The real gateway client, but the process 'dies' right after the first send returns."""

    inner: HttpSmsGateway
    crashes: int = 1

    async def send(self, *, to: str, text: str, reference: str, idempotency_key: str) -> SmsReceipt:
        receipt = await self.inner.send(
            to=to, text=text, reference=reference, idempotency_key=idempotency_key
        )
        if self.crashes:
            self.crashes -= 1
            raise Crash
        return receipt


@dataclass
class CrashAfterEmail:
    """The real SMTP sender, but the process 'dies' right after the first send returns."""

    inner: SmtpEmailSender
    crashes: int = 1

    async def send(self, *, to: str, message: Message, idempotency_key: str) -> EmailReceipt:
        receipt = await self.inner.send(to=to, message=message, idempotency_key=idempotency_key)
        if self.crashes:
            self.crashes -= 1
            raise Crash
        return receipt


async def test_a_crash_between_send_and_commit_does_not_send_a_second_sms(
    make_notify: NotifyFactory, sms_stub: SmsGatewayStub
) -> None:
    notify = await make_notify(sms=lambda s: CrashAfterSms(HttpSmsGateway(s.sms_config())))
    await notify.handle(contact_points(channels=["sms"]))
    await notify.handle(accepted())
    notify.clock.advance(WINDOW)
    with pytest.raises(Crash):
        await notify.worker.run_once()
    (delivery,) = await notify.deliveries()
    assert delivery["status"] == "sending", "the intention was committed before the call"
    await notify.run(timedelta(seconds=30))
    assert sms_stub.requests == 1, "within the lease nobody resends"
    await notify.run(timedelta(minutes=2))  # after a restart, once the lease has passed
    assert sms_stub.requests == 2
    assert len(read_sent_sms(notify.store)) == 1, "the gateway deduplicated the same key"
    (delivery,) = await notify.deliveries()
    assert delivery["status"] == "sent"
    assert [a["outcome"] for a in delivery["attempts"]] == ["interrupted", "sent"]
    assert [kind for kind, _ in await notify.outbox()] == ["sent"]


async def test_a_crash_after_smtp_accepted_repeats_the_email_with_the_same_message_id(
    make_notify: NotifyFactory,
) -> None:
    """The documented edge: SMTP has no idempotency; the copy carries the same Message-ID."""
    notify = await make_notify(email=lambda s: CrashAfterEmail(SmtpEmailSender(s.smtp_config())))
    await notify.handle(contact_points())
    await notify.handle(accepted())
    notify.clock.advance(WINDOW)
    with pytest.raises(Crash):
        await notify.worker.run_once()
    await notify.run(timedelta(minutes=3))
    first, second = read_sent_emails(notify.store)
    assert first.message_id == second.message_id
    (delivery,) = await notify.deliveries()
    assert delivery["status"] == "sent"
    assert [kind for kind, _ in await notify.outbox()] == ["sent"]


async def test_an_urgent_update_goes_out_at_once_and_takes_the_queue_along(
    notify: Notify,
) -> None:
    await notify.handle(contact_points(language="en"))
    await notify.handle(accepted())
    await notify.run(timedelta(minutes=1))
    await notify.handle(broken())
    await notify.run()
    (_stored,) = read_sent_emails(notify.store)
    (delivery,) = await notify.deliveries()
    assert delivery["updates"] == 2 and delivery["template_id"] == "bundle"


async def test_a_representative_receives_a_marked_copy(notify: Notify) -> None:
    await notify.handle(mandate())
    await notify.handle(contact_points(language="nl", representative=REPRESENTATIVE))
    await notify.handle(accepted())
    await notify.run(WINDOW)
    mails = read_sent_emails(notify.store)
    assert sorted(m.rcpt_tos[0] for m in mails) == ["bewind@example.org", EMAIL]
    copy_index = next(i for i, m in enumerate(mails) if m.rcpt_tos == ["bewind@example.org"])
    _, plain, _ = mail_text(notify.store, copy_index)
    assert "iemand helpt" in plain
    assert [kind for kind, _ in await notify.outbox()] == ["sent"], "outcomes: citizen only"
    load = await notify.service.contact_load(CASE, SUPERVISOR)
    assert load.messages_24h == 1, "a copy is not more load on the citizen"


async def test_updates_wait_for_contact_points_that_arrive_later(notify: Notify) -> None:
    await notify.handle(accepted())
    await notify.run(WINDOW)
    assert await notify.deliveries() == []
    await notify.handle(contact_points())
    await notify.run()
    assert len(read_sent_emails(notify.store)) == 1


async def test_a_tombstone_erases_contact_points_and_what_was_waiting(notify: Notify) -> None:
    await notify.handle(contact_points())
    await notify.handle(accepted())
    await notify.erase()
    await notify.run(WINDOW)
    assert read_sent_emails(notify.store) == []
    assert await notify.deliveries() == []
    with pytest.raises(NotFound):
        await notify.service.preferences(CASE, SUPERVISOR)


async def test_a_tombstone_cancels_a_planned_message(
    notify: Notify, smtp_server: DevSmtpServer
) -> None:
    await notify.handle(contact_points())
    await notify.handle(accepted())
    smtp_server.fail_next(1, code=451)
    await notify.run(WINDOW)
    await notify.erase()
    await notify.run(timedelta(hours=1))
    assert read_sent_emails(notify.store) == []
    (delivery,) = await notify.deliveries()
    assert delivery["status"] == "cancelled"


async def test_events_the_citizen_is_not_told_about_queue_nothing(notify: Notify) -> None:
    await notify.handle(contact_points())
    received = ReferralReceived(
        case_id=CASE, referral_id="r-1", agency_code="uwv", by="agency", changed_at=MONDAY
    )
    await notify.handle(received)
    await notify.run(WINDOW)
    assert await notify.deliveries() == []


async def test_a_name_that_is_not_a_name_is_dead_lettered_not_printed(notify: Notify) -> None:
    odd = BuddyAssigned(
        case_id=CASE, casemanager_id="cm-1", casemanager_name="Agent 007", assigned_at=MONDAY
    )
    with pytest.raises(PermanentError):
        await notify.handle(odd)


async def test_a_post_only_citizen_gets_nothing_electronic(notify: Notify) -> None:
    await notify.handle(contact_points(channels=["post"]))
    await notify.handle(accepted())
    await notify.run(WINDOW)
    assert read_sent_emails(notify.store) == [] and read_sent_sms(notify.store) == []
    (delivery,) = await notify.deliveries()
    assert delivery["status"] == "skipped"
    assert await notify.outbox() == []


async def test_the_rate_limit_holds_a_fourth_message_for_a_day(notify: Notify) -> None:
    await notify.handle(contact_points())
    for _ in range(3):
        await notify.handle(accepted())
        await notify.run(WINDOW)
    assert len(read_sent_emails(notify.store)) == 3
    await notify.handle(accepted())
    await notify.run(WINDOW)
    await notify.run(timedelta(hours=10))
    assert len(read_sent_emails(notify.store)) == 3
    await notify.run(timedelta(hours=14))
    assert len(read_sent_emails(notify.store)) == 4
