"""Contact-load protection: quiet hours (across midnight and DST), bundling, rate limit, meter."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voorportaal_notify.domain.policy import (
    AMSTERDAM,
    NO_QUIET_HOURS,
    ContactPolicy,
    HeldBack,
    LoadLevel,
    PendingUpdate,
    Priority,
    QuietHours,
    SentMessage,
    contact_load,
    due,
    next_allowed_by_rate,
    plan_send,
)

NIGHT = QuietHours(time(21), time(8))


def local(*args: int) -> datetime:
    """An Amsterdam wall-clock time."""
    return datetime(*args, tzinfo=AMSTERDAM)  # type: ignore[misc]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("at", "quiet"),
    [
        (local(2025, 6, 10, 20, 59), False),
        (local(2025, 6, 10, 21, 0), True),
        (local(2025, 6, 10, 23, 30), True),
        (local(2025, 6, 11, 0, 0), True),
        (local(2025, 6, 11, 7, 59), True),
        (local(2025, 6, 11, 8, 0), False),
        (local(2025, 6, 11, 12, 0), False),
    ],
)
def test_quiet_hours_cross_midnight(at: datetime, quiet: bool) -> None:
    assert NIGHT.is_quiet(at) is quiet


def test_late_evening_defers_to_next_morning() -> None:
    assert NIGHT.end_of_quiet(local(2025, 6, 10, 23, 0)) == local(2025, 6, 11, 8, 0)


def test_early_morning_defers_to_same_morning() -> None:
    assert NIGHT.end_of_quiet(local(2025, 6, 11, 2, 0)) == local(2025, 6, 11, 8, 0)


def test_outside_quiet_hours_nothing_moves() -> None:
    at = local(2025, 6, 11, 9, 0)
    assert NIGHT.defer(at) == at


def test_spring_forward_night_ends_at_eight_summer_time() -> None:
    # 2025-03-30 02:00 CET jumps to 03:00 CEST; the night is one hour shorter.
    evening = local(2025, 3, 29, 22, 30)  # 21:30 UTC
    end = NIGHT.end_of_quiet(evening)
    assert end == utc(2025, 3, 30, 6, 0)
    assert end - evening == timedelta(hours=8, minutes=30)


def test_fall_back_night_ends_at_eight_winter_time() -> None:
    # 2025-10-26 03:00 CEST falls back to 02:00 CET; 02:30 UTC is 03:30 CET.
    end = NIGHT.end_of_quiet(utc(2025, 10, 26, 2, 30))
    assert end == utc(2025, 10, 26, 7, 0)
    assert NIGHT.is_quiet(utc(2025, 10, 26, 6, 59))
    assert not NIGHT.is_quiet(utc(2025, 10, 26, 7, 0))


def test_a_window_within_one_day() -> None:
    lunch = QuietHours(time(12), time(13))
    assert lunch.is_quiet(local(2025, 6, 11, 12, 30))
    assert not lunch.is_quiet(local(2025, 6, 11, 13, 0))
    assert lunch.end_of_quiet(local(2025, 6, 11, 12, 30)) == local(2025, 6, 11, 13, 0)


def test_equal_start_and_end_means_no_quiet_hours() -> None:
    assert not NO_QUIET_HOURS.is_quiet(local(2025, 6, 11, 3, 0))


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        NIGHT.is_quiet(datetime(2025, 6, 11, 3, 0))  # noqa: DTZ001 - the point of the test


POLICY = ContactPolicy(bundle_window=timedelta(minutes=15), max_messages=3)
MORNING = local(2025, 6, 11, 10, 0)


def update(n: int, at: datetime, priority: Priority = Priority.NORMAL) -> PendingUpdate:
    return PendingUpdate(update_id=f"u{n}", created_at=at, priority=priority)


def test_a_burst_of_five_becomes_one_message_after_the_window() -> None:
    burst = [update(n, MORNING + timedelta(minutes=2 * n)) for n in range(5)]
    plan = plan_send(burst, [], POLICY, now=MORNING + timedelta(minutes=9))
    assert plan is not None
    assert plan.send_at == MORNING + timedelta(minutes=15)
    assert len(plan.updates) == 5 and plan.bundled
    assert not due(plan, MORNING + timedelta(minutes=14))
    assert due(plan, MORNING + timedelta(minutes=15))


def test_the_window_does_not_restart_with_each_update() -> None:
    trickle = [update(n, MORNING + timedelta(minutes=5 * n)) for n in range(3)]
    plan = plan_send(trickle, [], POLICY, now=MORNING + timedelta(minutes=10))
    assert plan is not None and plan.send_at == MORNING + timedelta(minutes=15)


def test_an_urgent_update_goes_at_once_and_takes_the_queue_along() -> None:
    queued = [update(1, MORNING), update(2, MORNING + timedelta(minutes=1), Priority.HIGH)]
    now = MORNING + timedelta(minutes=1)
    plan = plan_send(queued, [], POLICY, now=now)
    assert plan is not None and plan.send_at == now and len(plan.updates) == 2


def test_an_urgent_update_still_waits_for_the_morning() -> None:
    night = local(2025, 6, 11, 23, 0)
    plan = plan_send([update(1, night, Priority.HIGH)], [], POLICY, now=night)
    assert plan is not None and plan.send_at == local(2025, 6, 12, 8, 0)


def test_a_rule_may_override_quiet_hours_for_urgent_updates() -> None:
    night = local(2025, 6, 11, 23, 0)
    urgent = PendingUpdate("u1", night, Priority.HIGH, ignore_quiet_hours=True)
    plan = plan_send([urgent], [], POLICY, now=night)
    assert plan is not None and plan.send_at == night


def test_beyond_the_rate_limit_the_queue_waits_for_the_next_slot() -> None:
    sent = [MORNING - timedelta(hours=h) for h in (20, 10, 1)]
    plan = plan_send([update(1, MORNING)], sent, POLICY, now=MORNING)
    assert plan is not None
    assert plan.send_at == MORNING - timedelta(hours=20) + timedelta(hours=24)


def test_the_rate_limit_slot_is_moved_out_of_quiet_hours() -> None:
    evening = local(2025, 6, 11, 20, 0)
    sent = [local(2025, 6, 10, 22, 30) + timedelta(minutes=m) for m in (0, 1, 2)]
    # The slot opens 22:30 on the 11th, inside quiet hours: it moves to 08:00.
    plan = plan_send([update(1, evening)], sent, POLICY, now=evening)
    assert plan is not None and plan.send_at == local(2025, 6, 12, 8, 0)


def test_sends_older_than_the_window_do_not_count() -> None:
    sent = [MORNING - timedelta(hours=h) for h in (30, 26, 25)]
    assert next_allowed_by_rate(MORNING, sent, POLICY) == MORNING


def test_an_empty_queue_has_no_plan() -> None:
    assert plan_send([], [], POLICY, now=MORNING) is None
    assert not due(None, MORNING)


_moments = st.datetimes(
    min_value=datetime(2024, 1, 1),  # noqa: DTZ001 - hypothesis adds the zone below
    max_value=datetime(2026, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@given(
    now=_moments,
    ages=st.lists(st.integers(min_value=0, max_value=3000), min_size=1, max_size=8),
    sent_ago=st.lists(st.integers(min_value=1, max_value=3000), max_size=6),
    urgent=st.booleans(),
)
def test_a_plan_is_never_early_never_quiet_and_keeps_the_rate(
    now: datetime, ages: list[int], sent_ago: list[int], urgent: bool
) -> None:
    pending = [
        update(
            i, now - timedelta(minutes=a), Priority.HIGH if urgent and i == 0 else Priority.NORMAL
        )
        for i, a in enumerate(ages)
    ]
    sent = [now - timedelta(minutes=m) for m in sent_ago]
    plan = plan_send(pending, sent, POLICY, now=now)
    assert plan is not None
    assert plan.send_at >= now
    assert not POLICY.quiet_hours.is_quiet(plan.send_at)
    assert len(plan.updates) == len(pending)
    if not urgent:
        window = [s for s in sent if s > plan.send_at - POLICY.rate_window]
        assert len(window) < POLICY.max_messages


def test_the_meter_counts_messages_updates_and_actions() -> None:
    now = MORNING
    sent = [
        SentMessage(now - timedelta(hours=2), updates=3),
        SentMessage(now - timedelta(days=2), action_required=True),
        SentMessage(now - timedelta(days=6)),
        SentMessage(now - timedelta(days=20)),
        SentMessage(now + timedelta(hours=1)),  # clock skew: not counted
    ]
    load = contact_load(sent, now)
    assert (load.messages_24h, load.messages_7d, load.updates_7d, load.messages_30d) == (
        1,
        3,
        5,
        4,
    )
    assert load.actions_7d == 1
    assert load.level is LoadLevel.LOW


def test_the_meter_says_what_is_held_back_and_until_the_earliest_moment() -> None:
    held = HeldBack().plus(2, MORNING + timedelta(hours=3)).plus(1, MORNING + timedelta(hours=1))
    load = contact_load([], MORNING, held=held.plus(0, None))
    assert (load.deferred, load.deferred_until) == (3, MORNING + timedelta(hours=1))
    assert (contact_load([], MORNING).deferred, contact_load([], MORNING).deferred_until) == (
        0,
        None,
    )


def test_the_meter_reads_high_for_a_flood() -> None:
    sent = [SentMessage(MORNING - timedelta(hours=h)) for h in range(10)]
    assert contact_load(sent, MORNING).level is LoadLevel.HIGH
