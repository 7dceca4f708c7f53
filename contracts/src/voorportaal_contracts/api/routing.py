"""Routing's HTTP answers: a case's referrals with their history, a directory change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_serializer


class ReasonOut(BaseModel):
    """Why a referral was made: the rule and its text (Dutch and English)."""

    rule: str = Field(description="The routing rule's id, or `manual` for a referral by hand.")
    nl: str
    en: str


class TransitionOut(BaseModel):
    """One step in a referral's history."""

    from_state: str
    to_state: str
    action: str
    actor: str = Field(description="agency, voorportaal or system")
    by: str
    note: str | None
    at: datetime


class ReferralOut(BaseModel):
    """A referral as staff, the agency and the citizen see it."""

    id: str
    case_id: str
    service_id: str
    agency_code: str
    state: str = Field(
        description="unconfirmed or held (planned, not sent yet), issued, received, accepted, "
        "in_progress, completed, declined, returned, withdrawn or expired"
    )
    mode: str = Field(description="warm_handover, anonymous or self_contact")
    urgent: bool
    reasons: list[ReasonOut]
    needs: list[str]
    waits_on: str | None = Field(description="The referral this one waits on (estafette).")
    issued_at: datetime | None
    remind_at: datetime | None
    due_at: datetime | None
    expires_at: datetime | None
    overdue: bool
    decline_reason: str | None
    outcome: str | None
    manual_by: str | None
    history: list[TransitionOut] = Field(default_factory=list)


class ServiceChangeOut(BaseModel):
    """One recorded change of a service's referral settings: what, who, when and why."""

    changes: dict[str, Any] = Field(description="The settings set, by field name.")
    note: str
    changed_by: str
    role: str
    changed_at: datetime

    @field_serializer("changed_at", when_used="json")
    def _offset_form(self, changed_at: datetime) -> str:
        """`+00:00`, as this answer has always written the moment (not `Z`)."""
        return changed_at.isoformat()
