"""Planning: due queues of updates become messages, one per recipient and bundle.

For each case with updates not yet in a message, and each recipient (the citizen, and a
representative who receives copies under a current mandate), `domain.policy.plan_send` decides
when the queue goes out (bundling window, quiet hours, rate limit). When it is due, one message
is written that carries every queued update; its idempotency key is a hash of the case, the
recipient and the update ids, unique in the table, so two replicas planning at once cannot
make two messages.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.citizen_links import LinkPage
from voorportaal_kit.clock import Clock
from voorportaal_notify.adapters.repositories import Repositories
from voorportaal_notify.domain.delivery import first_channel
from voorportaal_notify.domain.messages import MessageStatus, OutgoingMessage, QueuedUpdate
from voorportaal_notify.domain.policy import (
    ContactPolicy,
    PendingUpdate,
    SendPlan,
    due,
    plan_send,
)
from voorportaal_notify.domain.recipients import (
    Recipient,
    RecipientKind,
    citizen_of,
    held_for_confirmation,
    representative_of,
)
from voorportaal_notify.domain.templates import BUNDLE_TEMPLATE
from voorportaal_notify.service_layer.mandates import Mandates

log = structlog.get_logger(__name__)


def idempotency_key(case_id: str, recipient: str, update_ids: Sequence[str]) -> str:
    """The key of the message carrying these updates: the same whoever plans it, however often."""
    material = "|".join([case_id, recipient, *sorted(update_ids)])
    return hashlib.sha256(material.encode()).hexdigest()[:40]


async def queue_plan(
    repos: Repositories,
    recipient: Recipient,
    updates: Sequence[QueuedUpdate],
    base: ContactPolicy,
    now: datetime,
) -> SendPlan | None:
    """When the recipient's queue of `updates` goes out as one message (`domain.policy.plan_send`
    under their policy and what they received within the rate window)."""
    if not updates:
        return None
    policy = recipient.policy(base)
    sent_at = await repos.sent_log.sent_times(
        updates[0].case_id, recipient.kind.value, now - policy.rate_window
    )
    pending = [PendingUpdate(u.id, u.created_at, u.priority, u.ignore_quiet_hours) for u in updates]
    return plan_send(pending, sent_at, policy, now)


@dataclass(frozen=True)
class Planner:
    """Turns due queues into messages; one transaction per case."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    policy: ContactPolicy
    """Bundling window, rate limit and the default quiet hours."""
    batch_size: int
    """Cases planned per round at most."""
    mandates: Mandates

    async def plan(self) -> int:
        """Turn due queues of pending updates into messages; returns messages planned."""
        async with self.sessions() as session:
            case_ids = await Repositories(session).updates.cases_waiting(self.batch_size)
        planned = 0
        for case_id in case_ids:
            try:
                async with self.sessions.begin() as session:
                    planned += await self._plan_case(Repositories(session), case_id)
            except IntegrityError:
                # Another replica planned the same updates (same idempotency key): its message
                # stands, ours is rolled back.
                log.info("notify.plan_raced", case_id=case_id)
        return planned

    async def _plan_case(self, repos: Repositories, case_id: str) -> int:
        now = self.clock.now()
        contact = await repos.contacts.get(case_id)
        if contact is None:
            return 0  # the contact points have not arrived yet: the updates wait for them
        updates = await repos.updates.unplanned(case_id)
        planned = 0
        for_citizen = [u for u in updates if u.message_id is None]
        if for_citizen and not held_for_confirmation(contact):
            planned += await self._plan_for(repos, citizen_of(contact), for_citizen, now)
        copies = [u for u in updates if u.copy_wanted and u.copy_message_id is None]
        if not copies:
            return planned
        representative = representative_of(contact)
        holder = (
            await self.mandates.current(repos.session, case_id, representative.relation, now)
            if representative is not None
            else None
        )
        if representative is None or holder is None:
            # Nobody receives copies (now), or nobody under a current mandate: these updates
            # will never be copied.
            await repos.updates.no_copies([u.id for u in copies])
            if representative is not None:
                log.info("notify.copy_without_mandate", case_id=case_id, updates=len(copies))
        else:
            planned += await self._plan_for(repos, representative, copies, now, holder=holder)
        return planned

    async def _plan_for(
        self,
        repos: Repositories,
        recipient: Recipient,
        updates: Sequence[QueuedUpdate],
        now: datetime,
        *,
        holder: str | None = None,
    ) -> int:
        """One message for `recipient` when their queue is due (1), else nothing (0)."""
        case_id = updates[0].case_id
        plan = await queue_plan(repos, recipient, updates, self.policy, now)
        if plan is None or not due(plan, now):
            return 0
        ids = [u.update_id for u in plan.updates]
        chosen = [u for u in updates if u.id in set(ids)]
        message = _message(case_id, recipient, ids, chosen, now, holder)
        await repos.messages.add(message)
        await repos.updates.carried_by(
            ids, message.id, copy=recipient.kind is not RecipientKind.CITIZEN
        )
        log.info(
            "notify.message_planned",
            case_id=case_id,
            message_id=message.id,
            recipient=recipient.kind.value,
            updates=len(ids),
            status=message.status.value,
        )
        return 1


def _message(
    case_id: str,
    recipient: Recipient,
    ids: list[str],
    chosen: Sequence[QueuedUpdate],
    now: datetime,
    holder: str | None,
) -> OutgoingMessage:
    """The message carrying `chosen`, on the recipient's first usable channel (or skipped)."""
    pages: set[LinkPage] = {u.link_page for u in chosen}
    channel = first_channel(recipient.prefs)
    status, reason = (
        (MessageStatus.PENDING, None)
        if channel is not None
        else (MessageStatus.SKIPPED, "no_channel")
    )
    if channel is None and recipient.unconfirmed:
        reason = "unconfirmed"  # a representative's address is not confirmed: no copy
    return OutgoingMessage(
        id=uuid.uuid4().hex,
        case_id=case_id,
        recipient=recipient.kind.value,
        idempotency_key=idempotency_key(case_id, recipient.kind.value, ids),
        update_ids=tuple(ids),
        template_id=chosen[0].template_id if len(chosen) == 1 else BUNDLE_TEMPLATE,
        updates=len(chosen),
        action_required=any(u.action_required for u in chosen),
        link_page=pages.pop() if len(pages) == 1 else "overview",
        status=status,
        channel=channel.value if channel is not None else None,
        channels_tried=(),
        attempts=0,
        retries_on_channel=0,
        next_attempt_at=now if channel is not None else None,
        reason_code=reason,
        created_at=now,
        updated_at=now,
        holder=holder,
    )
