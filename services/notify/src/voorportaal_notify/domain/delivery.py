"""Delivery rules: which errors are worth a retry, when to retry, and when to try the other channel.

The adapters raise `TransientDeliveryError` (try again later: a full mailbox queue, a gateway
that is down, a timeout) or `PermanentDeliveryError` (this address will never work: unknown
mailbox, invalid number). A transient error is retried on an exponential schedule with jitter;
a permanent one, or a transient one that outlives the schedule, moves on to the citizen's next
allowed channel; when none is left, the service publishes `NotificationFailed`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from voorportaal_contracts.types import MessageChannel


class ErrorClass(StrEnum):
    """Whether a delivery error may go away by itself."""

    TRANSIENT = "transient"
    PERMANENT = "permanent"


class DeliveryError(Exception):
    """A message could not be handed to the mail server or SMS gateway."""

    error_class: ErrorClass = ErrorClass.PERMANENT

    def __init__(self, reason_code: str, detail: str = "") -> None:
        super().__init__(f"{reason_code}: {detail}" if detail else reason_code)
        self.reason_code = reason_code
        """A short machine code (`smtp_550`, `http_503`, `timeout` …) for logs and events."""


class TransientDeliveryError(DeliveryError):
    """Worth another try later."""

    error_class = ErrorClass.TRANSIENT

    def __init__(
        self, reason_code: str, detail: str = "", *, retry_after: timedelta | None = None
    ) -> None:
        super().__init__(reason_code, detail)
        self.retry_after = retry_after
        """How long the other side asked us to wait (HTTP `Retry-After`), if it said."""


class PermanentDeliveryError(DeliveryError):
    """Will fail again however often it is tried with this address."""

    error_class = ErrorClass.PERMANENT


def classify(error: BaseException) -> ErrorClass:
    """Transient or permanent: typed delivery errors say so; network faults are transient.

    Anything else is a bug or bad data, which retrying does not fix: permanent.
    """
    if isinstance(error, DeliveryError):
        return error.error_class
    if isinstance(error, TimeoutError | ConnectionError):
        return ErrorClass.TRANSIENT
    return ErrorClass.PERMANENT


def classify_smtp_code(code: int) -> ErrorClass:
    """SMTP replies: 4xx are temporary by definition (RFC 5321), 5xx permanent."""
    return ErrorClass.TRANSIENT if 400 <= code < 500 else ErrorClass.PERMANENT


def classify_http_status(status: int) -> ErrorClass:
    """Gateway replies: 408, 425, 429 and 5xx may pass; other 4xx will not."""
    if status in (408, 425, 429) or status >= 500:
        return ErrorClass.TRANSIENT
    return ErrorClass.PERMANENT


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with bounded jitter.

    Attempt `n` (1 = the first retry) waits `initial * factor**(n-1)`, capped at `max_delay`,
    spread by ±`jitter` so that many messages failing together do not retry together.
    """

    initial: timedelta = timedelta(seconds=30)
    factor: float = 2.0
    max_delay: timedelta = timedelta(hours=1)
    max_retries: int = 6
    """Retries after the first attempt before the channel counts as failed."""
    jitter: float = 0.2
    """Fraction of the delay the jitter may add or take away (0 ≤ jitter < 1)."""

    def __post_init__(self) -> None:
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be in [0, 1)")
        if self.factor < 1 or self.initial <= timedelta(0) or self.max_retries < 0:
            raise ValueError("initial must be positive, factor at least 1, retries not negative")

    def base_delay(self, retry: int) -> timedelta:
        """The delay before retry number `retry` (1-based) without jitter."""
        if retry < 1:
            raise ValueError("retries are numbered from 1")
        # Cap before building the timedelta: factor**retry overflows it long before a float.
        seconds = self.initial.total_seconds() * self.factor ** min(retry - 1, 64)
        return timedelta(seconds=min(seconds, self.max_delay.total_seconds()))

    def delay_bounds(self, retry: int) -> tuple[timedelta, timedelta]:
        """The shortest and longest delay retry number `retry` may get."""
        base = self.base_delay(retry)
        return base * (1 - self.jitter), base * (1 + self.jitter)

    def delay(self, retry: int, rng: random.Random) -> timedelta:
        """A delay for retry number `retry` within its bounds (`rng` makes tests repeatable)."""
        low, high = self.delay_bounds(retry)
        return low + (high - low) * rng.random()

    def next_attempt_at(
        self,
        retry: int,
        now: datetime,
        rng: random.Random,
        retry_after: timedelta | None = None,
    ) -> datetime | None:
        """When retry number `retry` should run, or None when the retries are used up.

        A `Retry-After` from the other side is honoured when it asks for longer.
        """
        if retry > self.max_retries:
            return None
        wait = self.delay(retry, rng)
        if retry_after is not None and retry_after > wait:
            wait = retry_after
        return now + wait


