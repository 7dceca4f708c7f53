"""HTTP: the console's work queue and case page, the buddy system, contact moments, promises,
sharing, documents, doorbraak, the audit log, and the citizen's signed-link pages.
Translation only: rules live in the domain and the service layer."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal, cast

from litestar import Controller, MediaType, Response, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import Body, JSONBody, Parameter, PathParameter
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from voorportaal_contracts.api.dossier import (
    ActionCreated,
    AuditEntry,
    CasePage,
    CitizenExport,
    CitizenLinkOut,
    CitizenView,
    ContactCreated,
    DocumentOut,
    GrantCreated,
    MandateCreated,
    MessageCreated,
    OverrideCreated,
    OwnershipResult,
    PromiseCreated,
    QueueItem,
    SupervisorFigures,
)
from voorportaal_contracts.types import Channel, RepresentativeRelation, SharingScope
from voorportaal_dossier.domain.promises import MAX_WHAT_LENGTH, MadeBy
from voorportaal_dossier.entrypoints.http.dependencies import (
    DEPENDENCIES,
    CitizenDoor,
    citizen_door,
    dossier_of,
    staff_actor,
)
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.audit import Audit
from voorportaal_dossier.service_layer.case_page import CasePageReader
from voorportaal_dossier.service_layer.citizen_links import CitizenLinks
from voorportaal_dossier.service_layer.citizen_view import CitizenPages
from voorportaal_dossier.service_layer.contacts import Contacts
from voorportaal_dossier.service_layer.documents import Documents
from voorportaal_dossier.service_layer.doorbraak import Doorbraak
from voorportaal_dossier.service_layer.ownership import Ownership
from voorportaal_dossier.service_layer.promises import Promises
from voorportaal_dossier.service_layer.queue import Queue
from voorportaal_dossier.service_layer.retention import Retention
from voorportaal_dossier.service_layer.sharing import Sharing
from voorportaal_kit.auth import Principal
from voorportaal_kit.errors import ServiceError

_CASE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{5,63}")
CaseId = Annotated[str, PathParameter(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{5,63}$", max_length=64)]
ItemId = Annotated[str, PathParameter(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$", max_length=64)]
LinkId = Annotated[str, PathParameter(pattern=r"^link-[a-z0-9-]{1,59}$", max_length=64)]
Code = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,31}$")]
StaffId = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9:_.\-]*$")
]
MAX_UPLOAD_BODY = 60 * 1024 * 1024


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HandoverIn(_In):
    """A warm handover: to whom, and what they must know."""

    to_casemanager_id: StaffId
    to_casemanager_name: str = Field(min_length=1, max_length=120)
    note: str = Field(min_length=1, max_length=2000)


class ReassignIn(_In):
    """To whom a supervisor gives the case."""

    to_casemanager_id: StaffId
    to_casemanager_name: str = Field(min_length=1, max_length=120)


class ContactIn(_In):
    """A contact moment with the citizen."""

    channel: Channel
    summary: str = Field(min_length=1, max_length=4000)
    next_steps: str | None = Field(default=None, max_length=2000)
    send_confirmation: bool = False


class PromiseIn(_In):
    """A promise or a term: who, what, by when."""

    made_by_kind: MadeBy
    made_by: str | None = Field(default=None, min_length=1, max_length=64)
    what: str = Field(min_length=1, max_length=MAX_WHAT_LENGTH)
    due_at: AwareDatetime
    referral_id: str | None = Field(default=None, min_length=1, max_length=64)


class GrantIn(_In):
    """Share the case with an agency."""

    agency_code: Code
    scopes: list[SharingScope] = Field(min_length=1, max_length=len(SharingScope))
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime
    channel: Channel | None = None


class RevokeIn(_In):
    """How the citizen said so (when a casemanager records it)."""

    channel: Channel | None = None


class MandateIn(_In):
    """A mandate for a representative (*machtiging*)."""

    holder_name: str = Field(min_length=1, max_length=120)
    relation: RepresentativeRelation
    scopes: list[SharingScope] = Field(min_length=1, max_length=len(SharingScope))
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime
    channel: Channel | None = None


class CitizenLinkIn(_In):
    """For whom a citizen link is: the citizen (no body), or a representative's mandate."""

    mandate_id: str | None = Field(
        default=None, pattern=r"^[a-z0-9][a-z0-9-]{1,63}$", max_length=64
    )


