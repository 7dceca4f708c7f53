"""The delivery worker: plans messages from pending updates and hands them to SMTP or SMS.

One round, in the modules of its steps: `reminders` (due checklist reminders become updates),
`planning` (queues become messages), `claiming` (the
intention, committed; rendering), `channels` (the provider call per channel) and `outcomes`
(sent, retry with backoff, failover, failed); notices (`notice_sending.NoticeSender`) first.

It runs as a periodic job (`worker_interval_s`, 1 s by default) in every replica, in two steps.

**Plan.** For each case with updates not yet in a message, and each recipient (the citizen, and a
representative who receives copies), `domain.policy.plan_send` decides when the queue goes out
(bundling window, quiet hours, rate limit). When it is due, one `messages` row is written that
carries every queued update; its idempotency key is a hash of the case, the recipient and the
update ids, unique in the table, so two replicas planning at once cannot make two messages.

**Send: exactly once as far as the citizen can tell.**

1. *Intention, committed before the provider is called.* In its own transaction the worker
   claims a due message with a compare-and-set on (status, attempts), marks it `sending`, sets
   `next_attempt_at` to now + `send_lease_s`, and records a `delivery_attempts` row — then
   commits.
2. *The call.* SMTP with a Message-ID derived from the idempotency key; the SMS gateway with the
   key in its `Idempotency-Key` header. The rendered text is deterministic for a message (the
   language is fixed at the first attempt, the link's expiry derives from the message's creation
   time), so a resend is the same request.
3. *The outcome, in a second transaction*: `sent` with the provider's id, a line in the sent log
   and `NotificationSent` (outbox); or, per `domain.delivery.after_failure`, a retry with backoff
   (`deferred`), failover to the citizen's next allowed channel, or `failed` with
   `NotificationFailed` (outbox).

If the process dies between 1 and 3, the message stays `sending`; when its lease has passed, a
worker (after a restart, or another replica) sends it again **with the same idempotency key**
and marks the earlier attempt `interrupted`. For SMS the gateway recognises the key and answers
with the first message's id: the citizen gets one SMS. **The remaining edge is e-mail:** SMTP has
no idempotency, so a crash after the mail server accepted the message and before the outcome was
committed sends the e-mail a second time. Both copies carry the same Message-ID, so mail clients
that thread or deduplicate on it show one message; others show two identical e-mails. The window
is the few milliseconds between the server's `250` and our commit. A lease shorter than a slow
send could also let a second replica resend while the first is still talking to the server; the
lease (120 s) is far above the SMTP and gateway timeouts (10 s) for that reason.

**Confirmed addresses, own links.** The citizen's updates are planned only while they have a
confirmed channel (`domain.recipients.held_for_confirmation`); a message whose channel lost its
confirmation before it went out is `held` until one is confirmed again. A representative's copy
is planned only under a current mandate (`MandateGranted` on `case.events`, matched by the
representative's relation), and its link names that mandate (`holder`): never the citizen's own
link. One-time codes and the notice to an old address go out in the same round
(`service_layer.notices`, sent by `notice_sending`).

Outcome events are published for the citizen's messages only: a representative's copy that
fails is recorded in the deliveries but does not tell the casemanager "we could not reach this
citizen".
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_kit.case_access import CaseAccessStore
from voorportaal_kit.clock import Clock
from voorportaal_notify.adapters.repositories import MessagesRepository
from voorportaal_notify.adapters.senders import EmailSender, SmsGateway
from voorportaal_notify.domain.delivery import AttemptOutcome, RetryPolicy
from voorportaal_notify.domain.policy import ContactPolicy
from voorportaal_notify.domain.render import Renderer
from voorportaal_notify.service_layer.channels import Channels
from voorportaal_notify.service_layer.claiming import Claims, LinkedRendering
from voorportaal_notify.service_layer.mandates import Mandates
from voorportaal_notify.service_layer.notice_sending import NoticeSender
from voorportaal_notify.service_layer.outcomes import Outcomes
from voorportaal_notify.service_layer.planning import Planner, idempotency_key
from voorportaal_notify.service_layer.reminders import ChecklistReminders

__all__ = ["DeliveryConfig", "DeliveryWorker", "RoundResult", "idempotency_key"]


@dataclass(frozen=True)
class DeliveryConfig:
    """What the worker needs from the settings."""

    policy: ContactPolicy
    """Bundling window, rate limit and the default quiet hours."""
    retry: RetryPolicy
    link_key: bytes
    link_base_url: str
    link_ttl: timedelta = timedelta(days=30)
    send_lease: timedelta = timedelta(seconds=120)
    batch_size: int = 100
    source: str = "/voorportaal/notify"


@dataclass(frozen=True)
class RoundResult:
    """What one worker round did."""

    planned: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    notices: int = 0
    """One-time codes and old-address notices sent."""
    reminders: int = 0
    """Cases whose due checklist reminders became an update."""


class DeliveryWorker:
    """Plans and sends; `run_once` is the periodic job."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        config: DeliveryConfig,
        renderer: Renderer,
        email: EmailSender,
        sms: SmsGateway,
        rng: random.Random | None = None,
        notices: NoticeSender | None = None,
        access: CaseAccessStore | None = None,
        reminders: ChecklistReminders | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._batch_size = config.batch_size
        self._notices = notices
        self._reminders = reminders
        mandates = Mandates(access)
        rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
        self._planner = Planner(sessions, clock, config.policy, config.batch_size, mandates)
        self._outcomes = Outcomes(sessions, clock, config.policy, config.retry, config.source, rng)
        rendering = LinkedRendering(
            renderer, config.link_key, config.link_base_url, config.link_ttl
        )
        self._claims = Claims(
            sessions, clock, config.send_lease, rendering, mandates, self._outcomes
        )
        self._channels = Channels(email, sms)
        self.rounds = 0
        """Rounds completed since the start (what a test or an operator waits on)."""

    async def run_once(self) -> RoundResult:
        """Plan what is due, then send what is due; one round of the periodic job."""
        notices = await self._notices.run_once() if self._notices is not None else 0
        # Due checklist reminders become updates first, so this round's plan already sees them.
        reminders = await self._reminders.queue_due() if self._reminders is not None else 0
        planned = await self.plan()
        sent = retried = failed = 0
        for message_id in await self._due_messages():
            outcome = await self.deliver(message_id)
            if outcome is AttemptOutcome.SENT:
                sent += 1
            elif outcome is AttemptOutcome.FAILED:
                failed += 1
            elif outcome is not None:
                retried += 1
        self.rounds += 1
        return RoundResult(planned, sent, retried, failed, notices, reminders)

    async def plan(self) -> int:
        """Turn due queues of pending updates into messages; returns messages planned."""
        return await self._planner.plan()

    async def _due_messages(self) -> list[str]:
        async with self._sessions() as session:
            return await MessagesRepository(session).due(self._clock.now(), self._batch_size)

    async def deliver(self, message_id: str) -> AttemptOutcome | None:
        """One attempt for one message; None when it was not due or another worker has it."""
        claim = await self._claims.claim(message_id)
        if claim is None:
            return None
        error: Exception | None = None
        provider_id = ""
        try:
            provider_id = await self._channels.hand_over(claim)
        except Exception as exc:  # noqa: BLE001 - every failure is classified and recorded
            error = exc
        return await self._outcomes.record(claim, provider_id, error)
