"""What the notify service the console's tests run knows before it starts: the access facts
of the console's own cases (`case.events` folded by notify's own `CaseAccessStore`, as its
`notify.case-state` consumer does), so notify decides a casemanager's read of the contact-load
meter on the same facts as in production. The broker is closed in these tests, so nothing
else reaches it: no messages were sent, and the meter counts zero."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from dossier_harness import METER_CASE, REASSIGN_CASE, REOPEN_CASE, stories

from voorportaal_contracts.envelope import Envelope
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_notify.app import definition
from voorportaal_notify.settings import NotifySettings

NOTIFY_CASES = (REASSIGN_CASE, REOPEN_CASE, METER_CASE)
"""The cases whose opening notify has heard of (waiting in the buddy queue)."""


def seed_case_access(data_dir: Path) -> None:
    """Migrate notify's SQLite database and fold the openings of `NOTIFY_CASES` into its
    case access facts, one transaction each."""
    settings = NotifySettings(
        data_dir=data_dir,
        database_url=f"sqlite+aiosqlite:///{data_dir / 'notify.db'}",
        kafka_bootstrap_servers="127.0.0.1:1",
    )
    runtime = ServiceRuntime(definition(settings))
    runtime.migrate()
    store = runtime.state["access"]
    events = [(at, e) for at, e in stories(datetime.now(UTC)) if e.case_id in NOTIFY_CASES]

    async def run() -> None:
        for at, event in events:
            async with runtime.sessions.begin() as session:
                await store.on_event(session, Envelope(event, source="/console-tests", time=at))
        await runtime.engine.dispose()

    asyncio.run(run())
