"""The referral state machine: every (state, action) pair, who may act, and what it needs."""

from __future__ import annotations

from itertools import product
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voorportaal_contracts.types import DeclineReason, ReferralResponseKind
from voorportaal_routing.domain.lifecycle import (
    ACTION_FOR_RESPONSE,
    ALLOWED,
    FINAL_STATES,
    OPEN_STATES,
    PLANNED_STATES,
    ActorKind,
    InvalidTransition,
    ReferralAction,
    ReferralState,
    transition,
)

S, A = ReferralState, ReferralAction
AGENCY, VOORPORTAAL, SYSTEM = ActorKind.AGENCY, ActorKind.VOORPORTAAL, ActorKind.SYSTEM

# Written out by hand from the issue, independently of the table in the code.
EXPECTED: dict[tuple[ReferralState, ReferralAction], tuple[ReferralState, ActorKind]] = {
    (S.ISSUED, A.RECEIVE): (S.RECEIVED, AGENCY),
    (S.ISSUED, A.ACCEPT): (S.ACCEPTED, AGENCY),
    (S.RECEIVED, A.ACCEPT): (S.ACCEPTED, AGENCY),
    (S.ISSUED, A.DECLINE): (S.DECLINED, AGENCY),
    (S.RECEIVED, A.DECLINE): (S.DECLINED, AGENCY),
    (S.ACCEPTED, A.START): (S.IN_PROGRESS, AGENCY),
    (S.ACCEPTED, A.COMPLETE): (S.COMPLETED, AGENCY),
    (S.IN_PROGRESS, A.COMPLETE): (S.COMPLETED, AGENCY),
    (S.ACCEPTED, A.RETURN): (S.RETURNED, AGENCY),
    (S.IN_PROGRESS, A.RETURN): (S.RETURNED, AGENCY),
    (S.ISSUED, A.WITHDRAW): (S.WITHDRAWN, VOORPORTAAL),
    (S.RECEIVED, A.WITHDRAW): (S.WITHDRAWN, VOORPORTAAL),
    (S.ACCEPTED, A.WITHDRAW): (S.WITHDRAWN, VOORPORTAAL),
    (S.IN_PROGRESS, A.WITHDRAW): (S.WITHDRAWN, VOORPORTAAL),
    (S.ISSUED, A.EXPIRE): (S.EXPIRED, SYSTEM),
    (S.RECEIVED, A.EXPIRE): (S.EXPIRED, SYSTEM),
    # Planned, not sent yet: the citizen's confirmation and the estafette move them.
    (S.UNCONFIRMED, A.CONFIRM): (S.ISSUED, VOORPORTAAL),
    (S.UNCONFIRMED, A.HOLD): (S.HELD, VOORPORTAAL),
    (S.HELD, A.RELEASE): (S.ISSUED, VOORPORTAAL),
    (S.UNCONFIRMED, A.WITHDRAW): (S.WITHDRAWN, VOORPORTAAL),
    (S.HELD, A.WITHDRAW): (S.WITHDRAWN, VOORPORTAAL),
}

DETAILS: dict[ReferralAction, dict[str, Any]] = {
    A.DECLINE: {"reason": DeclineReason.REFERRED_ELSEWHERE},
    A.COMPLETE: {"outcome": "WW granted from 1 March"},
}

ALL_PAIRS = list(product(ReferralState, ReferralAction))


def test_final_states_are_the_five_endings() -> None:
    assert {S.DECLINED, S.COMPLETED, S.RETURNED, S.WITHDRAWN, S.EXPIRED} == FINAL_STATES


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS)
def test_every_state_and_action_pair(state: ReferralState, action: ReferralAction) -> None:
    details = DETAILS.get(action, {})
    expected = EXPECTED.get((state, action))
    if expected is None:
        for actor in ActorKind:
            with pytest.raises(InvalidTransition) as refused:
                transition(state, action, actor, **details)
            assert refused.value.state is state
            assert f"cannot {action.value} a referral that is {state.value}" in str(refused.value)
        assert action not in ALLOWED[state]
        return
    target, actor = expected
    assert transition(state, action, actor, **details) is target
    assert action in ALLOWED[state]
    for other in set(ActorKind) - {actor}:
        with pytest.raises(InvalidTransition, match=f"only the {actor.value} may"):
            transition(state, action, other, **details)


