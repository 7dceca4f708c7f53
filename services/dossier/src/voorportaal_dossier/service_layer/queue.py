"""The console's work queue and the supervisor's figures: ids, codes and counts only (no
personal data, so the queue writes no audit record per row; the figures are audited as one
aggregate read)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_dossier.adapters import repositories
from voorportaal_dossier.domain.case_state import CaseState, load_case
from voorportaal_dossier.domain.figures import supervisor_figures
from voorportaal_dossier.domain.records import QueueRow
from voorportaal_dossier.service_layer import audit_log
from voorportaal_dossier.service_layer.access import Actor, record
from voorportaal_dossier.service_layer.case_access import CaseAccess, UseCase
from voorportaal_kit.audit import AuditAction
from voorportaal_kit.auth import Role
from voorportaal_kit.case_access import Decision
from voorportaal_kit.errors import Forbidden

AGGREGATE_CASE_ID = "all-cases"
"""The audit record's case id for a read of figures over every case (no case's data)."""
MAX_FIGURE_CASES = 50_000
"""The figures are computed over at most this many stored cases (the newest)."""
_SUPERVISOR = Decision(True, "supervisors see aggregate figures", "supervisor")
_NOT_SUPERVISOR = Decision(False, "only a supervisor sees the figures", "none")


class Queue(UseCase):
    """The work queue and the figures over every case."""

    async def work_queue(
        self,
        actor: Actor,
        *,
        view: str,
        sort: str,
        life_event: str | None = None,
        agency: str | None = None,
        municipality: str | None = None,
        state: str | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        """Cases for the console: recommended for a buddy, mine, or my team's (ids and codes
        only: no personal data, so no audit record per row)."""
        if not actor.is_case_staff:
            raise Forbidden(
                "Only casemanagers and supervisors see the work queue. / "
                "Alleen casemanagers en supervisors zien de werkvoorraad."
            )
        if view == "team" and actor.team is None:
            return []
        if view == "all" and not actor.principal.has_role(Role.SUPERVISOR):
            raise Forbidden(
                "Only a supervisor sees every case. / Alleen een supervisor ziet alle zaken."
            )
        async with self._cases.sessions() as session:
            rows = await repositories.queue_rows(
                session,
                view=view,
                subject=actor.subject,
                team=actor.team,
                sort=sort,
                municipality=municipality,
                state=state,
            )
        out = []
        for row in rows:
            if life_event is not None and life_event not in row.life_events:
                continue
            if agency is not None and agency not in row.agency_codes:
                continue
            out.append(_queue_item(row))
            if len(out) >= limit:
                break
        return out

    async def figures(self, actor: Actor) -> dict[str, Any]:
        """The supervisor's figures over the stored cases (counts and rates only), audited as
        one aggregate read; anyone else is refused (and audited)."""
        now, cases = await supervisor_cases(
            self._cases, actor, "aggregate_figures", "supervisor_figures"
        )
        return supervisor_figures(cases, now)


async def supervisor_cases(
    cases: CaseAccess, actor: Actor, data_kind: str, purpose: str
) -> tuple[datetime, Iterator[CaseState]]:
    """The moment and the newest stored cases, for figures over every case: a supervisor's
    read, audited as one aggregate read; anyone else is refused (and audited)."""
    now = cases.now()
    async with cases.sessions.begin() as session:
        decision = await audit_supervisor_read(session, actor, data_kind, purpose, now)
        raws: Sequence[bytes] = (
            await repositories.newest_states(session, MAX_FIGURE_CASES) if decision.allowed else []
        )
    if not decision.allowed:
        # Raised outside the transaction, so the refusal stays in the audit log.
        raise Forbidden(decision.reason)
    return now, (load_case(raw) for raw in raws)


async def audit_aggregate_read(
    session: AsyncSession,
    actor: Actor,
    data_kind: str,
    purpose: str,
    decision: Decision,
    now: datetime,
) -> None:
    """Audit a read over every case (no single case's data) as one record."""
    await audit_log.append(
        session,
        [record(actor, AGGREGATE_CASE_ID, data_kind, purpose, AuditAction.READ, decision, now)],
    )


async def audit_supervisor_read(
    session: AsyncSession, actor: Actor, data_kind: str, purpose: str, now: datetime
) -> Decision:
    """Whether `actor` may read figures over every case (supervisors only), audited either
    way as one aggregate read."""
    decision = _SUPERVISOR if actor.principal.has_role(Role.SUPERVISOR) else _NOT_SUPERVISOR
    await audit_aggregate_read(session, actor, data_kind, purpose, decision, now)
    return decision


def _queue_item(row: QueueRow) -> dict[str, Any]:
    """A case in the queue (`QueueItem`)."""
    return {
        "case_id": row.case_id,
        "ownership_status": row.ownership_status,
        "owner_id": row.owner_id,
        "team": row.team,
        "urgency": row.urgency,
        "municipality_code": row.municipality_code,
        "life_events": row.life_events,
        "agencies": row.agency_codes,
        "overdue": row.overdue_count,
        "handover_to": row.handover_to,
        "closed": row.closed_at is not None,
        "opened_at": row.opened_at,
        "checklist_todo": row.checklist_todo,
        "checklist_late": row.checklist_late,
        "person_request": {
            "request_id": row.wish.request_id,
            "channel": row.wish.channel,
            "preferred_time": row.wish.preferred_time,
            "language": row.wish.language,
            "requested_at": row.wish.requested_at,
            "answer_by": row.wish.answer_by,
        }
        if row.wish
        else None,
    }
