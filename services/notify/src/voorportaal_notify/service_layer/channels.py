"""Handing a claimed message to its channel's provider: SMTP with a Message-ID derived from the
idempotency key; the SMS gateway with the key in its `Idempotency-Key` header (it answers a
repeated key with the first message's id, so the citizen gets one SMS)."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from voorportaal_contracts.types import MessageChannel
from voorportaal_notify.adapters.senders import EmailSender, SmsGateway
from voorportaal_notify.domain.render import Message
from voorportaal_notify.service_layer.outcomes import Claim

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Channels:
    """The e-mail sender and the SMS gateway; raises what the provider raised."""

    email: EmailSender
    sms: SmsGateway

    async def hand_over(self, claim: Claim) -> str:
        """Send the claimed message on its channel; returns the provider's message id."""
        address = claim.recipient.prefs.address(claim.channel)
        if address is None:  # `claiming.channel_for` only picks channels with an address
            raise ValueError(f"no address for channel {claim.channel.value}")
        return await self.send(
            claim.channel, address, claim.rendered, claim.message_id, claim.idempotency_key
        )

    async def send(
        self,
        channel: MessageChannel,
        address: str,
        message: Message,
        reference: str,
        idempotency_key: str,
    ) -> str:
        """Hand `message` to the provider of `channel`; returns the provider's message id."""
        if channel is MessageChannel.EMAIL:
            mail = await self.email.send(
                to=address, message=message, idempotency_key=idempotency_key
            )
            return mail.message_id
        sms = await self.sms.send(
            to=address, text=message.sms, reference=reference, idempotency_key=idempotency_key
        )
        if sms.duplicate:
            log.info("notify.sms_already_accepted", message_id=reference)
        return sms.message_id
