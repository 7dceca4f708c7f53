"""Claiming: the intention to send, committed before the provider is called.

In its own transaction the worker claims a due message with a compare-and-set on (status,
attempts), marks it `sending`, sets `next_attempt_at` to now + `send_lease_s`, and records a
`delivery_attempts` row, then commits. The text is rendered here, deterministically for a message
(the language is fixed at the first attempt, the link's expiry derives from the message's
creation time), so a resend is the same request. A message whose recipient can no longer be
reached as planned is stopped instead: `held` (the citizen's address lost its confirmation),
`cancelled` (no mandate for a copy, no channel) or `failed` (it cannot be rendered).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.citizen_links import citizen_link, sign_link_token
from voorportaal_contracts.types import MessageChannel
from voorportaal_kit.clock import Clock
from voorportaal_notify.adapters.repositories import Repositories
from voorportaal_notify.domain.contacts import ContactPoints
from voorportaal_notify.domain.delivery import failover_channel
from voorportaal_notify.domain.messages import OPEN_STATUSES, MessageStatus, OutgoingMessage
from voorportaal_notify.domain.recipients import (
    Recipient,
    RecipientKind,
    held_for_confirmation,
    recipient_of,
)
from voorportaal_notify.domain.render import Message, Renderer, RenderError
from voorportaal_notify.service_layer.mandates import Mandates
from voorportaal_notify.service_layer.outcomes import Claim, Outcomes

log = structlog.get_logger(__name__)


def channel_for(message: OutgoingMessage, recipient: Recipient | None) -> MessageChannel | None:
    """The channel to try: the planned one while it has an address, else the next allowed."""
    if recipient is None:
        return None
    current = MessageChannel(message.channel) if message.channel else None
    if current is not None and recipient.prefs.address(current):
        return current
    # The preferences changed since the message was planned: the next allowed channel.
    return failover_channel(recipient.prefs, [MessageChannel(c) for c in message.channels_tried])


@dataclass(frozen=True)
class LinkedRendering:
    """Renders a message with the recipient's personal link (a representative's names their
    mandate, never the citizen's own link)."""

    renderer: Renderer
    link_key: bytes
    link_base_url: str
    link_ttl: timedelta

    async def render(
        self, repos: Repositories, message: OutgoingMessage, recipient: Recipient
    ) -> Message:
        """The message's text in the recipient's (or its first attempt's) language."""
        contents = await repos.updates.contents(message.update_ids)
        if not contents:
            raise RenderError("the message's updates are gone")
        holder = None
        if recipient.kind is RecipientKind.REPRESENTATIVE:
            holder = message.holder
            if holder is None:
                raise RenderError("a representative's copy needs their mandate's link")
        # The expiry derives from the message, not the attempt: a resend is the same text.
        token = sign_link_token(
            self.link_key,
            case_id=message.case_id,
            page=message.link_page,
            expires_at=message.created_at.replace(microsecond=0) + self.link_ttl,
            holder=holder,
        )
        context = {
            "link": citizen_link(self.link_base_url, token),
            "recipient": recipient.kind.value,
        }
        language = message.language or recipient.language
        return self.renderer.render_updates(language, context, contents)


@dataclass(frozen=True)
class Claims:
    """Claims due messages for one attempt each."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    send_lease: timedelta
    """How long a claim holds before another worker may resend."""
    rendering: LinkedRendering
    mandates: Mandates
    outcomes: Outcomes

    async def claim(self, message_id: str) -> Claim | None:
        """Claim, render and record the attempt (committed); None when the message is not due,
        was stopped, or another worker has it."""
        now = self.clock.now()
        async with self.sessions.begin() as session:
            repos = Repositories(session)
            message = await repos.messages.get(message_id)
            if message is None or message.status not in OPEN_STATUSES:
                return None
            if message.next_attempt_at is None or message.next_attempt_at > now:
                return None
            contact = await repos.contacts.get(message.case_id)
            recipient = recipient_of(contact, message.recipient) if contact else None
            channel = channel_for(message, recipient)
            if recipient is None or channel is None or contact is None:
                await self._stop(repos, message, contact, recipient, now)
                return None
            if await self._mandate_ended(repos, message, recipient, now):
                return None
            try:
                rendered = await self.rendering.render(repos, message, recipient)
            except RenderError:
                # No traceback: the context it quotes holds the personal link, a credential.
                log.error(  # noqa: TRY400
                    "notify.render_failed", case_id=message.case_id, message_id=message_id
                )
                await self.outcomes.finish(
                    repos, message, now, MessageStatus.FAILED, "render_error", stage=True
                )
                return None
            if not await self._attempt(repos, message, channel, rendered.language, now):
                return None
        return Claim(
            message.id,
            message.case_id,
            recipient,
            channel,
            message.attempts + 1,
            message.idempotency_key,
            rendered,
            message.holder,
        )

    async def _stop(
        self,
        repos: Repositories,
        message: OutgoingMessage,
        contact: ContactPoints | None,
        recipient: Recipient | None,
        now: datetime,
    ) -> None:
        """No channel to try: held while the citizen's address awaits confirmation, else
        cancelled (checked after the mandate of a copy, as it always was)."""
        if (
            contact is not None
            and recipient is not None
            and recipient.kind is RecipientKind.CITIZEN
            and held_for_confirmation(contact)
        ):
            # The address lost its confirmation before the message went out: the message
            # is held until a channel is confirmed again (`save_contact` releases it).
            await repos.messages.change(
                message.id,
                status=MessageStatus.HELD,
                reason_code="unconfirmed",
                next_attempt_at=None,
                updated_at=now,
            )
            return
        if recipient is not None and await self._mandate_ended(repos, message, recipient, now):
            return
        await self.outcomes.finish(
            repos, message, now, MessageStatus.CANCELLED, "no_channel", stage=False
        )

    async def _mandate_ended(
        self, repos: Repositories, message: OutgoingMessage, recipient: Recipient, now: datetime
    ) -> bool:
        """A copy whose mandate ended (or changed) since it was planned is cancelled: its link
        would open nothing, and the citizen's link never goes to a copy."""
        if recipient.kind is not RecipientKind.REPRESENTATIVE:
            return False
        mandate = await self.mandates.current(
            repos.session, message.case_id, recipient.relation, now
        )
        if message.holder is not None and mandate == message.holder:
            return False
        await self.outcomes.finish(
            repos, message, now, MessageStatus.CANCELLED, "no_mandate", stage=False
        )
        return True

    async def _attempt(
        self,
        repos: Repositories,
        message: OutgoingMessage,
        channel: MessageChannel,
        language: str,
        now: datetime,
    ) -> bool:
        """Compare-and-set the message to `sending` and record the attempt; False when another
        worker claimed it first."""
        attempt = message.attempts + 1
        tried = list(message.channels_tried)
        if channel.value not in tried:
            tried.append(channel.value)
        claimed = await repos.messages.claim(
            message,
            status=MessageStatus.SENDING,
            attempts=attempt,
            channel=channel.value,
            channels_tried=tried,
            language=language,
            next_attempt_at=now + self.send_lease,
            updated_at=now,
        )
        if not claimed:
            return False
        if message.status is MessageStatus.SENDING:
            # The previous attempt never recorded an outcome (the process died mid-send).
            await repos.attempts.interrupted(message.id, now)
            log.warning("notify.resend_after_interruption", message_id=message.id)
        await repos.attempts.start(message.id, attempt, channel.value, now)
        return True
