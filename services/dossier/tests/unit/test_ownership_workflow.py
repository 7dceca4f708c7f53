"""The buddy system's state machine: every transition, who may take it, and the events."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from typing import Any

import pytest
from dossier_factories import CASE, at, principal
from hypothesis import given
from hypothesis import strategies as st

from voorportaal_dossier.domain import ownership as own
from voorportaal_dossier.domain.errors import (
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    OwnershipConflict,
)
from voorportaal_dossier.domain.ownership import (
    TRANSITIONS,
    Ownership,
    OwnershipAction,
    OwnershipStatus,
    StaffMember,
)

St = OwnershipStatus
ANNA = principal("cm-anna", "casemanager", name="Anna de Vries")
BRAM = principal("cm-bram", "casemanager", name="Bram Jansen")
CEES = principal("cm-cees", "casemanager", name="Cees")
SUPERVISOR = principal("sv-1", "supervisor", name="Sanne")
AGENCY = principal("uwv-1", "agency:uwv")
BRAM_STAFF = StaffMember("cm-bram", "Bram Jansen", "team-zuid")
ANNA_STAFF = StaffMember("cm-anna", "Anna de Vries", "team-noord")


def state(status: OwnershipStatus) -> Ownership:
    """A case in `status`, owned by Anna where the status implies an owner."""
    if status in {St.OWNED, St.HANDOVER_REQUESTED}:
        pending = (
            own.PendingHandover(BRAM_STAFF, "Let op de huurachterstand", at(1))
            if status is St.HANDOVER_REQUESTED
            else None
        )
        return Ownership(CASE, status, ANNA_STAFF, at(0), pending)
    return Ownership(CASE, status)


def test_claiming_a_recommended_case_makes_the_claimant_the_owner() -> None:
    result = own.claim(state(St.RECOMMENDED), ANNA, team="team-noord", at=at(5))
    assert result.state.status is St.OWNED
    assert result.state.owner == ANNA_STAFF
    assert result.events == (
        own.BuddyAssigned(
            case_id=CASE,
            casemanager_id="cm-anna",
            casemanager_name="Anna de Vries",
            team="team-noord",
            assigned_at=at(5),
        ),
    )


def test_of_two_claims_on_the_same_case_one_wins_the_other_gets_409() -> None:
    read_by_both = state(St.RECOMMENDED)
    first = own.claim(read_by_both, ANNA, team="team-noord", at=at(5))
    # The service layer re-reads after losing the optimistic lock: the case is owned now.
    with pytest.raises(OwnershipConflict):
        own.claim(first.state, BRAM, team="team-zuid", at=at(5))
    assert first.state.owner is not None
    assert first.state.owner.id == "cm-anna"


def test_the_owner_claiming_again_is_a_harmless_retry() -> None:
    owned = state(St.OWNED)
    assert own.claim(owned, ANNA, team="team-noord", at=at(9)) == own.Transition(owned)


def test_a_claim_during_a_pending_handover_gets_409() -> None:
    with pytest.raises(OwnershipConflict):
        own.claim(state(St.HANDOVER_REQUESTED), CEES, team=None, at=at(5))


@pytest.mark.parametrize("who", [SUPERVISOR, AGENCY, principal("op", "operator")])
def test_only_a_casemanager_may_claim(who: Any) -> None:
    with pytest.raises(NotAllowed):
        own.claim(state(St.RECOMMENDED), who, team=None, at=at(5))


def test_a_warm_handover_runs_request_accept_with_the_note_kept_in_the_dossier() -> None:
    requested = own.request_handover(
        state(St.OWNED), ANNA, to=BRAM_STAFF, note="  Bel na 10 uur  ", at=at(10)
    )
    assert requested.state.status is St.HANDOVER_REQUESTED
    assert requested.state.pending is not None
    assert requested.state.pending.note == "Bel na 10 uur"
    (event,) = requested.events
    assert isinstance(event, own.HandoverRequested)
    assert "Bel" not in repr(event)  # the note never travels on Kafka
    accepted = own.accept_handover(requested.state, BRAM, team="team-zuid", at=at(20))
    assert accepted.state.status is St.OWNED
    assert accepted.state.owner == BRAM_STAFF
    assert accepted.state.pending is None
    assert accepted.events == (
        own.CaseHandedOver(
            case_id=CASE,
            from_casemanager_id="cm-anna",
            to_casemanager_id="cm-bram",
            to_casemanager_name="Bram Jansen",
            to_team="team-zuid",
            handed_over_at=at(20),
        ),
    )


Step = Callable[[Ownership], own.Transition]

# (name, from, step, expected status, expected owner id, expected event types)
TABLE: list[tuple[str, OwnershipStatus, Step, OwnershipStatus, str | None, list[type[Any]]]] = [
    (
        "recommend unowned",
        St.UNOWNED,
        lambda s: own.recommend(s, at=at(1)),
        St.RECOMMENDED,
        None,
        [],
    ),
    (
        "recommend owned keeps owner",
        St.OWNED,
        lambda s: own.recommend(s, at=at(1)),
        St.OWNED,
        "cm-anna",
        [],
    ),
    (
        "recommend released",
        St.RELEASED,
        lambda s: own.recommend(s, at=at(1)),
        St.RECOMMENDED,
        None,
        [],
    ),
    (
        "claim unowned",
        St.UNOWNED,
        lambda s: own.claim(s, BRAM, team=None, at=at(1)),
        St.OWNED,
        "cm-bram",
        [own.BuddyAssigned],
    ),
    (
        "claim released",
        St.RELEASED,
        lambda s: own.claim(s, BRAM, team=None, at=at(1)),
        St.OWNED,
        "cm-bram",
        [own.BuddyAssigned],
    ),
    (
        "request handover",
        St.OWNED,
        lambda s: own.request_handover(s, ANNA, to=BRAM_STAFF, note="n", at=at(1)),
        St.HANDOVER_REQUESTED,
        "cm-anna",
        [own.HandoverRequested],
    ),
    (
        "decline handover",
        St.HANDOVER_REQUESTED,
        lambda s: own.decline_handover(s, BRAM, at=at(1)),
        St.OWNED,
        "cm-anna",
        [own.HandoverDeclined],
    ),
    (
        "cancel handover by owner",
        St.HANDOVER_REQUESTED,
        lambda s: own.cancel_handover(s, ANNA, at=at(1)),
        St.OWNED,
        "cm-anna",
        [own.HandoverCancelled],
    ),
    (
        "cancel handover by supervisor",
        St.HANDOVER_REQUESTED,
        lambda s: own.cancel_handover(s, SUPERVISOR, at=at(1)),
        St.OWNED,
        "cm-anna",
        [own.HandoverCancelled],
    ),
    (
        "release by owner",
        St.OWNED,
        lambda s: own.release(s, ANNA, at=at(1)),
        St.RELEASED,
        None,
        [own.CaseReleased],
    ),
    (
        "release during handover",
        St.HANDOVER_REQUESTED,
        lambda s: own.release(s, ANNA, at=at(1)),
        St.RELEASED,
        None,
        [own.CaseReleased],
    ),
    (
        "release by supervisor",
        St.OWNED,
        lambda s: own.release(s, SUPERVISOR, at=at(1)),
        St.RELEASED,
        None,
        [own.CaseReleased],
    ),
    *[
        (
            f"reassign from {status.value}",
            status,
            lambda s: own.reassign(s, SUPERVISOR, to=BRAM_STAFF, at=at(1)),
            St.OWNED,
            "cm-bram",
            [own.CaseReassigned],
        )
        for status in OwnershipStatus
    ],
]


@pytest.mark.parametrize(
    ("start", "step", "status", "owner", "events"),
    [row[1:] for row in TABLE],
    ids=[row[0] for row in TABLE],
)
def test_transition_table(
    start: OwnershipStatus,
    step: Step,
    status: OwnershipStatus,
    owner: str | None,
    events: list[type[Any]],
) -> None:
    result = step(state(start))
    assert result.state.status is status
    assert (result.state.owner.id if result.state.owner else None) == owner
    assert [type(e) for e in result.events] == events
    assert all(e.subject() == CASE for e in result.events)


@pytest.mark.parametrize("status", list(OwnershipStatus))
@pytest.mark.parametrize("action", list(OwnershipAction))
def test_every_pair_outside_the_table_is_refused(
    status: OwnershipStatus, action: OwnershipAction
) -> None:
    if (status, action) in TRANSITIONS:
        assert own.target(status, action) is TRANSITIONS[(status, action)]
    else:
        with pytest.raises(InvalidTransition):
            own.target(status, action)


# (name, from, step, error)
REFUSALS: list[tuple[str, OwnershipStatus, Step, type[Exception]]] = [
    (
        "hand over a case you do not own",
        St.OWNED,
        lambda s: own.request_handover(
            s, BRAM, to=StaffMember("cm-cees", "Cees"), note="n", at=at(1)
        ),
        NotAllowed,
    ),
    (
        "hand over to yourself",
        St.OWNED,
        lambda s: own.request_handover(s, ANNA, to=ANNA_STAFF, note="n", at=at(1)),
        InvalidInput,
    ),
    (
        "hand over without a note",
        St.OWNED,
        lambda s: own.request_handover(s, ANNA, to=BRAM_STAFF, note="  ", at=at(1)),
        InvalidInput,
    ),
    (
        "hand over twice",
        St.HANDOVER_REQUESTED,
        lambda s: own.request_handover(s, ANNA, to=BRAM_STAFF, note="n", at=at(1)),
        InvalidTransition,
    ),
    (
        "accept a handover meant for someone else",
        St.HANDOVER_REQUESTED,
        lambda s: own.accept_handover(s, CEES, team=None, at=at(1)),
        NotAllowed,
    ),
    (
        "the owner accepts their own handover",
        St.HANDOVER_REQUESTED,
        lambda s: own.accept_handover(s, ANNA, team=None, at=at(1)),
        NotAllowed,
    ),
    (
        "decline a handover meant for someone else",
        St.HANDOVER_REQUESTED,
        lambda s: own.decline_handover(s, CEES, at=at(1)),
        NotAllowed,
    ),
    (
        "accept when nothing is pending",
        St.OWNED,
        lambda s: own.accept_handover(s, BRAM, team=None, at=at(1)),
        InvalidTransition,
    ),
    (
        "cancel by the colleague",
        St.HANDOVER_REQUESTED,
        lambda s: own.cancel_handover(s, BRAM, at=at(1)),
        NotAllowed,
    ),
    (
        "cancel when nothing is pending",
        St.OWNED,
        lambda s: own.cancel_handover(s, ANNA, at=at(1)),
        InvalidTransition,
    ),
    (
        "release a case you do not own",
        St.OWNED,
        lambda s: own.release(s, BRAM, at=at(1)),
        NotAllowed,
    ),
    (
        "release a case nobody owns",
        St.RECOMMENDED,
        lambda s: own.release(s, SUPERVISOR, at=at(1)),
        InvalidTransition,
    ),
    (
        "a casemanager reassigns",
        St.OWNED,
        lambda s: own.reassign(s, BRAM, to=BRAM_STAFF, at=at(1)),
        NotAllowed,
    ),
    (
        "an agency hands over",
        St.OWNED,
        lambda s: own.request_handover(s, AGENCY, to=BRAM_STAFF, note="n", at=at(1)),
        NotAllowed,
    ),
]


@pytest.mark.parametrize(
    ("start", "step", "error"), [row[1:] for row in REFUSALS], ids=[row[0] for row in REFUSALS]
)
def test_refused_steps_raise_the_error_the_edge_maps(
    start: OwnershipStatus, step: Step, error: type[Exception]
) -> None:
    with pytest.raises(error):
        step(state(start))


def test_reassigning_to_the_current_owner_changes_nothing() -> None:
    owned = state(St.OWNED)
    assert own.reassign(owned, SUPERVISOR, to=ANNA_STAFF, at=at(1)).events == ()


@pytest.mark.parametrize(
    ("who", "team", "status", "basis"),
    [
        (ANNA, None, St.OWNED, "owner"),
        (BRAM, None, St.HANDOVER_REQUESTED, "handover"),
        (CEES, "team-noord", St.OWNED, "team"),
        (CEES, "team-zuid", St.OWNED, None),
        (CEES, None, St.OWNED, None),
        (CEES, None, St.RECOMMENDED, "queue"),
        (CEES, None, St.RELEASED, "queue"),
        (CEES, None, St.UNOWNED, None),
        (SUPERVISOR, None, St.UNOWNED, "supervisor"),
        (AGENCY, None, St.RECOMMENDED, None),
    ],
)
def test_who_sees_a_case(
    who: Any, team: str | None, status: OwnershipStatus, basis: str | None
) -> None:
    assert own.visible_to(state(status), who, team) == basis


@given(st.lists(st.sampled_from(["anna", "bram", "cees", "release", "sup"]), max_size=30))
def test_a_case_never_has_more_than_one_owner_whatever_happens(steps: list[str]) -> None:
    people = {"anna": ANNA, "bram": BRAM, "cees": CEES}
    current = Ownership(CASE, St.RECOMMENDED)
    for step in steps:
        # Refused steps are part of the property: they leave the state as it was.
        with suppress(OwnershipConflict, InvalidTransition):
            if step == "release":
                current = own.release(current, SUPERVISOR, at=at(1)).state
            elif step == "sup":
                current = own.reassign(current, SUPERVISOR, to=BRAM_STAFF, at=at(1)).state
            else:
                current = own.claim(current, people[step], team=None, at=at(1)).state
        owned = current.status in {St.OWNED, St.HANDOVER_REQUESTED}
        assert owned == (current.owner is not None)


def test_a_pending_handover_is_dropped_when_a_supervisor_reassigns() -> None:
    pending = state(St.HANDOVER_REQUESTED)
    result = own.reassign(pending, SUPERVISOR, to=StaffMember("cm-cees", "Cees"), at=at(2))
    assert result.state.pending is None
    assert replace(result.state, owner_since=None).owner == StaffMember("cm-cees", "Cees")
