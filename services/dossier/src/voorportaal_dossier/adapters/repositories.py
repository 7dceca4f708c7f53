"""The dossier's rows beside a case's state, behind small repositories: contact moments,
messages and actions for the citizen, documents, doorbraak proposals, the promise clock and the
work queue's view of the cases table. Each takes the use case's session, so everything a use
case writes commits in its one transaction (with the outbox row); each speaks the domain's
records (`domain/records.py`), never rows. Dialect differences stay here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, Table, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_dossier.adapters.orm import (
    cases,
    citizen_items,
    contacts,
    documents,
    overrides,
    promise_clock,
)
from voorportaal_dossier.domain import ownership
from voorportaal_dossier.domain.case_state import load_case
from voorportaal_dossier.domain.checklist import open_wish
from voorportaal_dossier.domain.records import (
    CaseRecords,
    CitizenItem,
    ClockEntry,
    ContactMoment,
    Document,
    Override,
    QueueRow,
)

# --------------------------------------------------------------------------- case records


async def add_contact(session: AsyncSession, contact: ContactMoment) -> None:
    """Keep a contact moment."""
    await session.execute(insert(contacts).values(**_fields(contact)))


async def add_citizen_item(session: AsyncSession, item: CitizenItem) -> None:
    """Keep a message for the citizen or an action they must take."""
    await session.execute(insert(citizen_items).values(**_fields(item)))


async def citizen_items_of(session: AsyncSession, case_id: str) -> list[CitizenItem]:
    """A case's messages and actions, oldest first."""
    return [CitizenItem(**r) for r in await _of_case(session, citizen_items, case_id, "at")]


async def _one_of_case(
    session: AsyncSession, table: Table, case_id: str, item_id: str
) -> RowMapping | None:
    """One row of a case's records by its id, or None."""
    query = select(table).where(table.c.id == item_id, table.c.case_id == case_id)
    return (await session.execute(query)).mappings().first()


async def add_document(session: AsyncSession, document: Document) -> None:
    """Keep a document's metadata (its content is in the file store)."""
    await session.execute(insert(documents).values(**_fields(document)))


async def find_document(session: AsyncSession, case_id: str, document_id: str) -> Document | None:
    """One document of a case, or None."""
    found = await _one_of_case(session, documents, case_id, document_id)
    return Document(**found) if found is not None else None


async def add_override(session: AsyncSession, override: Override) -> None:
    """Keep a proposed doorbraak."""
    await session.execute(insert(overrides).values(**_fields(override)))


async def find_override(session: AsyncSession, case_id: str, override_id: str) -> Override | None:
    """One doorbraak proposal of a case, or None."""
    found = await _one_of_case(session, overrides, case_id, override_id)
    return Override(**found) if found is not None else None


async def decide_override(
    session: AsyncSession, override_id: str, *, status: str, by: str, at: datetime
) -> None:
    """Record a supervisor's decision on a doorbraak."""
    await session.execute(
        update(overrides)
        .where(overrides.c.id == override_id)
        .values(status=status, decided_by=by, decided_at=at)
    )


async def records_of(session: AsyncSession, case_id: str) -> CaseRecords:
    """What a case's page and export show beside its state, each kind oldest first."""
    return CaseRecords(
        contacts=[ContactMoment(**r) for r in await _of_case(session, contacts, case_id, "at")],
        documents=[
            Document(**r) for r in await _of_case(session, documents, case_id, "uploaded_at")
        ],
        citizen_items=[
            CitizenItem(**r) for r in await _of_case(session, citizen_items, case_id, "at")
        ],
        overrides=[
            Override(**r) for r in await _of_case(session, overrides, case_id, "proposed_at")
        ],
    )


async def strip_case(session: AsyncSession, case_id: str) -> set[str]:
    """Strip the personal texts of a case's rows and delete its documents' rows; returns the
    documents' hashes (their files go once this commits)."""
    await session.execute(
        update(contacts).where(contacts.c.case_id == case_id).values(summary=None, next_steps=None)
    )
    await session.execute(
        update(citizen_items).where(citizen_items.c.case_id == case_id).values(text=None)
    )
    await session.execute(update(overrides).where(overrides.c.case_id == case_id).values(note=None))
    hashes = (
        (await session.execute(select(documents.c.sha256).where(documents.c.case_id == case_id)))
        .scalars()
        .all()
    )
    await session.execute(delete(documents).where(documents.c.case_id == case_id))
    return set(hashes)


# --------------------------------------------------------------------------- the cases table


