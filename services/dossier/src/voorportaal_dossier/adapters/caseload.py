"""The caseload per casemanager, counted by the database from the cases table's columns (one
`GROUP BY`, no case state parsed) — only cases with a handover in flight are parsed, for
whom it is offered to."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_dossier.adapters.orm import cases
from voorportaal_dossier.domain import ownership
from voorportaal_dossier.domain.case_state import load_case
from voorportaal_dossier.domain.caseload import OwnerCounts

_OPEN = (cases.c.closed_at.is_(None), cases.c.anonymised_at.is_(None))


async def owner_counts(session: AsyncSession) -> list[OwnerCounts]:
    """Per owner: open cases, open wishes to talk to a person, overdue referrals."""
    stmt = (
        select(
            cases.c.owner_id,
            func.max(cases.c.team).label("team"),
            func.count().label("open_cases"),
            func.count(cases.c.wish_answer_by).label("person_requests"),
            func.coalesce(func.sum(cases.c.overdue_count), 0).label("overdue_referrals"),
        )
        .where(cases.c.owner_id.is_not(None), *_OPEN)
        .group_by(cases.c.owner_id)
    )
    return [
        OwnerCounts(
            owner_id=r.owner_id,
            team=r.team,
            open_cases=int(r.open_cases),
            person_requests=int(r.person_requests),
            overdue_referrals=int(r.overdue_referrals),
        )
        for r in (await session.execute(stmt)).all()
    ]


async def handovers_offered(session: AsyncSession) -> Counter[str]:
    """How many pending handovers are offered to each staff member."""
    stmt = select(cases.c.state).where(
        cases.c.ownership_status == ownership.OwnershipStatus.HANDOVER_REQUESTED.value, *_OPEN
    )
    offered: Counter[str] = Counter()
    for raw in (await session.execute(stmt)).scalars():
        pending = load_case(raw).ownership.pending
        if pending is not None:
            offered[pending.to.id] += 1
    return offered