@dataclass(frozen=True)
class ContactPreferences:
    """How a recipient may be reached.

    `channels` is the recipient's list in order of preference: the first with an address is
    where a message goes; every later one is a channel they allow as a fallback. `post` is kept
    for the record but notify does not send post: a recipient with only `post` gets nothing
    electronic.
    """

    channels: tuple[MessageChannel, ...]
    email: str | None = None
    phone: str | None = None

    def address(self, channel: MessageChannel) -> str | None:
        """The address for a channel, if the recipient gave one."""
        if channel is MessageChannel.EMAIL:
            return self.email
        if channel is MessageChannel.SMS:
            return self.phone
        return None

    def usable_channels(self) -> list[MessageChannel]:
        """The electronic channels allowed and with an address, in order of preference."""
        seen: list[MessageChannel] = []
        for channel in self.channels:
            if channel not in seen and self.address(channel):
                seen.append(channel)
        return seen


def first_channel(prefs: ContactPreferences) -> MessageChannel | None:
    """The channel to try first; None when the recipient cannot be reached electronically."""
    usable = prefs.usable_channels()
    return usable[0] if usable else None


def failover_channel(
    prefs: ContactPreferences, tried: Sequence[MessageChannel]
) -> MessageChannel | None:
    """The next allowed channel not tried yet (SMS → e-mail or back); None when none is left."""
    for channel in prefs.usable_channels():
        if channel not in tried:
            return channel
    return None


class AttemptOutcome(StrEnum):
    """What to do after one delivery attempt."""

    SENT = "sent"
    RETRY = "retry"
    FAILOVER = "failover"
    FAILED = "failed"


@dataclass(frozen=True)
class NextStep:
    """The decision after an attempt: retry when, switch to which channel, or give up."""

    outcome: AttemptOutcome
    retry_at: datetime | None = None
    channel: MessageChannel | None = None


def after_failure(
    error: BaseException,
    *,
    channel: MessageChannel,
    retries_done: int,
    tried: Sequence[MessageChannel],
    prefs: ContactPreferences,
    policy: RetryPolicy,
    now: datetime,
    rng: random.Random,
) -> NextStep:
    """Retry a transient error on the same channel while the schedule allows, then fail over.

    `retries_done` counts retries already made on `channel`; `tried` lists every channel tried
    (including `channel`).
    """
    if classify(error) is ErrorClass.TRANSIENT:
        retry_after = error.retry_after if isinstance(error, TransientDeliveryError) else None
        at = policy.next_attempt_at(retries_done + 1, now, rng, retry_after)
        if at is not None:
            return NextStep(AttemptOutcome.RETRY, retry_at=at, channel=channel)
    other = failover_channel(prefs, [*tried, channel])
    if other is not None:
        return NextStep(AttemptOutcome.FAILOVER, retry_at=now, channel=other)
    return NextStep(AttemptOutcome.FAILED)


def reason_code_of(error: BaseException) -> str:
    """The reason code a failed attempt is recorded with (a provider's code, or the error's
    class name), at most 64 characters."""
    if isinstance(error, DeliveryError):
        return error.reason_code[:64]
    return type(error).__name__.lower()[:64]