class MessageIn(_In):
    """A message for the citizen (read in their view; notify only says there is news)."""

    text: str = Field(min_length=1, max_length=2000)


class ActionIn(_In):
    """Something the citizen must do, optionally by a date."""

    text: str = Field(min_length=1, max_length=2000)
    due_at: AwareDatetime | None = None


class OverrideIn(_In):
    """A proposed doorbraak: which rule stands in the way, and why to override it."""

    reason_code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")
    note: str = Field(min_length=3, max_length=2000)


class CloseIn(_In):
    """How the case ended."""

    outcome: str = Field(default="completed", pattern=r"^[a-z][a-z0-9_]{1,63}$")


@dataclass
class UploadIn:
    """A document upload (multipart)."""

    file: UploadFile
    title: str | None = None
    shared_with: str | None = None
    """Comma-separated agency codes that may see this document (empty: every agency the
    case is shared with for documents)."""


async def _may_upload(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard of the staff upload: runs before the body is read, so a caller who may not add a
    document to this case is refused (403, audited) without a byte of the upload consumed."""
    principal = connection.scope.get("user")
    if not isinstance(principal, Principal):
        raise NotAuthorizedException("a bearer token is required")
    dossier = dossier_of(connection.app.state)
    await dossier.documents.may_upload(staff_actor(principal, dossier), _path_case(connection))


async def _may_upload_with_link(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Guard of the citizen's upload: the case's citizen link, or a representative's whose
    mandate covers documents; checked before the body is read (401/403, audited)."""
    link = connection.query_params.get("link")
    if link is not None and len(link) > 512:
        raise NotAuthorizedException("the link is incomplete or damaged")
    state = connection.app.state
    actor = await CitizenDoor(connection, state, link).actor()
    await dossier_of(state).documents.may_upload(actor, _path_case(connection), citizen_page=True)


def _path_case(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The case id of the path, checked as the handler would (guards run before that)."""
    case_id = str(connection.path_params["case_id"])
    if not _CASE_ID.fullmatch(case_id):
        raise ServiceError("not a case id", field="case_id")
    return case_id


def _ownership(case: Any) -> OwnershipResult:
    own = case.ownership
    return OwnershipResult(
        case_id=case.case_id,
        status=own.status.value,
        owner_id=own.owner.id if own.owner else None,
        team=own.team,
        pending_to=own.pending.to.id if own.pending else None,
    )


class _DossierController(Controller):
    """A controller of the dossier API: its handlers ask for the caller and use cases."""

    dependencies = DEPENDENCIES


class QueueController(_DossierController):
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


class CaseController(_DossierController):
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


class CaseWorkController(_DossierController):
    """What a casemanager records on a case: contacts, promises, messages, actions, doorbraak."""

    path = "/cases/{case_id:str}"
    tags = ["case work"]

    @post("/contacts", operation_id="recordContact", status_code=201)
    async def contact(
        self,
        actor: NamedDependency[Actor],
        contacts: NamedDependency[Contacts],
        case_id: CaseId,
        data: JSONBody[ContactIn],
    ) -> ContactCreated:
        """Record a contact moment (optionally a written confirmation to the citizen)."""
        contact_id = await contacts.record_contact(
            actor,
            case_id,
            channel=data.channel,
            summary=data.summary,
            next_steps=data.next_steps,
            send_confirmation=data.send_confirmation,
        )
        return ContactCreated(contact_id=contact_id)

    @post("/promises", operation_id="recordPromise", status_code=201)
    async def promise(
        self,
        actor: NamedDependency[Actor],
        promises: NamedDependency[Promises],
        case_id: CaseId,
        data: JSONBody[PromiseIn],
    ) -> PromiseCreated:
        """Record a promise or a term in the ledger."""
        promise_id = await promises.record_promise(
            actor,
            case_id,
            made_by_kind=data.made_by_kind,
            made_by=data.made_by,
            what=data.what,
            due_at=data.due_at,
            referral_id=data.referral_id,
        )
        return PromiseCreated(promise_id=promise_id)

    @post("/promises/{promise_id:str}/fulfil", operation_id="fulfilPromise", status_code=204)
    async def fulfil(
        self,
        actor: NamedDependency[Actor],
        promises: NamedDependency[Promises],
        case_id: CaseId,
        promise_id: ItemId,
    ) -> None:
        """Mark a promise kept."""
        await promises.fulfil_promise(actor, case_id, promise_id)

    @post("/messages", operation_id="messageCitizen", status_code=201)
    async def message(
        self,
        actor: NamedDependency[Actor],
        contacts: NamedDependency[Contacts],
        case_id: CaseId,
        data: JSONBody[MessageIn],
    ) -> MessageCreated:
        """Leave a message for the citizen; notify tells them there is news."""
        item = await contacts.citizen_item(
            actor, case_id, kind="message", text=data.text, due_at=None
        )
        return MessageCreated(message_id=item)

    @post("/actions", operation_id="requestAction", status_code=201)
    async def action(
        self,
        actor: NamedDependency[Actor],
        contacts: NamedDependency[Contacts],
        case_id: CaseId,
        data: JSONBody[ActionIn],
    ) -> ActionCreated:
        """Ask the citizen to do something, optionally by a date."""
        item = await contacts.citizen_item(
            actor, case_id, kind="action", text=data.text, due_at=data.due_at
        )
        return ActionCreated(action_id=item)

    @post("/overrides", operation_id="proposeDoorbraak", status_code=201)
    async def propose(
        self,
        actor: NamedDependency[Actor],
        doorbraak: NamedDependency[Doorbraak],
        case_id: CaseId,
        data: JSONBody[OverrideIn],
    ) -> OverrideCreated:
        """Propose a doorbraak; a supervisor must sign it off."""
        override_id = await doorbraak.propose_override(
            actor, case_id, reason_code=data.reason_code, note=data.note
        )
        return OverrideCreated(override_id=override_id)

    @post(
        "/overrides/{override_id:str}/{decision:str}",
        operation_id="decideDoorbraak",
        status_code=204,
    )
    async def decide(
        self,
        actor: NamedDependency[Actor],
        doorbraak: NamedDependency[Doorbraak],
        case_id: CaseId,
        override_id: ItemId,
        decision: Annotated[str, PathParameter(pattern=r"^(approve|reject)$")],
    ) -> None:
        """A supervisor approves (published as `OverrideDecided`) or rejects a doorbraak."""
        await doorbraak.decide_override(actor, case_id, override_id, approve=decision == "approve")


class SharingController(_DossierController):
    """Sharing grants and mandates recorded by a casemanager on the citizen's behalf."""

    path = "/cases/{case_id:str}"
    tags = ["sharing"]

    @post("/grants", operation_id="grantSharing", status_code=201)
    async def grant(
        self,
        actor: NamedDependency[Actor],
        sharing: NamedDependency[Sharing],
        case_id: CaseId,
        data: JSONBody[GrantIn],
    ) -> GrantCreated:
        """Share the case with an agency (the channel the citizen used is noted)."""
        grant_id = await sharing.grant(
            actor,
            case_id,
            agency_code=data.agency_code,
            scopes=frozenset(data.scopes),
            valid_from=data.valid_from,
            valid_until=data.valid_until,
            channel=data.channel,
        )
        return GrantCreated(grant_id=grant_id)

    @post("/grants/{grant_id:str}/revoke", operation_id="revokeSharing", status_code=204)
    async def revoke(
        self,
        actor: NamedDependency[Actor],
        sharing: NamedDependency[Sharing],
        case_id: CaseId,
        grant_id: ItemId,
        data: JSONBody[RevokeIn],
    ) -> None:
        """Stop sharing with an agency."""
        await sharing.revoke(actor, case_id, grant_id, channel=data.channel)

    @post("/mandates", operation_id="grantMandate", status_code=201)
    async def mandate(
        self,
        actor: NamedDependency[Actor],
        sharing: NamedDependency[Sharing],
        case_id: CaseId,
        data: JSONBody[MandateIn],
    ) -> MandateCreated:
        """Record a mandate for a representative."""
        mandate_id = await sharing.grant_mandate(
            actor,
            case_id,
            holder_name=data.holder_name,
            relation=data.relation,
            scopes=frozenset(data.scopes),
            valid_from=data.valid_from,
            valid_until=data.valid_until,
            channel=data.channel,
        )
        return MandateCreated(mandate_id=mandate_id)

    @post("/mandates/{mandate_id:str}/revoke", operation_id="revokeMandate", status_code=204)
    async def revoke_mandate(
        self,
        actor: NamedDependency[Actor],
        sharing: NamedDependency[Sharing],
        case_id: CaseId,
        mandate_id: ItemId,
        data: JSONBody[RevokeIn],
    ) -> None:
        """Revoke a mandate."""
        await sharing.revoke_mandate(actor, case_id, mandate_id, channel=data.channel)


class DocumentController(_DossierController):
    """Documents: upload (checked by content and size) and audited download."""

    path = "/cases/{case_id:str}/documents"
    tags = ["documents"]

    @post(
        "/",
        operation_id="uploadDocument",
        status_code=201,
        request_max_body_size=MAX_UPLOAD_BODY,
        guards=[_may_upload],
    )
    async def upload(
        self,
        actor: NamedDependency[Actor],
        documents: NamedDependency[Documents],
        case_id: CaseId,
        data: Annotated[UploadIn, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> DocumentOut:
        """Upload a PDF, JPEG or PNG to the case (the owner, their team or a supervisor;
        anyone else is refused before the body is read)."""
        return await _upload(actor, documents, case_id, data)

    @get("/{document_id:str}", operation_id="downloadDocument", media_type=MediaType.TEXT)
    async def download(
        self,
        actor: NamedDependency[Actor],
        documents: NamedDependency[Documents],
        case_id: CaseId,
        document_id: ItemId,
    ) -> Response[bytes]:
        """Download a document (audited; an agency only what is shared with it)."""
        meta, content = await documents.download(actor, case_id, document_id)
        return Response(
            content,
            media_type=meta["media_type"],
            headers={"Content-Disposition": f'attachment; filename="{meta["id"]}"'},
        )


async def _upload(
    actor: Actor, documents: NamedDependency[Documents], case_id: str, data: UploadIn
) -> DocumentOut:
    """The one upload path of staff and citizens: the multipart form into the use case."""
    if not isinstance(data.file, UploadFile):
        raise ServiceError("Send the document as the multipart field 'file'.", field="file")
    content = await data.file.read(documents.max_upload_bytes + 1)
    shared = [c.strip() for c in (data.shared_with or "").split(",") if c.strip()]
    uploaded = await documents.upload(
        actor,
        case_id,
        content=content,
        filename=data.file.filename,
        title=(data.title or "")[:200] or None,
        shared_with=shared[:32],
    )
    return DocumentOut.model_validate(uploaded)


class SupervisorController(_DossierController):
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


class AuditController(_DossierController):
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


class CitizenController(Controller):
    """The citizen's own pages, opened with their signed link (`?link=`)."""

    dependencies = {**DEPENDENCIES, "citizen": Provide(citizen_door, sync_to_thread=False)}

    path = "/citizen/cases/{case_id:str}"
    tags = ["citizen"]

    @get("/", operation_id="citizenView")
    async def view(
        self,
        citizen: NamedDependency[CitizenDoor],
        citizen_view: NamedDependency[CitizenPages],
        case_id: CaseId,
    ) -> CitizenView:
        """What is arranged, what waits on whom, what to do next, who the buddy is; with
        whom I share, my representatives and the links to my dossier."""
        actor = await citizen.actor()
        return CitizenView.model_validate(await citizen_view.citizen_view(actor, case_id))

    @get("/access-log", operation_id="citizenAccessLog")
    async def access_log(
        self,
        citizen: NamedDependency[CitizenDoor],
        citizen_view: NamedDependency[CitizenPages],
        case_id: CaseId,
    ) -> list[AuditEntry]:
        """Who looked at my dossier."""
        actor = await citizen.actor()
        entries = await citizen_view.access_log(actor, case_id)
        return [AuditEntry.model_validate(entry) for entry in entries]

    @get("/export", operation_id="citizenExport")
    async def export(
        self,
        citizen: NamedDependency[CitizenDoor],
        citizen_view: NamedDependency[CitizenPages],
        case_id: CaseId,
    ) -> CitizenExport:
        """My whole dossier as JSON (right of access)."""
        actor = await citizen.actor()
        return CitizenExport.model_validate(await citizen_view.export(actor, case_id))

    @get("/export.html", operation_id="citizenExportHtml", media_type=MediaType.HTML)
    async def export_html(
        self,
        citizen: NamedDependency[CitizenDoor],
        citizen_view: NamedDependency[CitizenPages],
        case_id: CaseId,
    ) -> str:
        """My whole dossier as a printable page."""
        actor = await citizen.actor()
        return printable(await citizen_view.export(actor, case_id))

    @post("/grants", operation_id="citizenGrant", status_code=201)
    async def grant(
        self,
        citizen: NamedDependency[CitizenDoor],
        citizen_links: NamedDependency[CitizenLinks],
        sharing: NamedDependency[Sharing],
        case_id: CaseId,
        data: JSONBody[GrantIn],
    ) -> GrantCreated:
        """Share my dossier with an agency, until a date (a representative: with
        `act_on_behalf`)."""
        actor = await citizen.actor()
        await citizen_links.citizen_gate(actor, case_id, "grant")
        grant_id = await sharing.grant(
            actor,
            case_id,
            agency_code=data.agency_code,
            scopes=frozenset(data.scopes),
            valid_from=data.valid_from,
            valid_until=data.valid_until,
            channel=data.channel,
        )
        return GrantCreated(grant_id=grant_id)

    @post("/grants/{grant_id:str}/revoke", operation_id="citizenRevoke", status_code=204)
    async def revoke(
        self,
        citizen: NamedDependency[CitizenDoor],
        citizen_links: NamedDependency[CitizenLinks],
        sharing: NamedDependency[Sharing],
        case_id: CaseId,
        grant_id: ItemId,
    ) -> None:
        """Stop sharing my dossier with an agency (a representative: with `act_on_behalf`)."""
        actor = await citizen.actor()
        await citizen_links.citizen_gate(actor, case_id, "revoke")
        await sharing.revoke(actor, case_id, grant_id, channel=None)

    @post("/mandates", operation_id="citizenMandate", status_code=201)
    async def mandate(
        self,
        citizen: NamedDependency[CitizenDoor],
        citizen_links: NamedDependency[CitizenLinks],
        sharing: NamedDependency[Sharing],
        case_id: CaseId,
        data: JSONBody[MandateIn],
    ) -> MandateCreated:
        """Give a representative a mandate (the citizen only, never a representative)."""
        actor = await citizen.actor()
        await citizen_links.citizen_gate(actor, case_id, "mandate")
        mandate_id = await sharing.grant_mandate(
            actor,
            case_id,
            holder_name=data.holder_name,
            relation=data.relation,
            scopes=frozenset(data.scopes),
            valid_from=data.valid_from,
            valid_until=data.valid_until,
            channel=data.channel,
        )
        return MandateCreated(mandate_id=mandate_id)

    @post("/mandates/{mandate_id:str}/revoke", operation_id="citizenRevokeMandate", status_code=204)
    async def revoke_mandate(
        self,
        citizen: NamedDependency[CitizenDoor],
        citizen_links: NamedDependency[CitizenLinks],
        sharing: NamedDependency[Sharing],
        case_id: CaseId,
        mandate_id: ItemId,
    ) -> None:
        """Revoke a representative's mandate, and with it every link of theirs."""
        actor = await citizen.actor()
        await citizen_links.citizen_gate(actor, case_id, "mandate_revoke")
        await sharing.revoke_mandate(actor, case_id, mandate_id, channel=None)

    @post("/links/{link_id:str}/revoke", operation_id="citizenRevokeLink", status_code=204)
    async def revoke_link(
        self,
        citizen: NamedDependency[CitizenDoor],
        citizen_links: NamedDependency[CitizenLinks],
        case_id: CaseId,
        link_id: LinkId,
    ) -> None:
        """Refuse one of the links to my dossier from now on (mine or a representative's)."""
        actor = await citizen.actor()
        await citizen_links.revoke_link(actor, case_id, link_id)

    @post(
        "/documents",
        operation_id="citizenUploadDocument",
        status_code=201,
        request_max_body_size=MAX_UPLOAD_BODY,
        guards=[_may_upload_with_link],
    )
    async def upload(
        self,
        citizen: NamedDependency[CitizenDoor],
        documents: NamedDependency[Documents],
        case_id: CaseId,
        data: Annotated[UploadIn, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> DocumentOut:
        """Add a PDF, JPEG or PNG to my dossier (a representative: with the documents scope;
        anyone else is refused before the body is read)."""
        return await _upload(await citizen.actor(), documents, case_id, data)


def printable(data: dict[str, Any]) -> str:
    """The export as a plain, printable HTML page (every value escaped)."""
    e = html.escape
    timeline = "".join(
        f"<li>{e(str(t['at'])[:10])}: {e(t['nl'])}<br><small>{e(t['en'])}</small></li>"
        for t in data.get("timeline", [])
    )
    access = "".join(
        f"<tr><td>{e(str(a['at'])[:19])}</td><td>{e(str(a['who']))}</td><td>{e(str(a['role']))}"
        f"</td><td>{e(str(a['data']))}</td><td>{'ja' if a['allowed'] else 'nee'}</td></tr>"
        for a in data.get("access_log", [])
    )
    contacts = "".join(
        f"<li>{e(str(c['at'])[:10])} ({e(str(c['channel']))}): {e(str(c['summary'] or ''))}</li>"
        for c in data.get("contact_moments", [])
    )
    return (
        "<!doctype html><html lang='nl'><head><meta charset='utf-8'>"
        f"<title>Mijn dossier {e(data['case_id'])}</title>"
        "<style>body{font-family:sans-serif;max-width:50em;margin:2em auto}"
        "td{padding:.2em .6em;border-bottom:1px solid #ccc}</style></head><body>"
        f"<h1>Mijn dossier / My dossier</h1><p>Zaak / case: {e(data['case_id'])}</p>"
        f"<h2>Wat er gebeurde / What happened</h2><ol>{timeline}</ol>"
        f"<h2>Contactmomenten / Contact moments</h2><ul>{contacts}</ul>"
        "<h2>Wie keek in mijn dossier / Who looked at my dossier</h2>"
        "<table><tr><th>Wanneer</th><th>Wie</th><th>Rol</th><th>Wat</th><th>Toegestaan</th></tr>"
        f"{access}</table></body></html>"
    )


ROUTE_HANDLERS = [
    QueueController,
    CaseController,
    CaseWorkController,
    SharingController,
    DocumentController,
    SupervisorController,
    AuditController,
    CitizenController,
]
"""Every controller of the dossier API."""
