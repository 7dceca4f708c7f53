"""What notify keeps of the news it owes a household: updates queued from events, the messages
that carry them (one per recipient and bundle) and each attempt to hand one to a provider.

A message's status, and which ones may still be sent:

    pending ─claim─▶ sending ─▶ sent
       ▲               │ ├────▶ deferred (a retry later) ─claim─▶ sending …
       │               │ ├────▶ pending on the next channel (failover)
       │               │ └────▶ failed
    held (no confirmed address) ◀── pending/deferred
    skipped (no channel when planned) · cancelled (erased, no mandate, no channel)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from voorportaal_contracts.citizen_links import LinkPage
from voorportaal_notify.domain.policy import Priority


class MessageStatus(StrEnum):
    """Where a message stands."""

    PENDING = "pending"
    DEFERRED = "deferred"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"
    HELD = "held"


OPEN_STATUSES = (MessageStatus.PENDING, MessageStatus.DEFERRED, MessageStatus.SENDING)
"""A message in one of these may still be sent."""


@dataclass(frozen=True)
class QueuedUpdate:
    """One piece of news for a case's household, from one event and one rule (safe fields
    only); `message_id`/`copy_message_id` name the message that carries it, once planned."""

    id: str
    case_id: str
    event_id: str
    event_type: str
    template_id: str
    fields: dict[str, Any]
    priority: Priority
    ignore_quiet_hours: bool
    action_required: bool
    link_page: LinkPage
    copy_wanted: bool
    """The rule allows a representative's copy (and one is still to be made)."""
    created_at: datetime
    message_id: str | None = None
    copy_message_id: str | None = None


@dataclass(frozen=True)
class OutgoingMessage:
    """One message to one recipient of a case, carrying one or more updates."""

    id: str
    case_id: str
    recipient: str
    """`citizen` or `representative`."""
    idempotency_key: str
    update_ids: tuple[str, ...]
    template_id: str
    updates: int
    action_required: bool
    link_page: LinkPage
    status: MessageStatus
    channel: str | None
    channels_tried: tuple[str, ...]
    attempts: int
    retries_on_channel: int
    next_attempt_at: datetime | None
    created_at: datetime
    updated_at: datetime
    language: str | None = None
    """The language rendered (fixed at the first attempt, so a resend is the same text)."""
    provider_message_id: str | None = None
    reason_code: str | None = None
    sent_at: datetime | None = None
    holder: str | None = None
    """A representative's copy: the mandate its link acts under."""


@dataclass(frozen=True)
class AttemptRecord:
    """One try to hand a message to the mail server or the SMS gateway."""

    message_id: str
    attempt: int
    channel: str
    outcome: str
    """`sending` until it ends; then `sent`, `interrupted` or the error's class."""
    started_at: datetime
    reason_code: str | None = None
    provider_message_id: str | None = None
    finished_at: datetime | None = None


@dataclass(frozen=True)
class Delivery:
    """A message of a case with its attempts, as staff see it (no addresses)."""

    message: OutgoingMessage
    attempts: list[AttemptRecord]
