"""Staff reads of a case's data: decided by a rule of `domain.access` on the case's access facts
(the kit's `CaseAccessStore`) and audited, allowed or refused, in the read's transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_kit.audit import AuditAction
from voorportaal_kit.audit_log import AuditTrail
from voorportaal_kit.auth import Principal
from voorportaal_kit.case_access import CaseAccess, CaseAccessStore, Decision, audit_record
from voorportaal_notify.domain.access import (
    CONTACT_LOAD_KIND,
    DATA_KIND,
    MESSAGES_KIND,
    may_read_contact,
    may_read_contact_load,
    may_read_messages,
)

AccessRule = Callable[[Principal, CaseAccess, datetime], Decision]
"""A rule of `domain.access`: may this principal do it to this case now?"""


@dataclass(frozen=True)
class StaffRead:
    """A kind of staff read: the rule that decides it, and the data kind and purpose audited."""

    rule: AccessRule
    kind: str
    purpose: str


CONTACT_LOAD_READ = StaffRead(may_read_contact_load, CONTACT_LOAD_KIND, "contact_load")
DELIVERIES_READ = StaffRead(may_read_messages, MESSAGES_KIND, "deliveries")
PREFERENCES_READ = StaffRead(may_read_contact, DATA_KIND, "contact_preferences")


@dataclass(frozen=True)
class AccessGuard:
    """Decides and audits staff reads."""

    audit: AuditTrail
    access: CaseAccessStore

    async def read(
        self,
        session: AsyncSession,
        principal: Principal,
        case_id: str,
        read: StaffRead,
        now: datetime,
    ) -> None:
        """Decide a read by its rule and audit it; a refusal raises (the kit's `Forbidden`,
        its record committed on its own)."""
        decision = read.rule(principal, await self.access.get(session, case_id), now)
        await self.audit.check(
            session,
            audit_record(
                principal, case_id, read.kind, read.purpose, AuditAction.READ, decision, now
            ),
            allowed=decision.allowed,
        )
