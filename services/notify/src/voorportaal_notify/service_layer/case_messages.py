"""What staff read of a case's messages: the contact-load meter and the deliveries. Each read is
decided by `domain.access` on the case's access facts and audited, allowed or refused
(`access_guard`)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_kit.audit_log import AuditTrail
from voorportaal_kit.auth import Principal
from voorportaal_kit.case_access import CaseAccessStore
from voorportaal_kit.clock import Clock
from voorportaal_notify.adapters.repositories import Repositories
from voorportaal_notify.domain.access import (
    CONTACT_LOAD_KIND,
    MESSAGES_KIND,
    may_read_contact_load,
    may_read_messages,
)
from voorportaal_notify.domain.messages import AttemptRecord, Delivery
from voorportaal_notify.domain.policy import ContactLoad, contact_load
from voorportaal_notify.domain.recipients import RecipientKind
from voorportaal_notify.service_layer.access_guard import AccessGuard


class CaseMessages:
    """The contact-load meter and the deliveries of a case, for staff who may see them."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        audit: AuditTrail,
        access: CaseAccessStore,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._audit = audit
        self._guard = AccessGuard(audit, access)

    async def contact_load(self, case_id: str, principal: Principal) -> ContactLoad:
        """What the household received in 24 hours, 7 and 30 days: staff who may see the
        case (`domain.access.may_read_contact_load`); audited, allowed or refused."""
        now = self._clock.now()
        async with self._audit.transaction(self._sessions) as session:
            await self._guard.read(
                session,
                principal,
                case_id,
                may_read_contact_load,
                (CONTACT_LOAD_KIND, "contact_load"),
                now,
            )
            # A representative's copy is the same news, not more load on the citizen.
            received = await Repositories(session).sent_log.received(
                case_id, RecipientKind.CITIZEN.value, now - timedelta(days=30)
            )
        return contact_load(received, now)

    async def deliveries(self, case_id: str, principal: Principal) -> list[Delivery]:
        """Every message of a case with its attempts, newest first (no addresses): staff who
        may see the case (`domain.access.may_read_messages`); audited, allowed or refused."""
        now = self._clock.now()
        async with self._audit.transaction(self._sessions) as session:
            await self._guard.read(
                session, principal, case_id, may_read_messages, (MESSAGES_KIND, "deliveries"), now
            )
            repos = Repositories(session)
            found = await repos.messages.for_case(case_id)
            attempts = await repos.attempts.for_messages([m.id for m in found])
        by_message: dict[str, list[AttemptRecord]] = {}
        for attempt in attempts:
            by_message.setdefault(attempt.message_id, []).append(attempt)
        return [Delivery(m, by_message.get(m.id, [])) for m in found]
