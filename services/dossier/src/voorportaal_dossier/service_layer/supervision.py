"""The supervisor's trends per month and caseload per casemanager: counts and rates only,
each read audited as one aggregate read (like the figures in `queue`); anyone but a
supervisor is refused, and the refusal is audited too."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_dossier.adapters import caseload as caseload_rows
from voorportaal_dossier.adapters import repositories
from voorportaal_dossier.domain.case_state import load_case
from voorportaal_dossier.domain.caseload import OwnerCounts, caseload
from voorportaal_dossier.domain.trends import monthly_trends
from voorportaal_dossier.service_layer import audit_log
from voorportaal_dossier.service_layer.access import Actor, record
from voorportaal_dossier.service_layer.case_access import UseCase
from voorportaal_dossier.service_layer.queue import AGGREGATE_CASE_ID, MAX_FIGURE_CASES
from voorportaal_kit.audit import AuditAction
from voorportaal_kit.auth import Role
from voorportaal_kit.case_access import Decision
from voorportaal_kit.errors import Forbidden


class Supervision(UseCase):
    """Trends and caseload over every case, for supervisors."""

    async def _audited(
        self, session: AsyncSession, actor: Actor, data: str, now: datetime
    ) -> Decision:
        allowed = actor.principal.has_role(Role.SUPERVISOR)
        decision = (
            Decision(True, "supervisors see aggregate figures", "supervisor")
            if allowed
            else Decision(False, "only a supervisor sees the figures", "none")
        )
        await audit_log.append(
            session,
            [record(actor, AGGREGATE_CASE_ID, data, data, AuditAction.READ, decision, now)],
        )
        return decision

    async def trends(self, actor: Actor, months: int = 12) -> dict[str, Any]:
        """The kastje-muur figures per calendar month (Europe/Amsterdam), the last `months`
        (1 to `trends.MAX_MONTHS`, checked at the edge)."""
        now = self._cases.now()
        async with self._cases.sessions.begin() as session:
            decision = await self._audited(session, actor, "aggregate_trends", now)
            raws: Sequence[bytes] = (
                await repositories.newest_states(session, MAX_FIGURE_CASES)
                if decision.allowed
                else []
            )
        if not decision.allowed:
            # Raised outside the transaction, so the refusal stays in the audit log.
            raise Forbidden(decision.reason)
        return monthly_trends((load_case(raw) for raw in raws), now, months)

    async def caseload(self, actor: Actor) -> dict[str, Any]:
        """Open cases and what waits on each casemanager, counted by the database."""
        now = self._cases.now()
        counts: list[OwnerCounts] = []
        offered: Counter[str] = Counter()
        async with self._cases.sessions.begin() as session:
            decision = await self._audited(session, actor, "aggregate_caseload", now)
            if decision.allowed:
                counts = await caseload_rows.owner_counts(session)
                offered = await caseload_rows.handovers_offered(session)
        if not decision.allowed:
            raise Forbidden(decision.reason)
        return {"at": now.isoformat(), "casemanagers": caseload(counts, offered)}
