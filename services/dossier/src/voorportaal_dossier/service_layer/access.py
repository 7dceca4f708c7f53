"""Who is acting, and how every decision about personal data becomes an audit record."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from voorportaal_dossier.domain.sharing import REPRESENTATIVE_PREFIX, Decision
from voorportaal_kit import audit
from voorportaal_kit.audit import AuditAction, AuditRecord
from voorportaal_kit.auth import Principal, Role

_AUDIT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9:_.\-]{0,127}")
_ROLE_ORDER = (Role.CITIZEN, Role.SUPERVISOR, Role.CASEMANAGER, Role.OPERATOR, Role.SIGNALEERDER)


@dataclass(frozen=True, slots=True)
class Actor:
    """The caller: their verified principal and the team they work in (staff)."""

    principal: Principal
    team: str | None = None

    @property
    def subject(self) -> str:
        """The principal's subject id."""
        return self.principal.subject

    @property
    def audit_id(self) -> str:
        """The subject as the audit log may hold it: an id, or a hash of anything else."""
        if _AUDIT_ID.fullmatch(self.subject):
            return self.subject
        return "sub-" + hashlib.sha256(self.subject.encode()).hexdigest()[:32]

    @property
    def role(self) -> str:
        """The role the caller acts in, for the audit record."""
        for role in _ROLE_ORDER:
            if self.principal.has_role(role):
                return role.value
        codes = sorted(self.principal.agency_codes)
        return f"agency:{codes[0]}" if codes else "none"

    @property
    def on_behalf_of(self) -> str | None:
        """For whom the caller acts: their agency, or the mandate of a representative."""
        if self.subject.startswith(REPRESENTATIVE_PREFIX):
            return self.subject.removeprefix(REPRESENTATIVE_PREFIX)[:120] or None
        codes = sorted(self.principal.agency_codes)
        return codes[0] if codes and not self.principal.has_role(Role.CITIZEN) else None

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
    """The audit record of one decision (ids and fixed reasons only)."""
    reason = decision.reason
    if any(c.isdigit() for c in reason) or "@" in reason:
        reason = "allowed" if decision.allowed else "refused"
    on_behalf_of = actor.on_behalf_of
    if on_behalf_of is not None and not _AUDIT_ID.fullmatch(on_behalf_of):
        on_behalf_of = None
    basis = decision.basis if re.fullmatch(r"[a-z][a-z0-9_.:\-]{0,63}", decision.basis) else "other"
    return audit.record(
        at=at,
        actor=actor.audit_id,
        role=actor.role,
        case_id=case_id,
        data_kind=data_kind,
        purpose=purpose,
        action=action,
        allowed=decision.allowed,
        basis=basis,
        reason=reason,
        on_behalf_of=on_behalf_of,
        object_id=object_id,
    )
