"""Retry schedule bounds, error classification and channel failover."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voorportaal_contracts.types import MessageChannel
from voorportaal_notify.domain.delivery import (
    AttemptOutcome,
    ContactPreferences,
    ErrorClass,
    PermanentDeliveryError,
    RetryPolicy,
    TransientDeliveryError,
    after_failure,
    classify,
    classify_http_status,
    classify_smtp_code,
    failover_channel,
    first_channel,
)

NOW = datetime(2025, 6, 11, 10, 0, tzinfo=UTC)
POLICY = RetryPolicy(initial=timedelta(seconds=30), max_delay=timedelta(hours=1), max_retries=6)


def seeded(seed: int) -> random.Random:
    """A repeatable jitter source."""
    return random.Random(seed)  # noqa: S311 - jitter spreads retries; it guards no secret


SMS, EMAIL, POST = MessageChannel.SMS, MessageChannel.EMAIL, MessageChannel.POST
BOTH = ContactPreferences((SMS, EMAIL), email="a@example.org", phone="+31612345678")


def test_the_base_delay_doubles_and_is_capped() -> None:
    delays = [POLICY.base_delay(n).total_seconds() for n in range(1, 10)]
    assert delays[:5] == [30, 60, 120, 240, 480]
    assert max(delays) == 3600
    assert delays == sorted(delays)


@given(retry=st.integers(min_value=1, max_value=200), seed=st.integers())
def test_every_delay_lies_within_its_jitter_bounds(retry: int, seed: int) -> None:
    low, high = POLICY.delay_bounds(retry)
    delay = POLICY.delay(retry, seeded(seed))
    assert low <= delay <= high
    assert low >= POLICY.initial * (1 - POLICY.jitter)
    assert high <= POLICY.max_delay * (1 + POLICY.jitter)


def test_retries_run_out() -> None:
    rng = seeded(1)
    assert POLICY.next_attempt_at(6, NOW, rng) is not None
    assert POLICY.next_attempt_at(7, NOW, rng) is None


def test_a_longer_retry_after_is_honoured() -> None:
    at = POLICY.next_attempt_at(1, NOW, seeded(1), retry_after=timedelta(minutes=10))
    assert at == NOW + timedelta(minutes=10)


def test_bad_policies_are_refused() -> None:
    with pytest.raises(ValueError, match="jitter"):
        RetryPolicy(jitter=1.0)
    with pytest.raises(ValueError, match="retries are numbered"):
        POLICY.base_delay(0)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (TransientDeliveryError("http_503"), ErrorClass.TRANSIENT),
        (PermanentDeliveryError("http_400"), ErrorClass.PERMANENT),
        (TimeoutError(), ErrorClass.TRANSIENT),
        (ConnectionRefusedError(), ErrorClass.TRANSIENT),
        (KeyError("bug"), ErrorClass.PERMANENT),
    ],
)
def test_errors_are_classified(error: BaseException, expected: ErrorClass) -> None:
    assert classify(error) is expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (429, "transient"),
        (503, "transient"),
        (408, "transient"),
        (400, "permanent"),
        (401, "permanent"),
        (404, "permanent"),
        (422, "permanent"),
    ],
)
def test_http_statuses_are_classified(status: int, expected: str) -> None:
    assert classify_http_status(status).value == expected


def test_smtp_codes_are_classified() -> None:
    assert classify_smtp_code(421) is ErrorClass.TRANSIENT
    assert classify_smtp_code(451) is ErrorClass.TRANSIENT
    assert classify_smtp_code(550) is ErrorClass.PERMANENT


def test_the_first_channel_is_the_first_preference_with_an_address() -> None:
    assert first_channel(BOTH) is SMS
    assert first_channel(ContactPreferences((SMS, EMAIL), email="a@example.org")) is EMAIL
    assert first_channel(ContactPreferences((POST,), email="a@example.org")) is None


def test_failover_only_to_an_allowed_channel_with_an_address() -> None:
    assert failover_channel(BOTH, [SMS]) is EMAIL
    assert failover_channel(BOTH, [EMAIL]) is SMS
    assert failover_channel(BOTH, [SMS, EMAIL]) is None
    sms_only = ContactPreferences((SMS,), email="a@example.org", phone="+31612345678")
    assert failover_channel(sms_only, [SMS]) is None


def _after(error: BaseException, retries_done: int, prefs: ContactPreferences = BOTH):  # type: ignore[no-untyped-def]
    return after_failure(
        error,
        channel=SMS,
        retries_done=retries_done,
        tried=[SMS],
        prefs=prefs,
        policy=POLICY,
        now=NOW,
        rng=seeded(7),
    )


def test_a_transient_error_is_retried_on_the_same_channel() -> None:
    step = _after(TransientDeliveryError("http_503"), retries_done=0)
    assert step.outcome is AttemptOutcome.RETRY and step.channel is SMS
    assert step.retry_at is not None and step.retry_at > NOW


def test_a_permanent_error_fails_over_at_once() -> None:
    step = _after(PermanentDeliveryError("http_400"), retries_done=0)
    assert (step.outcome, step.channel, step.retry_at) == (AttemptOutcome.FAILOVER, EMAIL, NOW)


def test_exhausted_retries_fail_over_then_fail() -> None:
    assert _after(TimeoutError(), retries_done=6).outcome is AttemptOutcome.FAILOVER
    sms_only = ContactPreferences((SMS,), phone="+31612345678")
    assert _after(TimeoutError(), retries_done=6, prefs=sms_only).outcome is AttemptOutcome.FAILED
