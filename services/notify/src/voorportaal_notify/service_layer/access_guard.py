"""Staff reads of a case's data: decided by a rule of `domain.access` on the case's access facts
(the kit's `CaseAccessStore`) and audited, allowed or refused, in the read's transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_kit.audit import AuditAction
from voorportaal_kit.audit_log import AuditTrail
from voorportaal_kit.auth import Principal
from voorportaal_kit.case_access import CaseAccess, CaseAccessStore, Decision, audit_record

AccessRule = Callable[[Principal, CaseAccess, datetime], Decision]
"""A rule of `domain.access`: may this principal do it to this case now?"""


class AccessGuard:
    """Decides and audits staff reads."""

    def __init__(self, audit: AuditTrail, access: CaseAccessStore) -> None:
        self._audit = audit
        self._access = access

    async def read(
        self,
        session: AsyncSession,
        principal: Principal,
        case_id: str,
        rule: AccessRule,
        what: tuple[str, str],
        now: datetime,
    ) -> None:
        """Decide a read of `what` (data kind, purpose) by `rule` and audit it; a refusal raises
        (the kit's `Forbidden`, its record committed on its own)."""
        kind, purpose = what
        decision = rule(principal, await self._access.get(session, case_id), now)
        await self._audit.check(
            session,
            audit_record(principal, case_id, kind, purpose, AuditAction.READ, decision, now),
            allowed=decision.allowed,
        )
