"""The two small interfaces the service layer sends through, with in-memory fakes for unit tests.

Real implementations: `adapters.smtp.SmtpEmailSender` and `adapters.sms_gateway.HttpSmsGateway`.
Both take an idempotency key: resending with the same key must not reach the citizen twice
(the SMS gateway deduplicates on it; the mail's Message-ID is derived from it so a receiving
system can deduplicate too).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from voorportaal_notify.domain.delivery import DeliveryError
from voorportaal_notify.domain.render import Message


@dataclass(frozen=True)
class EmailReceipt:
    """The mail server took the message."""

    message_id: str
    """The Message-ID header sent (derived from the idempotency key)."""


@dataclass(frozen=True)
class SmsReceipt:
    """The SMS gateway took the message."""

    message_id: str
    """The gateway's id for the message."""
    duplicate: bool = False
    """The gateway had already accepted this idempotency key (nothing new was sent)."""


class EmailSender(Protocol):
    """Sends one e-mail; raises `TransientDeliveryError` or `PermanentDeliveryError`."""

    async def send(self, *, to: str, message: Message, idempotency_key: str) -> EmailReceipt:
        """Hand the message's subject, text and HTML to the mail server."""
        ...


class SmsGateway(Protocol):
    """Sends one SMS; raises `TransientDeliveryError` or `PermanentDeliveryError`."""

    async def send(self, *, to: str, text: str, reference: str, idempotency_key: str) -> SmsReceipt:
        """Hand the text to the gateway for the number `to` (E.164)."""
        ...


@dataclass
class FakeEmailSender:
    """Keeps sent mail in memory; `failures` are raised first, one per call."""

    sent: list[tuple[str, Message, str]] = field(default_factory=list)
    failures: list[DeliveryError] = field(default_factory=list)

    async def send(self, *, to: str, message: Message, idempotency_key: str) -> EmailReceipt:
        """Record the message, or raise the next queued failure."""
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((to, message, idempotency_key))
        return EmailReceipt(message_id=f"<{idempotency_key}@fake>")


@dataclass
class FakeSmsGateway:
    """Keeps sent SMS in memory, deduplicating on the idempotency key like a real gateway."""

    sent: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    failures: list[DeliveryError] = field(default_factory=list)

    async def send(self, *, to: str, text: str, reference: str, idempotency_key: str) -> SmsReceipt:
        """Record the SMS once per key, or raise the next queued failure."""
        if self.failures:
            raise self.failures.pop(0)
        duplicate = idempotency_key in self.sent
        self.sent.setdefault(idempotency_key, (to, text, reference))
        return SmsReceipt(message_id=f"fake-{idempotency_key}", duplicate=duplicate)

    def __iter__(self) -> Iterator[tuple[str, str, str]]:
        return iter(self.sent.values())
