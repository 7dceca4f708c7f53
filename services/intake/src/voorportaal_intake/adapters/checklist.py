"""The checklist's items as the intake keeps them: which are ticked off, and for which due date
an overdue item was announced. One row per intake and item; the item's content stays in the
intake's result (the checklist+ as computed), so only state lives here.

Every change is a conditional `UPDATE` whose row count says whether it happened, so two
replicas (or a redelivered event) never both act on the same item.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.engine import CursorResult

from voorportaal_intake.adapters.orm import checklist_items, intakes
from voorportaal_intake.adapters.repositories import SessionRepository


@dataclass(frozen=True)
class Overdue:
    """An item whose deadline passed and that is not ticked off."""

    intake_id: UUID
    case_id: str
    item_id: str
    due_on: date


class ChecklistRepository(SessionRepository):
    """The items of intakes' checklists in one session."""

    async def replace(
        self, intake_id: UUID, case_id: str, items: Sequence[tuple[str, date | None]]
    ) -> None:
        """The checklist of a (new) revision: items keep their done state by id, new items
        start open, items no longer on the list go."""
        known = {
            row.item_id: row.due_on
            for row in await self._session.execute(
                select(checklist_items.c.item_id, checklist_items.c.due_on).where(
                    checklist_items.c.intake_id == intake_id
                )
            )
        }
        wanted = dict(items)
        gone = [item for item in known if item not in wanted]
        if gone:
            await self._session.execute(
                delete(checklist_items).where(
                    checklist_items.c.intake_id == intake_id,
                    checklist_items.c.item_id.in_(gone),
                )
            )
        for item_id, due_on in wanted.items():
            if item_id not in known:
                await self._session.execute(
                    insert(checklist_items).values(
                        intake_id=intake_id,
                        item_id=item_id,
                        case_id=case_id,
                        due_on=due_on,
                        done=False,
                    )
                )
            elif known[item_id] != due_on:
                await self._session.execute(
                    update(checklist_items)
                    .where(
                        checklist_items.c.intake_id == intake_id,
                        checklist_items.c.item_id == item_id,
                    )
                    .values(due_on=due_on)
                )

    async def done(self, intake_id: UUID) -> set[str]:
        """The ids of the intake's items that are ticked off."""
        rows = await self._session.execute(
            select(checklist_items.c.item_id).where(
                checklist_items.c.intake_id == intake_id, checklist_items.c.done.is_(True)
            )
        )
        return {row.item_id for row in rows}

    async def mark(
        self,
        intake_id: UUID,
        item_id: str,
        done: bool,
        at: datetime,
        role: str,
        *,
        only_if_newer: bool = False,
    ) -> bool:
        """Tick an item off (or undo it); whether its state changed. With `only_if_newer` (a
        mark made elsewhere), a mark older than, or as old as, the one stored is ignored:
        marks are applied once and the latest wins."""
        conditions = [
            checklist_items.c.intake_id == intake_id,
            checklist_items.c.item_id == item_id,
        ]
        if only_if_newer:
            conditions.append(
                or_(checklist_items.c.marked_at.is_(None), checklist_items.c.marked_at < at)
            )
        else:
            conditions.append(checklist_items.c.done.is_not(done))
        result = await self._session.execute(
            update(checklist_items)
            .where(*conditions)
            .values(done=done, marked_at=at, marked_by_role=role)
        )
        assert isinstance(result, CursorResult)
        return bool(result.rowcount == 1)

    async def overdue(self, today: date, limit: int) -> list[Overdue]:
        """Items due before `today`, not ticked off, not announced for their due date, of
        intakes that are not erased (oldest first)."""
        query = (
            select(
                checklist_items.c.intake_id,
                checklist_items.c.case_id,
                checklist_items.c.item_id,
                checklist_items.c.due_on,
            )
            .join(intakes, intakes.c.id == checklist_items.c.intake_id)
            .where(
                checklist_items.c.due_on < today,
                checklist_items.c.done.is_(False),
                or_(
                    checklist_items.c.overdue_for.is_(None),
                    checklist_items.c.overdue_for != checklist_items.c.due_on,
                ),
                intakes.c.erased_at.is_(None),
            )
            .order_by(checklist_items.c.due_on)
            .limit(limit)
        )
        return [
            Overdue(row.intake_id, row.case_id, row.item_id, row.due_on)
            for row in await self._session.execute(query)
        ]

    async def claim_overdue(self, item: Overdue) -> bool:
        """Mark the item announced for its due date; False when another replica did, the
        item was ticked off, or its date changed meanwhile (then nothing is announced)."""
        result = await self._session.execute(
            update(checklist_items)
            .where(
                checklist_items.c.intake_id == item.intake_id,
                checklist_items.c.item_id == item.item_id,
                checklist_items.c.due_on == item.due_on,
                checklist_items.c.done.is_(False),
                or_(
                    checklist_items.c.overdue_for.is_(None),
                    and_(checklist_items.c.overdue_for != item.due_on),
                ),
            )
            .values(overdue_for=item.due_on)
        )
        assert isinstance(result, CursorResult)
        return bool(result.rowcount == 1)
