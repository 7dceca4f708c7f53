"""HTTP: documents: upload (checked by content and size, the caller refused before the body
is read) and audited download; the citizen's upload shares the one upload path."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import MediaType, Response, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import Body

from voorportaal_contracts.api.dossier import DocumentOut
from voorportaal_dossier.entrypoints.http.dependencies import (
    CitizenDoor,
    DossierController,
    dossier_of,
    staff_actor,
)
from voorportaal_dossier.entrypoints.http.inputs import (
    CASE_ID,
    MAX_UPLOAD_BODY,
    CaseId,
    ItemId,
    UploadIn,
)
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.documents import Documents
from voorportaal_kit.errors import ServiceError
from voorportaal_kit.http import principal_of


async def may_upload(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard of the staff upload: runs before the body is read, so a caller who may not add a
    document to this case is refused (403, audited) without a byte of the upload consumed."""
    dossier = dossier_of(connection.app.state)
    actor = staff_actor(principal_of(connection), dossier)
    await dossier.documents.may_upload(actor, _path_case(connection))


async def may_upload_with_link(
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
    if not CASE_ID.fullmatch(case_id):
        raise ServiceError("not a case id / geen zaaknummer", field="case_id")
    return case_id


class DocumentController(DossierController):
    """Documents: upload (checked by content and size) and audited download."""

    path = "/cases/{case_id:str}/documents"
    tags = ["documents"]

    @post(
        "/",
        operation_id="uploadDocument",
        status_code=201,
        request_max_body_size=MAX_UPLOAD_BODY,
        guards=[may_upload],
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
        return await upload_form(actor, documents, case_id, data)

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


async def upload_form(
    actor: Actor, documents: NamedDependency[Documents], case_id: str, data: UploadIn
) -> DocumentOut:
    """The one upload path of staff and citizens: the multipart form into the use case."""
    if not isinstance(data.file, UploadFile):
        raise ServiceError(
            "Send the document as the multipart field 'file'. / "
            "Stuur het document als het multipart-veld 'file'.",
            field="file",
        )
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
