"""HTTP: the supervisor's figures and the access log."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.di import NamedDependency
from litestar.params import Parameter, QueryParameter

from voorportaal_contracts.api.dossier import (
    AuditEntry,
    Caseload,
    MonthlyTrends,
    SupervisorFigures,
)
from voorportaal_dossier.domain.trends import MAX_MONTHS
from voorportaal_dossier.entrypoints.http.dependencies import DossierController
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.audit import Audit
from voorportaal_dossier.service_layer.queue import Queue
from voorportaal_dossier.service_layer.supervision import Supervision


class SupervisorController(DossierController):
    """Figures for supervisors."""

    path = "/supervisor"
    tags = ["supervisor"]

    @get("/figures", operation_id="supervisorFigures")
    async def figures(
        self, actor: NamedDependency[Actor], queue: NamedDependency[Queue]
    ) -> SupervisorFigures:
        """Queue health, overdue referrals, broken promises and the kastje-muur figures per
        agency (supervisors; audited as one aggregate read)."""
        figures = await queue.figures(actor)
        return SupervisorFigures.model_validate(figures)

    @get("/trends", operation_id="supervisorTrends")
    async def trends(
        self,
        actor: NamedDependency[Actor],
        supervision: NamedDependency[Supervision],
        months: Annotated[int, QueryParameter(ge=1, le=MAX_MONTHS)] = 12,
    ) -> MonthlyTrends:
        """The kastje-muur figures per calendar month in Europe/Amsterdam, oldest first, every
        month present (supervisors; audited as one aggregate read)."""
        return MonthlyTrends.model_validate(await supervision.trends(actor, months))

    @get("/caseload", operation_id="supervisorCaseload")
    async def caseload(
        self, actor: NamedDependency[Actor], supervision: NamedDependency[Supervision]
    ) -> Caseload:
        """Open cases and what waits on each casemanager (supervisors; audited as one
        aggregate read)."""
        return Caseload.model_validate(await supervision.caseload(actor))


class AuditController(DossierController):
    """The access log for supervisors."""

    path = "/audit"
    tags = ["audit"]

    @get("/", operation_id="queryAudit")
    async def query(
        self,
        actor: NamedDependency[Actor],
        audit: NamedDependency[Audit],
        case_id: Annotated[
            str | None, Parameter(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{5,63}$", max_length=64)
        ] = None,
        subject: Annotated[str | None, Parameter(max_length=128)] = None,
    ) -> list[AuditEntry]:
        """Who read or changed what: by case or by person (supervisors)."""
        entries = await audit.audit_query(actor, case_id=case_id, subject=subject)
        return [AuditEntry.model_validate(entry) for entry in entries]
