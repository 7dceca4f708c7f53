"""The contact-load meter says what notify holds back from the citizen right now, and until when:
a queue kept by quiet hours, a message waiting for its retry; never a representative's copy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from notify_factories import CASE, REPRESENTATIVE, accepted, contact_points, mandate
from notify_harness import SUPERVISOR, WINDOW, NotifyFactory

from voorportaal.devservers import SmsGatewayStub, read_sent_emails
from voorportaal_notify.adapters.repositories import Repositories
from voorportaal_notify.domain.messages import MessageStatus, OutgoingMessage

EVENING = datetime(2026, 11, 30, 20, 30, tzinfo=UTC)
"""21:30 in Amsterdam on a Monday: inside the default quiet hours (21:00-08:00)."""
MORNING = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
"""08:00 in Amsterdam: the quiet hours end."""


async def test_a_message_kept_by_quiet_hours_is_deferred_until_the_morning(
    make_notify: NotifyFactory,
) -> None:
    notify = await make_notify(start=EVENING)
    await notify.handle(contact_points())
    await notify.handle(accepted())
    await notify.run(WINDOW)
    load = await notify.service.contact_load(CASE, SUPERVISOR)
    assert (load.deferred, load.deferred_until) == (1, MORNING)
    assert load.messages_24h == 0
    notify.clock.advance(MORNING - notify.clock.now())
    await notify.run()
    assert len(read_sent_emails(notify.store)) == 1
    load = await notify.service.contact_load(CASE, SUPERVISOR)
    assert (load.deferred, load.deferred_until, load.messages_24h) == (0, None, 1)


async def test_a_representatives_copy_is_not_counted_as_deferred(
    make_notify: NotifyFactory,
) -> None:
    notify = await make_notify(start=EVENING)
    await notify.handle(mandate())
    await notify.handle(contact_points(representative=REPRESENTATIVE))
    await notify.handle(accepted())
    await notify.run(WINDOW)
    load = await notify.service.contact_load(CASE, SUPERVISOR)
    assert (load.deferred, load.deferred_until) == (1, MORNING), "the citizen's, not the copy"
    notify.clock.advance(MORNING - notify.clock.now())
    await notify.run()
    assert len(read_sent_emails(notify.store)) == 2, "the copy did wait too"


async def test_a_message_waiting_for_its_retry_is_deferred_until_then(
    make_notify: NotifyFactory, sms_stub: SmsGatewayStub
) -> None:
    notify = await make_notify()  # 10:00 in Amsterdam
    await notify.handle(contact_points(channels=["sms"]))
    await notify.handle(accepted())
    sms_stub.fail_always(503)
    await notify.run(WINDOW)
    (delivery,) = await notify.deliveries()
    assert delivery["status"] == "deferred"
    load = await notify.service.contact_load(CASE, SUPERVISOR)
    assert load.deferred == 1
    assert load.deferred_until is not None and load.deferred_until > notify.clock.now()


def _message(n: int, recipient: str, status: MessageStatus, at: datetime) -> OutgoingMessage:
    return OutgoingMessage(
        id=f"m-{n}",
        case_id=CASE,
        recipient=recipient,
        idempotency_key=f"k-{n}",
        update_ids=(f"u-{n}",),
        template_id="news",
        updates=1,
        action_required=False,
        link_page="overview",
        status=status,
        channel="email",
        channels_tried=(),
        attempts=1,
        retries_on_channel=0,
        next_attempt_at=at,
        created_at=EVENING,
        updated_at=EVENING,
    )


async def test_only_the_citizens_open_messages_waiting_past_now_are_counted(
    make_notify: NotifyFactory,
) -> None:
    notify = await make_notify(start=EVENING)
    later, latest = EVENING + timedelta(hours=2), EVENING + timedelta(hours=5)
    async with notify.runtime.sessions.begin() as session:
        for n, (recipient, status, at) in enumerate(
            [
                ("citizen", MessageStatus.DEFERRED, latest),
                ("citizen", MessageStatus.PENDING, later),
                ("citizen", MessageStatus.PENDING, EVENING),  # due now: the worker sends it
                ("citizen", MessageStatus.SENDING, latest),  # a send lease, not held back
                ("representative", MessageStatus.DEFERRED, EVENING + timedelta(hours=1)),
            ]
        ):
            await Repositories(session).messages.add(_message(n, recipient, status, at))
    async with notify.runtime.sessions() as session:
        waiting = await Repositories(session).messages.waiting(CASE, "citizen", EVENING)
    assert waiting == (2, later)
