"""HTTP: the citizen's own pages, opened with their signed link (`?link=`): the view, who
looked, the export, sharing, mandates, links and documents."""

from __future__ import annotations

import html
from typing import Annotated, Any

from litestar import MediaType, get, post, put
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody, QueryParameter

from voorportaal_contracts.api.citizen import ChecklistMarkIn, PersonRequestIn, PersonRequestOut
from voorportaal_contracts.api.dossier import (
    AuditEntry,
    CitizenChecklistItem,
    CitizenExport,
    CitizenView,
    DocumentOut,
    GrantCreated,
    MandateCreated,
)
from voorportaal_contracts.types import CitizenLanguage
from voorportaal_dossier.entrypoints.http.dependencies import CitizenDoor, DossierController
from voorportaal_dossier.entrypoints.http.documents import may_upload_with_link, upload_form
from voorportaal_dossier.entrypoints.http.inputs import (
    MAX_UPLOAD_BODY,
    CaseId,
    ChecklistItemId,
    GrantIn,
    ItemId,
    LinkId,
    MandateIn,
    UploadIn,
)
from voorportaal_dossier.entrypoints.http.sharing import record_grant, record_mandate
from voorportaal_dossier.service_layer.citizen_links import CitizenLinks
from voorportaal_dossier.service_layer.citizen_view import CitizenPages
from voorportaal_dossier.service_layer.citizen_work import CitizenWork
from voorportaal_dossier.service_layer.documents import Documents
from voorportaal_dossier.service_layer.sharing import Sharing


class CitizenController(DossierController):
    """The citizen's own pages, opened with their signed link (`?link=`)."""

    path = "/citizen/cases/{case_id:str}"
    tags = ["citizen"]

    @get("/", operation_id="citizenView")
    async def view(
        self,
        citizen: NamedDependency[CitizenDoor],
        citizen_view: NamedDependency[CitizenPages],
        case_id: CaseId,
        lang: Annotated[CitizenLanguage | None, QueryParameter(required=False)] = None,
    ) -> CitizenView:
        """What is arranged, what waits on whom, what to do next (my checklist), who the
        buddy is and how to reach a person; with whom I share, my representatives and the
        links to my dossier — in my language (`lang`, default: the case's)."""
        actor = await citizen.actor()
        view = await citizen_view.citizen_view(actor, case_id, lang.value if lang else None)
        return CitizenView.model_validate(view)

    @put("/checklist/{item_id:str}", operation_id="citizenMarkChecklistItem")
    async def mark_item(
        self,
        citizen: NamedDependency[CitizenDoor],
        citizen_work: NamedDependency[CitizenWork],
        case_id: CaseId,
        item_id: ChecklistItemId,
        data: JSONBody[ChecklistMarkIn],
        lang: Annotated[CitizenLanguage | None, QueryParameter(required=False)] = None,
    ) -> CitizenChecklistItem:
        """Tick a checklist item off, or undo that (a representative: with
        `act_on_behalf`); answers the item in `lang` (default: the case's language)."""
        actor = await citizen.gated(case_id, "checklist_mark")
        item = await citizen_work.mark_item(
            actor, case_id, item_id, done=data.done, language=lang.value if lang else None
        )
        return CitizenChecklistItem.model_validate(item)

    @post("/person", operation_id="citizenRequestPerson", status_code=201)
    async def request_person(
        self,
        citizen: NamedDependency[CitizenDoor],
        citizen_work: NamedDependency[CitizenWork],
        case_id: CaseId,
        data: JSONBody[PersonRequestIn],
    ) -> PersonRequestOut:
        """I want to talk to a person: how and when; answered by when someone contacts me
        (an open wish answers with itself, `already_requested`)."""
        actor = await citizen.gated(case_id, "person_request")
        answer = await citizen_work.request_person(
            actor,
            case_id,
            channel=data.channel,
            preferred_time=data.preferred_time,
            language=data.language.value if data.language else None,
        )
        return PersonRequestOut.model_validate(answer)

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
        sharing: NamedDependency[Sharing],
        case_id: CaseId,
        data: JSONBody[GrantIn],
    ) -> GrantCreated:
        """Share my dossier with an agency, until a date (a representative: with
        `act_on_behalf`)."""
        actor = await citizen.gated(case_id, "grant")
        return await record_grant(sharing, actor, case_id, data)

    @post("/grants/{grant_id:str}/revoke", operation_id="citizenRevoke", status_code=204)
    async def revoke(
        self,
        citizen: NamedDependency[CitizenDoor],
        sharing: NamedDependency[Sharing],
        case_id: CaseId,
        grant_id: ItemId,
    ) -> None:
        """Stop sharing my dossier with an agency (a representative: with `act_on_behalf`)."""
        actor = await citizen.gated(case_id, "revoke")
        await sharing.revoke(actor, case_id, grant_id, channel=None)

    @post("/mandates", operation_id="citizenMandate", status_code=201)
    async def mandate(
        self,
        citizen: NamedDependency[CitizenDoor],
        sharing: NamedDependency[Sharing],
        case_id: CaseId,
        data: JSONBody[MandateIn],
    ) -> MandateCreated:
        """Give a representative a mandate (the citizen only, never a representative)."""
        actor = await citizen.gated(case_id, "mandate")
        return await record_mandate(sharing, actor, case_id, data)

    @post("/mandates/{mandate_id:str}/revoke", operation_id="citizenRevokeMandate", status_code=204)
    async def revoke_mandate(
        self,
        citizen: NamedDependency[CitizenDoor],
        sharing: NamedDependency[Sharing],
        case_id: CaseId,
        mandate_id: ItemId,
    ) -> None:
        """Revoke a representative's mandate, and with it every link of theirs."""
        actor = await citizen.gated(case_id, "mandate_revoke")
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
        guards=[may_upload_with_link],
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
        return await upload_form(await citizen.actor(), documents, case_id, data)


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
