"""The promise ledger: promises and terms recorded, kept, and the periodic job that publishes
`PromiseDueSoon` a day before and `PromiseBroken` once a due date passed (rules in
`domain/promises.py`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.events import PromiseDueSoon
from voorportaal_contracts.registry import Event
from voorportaal_dossier.adapters import case_store, repositories
from voorportaal_dossier.domain import promises
from voorportaal_dossier.domain.case_state import CaseState
from voorportaal_dossier.domain.errors import InvalidInput
from voorportaal_dossier.domain.promises import MadeBy
from voorportaal_dossier.domain.records import ClockEntry
from voorportaal_dossier.domain.sharing import DataKind
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.case_access import UseCase, new_id

log = structlog.get_logger(__name__)

SWEEP_BATCH = 500
"""Promises looked at per run of the ledger job (the next run takes the rest)."""


class Promises(UseCase):
    """The promise ledger of a case."""

    async def record_promise(
        self,
        actor: Actor,
        case_id: str,
        *,
        made_by_kind: MadeBy,
        made_by: str | None,
        what: str,
        due_at: datetime,
        referral_id: str | None,
    ) -> str:
        """Record a promise (agency, casemanager) or a term the citizen set."""
        promise_id = new_id("promise")

        async def step(_s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], str]:
            self._cases.staff_basis(case, actor)
            who = made_by or (actor.subject if made_by_kind is MadeBy.CASEMANAGER else "")
            if referral_id is not None and case.referral(referral_id) is None:
                raise InvalidInput(
                    "referral_id",
                    "no such referral on this case / deze zaak heeft die verwijzing niet",
                )
            promise, event = promises.record(
                case_id,
                promise_id,
                made_by_kind=made_by_kind,
                made_by=who,
                what=what,
                due_at=due_at,
                recorded_at=self._cases.now(),
                referral_id=referral_id,
            )
            case = replace(case, promises=(*case.promises, promise))
            return case, [event], promise_id

        return await self._cases.change(
            actor, case_id, "promise", DataKind.PROMISES, step, object_id=promise_id
        )

    async def fulfil_promise(self, actor: Actor, case_id: str, promise_id: str) -> None:
        """Mark a promise kept (late when it was broken already)."""

        async def step(_s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], None]:
            self._cases.staff_basis(case, actor)
            found = next((p for p in case.promises if p.promise_id == promise_id), None)
            if found is None:
                raise InvalidInput(
                    "promise_id", "no such promise on this case / deze zaak heeft die belofte niet"
                )
            _kept, event = promises.fulfil(case_id, found, at=self._cases.now())
            return case, [event], None

        await self._cases.change(
            actor, case_id, "promise_fulfil", DataKind.PROMISES, step, object_id=promise_id
        )

    async def promise_sweep(self) -> int:
        """Publish `PromiseDueSoon` a day before and `PromiseBroken` once the due date passed
        (each once: the clock row and the case say it was done)."""
        now = self._cases.now()
        published = 0
        async with self._cases.sessions.begin() as session:
            due = await repositories.promises_due(session, now + timedelta(days=1), SWEEP_BATCH)
            for entry in due:
                published += await self._sweep_one(session, entry, now)
        if published:
            log.info("dossier.promise_sweep", published=published)
        return published

    async def _sweep_one(self, session: AsyncSession, entry: ClockEntry, now: datetime) -> int:
        """The events one promise on the clock is due for at `now`, staged; how many."""
        before = await case_store.load(session, entry.case_id, lock=True)
        if before is None:
            return 0
        promise = next((p for p in before.promises if p.promise_id == entry.promise_id), None)
        if promise is None:
            return 0
        events: list[Event] = []
        if promises.is_due_for_breaking(promise, now):
            _, broken = promises.mark_broken(before.case_id, promise, at=now)
            if broken is not None:
                events.append(broken)
        elif not entry.due_soon_sent and promise.status is promises.PromiseStatus.OPEN:
            events.append(
                PromiseDueSoon(
                    case_id=before.case_id,
                    promise_id=promise.promise_id,
                    made_by=promise.made_by,
                    due_at=promise.due_at,
                )
            )
            await repositories.mark_due_soon_sent(session, promise.promise_id)
        if events:
            await case_store.commit_events(
                session, before, before, events, source=self._cases.source, clock=self._cases.clock
            )
        return len(events)
