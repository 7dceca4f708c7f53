"""The pure rules behind consent and agencies' answers: which grants hold, what is handed on,
when an answer is the same answer again, and when it is too far from now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voorportaal_contracts.events import ReferralResponded
from voorportaal_contracts.types import SharingScope
from voorportaal_routing.domain.answers import answer_key, answer_time_problem, promise_id
from voorportaal_routing.domain.consent import Grant, handed_on

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BOTH = frozenset({SharingScope.SUMMARY, SharingScope.IDENTITY})


def grant(**changes: object) -> Grant:
    fields: dict[str, object] = {
        "grant_id": "g-1",
        "agency_code": "uwv",
        "scopes": BOTH,
        "valid_from": None,
        "valid_until": NOW + timedelta(days=30),
        "revoked": False,
    }
    return Grant(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_grant_holds_from_its_start_until_its_end_unless_revoked() -> None:
    later = grant(valid_from=NOW + timedelta(days=1))
    assert not later.holds_at(NOW) and later.holds_at(NOW + timedelta(days=1))
    assert not grant().holds_at(NOW + timedelta(days=30)), "the end is exclusive"
    assert not grant(revoked=True).holds_at(NOW)
    assert not grant(scopes=frozenset(), valid_until=None).holds_at(NOW), "a bare revocation"


def test_the_sweep_looks_again_when_a_grant_starts_and_when_it_ends() -> None:
    later = grant(valid_from=NOW + timedelta(days=1))
    assert later.next_change(NOW) == NOW + timedelta(days=1)
    assert later.next_change(NOW + timedelta(days=2)) == NOW + timedelta(days=30)
    assert grant().next_change(NOW + timedelta(days=31)) is None
    assert grant(revoked=True).next_change(NOW) is None


def test_only_the_summary_and_identity_of_grants_that_hold_for_that_agency_are_handed_on() -> None:
    grants = [
        grant(scopes=frozenset({SharingScope.SUMMARY, SharingScope.DOCUMENTS})),
        grant(grant_id="g-2", scopes=frozenset({SharingScope.IDENTITY}), revoked=True),
        grant(grant_id="g-3", agency_code="svb", scopes=BOTH),
    ]
    assert handed_on(grants, "uwv", NOW) == {SharingScope.SUMMARY}
    assert handed_on(grants, "svb", NOW) == BOTH
    assert handed_on(grants, "duo", NOW) == frozenset()


@given(
    revoked=st.lists(st.booleans(), min_size=1, max_size=5),
    offset_days=st.integers(min_value=-5, max_value=40),
)
def test_what_is_handed_on_is_the_union_of_the_grants_that_hold(
    revoked: list[bool], offset_days: int
) -> None:
    grants = [grant(grant_id=f"g-{i}", revoked=r) for i, r in enumerate(revoked)]
    at = NOW + timedelta(days=offset_days)
    expected = BOTH if any(g.holds_at(at) for g in grants) else frozenset()
    assert handed_on(grants, "uwv", at) == expected


def answer(**changes: object) -> ReferralResponded:
    fields: dict[str, object] = {
        "case_id": "vp-0000000000000000case",
        "referral_id": "ref-1",
        "agency_code": "uwv",
        "response": "promise_made",
        "promise": "We bellen u terug.",
        "promise_due_at": NOW + timedelta(days=2),
        "responded_at": NOW,
    }
    return ReferralResponded.model_validate({**fields, **changes})


def test_a_promise_is_the_same_promise_whenever_it_is_sent() -> None:
    first = answer_key(answer())
    assert answer_key(answer(responded_at=NOW + timedelta(minutes=3))) == first
    assert answer_key(answer(promise="Iets anders.")) != first
    assert answer_key(answer(referral_id="ref-2")) != first
    assert promise_id(first) == promise_id(answer_key(answer())) and len(promise_id(first)) < 64


def test_other_answers_are_the_same_when_kind_referral_and_time_are() -> None:
    accepted = answer(response="accepted", promise=None, promise_due_at=None)
    same_instant = accepted.responded_at.astimezone(timezone(timedelta(hours=1)))  # +01:00
    assert answer_key(accepted) == answer_key(
        answer(response="accepted", promise=None, promise_due_at=None, responded_at=same_instant)
    )
    assert answer_key(accepted) != answer_key(
        answer(response="declined", decline_reason="not_eligible", promise=None)
    )


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        (timedelta(hours=-24), True),
        (timedelta(hours=-24, seconds=-1), False),
        (timedelta(minutes=5), True),
        (timedelta(minutes=5, seconds=1), False),
    ],
)
def test_an_answer_is_believed_from_24_hours_before_to_5_minutes_after_now(
    offset: timedelta, accepted: bool
) -> None:
    problem = answer_time_problem(
        NOW + offset, NOW, max_age=timedelta(hours=24), max_ahead=timedelta(minutes=5)
    )
    assert (problem is None) is accepted
    if problem is not None:
        assert "responded_at" in problem
