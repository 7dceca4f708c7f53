"""What staff read of a case's messages: the contact-load meter and the deliveries. Each read is
decided by `domain.access` on the case's access facts and audited, allowed or refused
(`access_guard`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_kit.audit_log import AuditTrail
from voorportaal_kit.auth import Principal
from voorportaal_kit.clock import Clock
from voorportaal_notify.adapters.repositories import Repositories
from voorportaal_notify.domain.messages import AttemptRecord, Delivery
from voorportaal_notify.domain.policy import (
    ContactLoad,
    ContactPolicy,
    HeldBack,
    contact_load,
    due,
)
from voorportaal_notify.domain.recipients import RecipientKind, citizen_of, held_for_confirmation
from voorportaal_notify.service_layer.access_guard import (
    CONTACT_LOAD_READ,
    DELIVERIES_READ,
    AccessGuard,
)
from voorportaal_notify.service_layer.planning import queue_plan


@dataclass(frozen=True)
class CaseMessages:
    """The contact-load meter and the deliveries of a case, for staff who may see them."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    audit: AuditTrail
    guard: AccessGuard
    """Decides and audits each read."""
    policy: ContactPolicy = field(default_factory=ContactPolicy)
    """Bundling window, rate limit and default quiet hours: when a queue goes out."""

    async def contact_load(self, case_id: str, principal: Principal) -> ContactLoad:
        """What the household received in 24 hours, 7 and 30 days, and what is held back from
        the citizen now: staff who may see the case (`domain.access.may_read_contact_load`);
        audited, allowed or refused."""
        now = self.clock.now()
        async with self.audit.transaction(self.sessions) as session:
            await self.guard.read(session, principal, case_id, CONTACT_LOAD_READ, now)
            repos = Repositories(session)
            # A representative's copy is the same news, not more load on the citizen.
            citizen = RecipientKind.CITIZEN.value
            received = await repos.sent_log.received(case_id, citizen, now - timedelta(days=30))
            held = HeldBack().plus(*await repos.messages.waiting(case_id, citizen, now))
            held = await self._queue_held_back(repos, case_id, held, now)
        return contact_load(received, now, held=held)

    async def _queue_held_back(
        self, repos: Repositories, case_id: str, held: HeldBack, now: datetime
    ) -> HeldBack:
        """Quiet hours, bundling and the rate limit keep the citizen's updates in the queue
        (no message yet): a queue not due yet is one more message held back, until it is."""
        contact = await repos.contacts.get(case_id)
        if contact is None or held_for_confirmation(contact):
            return held  # nothing waits for a time: the updates wait for an address
        queued = [u for u in await repos.updates.unplanned(case_id) if u.message_id is None]
        plan = await queue_plan(repos, citizen_of(contact), queued, self.policy, now)
        if plan is None or due(plan, now):
            return held  # the planner's next round sends it
        return held.plus(1, plan.send_at)

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
