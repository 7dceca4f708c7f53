"""Reading and writing projected cases, and applying the dossier's own facts to them.

A case row holds the whole `CaseState` plus the columns the work queue filters on. Own facts
(`BuddyAssigned`, `PromiseRecorded` …) are folded into the case and staged in the outbox in the
same transaction; when they come back from `case.events` the reducer finds their id among the
applied ones and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.registry import Event
from voorportaal_contracts.types import Urgency
from voorportaal_dossier.adapters.orm import cases, promise_clock
from voorportaal_dossier.domain.projection import CaseState, dump_case, load_case, project
from voorportaal_dossier.domain.promises import PromiseStatus
from voorportaal_kit.clock import Clock
from voorportaal_kit.outbox import add_events

_URGENCY_RANK = {Urgency.ACUTE: 0, Urgency.HIGH: 1, Urgency.NORMAL: 2}


async def load(session: AsyncSession, case_id: str, *, lock: bool = False) -> CaseState | None:
    """The case, locked for the transaction when `lock` (every change locks first)."""
    stmt = select(cases.c.state).where(cases.c.case_id == case_id)
    if lock:
        stmt = stmt.with_for_update()
    raw = await session.scalar(stmt)
    return load_case(raw) if raw is not None else None


def _columns(case: CaseState) -> dict[str, Any]:
    owner = case.ownership.owner
    broken = sum(1 for p in case.promises if p.status is PromiseStatus.BROKEN)
    return {
        "state": dump_case(case),
        "ownership_status": case.ownership.status.value,
        "owner_id": owner.id if owner else None,
        "team": case.ownership.team,
        "urgency": case.urgency.value if case.urgency else None,
        "urgency_rank": _URGENCY_RANK.get(case.urgency, 3) if case.urgency else 3,
        "municipality_code": case.municipality_code,
        "life_events": [e.value for e in case.life_events],
        "agency_codes": sorted({r.agency_code for r in case.referrals}),
        "overdue_count": len(case.overdue_referrals) + broken,
        "closed_at": case.closed_at,
        "anonymised_at": case.anonymised_at,
        "opened_at": case.opened_at,
        "updated_at": case.updated_at,
    }


async def save(
    session: AsyncSession, case: CaseState, before: CaseState | None, clock: Clock
) -> None:
    """Write the case (insert or update) and keep the promise clock in step."""
    values = _columns(case)
    if values["updated_at"] is None:
        values["updated_at"] = clock.now()
    if before is None:
        await session.execute(insert(cases).values(case_id=case.case_id, **values))
    else:
        await session.execute(update(cases).where(cases.c.case_id == case.case_id).values(values))
    if before is None or before.promises != case.promises:
        await _sync_promise_clock(session, case)


async def _sync_promise_clock(session: AsyncSession, case: CaseState) -> None:
    sent = dict(
        (
            await session.execute(
                select(promise_clock.c.promise_id, promise_clock.c.due_soon_sent).where(
                    promise_clock.c.case_id == case.case_id
                )
            )
        ).all()
    )
    await session.execute(delete(promise_clock).where(promise_clock.c.case_id == case.case_id))
    rows = [
        {
            "promise_id": p.promise_id,
            "case_id": case.case_id,
            "due_at": p.due_at,
            "open": p.status is PromiseStatus.OPEN,
            "due_soon_sent": bool(sent.get(p.promise_id, False)),
        }
        for p in case.promises
        if p.status is PromiseStatus.OPEN
    ]
    if rows:
        await session.execute(insert(promise_clock), rows)


async def _ensure_row(session: AsyncSession, case_id: str, clock: Clock) -> None:
    """Create an empty case row if there is none, so that two consumers (intake, case
    events) meeting a new case both lock the same row instead of both inserting it."""
    values = {"case_id": case_id, **_columns(CaseState.new(case_id))}
    values["updated_at"] = clock.now()
    if session.get_bind().dialect.name == "postgresql":
        stmt: Any = pg_insert(cases).values(values).on_conflict_do_nothing()
    else:
        stmt = sqlite_insert(cases).values(values).on_conflict_do_nothing()
    await session.execute(stmt)


async def apply_incoming(session: AsyncSession, envelope: Envelope, clock: Clock) -> bool:
    """Fold a consumed event into its case; False when it changed nothing."""
    await _ensure_row(session, envelope.subject, clock)
    before = await load(session, envelope.subject, lock=True)
    result = project(before, envelope)
    if result.note is not None:
        return False
    await save(session, result.state, before, clock)
    return True


async def commit_events(
    session: AsyncSession,
    case: CaseState,
    before: CaseState | None,
    events: Sequence[Event],
    *,
    source: str,
    clock: Clock,
) -> CaseState:
    """Fold the dossier's own facts into the case, save it, and stage them in the outbox."""
    now = clock.now()
    envelopes = [Envelope(event, source=source, time=now) for event in events]
    for envelope in envelopes:
        case = project(case, envelope).state
    await save(session, case, before, clock)
    await add_events(session, envelopes, clock=clock)
    return case
