"""The outcome of an attempt, in its own transaction: `sent` (with the provider's id, a line in
the sent log and `NotificationSent`), or per `domain.delivery.after_failure` a retry with
backoff (`deferred`), failover to the recipient's next allowed channel, or `failed` with
`NotificationFailed`. Retries and failovers never land in the recipient's quiet hours.

Outcome events are published for the citizen's messages only: a representative's copy that
fails is recorded in the deliveries but does not tell the casemanager "we could not reach this
citizen".
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import NotificationFailed, NotificationSent
from voorportaal_contracts.types import MessageChannel
from voorportaal_kit.clock import Clock
from voorportaal_kit.outbox import add_events
from voorportaal_notify.adapters.repositories import Repositories
from voorportaal_notify.domain.delivery import (
    AttemptOutcome,
    RetryPolicy,
    after_failure,
    classify,
    reason_code_of,
)
from voorportaal_notify.domain.messages import MessageStatus, OutgoingMessage
from voorportaal_notify.domain.policy import ContactPolicy
from voorportaal_notify.domain.recipients import Recipient, RecipientKind
from voorportaal_notify.domain.render import Message

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Claim:
    """A message claimed for one attempt, rendered and ready for the provider."""

    message_id: str
    case_id: str
    recipient: Recipient
    channel: MessageChannel
    attempt: int
    idempotency_key: str
    rendered: Message
    holder: str | None = None


@dataclass(frozen=True)
class Outcomes:
    """Records what became of an attempt, and ends messages that will not be sent."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    policy: ContactPolicy
    """The default quiet hours (retries never land in them)."""
    retry: RetryPolicy
    source: str
    """The CloudEvents source of the outcome events."""
    rng: random.Random
    """Jitter of the retry backoff."""

    async def record(
        self, claim: Claim, provider_id: str, error: Exception | None
    ) -> AttemptOutcome | None:
        """The attempt's outcome, and the message's next step (None: it is no longer ours)."""
        now = self.clock.now()
        async with self.sessions.begin() as session:
            repos = Repositories(session)
            message = await repos.messages.get(claim.message_id)
            if error is None:
                await repos.attempts.finish(
                    claim.message_id,
                    claim.attempt,
                    "sent",
                    now,
                    provider_message_id=provider_id[:128],
                )
            else:
                await repos.attempts.finish(
                    claim.message_id,
                    claim.attempt,
                    classify(error).value,
                    now,
                    reason_code=reason_code_of(error),
                )
            if (
                message is None
                or message.status is not MessageStatus.SENDING
                or message.attempts != claim.attempt
            ):
                # Erased meanwhile, or the lease ran out and another attempt took over.
                return None
            if error is None:
                return await self._sent(repos, message, claim, provider_id, now)
            return await self._failed(repos, message, claim, error, now)

    async def _sent(
        self,
        repos: Repositories,
        message: OutgoingMessage,
        claim: Claim,
        provider_id: str,
        now: datetime,
    ) -> AttemptOutcome:
        await repos.messages.change(
            message.id,
            status=MessageStatus.SENT,
            provider_message_id=provider_id[:128],
            sent_at=now,
            next_attempt_at=None,
            reason_code=None,
            updated_at=now,
        )
        await repos.sent_log.add(message, claim.channel.value, now)
        if message.recipient == RecipientKind.CITIZEN.value:
            sent = NotificationSent(
                case_id=claim.case_id,
                notification_id=claim.message_id,
                channel=claim.channel,
                sent_at=now,
            )
            await self._publish(repos, sent, now)
        log.info(
            "notify.message_sent",
            case_id=claim.case_id,
            message_id=claim.message_id,
            channel=claim.channel.value,
            attempt=claim.attempt,
        )
        return AttemptOutcome.SENT

    async def _failed(
        self,
        repos: Repositories,
        message: OutgoingMessage,
        claim: Claim,
        error: Exception,
        now: datetime,
    ) -> AttemptOutcome:
        step = after_failure(
            error,
            channel=claim.channel,
            retries_done=message.retries_on_channel,
            tried=[MessageChannel(c) for c in message.channels_tried],
            prefs=claim.recipient.prefs,
            policy=self.retry,
            now=now,
            rng=self.rng,
        )
        reason = reason_code_of(error)
        log.warning(
            "notify.attempt_failed",
            case_id=claim.case_id,
            message_id=claim.message_id,
            channel=claim.channel.value,
            reason_code=reason,
            error_class=classify(error).value,
            next_step=step.outcome.value,
        )
        # No retry or failover lands in the recipient's quiet hours either.
        quiet = claim.recipient.policy(self.policy).quiet_hours
        later: dict[str, Any] | None = None
        if step.outcome is AttemptOutcome.RETRY and step.retry_at is not None:
            later = {
                "status": MessageStatus.DEFERRED,
                "next_attempt_at": quiet.defer(step.retry_at),
                "retries_on_channel": message.retries_on_channel + 1,
            }
        elif step.outcome is AttemptOutcome.FAILOVER and step.channel is not None:
            later = {
                "status": MessageStatus.PENDING,
                "next_attempt_at": quiet.defer(now),
                "retries_on_channel": 0,
                "channel": step.channel.value,
            }
        if later is None:
            await self.finish(repos, message, now, MessageStatus.FAILED, reason, stage=True)
        else:
            await repos.messages.change(message.id, reason_code=reason, updated_at=now, **later)
        return step.outcome

    async def _publish(
        self, repos: Repositories, event: NotificationSent | NotificationFailed, now: datetime
    ) -> None:
        """Stage an outcome event in the outbox, in the outcome's transaction."""
        await add_events(
            repos.session, [Envelope(event, source=self.source, time=now)], clock=self.clock
        )

    async def finish(
        self,
        repos: Repositories,
        message: OutgoingMessage,
        now: datetime,
        status: MessageStatus,
        reason: str,
        *,
        stage: bool,
    ) -> None:
        """End a message (failed or cancelled); with `stage`, tell that the citizen was not
        reached (`NotificationFailed`, the citizen's messages only)."""
        await repos.messages.change(
            message.id, status=status, reason_code=reason, next_attempt_at=None, updated_at=now
        )
        if not stage or message.recipient != RecipientKind.CITIZEN.value:
            return
        tried = [MessageChannel(c) for c in message.channels_tried] or (
            [MessageChannel(message.channel)] if message.channel else [MessageChannel.POST]
        )
        failed = NotificationFailed(
            case_id=message.case_id,
            notification_id=message.id,
            channels_tried=tried,
            reason_code=reason,
            failed_at=now,
        )
        await self._publish(repos, failed, now)
        log.warning(
            "notify.citizen_not_reached",
            case_id=message.case_id,
            message_id=message.id,
            reason_code=reason,
        )
