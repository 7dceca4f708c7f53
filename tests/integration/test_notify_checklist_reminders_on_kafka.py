"""Issue 15's proof for notify: a checklist deadline produces a reminder message **once, at the
right time, within quiet hours and bundling** — on the real broker and PostgreSQL, with two
notify replicas (one consumer group, one database) driven by one test clock, sending to the
real local SMTP server.

The checklist events go onto `case.events` as the intake publishes them. Nothing is sent
before the reminder's day and hour; the citizen's quiet hours defer it; the items due that day
become one message ("2 things, by 11 December"), the item ticked off is not counted, the other
day's item gets its own message; replaying the checklist and more rounds of both replicas send
nothing twice, nor does a restart of both replicas while the reminder waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from live_service import (
    dev_servers,
    eventually,
    join_at_the_end,
    messaging_up,
    own_groups,
    publish,
    quick_notify,
)
from sqlalchemy import func, select

from voorportaal.devservers import read_sent_emails
from voorportaal_contracts.citizen_links import verify_link_token
from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    ChecklistEntry,
    ChecklistIssued,
    ChecklistItemDone,
    ContactPointsUpdated,
)
from voorportaal_contracts.events.checklist import Texts
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.runtime import ServiceDefinition, ServiceRuntime
from voorportaal_notify.adapters.orm import checklist_reminders, pending_updates
from voorportaal_notify.app import definition

pytestmark = pytest.mark.integration

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
"""Monday 30 November 2026, 10:00 in Amsterdam: the checklist is issued."""
FRIDAY_11 = date(2026, 12, 11)
"""Two items are due then: reminded on Tuesday 8 December (three working days before)."""
MONDAY_14 = date(2026, 12, 14)
"""One item is due then: reminded on Wednesday 9 December."""
TUESDAY_NINE = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
"""09:00 in Amsterdam on Tuesday 8 December: the reminder's moment."""
QUIET_UNTIL = time(11, 0)
"""The citizen's quiet hours run 08:00-11:00 (Amsterdam): the reminder waits for 11:00."""
SECRET_TITLE = "Huurtoeslag stopzetten"


@dataclass
class Replicas:
    runtimes: tuple[ServiceRuntime, ServiceRuntime]
    clock: FixedClock
    producer: AIOKafkaProducer
    store: Path
    service: ServiceDefinition
    running: contextlib.AsyncExitStack

    async def start(self) -> None:
        """Two replicas of notify (one database, one set of consumer groups) on the clock."""
        self.runtimes = (
            ServiceRuntime(self.service, clock=self.clock),
            ServiceRuntime(self.service, clock=self.clock),
        )
        for runtime in self.runtimes:
            await self.running.enter_async_context(runtime.lifespan())
        for runtime in self.runtimes:
            await messaging_up(runtime)

    async def restart(self) -> None:
        """Stop both replicas and start two new processes on the same database and groups."""
        await self.running.aclose()
        self.running = contextlib.AsyncExitStack()
        await self.start()

    async def publish(self, data: Any) -> None:
        await publish(self.producer, Envelope(data, source="/test", time=self.clock.now()))

    async def rounds(self, n: int = 3) -> None:
        """Wait until each replica's delivery worker completed `n` more rounds."""
        workers = [r.state["delivery"] for r in self.runtimes]
        targets = [w.rounds + n for w in workers]
        await eventually(
            lambda: all(w.rounds >= t for w, t in zip(workers, targets, strict=True)),
            f"{n} more rounds of both replicas",
        )

    async def at(self, moment: datetime) -> None:
        """Move the clock to `moment` and let both replicas work at it."""
        self.clock.advance(moment - self.clock.now())
        await self.rounds()

    async def count(self, table: Any, case_id: str, *where: Any) -> int:
        async with self.runtimes[0].sessions() as session:
            found = await session.scalar(
                select(func.count()).select_from(table).where(table.c.case_id == case_id, *where)
            )
        return int(found or 0)


@pytest.fixture
async def replicas(
    pg_database_url: str, kafka_bootstrap: str, tmp_path: Path
) -> AsyncIterator[Replicas]:
    store = tmp_path / "outbox-dev"
    clock = FixedClock(START)
    prefix = f"it-{uuid.uuid4().hex[:8]}"
    with dev_servers(store) as servers:
        settings = quick_notify(tmp_path, pg_database_url, kafka_bootstrap, servers)
        service = own_groups(definition(settings), prefix)
        first = ServiceRuntime(service, clock=clock)
        await asyncio.to_thread(first.migrate)
        await join_at_the_end(kafka_bootstrap, first)
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=True)
        await producer.start()
        replicas = Replicas(
            (first, first), clock, producer, store, service, contextlib.AsyncExitStack()
        )
        try:
            await replicas.start()
            yield replicas
        finally:
            await replicas.running.aclose()
            await producer.stop()


