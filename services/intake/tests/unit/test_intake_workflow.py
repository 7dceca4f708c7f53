"""The intake lifecycle: every (status, action) pair, how a status is stored, random histories."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import product
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voorportaal_contracts.types import Channel, LifeEvent
from voorportaal_intake.domain.intake import Erased, Intake
from voorportaal_intake.domain.workflow import (
    REFUSALS,
    TRANSITIONS,
    IntakeAction,
    IntakeStatus,
    InvalidTransition,
    allows,
    transition,
)
from voorportaal_kit.errors import Conflict

S, A = IntakeStatus, IntakeAction
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

# Written out by hand from the use cases, independently of the table in the code.
EXPECTED: dict[tuple[IntakeStatus, IntakeAction], IntakeStatus] = {
    (S.OPEN, A.ANSWER): S.OPEN,
    (S.OPEN, A.SUBMIT): S.SUBMITTED,
    (S.OPEN, A.HOLD): S.HELD,
    (S.HELD, A.RELEASE): S.SUBMITTED,
    (S.HELD, A.AMEND): S.HELD,
    (S.SUBMITTED, A.AMEND): S.SUBMITTED,
}

ALL_PAIRS = list(product(IntakeStatus, IntakeAction))


def intake(status: IntakeStatus = S.OPEN) -> Intake:
    return Intake(
        id=uuid4(),
        case_id="vp-workflow",
        content_version="v1",
        life_events=[LifeEvent.DIVORCE],
        channel=Channel.WEB,
        started_by=None,
        started_by_role=None,
        answers={"divorce": {}},
        profile={},
        status=status,
        result=None,
        created_at=NOW,
        updated_at=NOW,
    )


@pytest.mark.parametrize(("status", "action"), ALL_PAIRS)
def test_every_status_and_action_pair(status: IntakeStatus, action: IntakeAction) -> None:
    expected = EXPECTED.get((status, action))
    if expected is None:
        with pytest.raises(InvalidTransition) as refused:
            transition(status, action)
        assert refused.value.status is status
        assert refused.value.reason == REFUSALS[action]
        assert not allows(status, action)
        return
    assert transition(status, action) is expected
    assert allows(status, action)


def test_the_table_has_a_row_for_every_status() -> None:
    assert set(TRANSITIONS) == set(IntakeStatus)


def test_a_refused_action_is_a_conflict_that_says_what_to_do_instead() -> None:
    with pytest.raises(Conflict, match="submitted already; amend it instead"):
        transition(S.HELD, A.ANSWER)
    with pytest.raises(Conflict, match="Only a submitted intake can be amended"):
        transition(S.OPEN, A.AMEND)


def test_values_outside_the_enums_are_bad_input_not_transitions() -> None:
    with pytest.raises(ValueError, match="is not a valid IntakeAction"):
        transition("open", "teleport")
    with pytest.raises(ValueError, match="is not a valid IntakeStatus"):
        transition("archived", "answer")
    assert transition("open", "submit") is S.SUBMITTED


@pytest.mark.parametrize("status", list(IntakeStatus))
def test_a_status_is_stored_as_the_api_always_showed_it(status: IntakeStatus) -> None:
    shown = {
        S.OPEN: ("open", False),
        S.HELD: ("submitted", True),
        S.SUBMITTED: ("submitted", False),
    }
    assert (status.shown, status.awaiting_confirmation) == shown[status]
    assert IntakeStatus.stored(*shown[status]) is status


def test_an_intake_moves_only_through_the_table() -> None:
    found = intake()
    found.move(A.HOLD)
    assert found.status is S.HELD and found.awaiting_confirmation
    with pytest.raises(InvalidTransition):
        found.move(A.SUBMIT)
    assert found.status is S.HELD
    found.move(A.RELEASE)
    assert found.status is S.SUBMITTED and not found.awaiting_confirmation


def test_an_erased_intake_refuses_changes_in_any_status() -> None:
    for status in IntakeStatus:
        found = intake(status)
        found.ensure_not_erased()
        found.erased_at = NOW
        with pytest.raises(Erased):
            found.ensure_not_erased()


@given(st.lists(st.sampled_from(list(IntakeAction)), max_size=30))
def test_random_histories_never_reopen_and_are_held_only_until_released(
    actions: list[IntakeAction],
) -> None:
    found = intake()
    left_open = False
    for action in actions:
        before = found.status
        try:
            found.move(action)
        except InvalidTransition:
            assert found.status is before
            continue
        assert EXPECTED[(before, action)] is found.status
        if left_open:
            assert found.status is not S.OPEN, "a submitted intake opened again"
        left_open = left_open or found.status is not S.OPEN
        if before is S.SUBMITTED:
            assert found.status is S.SUBMITTED, "a released intake was held again"
        if found.status is S.HELD:
            assert before in (S.OPEN, S.HELD)