def test_planned_referrals_are_neither_open_nor_final_and_the_agency_cannot_move_them() -> None:
    assert {S.UNCONFIRMED, S.HELD} == PLANNED_STATES
    assert not PLANNED_STATES & (OPEN_STATES | FINAL_STATES)
    assert {S.ISSUED, S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS} == OPEN_STATES
    for state, action in product(PLANNED_STATES, ReferralAction):
        with pytest.raises(InvalidTransition):
            transition(state, action, AGENCY, **DETAILS.get(action, {}))
    with pytest.raises(InvalidTransition, match="from held only release, withdraw is possible"):
        transition(S.HELD, A.ACCEPT, AGENCY)


def test_refusals_say_what_is_possible_instead() -> None:
    with pytest.raises(InvalidTransition, match="from accepted only complete, return, start"):
        transition(S.ACCEPTED, A.ACCEPT, AGENCY)
    with pytest.raises(InvalidTransition, match="completed is final"):
        transition(S.COMPLETED, A.WITHDRAW, VOORPORTAAL)


def test_decline_needs_one_of_the_fixed_reasons() -> None:
    with pytest.raises(InvalidTransition, match="missing reason"):
        transition(S.ISSUED, A.DECLINE, AGENCY)
    with pytest.raises(InvalidTransition, match="is not one of not_our_task"):
        transition(S.ISSUED, A.DECLINE, AGENCY, reason="too busy")
    for reason in DeclineReason:
        assert transition(S.RECEIVED, A.DECLINE, AGENCY, reason=reason.value) is S.DECLINED
    assert (
        transition(S.ISSUED, A.DECLINE, AGENCY, reason="no_capacity", note="full until May")
        is S.DECLINED
    )


@pytest.mark.parametrize("outcome", [None, "", "   ", 42, "x" * 2001])
def test_complete_needs_an_outcome_in_words(outcome: object) -> None:
    details = {} if outcome is None else {"outcome": outcome}
    with pytest.raises(InvalidTransition):
        transition(S.IN_PROGRESS, A.COMPLETE, AGENCY, **details)


def test_details_an_action_does_not_take_are_refused() -> None:
    with pytest.raises(InvalidTransition, match="unexpected outcome"):
        transition(S.ISSUED, A.ACCEPT, AGENCY, outcome="yes")
    with pytest.raises(InvalidTransition, match="unexpected reason"):
        transition(S.ACCEPTED, A.COMPLETE, AGENCY, outcome="done", reason="not_our_task")


def test_values_outside_the_enums_are_bad_input_not_transitions() -> None:
    with pytest.raises(ValueError, match="is not a valid ReferralAction"):
        transition("issued", "teleport", "agency")
    with pytest.raises(ValueError, match="is not a valid ActorKind"):
        transition("issued", "accept", "citizen")
    assert transition("issued", "accept", "agency") is S.ACCEPTED


def test_every_agency_response_maps_to_an_action_it_may_take() -> None:
    assert set(ACTION_FOR_RESPONSE) == set(ReferralResponseKind)
    for kind, action in ACTION_FOR_RESPONSE.items():
        if action is None:
            assert kind is ReferralResponseKind.PROMISE_MADE
            continue
        assert any(actor is AGENCY for (_, a), (_, actor) in EXPECTED.items() if a is action)


@given(
    st.sampled_from([S.UNCONFIRMED, S.HELD, S.ISSUED]),
    st.lists(
        st.tuples(
            st.sampled_from(list(ReferralAction)),
            st.sampled_from(list(ActorKind)),
            st.booleans(),
        ),
        max_size=30,
    ),
)
def test_random_histories_stay_in_known_states_and_endings_are_stable(
    start: ReferralState, steps: list[tuple[ReferralAction, ActorKind, bool]]
) -> None:
    state = start
    for action, actor, with_details in steps:
        details = DETAILS.get(action, {}) if with_details else {}
        before = state
        try:
            state = transition(state, action, actor, **details)
        except InvalidTransition:
            assert state is before
            continue
        assert state in set(ReferralState)
        assert EXPECTED[(before, action)] == (state, actor)
        if before in FINAL_STATES:
            pytest.fail(f"left final state {before}")
        if state in PLANNED_STATES:
            assert before in PLANNED_STATES, f"{before} went back to planning"
    if state in FINAL_STATES:
        for action, actor in product(ReferralAction, ActorKind):
            with pytest.raises(InvalidTransition):
                transition(state, action, actor, **DETAILS.get(action, {}))
