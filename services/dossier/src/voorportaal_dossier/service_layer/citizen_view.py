"""The citizen's own pages, opened with their link: the view (what is arranged, what waits on
whom, messages and actions, with whom they share), who looked at their dossier, and the whole
dossier for the right of access (AVG art. 15)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from voorportaal_dossier.adapters import links, repositories
from voorportaal_dossier.domain import citizen_link
from voorportaal_dossier.domain.case_state import CaseState
from voorportaal_dossier.domain.sharing import DataKind
from voorportaal_dossier.service_layer import access_elsewhere, audit_log
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.case_access import CaseAccess
from voorportaal_dossier.service_layer.citizen_links import CitizenLinks
from voorportaal_dossier.service_layer.shapes import audit_out, contact_out, document_out, link_out
from voorportaal_kit.errors import Forbidden

EXPORT_KINDS = (DataKind.SUMMARY, DataKind.IDENTITY, DataKind.DOCUMENTS, DataKind.AUDIT_LOG)
"""What the export holds: a representative needs every one of these in their mandate."""
_ELSEWHERE_HIDDEN = frozenset({"seq", "case_id", "basis", "reason"})
"""Fields of the other services' records the export leaves out (as for the dossier's own)."""


@dataclass(frozen=True, slots=True)
class Phones:
    """The numbers a citizen may call (from the settings): their buddy's own, else the
    buddy's team's, else the front counter's."""

    counter: str | None = None
    teams: Mapping[str, str] = field(default_factory=dict)
    staff: Mapping[str, str] = field(default_factory=dict)

    def for_case(self, case: CaseState) -> str | None:
        """The number to call about this case (None when none is configured)."""
        owner = case.ownership.owner
        if owner is not None:
            own = self.staff.get(owner.id) or (self.teams.get(owner.team) if owner.team else None)
            if own:
                return own
        return self.counter


class CitizenPages:
    """What the citizen (or a representative who may) reads of their dossier."""

    def __init__(
        self, cases: CaseAccess, citizen_links: CitizenLinks, phones: Phones | None = None
    ) -> None:
        self._cases = cases
        self._links = citizen_links
        self._phones = phones or Phones()

    async def citizen_view(
        self, actor: Actor, case_id: str, language: str | None = None
    ) -> dict[str, Any]:
        """What the citizen's link shows, in `language` (default: the case's), with the
        messages and actions for them and how to reach a person; the checklist, the sharing
        choices, mandates and links only to whom may see them (a representative needs
        `act_on_behalf` for the sharing)."""
        case, decisions = await self._links.citizen_read(
            actor,
            case_id,
            (DataKind.SUMMARY, DataKind.SHARING, DataKind.CHECKLIST),
            "citizen_view",
        )
        now = self._cases.now()
        view = citizen_link.citizen_view(
            case,
            now=now,
            language=language or citizen_link.case_language(case),
            phone=self._phones.for_case(case),
        )
        view["refused"] = {}
        if not decisions[DataKind.CHECKLIST].allowed:
            view["checklist"] = []
            view["refused"]["checklist"] = decisions[DataKind.CHECKLIST].reason
        async with self._cases.sessions() as session:
            items = await repositories.citizen_items_of(session, case_id)
            kept = await links.of_case(session, case_id)
        if decisions[DataKind.SHARING].allowed:
            view["links"] = [link_out(link, case, now) for link in kept]
        else:
            view["sharing"], view["mandates"], view["links"] = [], [], []
            view["refused"]["sharing"] = decisions[DataKind.SHARING].reason
        view["messages"] = [
            {"id": i.id, "text": i.text, "at": i.at.isoformat()}
            for i in items
            if i.kind == "message"
        ]
        view["actions"] = [
            {"id": i.id, "text": i.text, "due_at": i.due_at.isoformat() if i.due_at else None}
            for i in items
            if i.kind == "action"
        ]
        return view

    async def access_log(self, actor: Actor, case_id: str) -> list[dict[str, Any]]:
        """Who looked at the dossier (the citizen, or a representative who may act for them):
        the dossier's own records and those routing, intake and notify recorded, oldest
        first."""
        await self._links.citizen_read(actor, case_id, (DataKind.AUDIT_LOG,), "access_log")
        async with self._cases.sessions() as session:
            records = await audit_log.query(session, case_id=case_id, limit=5000)
            elsewhere = await access_elsewhere.for_case(session, case_id)
        own = [audit_out(r) for r in records]
        return sorted([*own, *elsewhere], key=lambda entry: str(entry["at"]))

    async def export(self, actor: Actor, case_id: str) -> dict[str, Any]:
        """The whole dossier for the right of access (AVG art. 15): for the citizen, or a
        representative whose mandate covers every part of it."""
        case, decisions = await self._links.citizen_read(actor, case_id, EXPORT_KINDS, "export")
        refused = next((d for d in decisions.values() if not d.allowed), None)
        if refused is not None:
            raise Forbidden(refused.reason)
        async with self._cases.sessions() as session:
            records = await audit_log.query(session, case_id=case_id, limit=100_000)
            kept = await repositories.records_of(session, case_id)
            elsewhere = await access_elsewhere.for_case(session, case_id, limit=100_000)
        data = citizen_link.export(case, case.timeline, records)
        data["access_log"] = [
            *({**a, "service": access_elsewhere.OWN_SERVICE} for a in data["access_log"]),
            *({k: v for k, v in a.items() if k not in _ELSEWHERE_HIDDEN} for a in elsewhere),
        ]
        data["contact_moments"] = [contact_out(c) for c in kept.contacts]
        data["documents"] = [document_out(d) for d in kept.documents]
        return data
