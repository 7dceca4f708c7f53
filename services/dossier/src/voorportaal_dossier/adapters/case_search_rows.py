"""The rows a case search reads: the stored cases a staff member could be shown (narrowed in
SQL by owner, team and handover; the access rules decide on each), and the cases a staff
member opened lately (from the access log). Dialect differences stay here."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_dossier.adapters.orm import audit_log, cases
from voorportaal_dossier.domain import ownership
from voorportaal_dossier.domain.case_state import CaseState, load_case
from voorportaal_kit import audit


async def candidates(
    session: AsyncSession,
    *,
    subject: str,
    team: str | None,
    everyone: bool,
    with_queue: bool,
    limit: int,
    holding: str | None = None,
) -> list[bytes]:
    """Stored cases (as stored: JSON) that are not anonymised and that `subject` could see:
    every one for a supervisor (`everyone`), else theirs, their team's, those handed over (to
    be checked by the caller) and, `with_queue`, those in the buddy queue; only those whose
    JSON holds the exact string `holding` when given; newest first, at most `limit`."""
    stmt = select(cases.c.state).where(cases.c.anonymised_at.is_(None))
    if holding is not None:
        needle = holding.encode()
        if session.get_bind().dialect.name == "sqlite":
            # SQLite's LIKE does not look into a blob; instr does, byte for byte.
            stmt = stmt.where(func.instr(cases.c.state, needle) > 0)
        else:
            # bytea LIKE bytea; the hint is digits, letters, quotes and '+', no wildcard.
            stmt = stmt.where(cases.c.state.like(b"%" + needle + b"%"))
    if not everyone:
        mine = [
            cases.c.owner_id == subject,
            cases.c.ownership_status == ownership.OwnershipStatus.HANDOVER_REQUESTED.value,
        ]
        if team is not None:
            mine.append(cases.c.team == team)
        if with_queue:
            mine.append(cases.c.ownership_status.in_([s.value for s in ownership.QUEUE_STATES]))
        stmt = stmt.where(or_(*mine))
    stmt = stmt.order_by(cases.c.updated_at.desc(), cases.c.case_id).limit(limit)
    raws: Sequence[bytes] = (await session.execute(stmt)).scalars().all()
    return list(raws)


async def one_case(session: AsyncSession, case_id: str) -> CaseState | None:
    """One stored case by its id (any case of that id, lower-cased ids compared as given)."""
    raw = await session.scalar(select(cases.c.state).where(cases.c.case_id == case_id))
    return load_case(raw) if raw is not None else None


async def opened_lately(
    session: AsyncSession, actor: str, *, purpose: str, data_kind: str, scan: int, limit: int
) -> list[str]:
    """The cases `actor` read for `purpose` (allowed), newest first and each once: from the
    newest `scan` records of theirs in the access log."""
    stmt = (
        select(audit_log.c.record)
        .where(audit_log.c.actor == actor, audit_log.c.outcome == audit.AuditOutcome.ALLOWED.value)
        .order_by(audit_log.c.seq.desc())
        .limit(scan)
    )
    seen: list[str] = []
    for raw in (await session.execute(stmt)).scalars():
        entry = audit.decode(str(raw).encode())
        if entry.purpose != purpose or entry.data_kind != data_kind or entry.case_id in seen:
            continue
        seen.append(entry.case_id)
        if len(seen) >= limit:
            break
    return seen
