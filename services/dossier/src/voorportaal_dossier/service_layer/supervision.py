"""The supervisor's trends per month and caseload per casemanager: counts and rates only,
each read audited as one aggregate read (like the figures in `queue`); anyone but a
supervisor is refused, and the refusal is audited too."""

from __future__ import annotations

from collections import Counter
from typing import Any

from voorportaal_dossier.adapters import caseload as caseload_rows
from voorportaal_dossier.domain.caseload import OwnerCounts, caseload
from voorportaal_dossier.domain.trends import monthly_trends
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.case_access import UseCase
from voorportaal_dossier.service_layer.queue import audit_supervisor_read, supervisor_cases
from voorportaal_kit.errors import Forbidden


class Supervision(UseCase):
    """Trends and caseload over every case, for supervisors."""

    async def trends(self, actor: Actor, months: int = 12) -> dict[str, Any]:
        """The kastje-muur figures per calendar month (Europe/Amsterdam), the last `months`
        (1 to `trends.MAX_MONTHS`, checked at the edge)."""
        now, cases = await supervisor_cases(
            self._cases, actor, "aggregate_trends", "aggregate_trends"
        )
        return monthly_trends(cases, now, months)

    async def caseload(self, actor: Actor) -> dict[str, Any]:
        """Open cases and what waits on each casemanager, counted by the database."""
        now = self._cases.now()
        counts: list[OwnerCounts] = []
        offered: Counter[str] = Counter()
        async with self._cases.sessions.begin() as session:
            decision = await audit_supervisor_read(
                session, actor, "aggregate_caseload", "aggregate_caseload", now
            )
            if decision.allowed:
                counts = await caseload_rows.owner_counts(session)
                offered = await caseload_rows.handovers_offered(session)
        if not decision.allowed:
            raise Forbidden(decision.reason)
        return {"at": now.isoformat(), "casemanagers": caseload(counts, offered)}
