"""Checklist reminders (issue 15): the checklist events keep a schedule, and each round of the
delivery worker turns the reminders whose moment has come into one queued update per case.

From there a reminder is news like any other: the planner sends it within the contact-load
rules (bundled with what else waits, deferred by quiet hours, counted by the rate limit and
the meter), in the citizen's language, with a link to the checklist page.

Sent once: the consumer applies each event once (the kit's inbox) and the schedule is a pure
function of the events; a reminder becomes an update by a compare-and-set on its row (another
replica, or a tick-off, that got there first makes this one roll back) and the update's id is
derived from the case and the items, so it can exist once; the planner's message key does the
rest. Rules and states: `domain.reminders`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events.checklist import (
    ChecklistIssued,
    ChecklistItemDone,
    ChecklistItemOverdue,
)
from voorportaal_kit.clock import Clock
from voorportaal_notify.adapters.repositories import Repositories
from voorportaal_notify.domain import reminders as rules
from voorportaal_notify.domain.messages import QueuedUpdate
from voorportaal_notify.domain.policy import Priority
from voorportaal_notify.domain.reminders import (
    CHECKLIST_TEMPLATE,
    REMINDER_EVENT_TYPE,
    ItemReminder,
    ReminderBatch,
    ReminderStatus,
    ReminderTiming,
)

log = structlog.get_logger(__name__)


class _Raced(Exception):
    """Another replica (or a tick-off) changed a reminder this transaction meant to queue."""


@dataclass(frozen=True)
class ChecklistReminders:
    """The schedule from the checklist events, and its due reminders as updates."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    timing: ReminderTiming
    batch_size: int = 100

    async def on_issued(self, session: AsyncSession, incoming: Envelope) -> None:
        """A checklist (revision) was issued: schedule, keep, re-date or drop reminders."""
        event = incoming.data
        assert isinstance(event, ChecklistIssued)
        repos = Repositories(session)
        if await repos.cases.is_erased(event.case_id):
            # Read after the erasure (another consumer group): nothing is kept for the case.
            return
        known = await repos.reminders.of_intake(event.case_id, event.intake_id)
        items = [rules.IssuedItem(i.item_id, i.due_on) for i in event.items]
        changed = rules.on_issued(
            event.case_id,
            event.intake_id,
            event.revision,
            items,
            event.issued_at,
            known,
            self.timing,
        )
        await repos.reminders.save(changed, known, self.clock.now())
        await _withdraw(repos, [(known[r.item_id], r) for r in changed if r.item_id in known])
        log.info(
            "notify.checklist_scheduled",
            case_id=event.case_id,
            event_id=str(incoming.id),
            revision=event.revision,
            scheduled=sum(1 for r in changed if r.status is ReminderStatus.SCHEDULED),
            stale=not changed and bool(known),
        )

    async def on_item_done(self, session: AsyncSession, incoming: Envelope) -> None:
        """An item was ticked off (or unticked): its reminder goes (or comes back)."""
        event = incoming.data
        assert isinstance(event, ChecklistItemDone)
        repos = Repositories(session)
        before = await repos.reminders.get(event.case_id, event.intake_id, event.item_id)
        if before is None:
            log.info(
                "notify.checklist_item_unknown", case_id=event.case_id, event_id=str(incoming.id)
            )
            return
        after = rules.on_item_done(before, event.done, event.at)
        await self._store(repos, before, after)

    async def on_overdue(self, session: AsyncSession, incoming: Envelope) -> None:
        """An item's deadline passed unticked: a reminder still waiting goes."""
        event = incoming.data
        assert isinstance(event, ChecklistItemOverdue)
        repos = Repositories(session)
        before = await repos.reminders.get(event.case_id, event.intake_id, event.item_id)
        if before is not None:
            await self._store(repos, before, rules.on_overdue(before, event.due_on))

    async def _store(self, repos: Repositories, before: ItemReminder, after: ItemReminder) -> None:
        await repos.reminders.save([after], {before.item_id: before}, self.clock.now())
        await _withdraw(repos, [(before, after)])

    async def queue_due(self) -> int:
        """Turn the reminders whose moment has come into updates, one per case (a job step)."""
        now = self.clock.now()
        async with self.sessions() as session:
            case_ids = await Repositories(session).reminders.cases_due(now, self.batch_size)
        queued = 0
        for case_id in case_ids:
            try:
                async with self.sessions.begin() as session:
                    queued += await self._queue_case(Repositories(session), case_id)
            except (_Raced, IntegrityError):
                # Another replica queued these reminders (or a tick-off came first): its
                # update stands, this transaction is rolled back.
                log.info("notify.checklist_reminder_raced", case_id=case_id)
        return queued

    async def _queue_case(self, repos: Repositories, case_id: str) -> int:
        now = self.clock.now()
        batch = rules.due_batch(case_id, await repos.reminders.scheduled(case_id), now)
        for stale in batch.stale:
            if not await repos.reminders.take(stale, stale.dropped(rules.DropReason.OVERDUE), now):
                raise _Raced
        if not batch.reminders:
            return 0
        update_id = batch.update_id
        for reminder in batch.reminders:
            taken = replace(reminder, status=ReminderStatus.QUEUED, update_id=update_id)
            if not await repos.reminders.take(reminder, taken, now):
                raise _Raced
        await repos.updates.add([_update(batch, update_id, now)])
        log.info(
            "notify.checklist_reminder_queued",
            case_id=case_id,
            update_id=update_id,
            items=batch.count,
        )
        return 1


async def _withdraw(repos: Repositories, changes: list[tuple[ItemReminder, ItemReminder]]) -> None:
    """Reminders taken out of a queued update (ticked off, re-dated or gone in the bundling
    window): the message, not yet planned, counts only what is left, by the earliest date left
    (or is not sent at all). Once planned, what it says stands."""
    left_behind = {
        before.update_id
        for before, after in changes
        if before.status is ReminderStatus.QUEUED
        and before.update_id is not None
        and (after.status is not ReminderStatus.QUEUED or after.update_id != before.update_id)
    }
    for update_id in sorted(left_behind):
        left = await repos.reminders.queued_with(update_id)
        earliest = min((r.due_on for r in left if r.due_on is not None), default=None)
        recounted = await repos.updates.recount(update_id, len(left), earliest)
        log.info(
            "notify.checklist_reminder_withdrawn",
            case_id=changes[0][0].case_id,
            left=len(left),
            in_time=recounted,
        )


def _update(batch: ReminderBatch, update_id: str, now: datetime) -> QueuedUpdate:
    """The update that says how many things are due, and by when (the earliest deadline)."""
    return QueuedUpdate(
        id=update_id,
        case_id=batch.case_id,
        event_id=update_id,
        event_type=REMINDER_EVENT_TYPE,
        template_id=CHECKLIST_TEMPLATE,
        fields={"date": batch.earliest.isoformat(), "count": batch.count},
        priority=Priority.NORMAL,
        ignore_quiet_hours=False,
        action_required=True,
        link_page="checklist",
        copy_wanted=True,
        created_at=now,
    )
