"""Documents: an upload checked by its content and size and stored by hash, the check before
an upload's body is read, the audited download, and the removal of files no row refers to."""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.registry import Event
from voorportaal_dossier.adapters import case_store, document_rows, repositories
from voorportaal_dossier.adapters.filestore import DocumentStore
from voorportaal_dossier.domain import ownership, sharing
from voorportaal_dossier.domain.case_state import CaseState
from voorportaal_dossier.domain.documents import check_upload
from voorportaal_dossier.domain.errors import NotAllowed
from voorportaal_dossier.domain.records import Document
from voorportaal_dossier.domain.sharing import DataKind
from voorportaal_dossier.service_layer import audit_log
from voorportaal_dossier.service_layer.access import Actor, record
from voorportaal_dossier.service_layer.case_access import (
    CHANGE_BASES,
    CaseAccess,
    domain_errors,
    new_id,
)
from voorportaal_dossier.service_layer.citizen_links import CitizenLinks
from voorportaal_dossier.service_layer.shapes import document_out, document_visible
from voorportaal_kit.audit import AuditAction
from voorportaal_kit.auth import Role
from voorportaal_kit.case_access import Decision
from voorportaal_kit.errors import Forbidden, NotFound

log = structlog.get_logger(__name__)

UPLOAD_REFUSED = (
    "only the owner, their team or a supervisor adds documents to a case "
    "(the citizen and a representative with the documents scope: with their link)"
)
UPLOAD_REFUSED_NL = (
    "alleen de eigenaar, diens team of een supervisor voegt documenten toe aan een zaak "
    "(de burger en een vertegenwoordiger met een machtiging voor documenten: met hun link)"
)
"""`UPLOAD_REFUSED` as the console says it in Dutch (the audit keeps the English rule)."""


class Documents:
    """A case's documents and their files."""

    def __init__(
        self,
        cases: CaseAccess,
        citizen_links: CitizenLinks,
        *,
        files: DocumentStore,
        max_upload_bytes: int,
    ) -> None:
        self._cases = cases
        self._links = citizen_links
        self._files = files
        self.max_upload_bytes = max_upload_bytes

    async def upload(
        self,
        actor: Actor,
        case_id: str,
        *,
        content: bytes,
        filename: str | None,
        title: str | None,
        shared_with: list[str],
    ) -> dict[str, Any]:
        """Check a document by its content and size, store it by hash, keep its metadata."""
        with domain_errors():
            checked = check_upload(content, filename=filename, max_bytes=self.max_upload_bytes)
        document_id = new_id("doc")

        async def step(s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], Any]:
            if actor.link is None:
                self._cases.staff_basis(case, actor)
            else:
                decision = sharing.decide(
                    actor.principal, case, DataKind.DOCUMENTS, self._cases.now()
                )
                if not decision.allowed:
                    raise NotAllowed(decision.reason)
            # Under the hash's lock, so a removal of the same file waits for this transaction
            # and then finds its row (see `adapters/document_rows.py`).
            await document_rows.lock_hash(s, checked.sha256)
            self._files.put(checked.sha256, content)
            document = Document(
                id=document_id,
                case_id=case_id,
                sha256=checked.sha256,
                media_type=checked.media_type,
                size=checked.size,
                title=title,
                shared_with=sorted(set(shared_with)),
                uploaded_by=actor.subject,
                uploaded_at=self._cases.now(),
            )
            await repositories.add_document(s, document)
            return case, [], document

        try:
            document: Document = await self._cases.change(
                actor, case_id, "upload", DataKind.DOCUMENTS, step, object_id=checked.sha256
            )
        except BaseException:
            # The file may be stored with no committed row to keep it: remove it unless
            # another row refers to it.
            await self.remove_unreferenced({checked.sha256})
            raise
        return document_out(document)

    async def may_upload(self, actor: Actor, case_id: str, *, citizen_page: bool = False) -> None:
        """Before an upload's body is read: the owner, their team or a supervisor (a staff
        token), or on the citizen's page the case's citizen or a representative whose mandate
        covers documents (a link); anyone else is refused here, audited, and their body is
        never read."""
        now = self._cases.now()
        async with self._cases.sessions.begin() as session:
            case = await case_store.load(session, case_id)
            subject = case or CaseState.new(case_id)
            if citizen_page or actor.link is not None:
                decision = await self._links.link_refusal(
                    session, actor, case_id, now
                ) or sharing.decide(actor.principal, subject, DataKind.DOCUMENTS, now)
            else:
                basis = ownership.visible_to(subject.ownership, actor.principal, actor.team)
                decision = (
                    Decision(True, "staff of the case add documents", basis or "none")
                    if basis in CHANGE_BASES and not actor.principal.has_role(Role.CITIZEN)
                    else Decision(False, UPLOAD_REFUSED, "none")
                )
            if not decision.allowed:
                await audit_log.append(
                    session,
                    [
                        record(
                            actor,
                            case_id,
                            DataKind.DOCUMENTS.value,
                            "upload",
                            AuditAction.CHANGE,
                            decision,
                            now,
                        )
                    ],
                )
        if not decision.allowed:
            log.info("dossier.upload_refused", case_id=case_id)
            dutch = UPLOAD_REFUSED_NL if decision.reason == UPLOAD_REFUSED else None
            raise self._cases.refused(actor, case, decision, dutch)
        if case is None:
            raise self._cases.missing(actor)

    async def download(
        self, actor: Actor, case_id: str, document_id: str
    ) -> tuple[dict[str, Any], bytes]:
        """A document's metadata and content, if the caller may see it (audited)."""
        async with self._cases.sessions() as session:
            found = await repositories.find_document(session, case_id, document_id)
        object_id = found.sha256 if found else None
        await self._cases.read(actor, case_id, DataKind.DOCUMENTS, "download", object_id=object_id)
        if found is None:
            raise NotFound("No such document. / Dit document bestaat niet.")
        if not document_visible(found, actor):
            await self._cases.audit(
                [
                    record(
                        actor,
                        case_id,
                        DataKind.DOCUMENTS.value,
                        "download",
                        AuditAction.READ,
                        Decision(False, "the document is not shared with the agency", "none"),
                        self._cases.now(),
                        object_id=object_id,
                    )
                ]
            )
            raise Forbidden(
                "The document is not shared with your agency. / "
                "Het document is niet gedeeld met uw instantie."
            )
        content = self._files.get(found.sha256)
        if content is None:
            raise NotFound(
                "The document's content is no longer stored. / "
                "De inhoud van het document is niet meer bewaard."
            )
        return document_out(found), content

    async def remove_unreferenced(self, hashes: set[str]) -> None:
        """Remove the stored files no document row refers to any more (each under its hash's
        lock, after the transaction that deleted rows committed)."""
        for digest in sorted(hashes):
            async with self._cases.sessions.begin() as session:
                await document_rows.lock_hash(session, digest)
                if not await document_rows.referenced(session, digest):
                    self._files.delete(digest)
                    log.info("dossier.document_file_removed", sha256=digest)
