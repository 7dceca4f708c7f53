"""The dossier's records as its answers show them (ids, codes, ISO times): one shape per
record, shared by the case page, the citizen's view and the export. The answers' types are in
`voorportaal_contracts.api.dossier`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from voorportaal_dossier.domain.case_state import CaseState
from voorportaal_dossier.domain.records import ContactMoment, Document, KeptLink
from voorportaal_dossier.service_layer import access_elsewhere
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_kit.audit import AuditRecord
from voorportaal_kit.auth import Role


def iso(value: datetime | None) -> str | None:
    """A moment as ISO 8601, or None."""
    return value.isoformat() if value else None


def document_visible(document: Document, actor: Actor) -> bool:
    """Whether an agency sees this document (staff and the citizen see every one)."""
    codes = actor.principal.agency_codes
    if not codes or actor.is_case_staff or actor.principal.has_role(Role.CITIZEN):
        return True
    shared = document.shared_with or []
    return not shared or bool(codes & set(shared))


def plain(record: Any, *names: str) -> dict[str, Any]:
    """The named fields of a record as an answer shows them, its moments in ISO 8601."""
    values = {name: getattr(record, name) for name in names}
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


def document_out(d: Document) -> dict[str, Any]:
    """A document's metadata (`DocumentOut`)."""
    return plain(
        d,
        "id",
        "sha256",
        "media_type",
        "size",
        "title",
        "shared_with",
        "uploaded_by",
        "uploaded_at",
    )


def contact_out(c: ContactMoment) -> dict[str, Any]:
    """A contact moment (`ContactMomentOut`)."""
    return plain(c, "id", "channel", "by", "summary", "next_steps", "confirmation_requested", "at")


def link_out(link: KeptLink, case: CaseState, now: datetime) -> dict[str, Any]:
    """A kept link as the citizen's view lists it: whose, until when, and whether it works
    (`CitizenLinkRecord`)."""
    holder = link.holder
    mandate = next((m for m in case.mandates if m.mandate_id == holder), None)
    if link.revoked_at is not None and link.revoked_at <= now:
        status = "revoked"
    elif now >= link.expires_at:
        status = "expired"
    elif holder is not None and mandate is None:
        status = "revoked"
    elif mandate is not None and mandate.status(now) != "current":
        status = mandate.status(now)
    else:
        status = "current"
    return {
        "link_id": link.id,
        "holder": holder,
        "holder_name": mandate.holder_name if mandate else None,
        "relation": mandate.relation.value if mandate else None,
        "kind": link.kind,
        "seen_at": link.seen_at.isoformat(),
        "expires_at": link.expires_at.isoformat(),
        "revoked_at": iso(link.revoked_at),
        "status": status,
    }


def audit_out(r: AuditRecord) -> dict[str, Any]:
    """One of the dossier's own access records (`AuditEntry`)."""
    return {
        "seq": r.seq,
        "at": r.at.isoformat(),
        "who": r.actor,
        "role": r.role,
        "on_behalf_of": r.on_behalf_of,
        "case_id": r.case_id,
        "data": r.data_kind,
        "object_id": r.object_id,
        "purpose": r.purpose,
        "action": r.action.value,
        "allowed": r.outcome.value == "allowed",
        "basis": r.basis,
        "reason": r.reason,
        "service": access_elsewhere.OWN_SERVICE,
    }
