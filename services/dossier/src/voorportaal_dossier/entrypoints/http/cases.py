"""HTTP: the console's work queue, the case page and the buddy system's steps."""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter, PathParameter

from voorportaal_contracts.api.dossier import CasePage, CitizenLinkOut, OwnershipResult, QueueItem
from voorportaal_dossier.entrypoints.http.dependencies import DossierController
from voorportaal_dossier.entrypoints.http.inputs import (
    CaseId,
    CitizenLinkIn,
    CloseIn,
    HandoverIn,
    ReassignIn,
)
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.case_page import CasePageReader
from voorportaal_dossier.service_layer.citizen_links import CitizenLinks
from voorportaal_dossier.service_layer.ownership import Ownership
from voorportaal_dossier.service_layer.queue import Queue
from voorportaal_dossier.service_layer.retention import Retention


def _ownership(case: Any) -> OwnershipResult:
    own = case.ownership
    return OwnershipResult(
        case_id=case.case_id,
        status=own.status.value,
        owner_id=own.owner.id if own.owner else None,
        team=own.team,
        pending_to=own.pending.to.id if own.pending else None,
    )


class QueueController(DossierController):
    """The console's work queue."""

    path = "/queue"
    tags = ["cases"]

    @get("/", operation_id="workQueue")
    async def queue(
        self,
        actor: NamedDependency[Actor],
        queue: NamedDependency[Queue],
        view: Literal["recommended", "mine", "team", "all"] = "recommended",
        sort: Literal["urgency", "overdue"] = "urgency",
        life_event: Annotated[str | None, Parameter(max_length=32)] = None,
        agency: Annotated[str | None, Parameter(max_length=32)] = None,
        municipality: Annotated[str | None, Parameter(max_length=16)] = None,
        ownership_state: Annotated[
            Literal["unowned", "recommended", "owned", "handover_requested", "released"] | None,
            Parameter(query="state"),
        ] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
    ) -> list[QueueItem]:
        """Cases recommended for a buddy, mine, or my team's; filtered and sorted."""
        items = await queue.work_queue(
            actor,
            view=view,
            sort=sort,
            life_event=life_event,
            agency=agency,
            municipality=municipality,
            state=ownership_state,
            limit=limit,
        )
        return [QueueItem.model_validate(item) for item in items]


class CaseController(DossierController):
    """One case: its page, and the buddy system's steps."""

    path = "/cases/{case_id:str}"
    tags = ["cases"]

    @get("/", operation_id="casePage")
    async def page(
        self,
        actor: NamedDependency[Actor],
        case_page: NamedDependency[CasePageReader],
        case_id: CaseId,
    ) -> CasePage:
        """Everything the console shows of a case; each part authorised and audited."""
        page = await case_page.read(actor, case_id)
        # Returned as built, not validated into `CasePage`: validating and dumping a case of
        # 1,000 timeline entries took 3-8 ms more per read (bench/dossier.py, case read
        # latency, target p99 < 50 ms). The dict has the model's shape and JSON (the OpenAPI
        # document still comes from the model; test_dossier_openapi checks real answers).
        return cast(CasePage, page)

    @post("/claim", operation_id="claimCase", status_code=200)
    async def claim(
        self, actor: NamedDependency[Actor], ownership: NamedDependency[Ownership], case_id: CaseId
    ) -> OwnershipResult:
        """Take ownership (409 when someone else owns it)."""
        return _ownership(await ownership.claim(actor, case_id))

    @post("/handover", operation_id="requestHandover", status_code=200)
    async def handover(
        self,
        actor: NamedDependency[Actor],
        ownership: NamedDependency[Ownership],
        case_id: CaseId,
        data: JSONBody[HandoverIn],
    ) -> OwnershipResult:
        """Ask a named colleague to take over, with a note (warm handover)."""
        case = await ownership.request_handover(
            actor,
            case_id,
            to_id=data.to_casemanager_id,
            to_name=data.to_casemanager_name,
            note=data.note,
        )
        return _ownership(case)

    @post("/handover/{action:str}", operation_id="answerHandover", status_code=200)
    async def handover_step(
        self,
        actor: NamedDependency[Actor],
        ownership: NamedDependency[Ownership],
        case_id: CaseId,
        action: Annotated[str, PathParameter(pattern=r"^(accept|decline|cancel)$")],
    ) -> OwnershipResult:
        """Accept or decline a handover meant for you, or cancel your own request."""
        case = await ownership.ownership_step(actor, case_id, action)
        return _ownership(case)

    @post("/release", operation_id="releaseCase", status_code=200)
    async def release(
        self, actor: NamedDependency[Actor], ownership: NamedDependency[Ownership], case_id: CaseId
    ) -> OwnershipResult:
        """Let go of the case; it goes back to the queue."""
        case = await ownership.ownership_step(actor, case_id, "release")
        return _ownership(case)

    @post("/reassign", operation_id="reassignCase", status_code=200)
    async def reassign(
        self,
        actor: NamedDependency[Actor],
        ownership: NamedDependency[Ownership],
        case_id: CaseId,
        data: JSONBody[ReassignIn],
    ) -> OwnershipResult:
        """A supervisor gives the case to a casemanager."""
        case = await ownership.reassign(
            actor,
            case_id,
            to_id=data.to_casemanager_id,
            to_name=data.to_casemanager_name,
        )
        return _ownership(case)

    @post("/close", operation_id="closeCase", status_code=204)
    async def close(
        self,
        actor: NamedDependency[Actor],
        retention: NamedDependency[Retention],
        case_id: CaseId,
        data: JSONBody[CloseIn],
    ) -> None:
        """Close the case (owner, team, supervisor); its retention period starts."""
        await retention.close(actor, case_id, outcome=data.outcome)

    @post("/reopen", operation_id="reopenCase", status_code=204)
    async def reopen(
        self, actor: NamedDependency[Actor], retention: NamedDependency[Retention], case_id: CaseId
    ) -> None:
        """Reopen a closed case."""
        await retention.reopen(actor, case_id)

    @post("/citizen-link", operation_id="issueCitizenLink", status_code=201)
    async def citizen_link(
        self,
        actor: NamedDependency[Actor],
        citizen_links: NamedDependency[CitizenLinks],
        case_id: CaseId,
        data: JSONBody[CitizenLinkIn | None] = None,
    ) -> CitizenLinkOut:
        """A signed, time-limited link for the citizen's own view, or for a representative
        (`mandate_id`): theirs, opening only what the mandate covers while it is current."""
        token, expires = await citizen_links.link_for(
            actor, case_id, mandate_id=data.mandate_id if data else None
        )
        return CitizenLinkOut(
            link=token, path=f"/citizen/cases/{case_id}?link={token}", expires_at=expires
        )
