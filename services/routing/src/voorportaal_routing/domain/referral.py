"""Routing's entities: a case as routing knows it, and a referral with its lifecycle state.

Plain dataclasses, no IO: the repositories in `adapters/repositories.py` load and store them.
A referral's `state` only changes through `domain/lifecycle.py`'s transition table
(`Referral.apply`), so no status is ever set by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from voorportaal_contracts.types import ReferralMode, SharingScope
from voorportaal_routing.domain.consent import HANDED_ON
from voorportaal_routing.domain.lifecycle import (
    ActorKind,
    ReferralAction,
    ReferralState,
    transition,
)
from voorportaal_routing.domain.rules import IntakeFacts
from voorportaal_routing.domain.sla import SlaClock, next_sla_check, sla_clock


@dataclass(slots=True)
class Case:
    """A case as routing keeps it: the intake's facts (no personal details) and its buddy."""

    case_id: str
    revision: int
    intake_id: str | None
    facts: dict[str, Any]
    """`IntakeFacts` in their JSON form (as the handover reads them)."""
    language: str | None
    channels: list[str]
    buddy_recommended: bool
    buddy_name: str | None
    awaiting_confirmation: bool
    anonymised_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def intake_facts(self) -> IntakeFacts:
        """The facts as the routing rules read them."""
        return IntakeFacts.model_validate(self.facts)


@dataclass(slots=True)
class Referral:
    """One referral of a case to one agency's service."""

    id: str
    case_id: str
    service_id: str
    agency_code: str
    state: ReferralState
    mode: ReferralMode
    urgent: bool
    rule_ids: list[str]
    reasons: list[dict[str, str]]
    """`rule`, `nl`, `en` per rule (the stored form of the plan's reasons)."""
    needs: list[str]
    waits_on: str | None
    response_norm_working_days: int
    reminder_lead_working_days: int
    expiry_working_days: int
    created_at: datetime
    updated_at: datetime
    issued_at: datetime | None = None
    remind_at: datetime | None = None
    due_at: datetime | None = None
    expires_at: datetime | None = None
    next_check_at: datetime | None = None
    sla_done: list[str] = field(default_factory=list)
    stall_reported: str | None = None
    decline_reason: str | None = None
    outcome: str | None = None
    manual_by: str | None = None
    shared_scopes: list[str] | None = field(default_factory=list)
    """What the agency holds from the last offer (None: stored before this was kept)."""

    @property
    def went_out(self) -> bool:
        """Whether the agency was sent this referral (a self-contact referral never is)."""
        return self.mode != ReferralMode.SELF_CONTACT and self.issued_at is not None

    @property
    def held_scopes(self) -> frozenset[SharingScope]:
        """What the agency holds from this referral's offers (referrals from before
        `shared_scopes` was kept: a warm handover held the story and who the citizen is)."""
        if self.shared_scopes is None:
            return HANDED_ON if self.mode == ReferralMode.WARM_HANDOVER else frozenset()
        return frozenset(SharingScope(s) for s in self.shared_scopes)

    def apply(self, action: ReferralAction, actor: ActorKind, **details: Any) -> ReferralState:
        """The state after `action` by `actor` (the transition table decides; it raises
        `InvalidTransition` and changes nothing when the step is not allowed)."""
        self.state = transition(self.state, action, actor, **details)
        return self.state

    def clock(self) -> SlaClock:
        """The SLA clock since the referral was issued."""
        assert self.issued_at is not None
        return sla_clock(
            self.issued_at,
            self.response_norm_working_days,
            self.reminder_lead_working_days,
            self.expiry_working_days,
        )

    def start_clock(self, now: datetime) -> None:
        """Issued at `now`: the agency's clock starts (a self-contact referral has none)."""
        if self.mode == ReferralMode.SELF_CONTACT:
            self.issued_at = now  # the citizen gets in touch: no agency clock runs
            return
        (
            self.issued_at,
            self.remind_at,
            self.due_at,
            self.expires_at,
            self.next_check_at,
        ) = _sla_fields(
            now,
            self.response_norm_working_days,
            self.reminder_lead_working_days,
            self.expiry_working_days,
        )


@lru_cache(maxsize=64)
def _sla_fields(
    now: datetime, norm: int, lead: int, expiry: int
) -> tuple[datetime, datetime | None, datetime | None, datetime | None, datetime | None]:
    """A referral's clock fields when issued at `now`.

    Remembered for bench/routing.py: a batch of intakes issues its referrals at one `now` with
    a handful of norms, and the working-day arithmetic is the costliest part of issuing one."""
    clock = sla_clock(now, norm, lead, expiry)
    return (now, clock.remind_at, clock.due_at, clock.expires_at, next_sla_check(clock, now))


@dataclass(frozen=True, slots=True)
class Step:
    """One step in a referral's history: from which state to which, by whom, when, why."""

    referral_id: str
    from_state: str
    to_state: str
    action: str
    actor: str
    by: str
    note: str | None
    at: datetime
