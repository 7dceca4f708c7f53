"""Estafette chains: release when the predecessor completes, escalate when the chain stalls."""

from __future__ import annotations

from datetime import datetime

import pytest

from voorportaal_routing.domain.chains import (
    STALL_TEXTS,
    ChainLink,
    Stall,
    StallReason,
    releasable,
    stalled_chains,
)
from voorportaal_routing.domain.lifecycle import ReferralState
from voorportaal_routing.domain.sla import AMSTERDAM

S = ReferralState
PLANNED = datetime(2026, 3, 2, 10, tzinfo=AMSTERDAM)  # a Monday
SOON = datetime(2026, 3, 4, 10, tzinfo=AMSTERDAM)  # two working days later


def link(rid: str, state: ReferralState | None, waits_on: str | None = None) -> ChainLink:
    return ChainLink(referral_id=rid, state=state, waits_on=waits_on, since=PLANNED)


def test_the_gemeente_is_released_when_uwv_has_decided_on_ww() -> None:
    ww = link("ww", S.IN_PROGRESS)
    top_up = link("top-up", None, "ww")
    assert releasable([ww, top_up]) == []
    assert releasable([link("ww", S.COMPLETED), top_up]) == ["top-up"]


def test_a_held_referral_without_a_predecessor_goes_at_once() -> None:
    assert releasable([link("a", None)]) == ["a"]


def test_issued_referrals_are_never_released_again() -> None:
    assert releasable([link("ww", S.COMPLETED), link("top-up", S.ISSUED, "ww")]) == []


def test_a_chain_whose_predecessor_completed_is_not_stalled() -> None:
    links = [link("ww", S.COMPLETED), link("top-up", None, "ww")]
    assert stalled_chains(links, datetime(2026, 6, 1, tzinfo=AMSTERDAM), 10) == []


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        (S.DECLINED, StallReason.PREDECESSOR_DECLINED),
        (S.RETURNED, StallReason.PREDECESSOR_RETURNED),
        (S.EXPIRED, StallReason.PREDECESSOR_EXPIRED),
        (S.WITHDRAWN, StallReason.PREDECESSOR_WITHDRAWN),
    ],
)
def test_a_predecessor_that_ends_without_outcome_stalls_the_chain_at_once(
    state: ReferralState, reason: StallReason
) -> None:
    links = [link("ww", state), link("top-up", None, "ww")]
    assert stalled_chains(links, SOON, 10) == [Stall("top-up", "ww", reason, root="ww")]
    assert releasable(links) == []


def test_the_whole_chain_behind_a_break_stalls_and_points_at_the_break() -> None:
    links = [
        link("ww", S.DECLINED),
        link("top-up", None, "ww"),
        link("work", None, "top-up"),
    ]
    assert stalled_chains(links, SOON, 10) == [
        Stall("top-up", "ww", StallReason.PREDECESSOR_DECLINED, root="ww"),
        Stall("work", "top-up", StallReason.UPSTREAM_STALLED, root="ww"),
    ]


def test_waiting_too_many_working_days_stalls_the_chain() -> None:
    links = [link("ww", S.ACCEPTED), link("top-up", None, "ww")]
    # Planned Monday 2 March; ten working days later is Monday 16 March.
    assert stalled_chains(links, datetime(2026, 3, 16, 23, tzinfo=AMSTERDAM), 10) == []
    assert stalled_chains(links, datetime(2026, 3, 17, 0, 1, tzinfo=AMSTERDAM), 10) == [
        Stall("top-up", "ww", StallReason.WAITING_TOO_LONG, root="top-up")
    ]


def test_a_missing_predecessor_or_a_circle_is_escalated_not_ignored() -> None:
    assert stalled_chains([link("a", None, "ghost")], SOON, 10) == [
        Stall("a", "ghost", StallReason.PREDECESSOR_MISSING, root="a")
    ]
    circle = stalled_chains([link("a", None, "b"), link("b", None, "a")], SOON, 10)
    assert [s.reason for s in circle] == [StallReason.UPSTREAM_STALLED, StallReason.GOES_ROUND]
    assert stalled_chains([link("a", None, "a")], SOON, 10)[0].reason is StallReason.GOES_ROUND


def test_every_stall_reason_is_explained_in_dutch_and_english() -> None:
    assert set(STALL_TEXTS) == set(StallReason)
    stall = Stall("a", "b", StallReason.PREDECESSOR_DECLINED, root="b")
    assert stall.text.nl.startswith("De vorige instantie")


def test_a_negative_wait_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        stalled_chains([], SOON, -1)
