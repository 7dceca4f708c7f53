"""The access log's use cases: a supervisor's query by case or person, and the periodic
checkpoint of the chain's head outside the database."""

from __future__ import annotations

from typing import Any

import structlog

from voorportaal_dossier.domain.sharing import DataKind
from voorportaal_dossier.service_layer import audit_log
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.case_access import CaseAccess
from voorportaal_dossier.service_layer.shapes import audit_out
from voorportaal_kit.audit_log import AnchorStore
from voorportaal_kit.auth import Role
from voorportaal_kit.errors import Forbidden, ServiceError

log = structlog.get_logger(__name__)


class Audit:
    """Reading and anchoring the dossier's access log."""

    def __init__(
        self,
        cases: CaseAccess,
        *,
        anchors: AnchorStore | None = None,
        anchor_key: bytes | None = None,
    ) -> None:
        self._cases = cases
        self._anchors = anchors
        self._anchor_key = anchor_key
        self._anchored_seq: int | None = None

    async def anchor_audit(self) -> int | None:
        """Checkpoint the audit chain's head outside the database when it moved (the periodic
        job); returns the anchored record's number, or None when nothing was new."""
        if self._anchors is None or self._anchor_key is None:
            return None
        async with self._cases.sessions() as session:
            checkpoint = await audit_log.anchor(
                session,
                self._anchors,
                self._anchor_key,
                self._cases.now(),
                anchored_seq=self._anchored_seq,
            )
        if checkpoint is None:
            return None
        self._anchored_seq = checkpoint.seq
        log.info("dossier.audit_anchored", seq=checkpoint.seq)
        return checkpoint.seq

    async def audit_query(
        self, actor: Actor, *, case_id: str | None, subject: str | None
    ) -> list[dict[str, Any]]:
        """Supervisors query the access log by person or by case."""
        if not actor.principal.has_role(Role.SUPERVISOR):
            raise Forbidden(
                "Only a supervisor queries the access log. / "
                "Alleen een supervisor kan het toegangslogboek bevragen."
            )
        if case_id is None and subject is None:
            raise ServiceError(
                "Give a case_id or a subject. / Geef een zaaknummer of een persoon.",
                field="case_id",
            )
        if case_id is not None:
            await self._cases.read(actor, case_id, DataKind.AUDIT_LOG, "audit_query")
        async with self._cases.sessions() as session:
            records = await audit_log.query(session, case_id=case_id, actor=subject, limit=5000)
        return [audit_out(r) for r in records]
