"""Notify's HTTP answers: the contact-load meter, a case's deliveries and how its citizen is
reached (addresses masked). Fields are added, never renamed or removed, without a new version."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class RepresentativeOut(BaseModel):
    """The representative, without name or addresses."""

    relation: str | None
    receives_copies: bool


class PreferencesOut(BaseModel):
    """How a citizen is reached; addresses masked."""

    case_id: str
    channels: list[str]
    language: str
    email: str | None
    phone: str | None
    quiet_from: str | None
    quiet_until: str | None
    representative: RepresentativeOut | None
    changed_by: str
    updated_at: datetime
    verified: list[str] = Field(
        description="Channels whose address is confirmed; nothing but a code goes to the others."
    )


class ContactLoadOut(BaseModel):
    """The contact-load meter of one case."""

    case_id: str
    messages_24h: int
    messages_7d: int
    updates_7d: int
    actions_7d: int
    messages_30d: int
    level: str
    deferred: int = 0
    """Messages to the citizen notify holds back right now (quiet hours, bundling, a retry)."""
    deferred_until: datetime | None = None
    """When the first held-back message goes out."""


class AttemptOut(BaseModel):
    """One try to hand a message to the mail server or SMS gateway."""

    attempt: int
    channel: str
    outcome: str
    reason_code: str | None
    started_at: datetime
    finished_at: datetime | None


class DeliveryOut(BaseModel):
    """One message of a case and how its delivery went."""

    id: str
    recipient: str
    template_id: str
    updates: int
    language: str | None
    status: str
    channel: str | None
    channels_tried: list[str]
    attempts: list[AttemptOut]
    reason_code: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    sent_at: datetime | None
