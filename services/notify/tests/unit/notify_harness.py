"""The notify service in-process for unit tests: SQLite, a test clock, real local SMTP server and
SMS gateway stub (a uniquely named module; the fixtures that build it are in conftest)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from notify_factories import CASE
from sqlalchemy import text

from voorportaal.devservers import read_sent_emails
from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.registry import Event
from voorportaal_kit.auth import Principal
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_notify.entrypoints.http.routes import delivery_out
from voorportaal_notify.service_layer.delivery import DeliveryWorker, RoundResult
from voorportaal_notify.service_layer.notifications import NotifyService
from voorportaal_notify.settings import NotifySettings

CASEMANAGER = Principal(subject="cm-1", roles=frozenset({"casemanager"}))
SUPERVISOR = Principal(subject="sup-1", roles=frozenset({"supervisor"}))
WINDOW = timedelta(minutes=15)
FORBIDDEN = ("1234", "WW", "CJIB", "schuld", "euro", "not_eligible")
"""Words from the events' notes that must never reach a message."""


@dataclass
class Notify:
    runtime: ServiceRuntime
    service: NotifyService
    worker: DeliveryWorker
    clock: FixedClock
    settings: NotifySettings
    store: Path

    async def handle(self, data: Event) -> None:
        """Apply an event as every consumer group of the service would (one transaction each)."""
        envelope = Envelope(data, source="/test", time=self.clock.now())
        handled = False
        for subscription in self.runtime.definition.subscriptions(self.runtime):
            handler = subscription.handlers.get(type(data))
            if handler is not None:
                async with self.runtime.sessions.begin() as session:
                    await handler(session, envelope)
                handled = True
        if not handled:
            # Not in any subscription (no rule names it): the rules' handler ignores it.
            async with self.runtime.sessions.begin() as session:
                await self.service.on_event(session, envelope)

    async def erase(self, case_id: str = CASE) -> None:
        async with self.runtime.sessions.begin() as session:
            await self.service.on_contact_erased(session, case_id)

    async def run(self, after: timedelta = timedelta(0)) -> RoundResult:
        self.clock.advance(after)
        return await self.worker.run_once()

    async def outbox(self, *, access_log: bool = False) -> list[tuple[str, dict[str, Any]]]:
        """The events staged for Kafka; the `accessed` records of the "who looked" log (a
        test's own reads of the deliveries write them) only with `access_log`."""
        async with self.runtime.sessions() as session:
            rows = (await session.execute(text("SELECT event_type, value FROM outbox"))).all()
        staged = [(r[0].rsplit(".", 1)[-1], json.loads(bytes(r[1]))) for r in rows]
        return [(k, v) for k, v in staged if access_log or k != "accessed"]

    async def deliveries(self, case_id: str = CASE) -> list[dict[str, Any]]:
        """The case's messages as staff see them (the HTTP answer's fields)."""
        found = await self.service.deliveries(case_id, SUPERVISOR)
        return [delivery_out(d).model_dump() for d in found]


NotifyFactory = Callable[..., Awaitable[Notify]]


def mail_text(store: Path, index: int = 0) -> tuple[Any, str, str]:
    mail = read_sent_emails(store)[index].message()
    plain, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert plain is not None and html is not None
    return mail, str(plain.get_content()), str(html.get_content())
