"""What the notify service the console's tests run knows before it starts: the access facts
of the console's own cases (`case.events` folded by notify's own `CaseAccessStore`, as its
`notify.case-state` consumer does), so notify decides a casemanager's read of the contact-load
meter on the same facts as in production. The broker is closed in these tests, so nothing
else reaches it: no messages were sent, and the meter counts zero — except for
`HELD_BACK_CASE`, whose messages are seeded through notify's own repositories: two went out
yesterday, a third waits for its retry (the SMS gateway was down)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dossier_harness import HELD_BACK_CASE, METER_CASE, REASSIGN_CASE, REOPEN_CASE, stories
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_notify.adapters.repositories import Repositories
from voorportaal_notify.app import definition
from voorportaal_notify.domain.messages import MessageStatus, OutgoingMessage
from voorportaal_notify.settings import NotifySettings

NOTIFY_CASES = (REASSIGN_CASE, REOPEN_CASE, METER_CASE, HELD_BACK_CASE)
"""The cases whose opening notify has heard of (waiting in the buddy queue)."""


def _message(n: int, status: MessageStatus, at: datetime, updates: int) -> OutgoingMessage:
    """Message `n` to `HELD_BACK_CASE`'s citizen: sent at `at`, or waiting until `at`."""
    sent = status is MessageStatus.SENT
    return OutgoingMessage(
        id=f"console-held-{n}",
        case_id=HELD_BACK_CASE,
        recipient="citizen",
        idempotency_key=f"console-held-{n}",
        update_ids=tuple(f"console-held-{n}-{u}" for u in range(updates)),
        template_id="case_update",
        updates=updates,
        action_required=n == 1,
        link_page="overview",
        status=status,
        channel="sms",
        channels_tried=("sms",),
        attempts=1,
        retries_on_channel=0 if sent else 1,
        next_attempt_at=None if sent else at,
        created_at=at - timedelta(minutes=5),
        updated_at=at - timedelta(minutes=5),
        language="nl",
        sent_at=at if sent else None,
    )


async def _seed_held_back(session: AsyncSession, now: datetime) -> None:
    """Two messages sent yesterday (three and one updates), and one waiting for its retry
    until three hours from now."""
    repos = Repositories(session)
    for n, updates in ((1, 3), (2, 1)):
        message = _message(n, MessageStatus.SENT, now - timedelta(days=1, hours=n), updates)
        await repos.messages.add(message)
        await repos.sent_log.add(message, "sms", message.sent_at or now)
    await repos.messages.add(_message(3, MessageStatus.DEFERRED, now + timedelta(hours=3), 1))


def seed_case_access(data_dir: Path) -> None:
    """Migrate notify's SQLite database, fold the openings of `NOTIFY_CASES` into its case
    access facts, one transaction each, and seed `HELD_BACK_CASE`'s messages."""
    settings = NotifySettings(
        data_dir=data_dir,
        database_url=f"sqlite+aiosqlite:///{data_dir / 'notify.db'}",
        kafka_bootstrap_servers="127.0.0.1:1",
    )
    runtime = ServiceRuntime(definition(settings))
    runtime.migrate()
    store = runtime.state["access"]
    now = datetime.now(UTC)
    events = [(at, e) for at, e in stories(now) if e.case_id in NOTIFY_CASES]

    async def run() -> None:
        for at, event in events:
            async with runtime.sessions.begin() as session:
                await store.on_event(session, Envelope(event, source="/console-tests", time=at))
        async with runtime.sessions.begin() as session:
            await _seed_held_back(session, now)
        await runtime.engine.dispose()

    asyncio.run(run())