async def queue_rows(
    session: AsyncSession,
    *,
    view: str,
    subject: str,
    team: str | None,
    sort: str,
    municipality: str | None,
    state: str | None,
) -> list[QueueRow]:
    """Cases not anonymised for a view of the work queue (`recommended`: in the queue and
    open; `mine`; `team`; `all`), filtered and sorted, at most 1,000."""
    stmt = select(cases).where(cases.c.anonymised_at.is_(None))
    if view == "recommended":
        stmt = stmt.where(
            cases.c.ownership_status.in_([s.value for s in ownership.QUEUE_STATES]),
            cases.c.closed_at.is_(None),
        )
    elif view == "mine":
        stmt = stmt.where(cases.c.owner_id == subject)
    elif view == "team":
        stmt = stmt.where(cases.c.team == team)
    if municipality is not None:
        stmt = stmt.where(cases.c.municipality_code == municipality)
    if state is not None:
        stmt = stmt.where(cases.c.ownership_status == state)
    if sort == "overdue":
        stmt = stmt.order_by(cases.c.overdue_count.desc(), cases.c.urgency_rank, cases.c.case_id)
    else:
        stmt = stmt.order_by(cases.c.urgency_rank, cases.c.overdue_count.desc(), cases.c.case_id)
    rows = (await session.execute(stmt.limit(1000))).mappings().all()
    return [_queue_row(r) for r in rows]


def _queue_row(row: Any) -> QueueRow:
    handover_to = None
    wish = None
    # Only a case with a handover in flight or an open wish is parsed (the rest: columns).
    if row["ownership_status"] == ownership.OwnershipStatus.HANDOVER_REQUESTED.value:
        pending = load_case(row["state"]).ownership.pending
        handover_to = pending.to.id if pending else None
    if row["wish_answer_by"] is not None:
        wish = open_wish(load_case(row["state"]).person_requests)
    return QueueRow(
        case_id=row["case_id"],
        ownership_status=row["ownership_status"],
        owner_id=row["owner_id"],
        team=row["team"],
        urgency=row["urgency"],
        municipality_code=row["municipality_code"],
        life_events=row["life_events"],
        agency_codes=row["agency_codes"],
        overdue_count=row["overdue_count"],
        closed_at=row["closed_at"],
        opened_at=row["opened_at"],
        handover_to=handover_to,
        checklist_todo=row["checklist_todo"],
        checklist_late=row["checklist_late"],
        wish=wish,
    )


async def newest_states(session: AsyncSession, limit: int) -> Sequence[bytes]:
    """The stored states of the newest `limit` cases not anonymised (for the figures)."""
    return (
        (
            await session.execute(
                select(cases.c.state)
                .where(cases.c.anonymised_at.is_(None))
                .order_by(cases.c.updated_at.desc())
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )


async def closed_before(session: AsyncSession, moment: datetime, limit: int) -> Sequence[str]:
    """Ids of closed cases not anonymised yet that were closed at or before `moment`."""
    return (
        (
            await session.execute(
                select(cases.c.case_id)
                .where(
                    cases.c.closed_at.is_not(None),
                    cases.c.anonymised_at.is_(None),
                    cases.c.closed_at <= moment,
                )
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )


# --------------------------------------------------------------------------- the promise clock


async def promises_due(session: AsyncSession, by: datetime, limit: int) -> list[ClockEntry]:
    """Open promises due by `by`, soonest first; on PostgreSQL rows another sweep holds are
    skipped (two replicas never publish the same reminder)."""
    stmt = (
        select(promise_clock.c.promise_id, promise_clock.c.case_id, promise_clock.c.due_soon_sent)
        .where(promise_clock.c.open.is_(True), promise_clock.c.due_at <= by)
        .order_by(promise_clock.c.due_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return [ClockEntry(**r) for r in (await session.execute(stmt)).mappings().all()]


async def mark_due_soon_sent(session: AsyncSession, promise_id: str) -> None:
    """The day-before reminder of a promise went out (once)."""
    await session.execute(
        update(promise_clock)
        .where(promise_clock.c.promise_id == promise_id)
        .values(due_soon_sent=True)
    )


# --------------------------------------------------------------------------- helpers


async def _of_case(
    session: AsyncSession, table: Any, case_id: str, order: str
) -> list[dict[str, Any]]:
    result = await session.execute(
        select(table).where(table.c.case_id == case_id).order_by(table.c[order])
    )
    return [dict(r) for r in result.mappings().all()]


def _fields(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__slots__}
