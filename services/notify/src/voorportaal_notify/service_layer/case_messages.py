"""What staff read of a case's messages: the contact-load meter and the deliveries. Each read is
decided by `domain.access` on the case's access facts and audited, allowed or refused
(`access_guard`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_kit.audit_log import AuditTrail
from voorportaal_kit.auth import Principal
from voorportaal_kit.clock import Clock
from voorportaal_notify.adapters.repositories import Repositories
from voorportaal_notify.domain.messages import AttemptRecord, Delivery
from voorportaal_notify.domain.policy import ContactLoad, contact_load
from voorportaal_notify.domain.recipients import RecipientKind
from voorportaal_notify.service_layer.access_guard import (
    CONTACT_LOAD_READ,
    DELIVERIES_READ,
    AccessGuard,
)


@dataclass(frozen=True)
class CaseMessages:
    """The contact-load meter and the deliveries of a case, for staff who may see them."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    audit: AuditTrail
    guard: AccessGuard
    """Decides and audits each read."""

    async def contact_load(self, case_id: str, principal: Principal) -> ContactLoad:
        """What the household received in 24 hours, 7 and 30 days: staff who may see the
        case (`domain.access.may_read_contact_load`); audited, allowed or refused."""
        now = self.clock.now()
        async with self.audit.transaction(self.sessions) as session:
            await self.guard.read(session, principal, case_id, CONTACT_LOAD_READ, now)
            # A representative's copy is the same news, not more load on the citizen.
            received = await Repositories(session).sent_log.received(
                case_id, RecipientKind.CITIZEN.value, now - timedelta(days=30)
            )
        return contact_load(received, now)

    async def deliveries(self, case_id: str, principal: Principal) -> list[Delivery]:
        """Every message of a case with its attempts, newest first (no addresses): staff who
        may see the case (`domain.access.may_read_messages`); audited, allowed or refused."""
        now = self.clock.now()
        async with self.audit.transaction(self.sessions) as session:
            await self.guard.read(session, principal, case_id, DELIVERIES_READ, now)
            repos = Repositories(session)
            found = await repos.messages.for_case(case_id)
            attempts = await repos.attempts.for_messages([m.id for m in found])
        by_message: dict[str, list[AttemptRecord]] = {}
        for attempt in attempts:
            by_message.setdefault(attempt.message_id, []).append(attempt)
        return [Delivery(m, by_message.get(m.id, [])) for m in found]
