"""SLA clocks count Dutch working days: weekends, Easter, King's Day, Christmas."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voorportaal_kit.dutch_calendar import is_working_day
from voorportaal_routing.domain.lifecycle import ReferralState
from voorportaal_routing.domain.sla import (
    AMSTERDAM,
    SlaAction,
    next_sla_check,
    sla_actions_due,
    sla_clock,
    working_days_between,
)

REMIND, OVERDUE, EXPIRE = SlaAction.REMIND, SlaAction.OVERDUE, SlaAction.EXPIRE
D = date


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    ("issued", "norms", "due", "remind", "expires"),
    [
        # Friday afternoon: the weekend does not count.
        (local(2026, 3, 6, 15), (5, 1, 15), D(2026, 3, 13), D(2026, 3, 12), D(2026, 3, 27)),
        # Issued on a Saturday: counting starts on Monday; the reminder is never before that.
        (local(2026, 3, 7, 11), (1, 1, 3), D(2026, 3, 9), D(2026, 3, 9), D(2026, 3, 11)),
        # Maundy Thursday: Good Friday and Easter Monday are skipped (and King's Day for expiry).
        (local(2026, 4, 2, 10), (5, 1, 15), D(2026, 4, 13), D(2026, 4, 10), D(2026, 4, 28)),
        # Friday before King's Day (Monday 27 April 2026).
        (local(2026, 4, 24, 9), (1, 0, 2), D(2026, 4, 28), D(2026, 4, 28), D(2026, 4, 29)),
        # Liberation Day (Tuesday 5 May 2026), Ascension Day (Thursday 14 May 2026) and the
        # Friday after it, which a decree equates with a holiday (15 May 2026).
        (local(2026, 5, 4, 9), (2, 1, 8), D(2026, 5, 7), D(2026, 5, 6), D(2026, 5, 19)),
        # 2 January 2026, a Friday equated with a holiday: a referral issued on New Year's Eve
        # is due on Monday 5 January, not on Friday 2 January.
        (local(2025, 12, 31, 10), (1, 0, 3), D(2026, 1, 5), D(2026, 1, 5), D(2026, 1, 7)),
        # Christmas Eve: Christmas, Boxing Day, the weekend and New Year's Day are skipped.
        (local(2026, 12, 24, 16), (3, 1, 5), D(2026, 12, 30), D(2026, 12, 29), D(2027, 1, 4)),
        # Wgs urgent norm: 3 working days, reminder 2 before.
        (local(2026, 12, 23, 12), (3, 2, 10), D(2026, 12, 29), D(2026, 12, 24), D(2027, 1, 8)),
    ],
)
def test_due_remind_and_expiry_dates(
    issued: datetime, norms: tuple[int, int, int], due: date, remind: date, expires: date
) -> None:
    clock = sla_clock(issued, *norms)
    assert (clock.due_on, clock.remind_on, clock.expires_on) == (due, remind, expires)


def test_the_local_date_counts_not_the_utc_date() -> None:
    # 23:30 UTC on Thursday 5 March is already Friday in Amsterdam.
    clock = sla_clock(datetime(2026, 3, 5, 23, 30, tzinfo=UTC), 5, 1, 15)
    assert clock.due_on == date(2026, 3, 13)


def test_instants_take_effect_at_local_midnight_and_08_00_also_across_summer_time() -> None:
    clock = sla_clock(local(2026, 3, 25, 14), 3, 1, 10)  # summer time starts Sunday 29 March
    assert clock.due_on == date(2026, 3, 30)
    assert clock.due_at == local(2026, 3, 31)
    assert clock.due_at.utcoffset() == timedelta(hours=2)
    assert clock.due_at.astimezone(UTC) == datetime(2026, 3, 30, 22, tzinfo=UTC)
    assert clock.remind_at == local(2026, 3, 27, 8)
    # 10 working days: 26, 27, 30, 31 March, 1, 2, (Good Friday, Easter Monday) 7, 8, 9, 10 April
    assert clock.expires_at == local(2026, 4, 11)


@pytest.mark.parametrize(
    ("issued", "norm", "lead", "expiry", "message"),
    [
        (local(2026, 3, 6, 15).replace(tzinfo=None), 5, 1, 15, "issued_at must be timezone-aware"),
        (local(2026, 3, 6), 0, 0, 15, "at least one working day"),
        (local(2026, 3, 6), 5, -1, 15, "cannot be negative"),
        (local(2026, 3, 6), 5, 1, 5, "only expire after its response norm"),
    ],
)
def test_a_clock_refuses_nonsense(
    issued: datetime, norm: int, lead: int, expiry: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        sla_clock(issued, norm, lead, expiry)


CLOCK = sla_clock(local(2026, 3, 6, 15), 5, 1, 15)  # remind 12/3 08:00, due 13/3, expires 27/3


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (local(2026, 3, 12, 7, 59), []),
        (local(2026, 3, 12, 8), [REMIND]),
        (local(2026, 3, 13, 23, 59), [REMIND]),
        (local(2026, 3, 14), [OVERDUE]),
        (local(2026, 3, 27, 23, 59), [OVERDUE]),
        (local(2026, 3, 28), [OVERDUE, EXPIRE]),
    ],
)
def test_what_the_clock_asks_for_at_each_moment(now: datetime, expected: list[SlaAction]) -> None:
    assert sla_actions_due(CLOCK, now, ReferralState.ISSUED) == expected
    assert sla_actions_due(CLOCK, now, ReferralState.RECEIVED) == expected


def test_what_was_done_is_not_asked_for_again() -> None:
    assert sla_actions_due(CLOCK, local(2026, 3, 12, 9), "issued", done={REMIND}) == []
    assert sla_actions_due(CLOCK, local(2026, 4, 1), "received", done=[OVERDUE]) == [EXPIRE]


@pytest.mark.parametrize(
    "state",
    [s for s in ReferralState if s not in (ReferralState.ISSUED, ReferralState.RECEIVED)],
)
def test_the_clock_stops_once_the_agency_answered(state: ReferralState) -> None:
    assert sla_actions_due(CLOCK, local(2026, 6, 1), state) == []


def test_the_next_check_is_the_next_deadline_not_yet_handled() -> None:
    assert next_sla_check(CLOCK, local(2026, 3, 6, 16)) == local(2026, 3, 12, 8)
    assert next_sla_check(CLOCK, local(2026, 3, 6, 16), done={REMIND}) == local(2026, 3, 14)
    assert next_sla_check(CLOCK, local(2026, 3, 20)) == local(2026, 3, 28)
    assert next_sla_check(CLOCK, local(2026, 3, 28)) is None


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        sla_actions_due(CLOCK, local(2026, 3, 12, 9).replace(tzinfo=None), "issued")


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (local(2026, 3, 6, 17), local(2026, 3, 9, 8), 1),  # Friday to Monday
        (local(2026, 3, 9, 8), local(2026, 3, 9, 18), 0),  # same day
        (local(2026, 3, 10), local(2026, 3, 9), 0),  # end before start
        (local(2026, 12, 24), local(2027, 1, 4, 12), 5),  # 28, 29, 30, 31 December, 4 January
    ],
)
def test_working_days_between(start: datetime, end: datetime, days: int) -> None:
    assert working_days_between(start, end) == days


@given(
    st.datetimes(
        min_value=local(2024, 1, 1).replace(tzinfo=None),
        max_value=local(2035, 12, 31).replace(tzinfo=None),
        timezones=st.just(AMSTERDAM),
    ),
    st.integers(min_value=1, max_value=40),
    st.integers(min_value=0, max_value=10),
    st.integers(min_value=1, max_value=40),
)
def test_any_clock_is_ordered_and_counts_exactly_the_norm(
    issued: datetime, norm: int, lead: int, extra: int
) -> None:
    clock = sla_clock(issued, norm, min(lead, norm), norm + extra)
    assert is_working_day(clock.due_on)
    assert is_working_day(clock.remind_on)
    assert issued < clock.remind_at < clock.due_at < clock.expires_at
    noon_on_due_day = datetime.combine(clock.due_on, time(12), tzinfo=AMSTERDAM)
    assert working_days_between(issued, noon_on_due_day) == norm
    assert sla_actions_due(clock, clock.due_at - timedelta(microseconds=1), "issued") in (
        [REMIND],
        [],
    )
    assert OVERDUE in sla_actions_due(clock, clock.due_at, "issued")