def _entry(item_id: str, due_on: date | None) -> ChecklistEntry:
    return ChecklistEntry(
        item_id=item_id,
        agency="toeslagen",
        agency_name=Texts(nl="Dienst Toeslagen", en="Benefits Agency"),
        life_events=["moving_rented_home"],
        title=Texts(nl=SECRET_TITLE, en="Stop the housing benefit", pl="Zatrzymaj dodatek"),
        due_on=due_on,
    )


async def test_a_checklist_deadline_produces_one_reminder_at_the_right_time_within_quiet_hours_and_bundling(  # noqa: E501
    replicas: Replicas,
) -> None:
    case_id = f"vp-ck{uuid.uuid4().hex[:18]}"
    email = f"{case_id}@example.org"
    await replicas.publish(
        ContactPointsUpdated(
            case_id=case_id,
            channels=["email"],
            language="pl",
            email=email,
            verified=["email"],
            quiet_from=time(8, 0),
            quiet_until=QUIET_UNTIL,
        )
    )
    issued = ChecklistIssued(
        case_id=case_id,
        intake_id="in-1",
        revision=1,
        language="pl",
        items=[
            _entry("a", FRIDAY_11),
            _entry("b", FRIDAY_11),
            _entry("c", MONDAY_14),
            _entry("d", None),
            _entry("e", FRIDAY_11),
        ],
        issued_at=START,
    )
    await replicas.publish(issued)
    await replicas.publish(
        ChecklistItemDone(
            case_id=case_id, intake_id="in-1", item_id="e", by_role="citizen", at=START
        )
    )
    done = checklist_reminders.c.done.is_(True)
    await eventually(lambda: replicas.count(checklist_reminders, case_id, done), "e ticked off")

    def mails() -> list[Any]:
        return [m for m in read_sent_emails(replicas.store) if m.rcpt_tos == [email]]

    # Not before the day and hour.
    await replicas.at(TUESDAY_NINE - timedelta(seconds=1))
    assert await replicas.count(pending_updates, case_id) == 0
    # 09:00: the day's reminders become one update, which the quiet hours hold.
    await replicas.at(TUESDAY_NINE)
    assert await replicas.count(pending_updates, case_id) == 1
    await replicas.restart()  # a deployment in between: the new processes carry on
    await replicas.at(TUESDAY_NINE + timedelta(hours=1, minutes=59))  # 10:59 in Amsterdam
    assert mails() == [], "nothing during the citizen's quiet hours"
    # 11:00: the quiet hours end and the one message goes.
    await replicas.at(TUESDAY_NINE + timedelta(hours=2))
    (stored,) = await eventually(mails, "the reminder arrived")
    mail = stored.message()
    assert mail["Subject"] == "Przypomnienie: na liście zadań jest jeszcze coś do załatwienia"
    assert mail["Content-Language"] == "pl"
    plain = mail.get_body(("plain",)).get_content()
    assert (
        "Do załatwienia zostały jeszcze 2 sprawy. Prosimy zrobić to najpóźniej do 11 grudnia 2026."
        in plain
    )
    assert SECRET_TITLE not in plain and "Zatrzymaj" not in plain
    link = next(w for w in plain.split() if w.startswith("http://127.0.0.1:3001/l/"))
    settings = replicas.runtimes[0].state["notify_settings"]
    claims = verify_link_token(
        settings.link_key.get_secret_value().encode(),
        link.rsplit("/", 1)[-1],
        now=replicas.clock.now(),
    )
    assert (claims.case_id, claims.page) == (case_id, "checklist")

    # A replayed checklist (a redelivery with a new id) and more rounds: still one message.
    await replicas.publish(issued)
    await replicas.at(TUESDAY_NINE + timedelta(hours=4))
    assert len(mails()) == 1

    # Wednesday's item is its own message, after that day's quiet hours.
    await replicas.at(TUESDAY_NINE + timedelta(days=1))
    await replicas.at(TUESDAY_NINE + timedelta(days=1, hours=2))
    await eventually(lambda: len(mails()) == 2, "Wednesday's reminder arrived")
    second = mails()[1].message().get_body(("plain",)).get_content()
    assert (
        "Do załatwienia została jeszcze 1 sprawa. Prosimy zrobić to najpóźniej do 14 grudnia 2026."
        in second
    )
    await replicas.at(TUESDAY_NINE + timedelta(days=3))
    assert len(mails()) == 2
