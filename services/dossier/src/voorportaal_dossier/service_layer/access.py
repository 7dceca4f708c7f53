"""Who is acting, and how every decision about personal data becomes an audit record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from voorportaal_kit import case_access
from voorportaal_kit.audit import AuditAction, AuditRecord
from voorportaal_kit.auth import Principal, Role
from voorportaal_kit.case_access import Decision


@dataclass(frozen=True, slots=True)
class LinkUse:
    """The citizen's or a representative's link a caller came with (never a staff token)."""

    case_id: str
    """The case the link was signed for (may differ from the case asked for: refused)."""
    holder: str | None
    """The mandate id of a representative's link; None for the citizen's own."""
    link_id: str | None
    """The record the dossier keeps of the link (None: an old link without one)."""
    kind: str
    """`dossier` (a long link the dossier signed) or `short` (a message's short link)."""
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Actor:
    """The caller: their verified principal and the team they work in (staff), or the link
    they came with (the citizen's pages)."""

    principal: Principal
    team: str | None = None
    link: LinkUse | None = None

    @property
    def subject(self) -> str:
        """The principal's subject id."""
        return self.principal.subject

    @property
    def audit_id(self) -> str:
        """The subject as the audit log may hold it: an id, or a hash of anything else."""
        return case_access.audit_actor(self.principal)

    @property
    def role(self) -> str:
        """The role the caller acts in, for the audit record."""
        return case_access.audit_role(self.principal)

    @property
    def on_behalf_of(self) -> str | None:
        """For whom the caller acts: their agency, or the mandate of a representative."""
        return case_access.audit_on_behalf_of(self.principal)

    @property
    def is_case_staff(self) -> bool:
        """Whether the caller is a casemanager or supervisor."""
        return self.principal.has_role(Role.CASEMANAGER, Role.SUPERVISOR)


def record(
    actor: Actor,
    case_id: str,
    data_kind: str,
    purpose: str,
    action: AuditAction,
    decision: Decision,
    at: datetime,
    *,
    object_id: str | None = None,
) -> AuditRecord:
    """The audit record of one decision (ids and fixed reasons only): the kit's
    `case_access.audit_record`, as routing, intake and notify write it."""
    return case_access.audit_record(
        actor.principal,
        case_id,
        data_kind,
        purpose,
        action,
        decision,
        at,
        object_id=object_id,
    )
