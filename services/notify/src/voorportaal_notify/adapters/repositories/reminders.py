"""Checklist reminders: one row per item of an intake's checklist (ids and dates only)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from voorportaal_notify.adapters.orm import checklist_reminders
from voorportaal_notify.adapters.repositories._query import (
    SessionRepository,
    all_rows,
    first_row,
    longest_waiting_cases,
    record,
    row_values,
)
from voorportaal_notify.domain.reminders import DropReason, ItemReminder, ReminderStatus

_KEY = ("case_id", "intake_id", "item_id")


def _reminder(row: Mapping[Any, Any]) -> ItemReminder:
    return record(ItemReminder, row, {"status": ReminderStatus, "reason": DropReason})


def _values(reminder: ItemReminder, now: datetime) -> dict[str, Any]:
    return row_values(reminder, updated_at=now)


def _where(reminder: ItemReminder) -> list[Any]:
    c = checklist_reminders.c
    return [c[name] == getattr(reminder, name) for name in _KEY]


class ReminderChanged(RuntimeError):
    """A reminder changed between reading and writing it (the delivery worker queued it in
    between): the consumer's transaction rolls back and the kit retries the event, which then
    reads the reminder as it is."""


class RemindersRepository(SessionRepository):
    """The reminders of checklist items."""

    async def of_intake(self, case_id: str, intake_id: str) -> dict[str, ItemReminder]:
        """The reminders of one intake's checklist, by item id."""
        c = checklist_reminders.c
        rows = await all_rows(
            self._session,
            select(checklist_reminders).where(c.case_id == case_id, c.intake_id == intake_id),
        )
        return {row["item_id"]: _reminder(row) for row in rows}

    async def get(self, case_id: str, intake_id: str, item_id: str) -> ItemReminder | None:
        """One item's reminder."""
        c = checklist_reminders.c
        row = await first_row(
            self._session,
            select(checklist_reminders).where(
                c.case_id == case_id, c.intake_id == intake_id, c.item_id == item_id
            ),
        )
        return _reminder(row) if row is not None else None

    async def save(
        self, reminders: Sequence[ItemReminder], known: Mapping[str, ItemReminder], now: datetime
    ) -> None:
        """Store reminders: insert those not in `known` (by item id), update the others as
        long as they are still as read (`ReminderChanged` otherwise)."""
        c = checklist_reminders.c
        for reminder in reminders:
            values = _values(reminder, now)
            before = known.get(reminder.item_id)
            if before is None:
                await self._session.execute(insert(checklist_reminders).values(**values))
                continue
            same_update = (
                c.update_id.is_(None)
                if before.update_id is None
                else c.update_id == before.update_id
            )
            result = await self._session.execute(
                update(checklist_reminders)
                .where(*_where(reminder), c.status == before.status.value, same_update)
                .values(**values)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise ReminderChanged(reminder.item_id)

    async def cases_due(self, now: datetime, limit: int) -> list[str]:
        """Cases with a scheduled reminder whose moment has come, the longest waiting first."""
        c = checklist_reminders.c
        return await longest_waiting_cases(
            self._session,
            checklist_reminders,
            c.remind_at,
            c.status == ReminderStatus.SCHEDULED.value,
            c.remind_at <= now,
            limit=limit,
        )

    async def scheduled(self, case_id: str) -> list[ItemReminder]:
        """The case's reminders that still wait."""
        c = checklist_reminders.c
        rows = await all_rows(
            self._session,
            select(checklist_reminders)
            .where(c.case_id == case_id, c.status == ReminderStatus.SCHEDULED.value)
            .order_by(c.remind_at, c.intake_id, c.item_id),
        )
        return [_reminder(r) for r in rows]

    async def take(self, reminder: ItemReminder, changed: ItemReminder, now: datetime) -> bool:
        """Compare-and-set from a scheduled reminder to `changed`: False when another replica
        (or a tick-off) changed it first."""
        c = checklist_reminders.c
        result = await self._session.execute(
            update(checklist_reminders)
            .where(*_where(reminder), c.status == ReminderStatus.SCHEDULED.value)
            .values(**_values(changed, now))
        )
        return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]

    async def queued_with(self, update_id: str) -> list[ItemReminder]:
        """The reminders the update still carries (not ticked off, re-dated or gone since)."""
        c = checklist_reminders.c
        rows = await all_rows(
            self._session,
            select(checklist_reminders).where(
                c.update_id == update_id, c.status == ReminderStatus.QUEUED.value
            ),
        )
        return [_reminder(r) for r in rows]

    async def purge(self, case_id: str) -> None:
        """Forget every reminder of an erased case."""
        await self._session.execute(
            delete(checklist_reminders).where(checklist_reminders.c.case_id == case_id)
        )
