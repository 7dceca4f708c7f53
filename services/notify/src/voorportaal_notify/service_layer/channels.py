"""Handing a claimed message to its channel's provider: SMTP with a Message-ID derived from the
idempotency key; the SMS gateway with the key in its `Idempotency-Key` header (it answers a
repeated key with the first message's id, so the citizen gets one SMS)."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from voorportaal_contracts.types import MessageChannel
from voorportaal_notify.adapters.senders import EmailSender, SmsGateway
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
        if claim.channel is MessageChannel.EMAIL:
            return await self._send_email(claim, address)
        return await self._send_sms(claim, address)

    async def _send_email(self, claim: Claim, address: str) -> str:
        mail = await self.email.send(
            to=address, message=claim.rendered, idempotency_key=claim.idempotency_key
        )
        return mail.message_id

    async def _send_sms(self, claim: Claim, address: str) -> str:
        sms = await self.sms.send(
            to=address,
            text=claim.rendered.sms,
            reference=claim.message_id,
            idempotency_key=claim.idempotency_key,
        )
        if sms.duplicate:
            log.info("notify.sms_already_accepted", message_id=claim.message_id)
        return sms.message_id
