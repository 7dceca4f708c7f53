"""The `Referral` entity: its state moves only through the lifecycle's transition table."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from voorportaal_contracts.types import ReferralMode
from voorportaal_routing.domain.lifecycle import (
    ActorKind,
    InvalidTransition,
    ReferralAction,
    ReferralState,
)
from voorportaal_routing.domain.referral import Referral

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def referral(state: ReferralState, mode: ReferralMode = ReferralMode.ANONYMOUS) -> Referral:
    return Referral(
        id="ref-1",
        case_id="vp-1",
        service_id="uwv_ww",
        agency_code="uwv",
        state=state,
        mode=mode,
        urgent=False,
        rule_ids=["ww"],
        reasons=[{"rule": "ww", "nl": "WW", "en": "WW"}],
        needs=[],
        waits_on="ref-0" if state is ReferralState.HELD else None,
        response_norm_working_days=5,
        reminder_lead_working_days=2,
        expiry_working_days=20,
        created_at=MONDAY,
        updated_at=MONDAY,
    )


def test_a_refused_step_leaves_the_referral_as_it_was() -> None:
    held = referral(ReferralState.HELD)
    with pytest.raises(InvalidTransition, match="from held only release, withdraw"):
        held.apply(ReferralAction.ACCEPT, ActorKind.AGENCY)
    assert held.state is ReferralState.HELD
    assert held.apply(ReferralAction.RELEASE, ActorKind.VOORPORTAAL) is ReferralState.ISSUED
    assert held.state is ReferralState.ISSUED


def test_a_planned_referral_goes_out_only_once_confirmed_or_released() -> None:
    unconfirmed = referral(ReferralState.UNCONFIRMED)
    with pytest.raises(InvalidTransition):
        unconfirmed.apply(ReferralAction.RELEASE, ActorKind.VOORPORTAAL)
    unconfirmed.apply(ReferralAction.HOLD, ActorKind.VOORPORTAAL)
    assert unconfirmed.state is ReferralState.HELD
    assert not unconfirmed.went_out


def test_issuing_starts_the_agency_clock_but_not_for_self_contact() -> None:
    sent = referral(ReferralState.ISSUED)
    sent.start_clock(MONDAY)
    assert sent.issued_at == MONDAY and sent.due_at is not None and sent.due_at > MONDAY
    assert sent.next_check_at is not None and sent.went_out
    own = referral(ReferralState.ISSUED, ReferralMode.SELF_CONTACT)
    own.start_clock(MONDAY)
    assert own.issued_at == MONDAY and own.due_at is None and own.next_check_at is None
    assert not own.went_out, "the citizen gets in touch: nothing goes to the agency"
