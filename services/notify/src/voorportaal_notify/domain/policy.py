"""Contact-load protection: bundling, quiet hours, a per-citizen rate limit, the contact-load meter.

The research found citizens with problems on several fronts *freeze* when messages pile up
(*bevriezen door een overdaad aan berichtgeving*). So notify never sends each event the moment
it happens. Every update for one recipient waits in a queue, and this module decides when that
queue goes out as **one** message:

1. **Bundling window.** A normal update waits `bundle_window` after the *oldest* update in the
   queue; whatever arrives meanwhile joins the same message. The window is fixed from the first
   update (not restarted by each new one) so a steady trickle cannot postpone a message forever.
2. **Priority.** A `high` update (something the citizen must do, a broken promise) skips the
   bundling wait and the rate limit, and takes every queued normal update along with it.
3. **Rate limit.** At most `max_messages` messages per `rate_window` (rolling). Beyond that the
   queue waits for the first moment a message is allowed again, and then goes out as one bundle.
4. **Quiet hours** (local time, Europe/Amsterdam, a window that may cross midnight) defer the
   send to the end of the quiet period, for every priority. A rule may set
   `ignore_quiet_hours`; none does in v1: nothing notify sends is worth waking someone up for,
   and a real emergency is a phone call by a person, not an SMS.

Everything here is a pure function of its arguments and `now`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class Priority(StrEnum):
    """How soon an update should reach the citizen."""

    NORMAL = "normal"
    HIGH = "high"


def _aware(value: datetime, name: str) -> None:
    if value.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware")


@dataclass(frozen=True)
class QuietHours:
    """A daily period without messages, in local wall-clock time.

    `start` > `end` means the period crosses midnight (21:00-08:00). `start == end` means no
    quiet period at all (a citizen who switched them off).
    """

    start: time
    end: time
    zone: ZoneInfo = AMSTERDAM

    def _local(self, at: datetime) -> datetime:
        _aware(at, "at")
        return at.astimezone(self.zone)

    def is_quiet(self, at: datetime) -> bool:
        """Whether `at` lies inside the quiet period (start inclusive, end exclusive)."""
        if self.start == self.end:
            return False
        clock = self._local(at).time().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    def end_of_quiet(self, at: datetime) -> datetime:
        """When the quiet period that contains `at` ends (UTC); `at` itself when not quiet."""
        if not self.is_quiet(at):
            return at
        local = self._local(at)
        day = local.date()
        if self.start > self.end and local.time().replace(tzinfo=None) >= self.start:
            day += timedelta(days=1)
        # Combining a wall-clock time with the zone and converting to UTC handles the DST
        # change: 08:00 on the last Sunday of March is 06:00 UTC, in October 07:00 UTC.
        return datetime.combine(day, self.end, tzinfo=self.zone).astimezone(UTC)

    def defer(self, at: datetime) -> datetime:
        """`at`, or the end of the quiet period it falls in."""
        return self.end_of_quiet(at)


NO_QUIET_HOURS = QuietHours(time(0), time(0))
"""A quiet period that never applies."""


@dataclass(frozen=True)
class ContactPolicy:
    """The contact-load limits for one recipient."""

    bundle_window: timedelta = timedelta(minutes=15)
    """How long a normal update waits for others to join it."""
    max_messages: int = 3
    """Messages allowed per `rate_window`."""
    rate_window: timedelta = timedelta(hours=24)
    """The rolling window of the rate limit."""
    quiet_hours: QuietHours = field(default_factory=lambda: QuietHours(time(21), time(8)))
    """The recipient's quiet hours (the service default when they set none)."""

    def __post_init__(self) -> None:
        if self.max_messages < 1:
            raise ValueError("max_messages must be at least 1")
        if self.bundle_window < timedelta(0) or self.rate_window <= timedelta(0):
            raise ValueError("windows must be positive")


@dataclass(frozen=True)
class PendingUpdate:
    """An update waiting to be sent to one recipient."""

    update_id: str
    created_at: datetime
    priority: Priority = Priority.NORMAL
    ignore_quiet_hours: bool = False


@dataclass(frozen=True)
class SendPlan:
    """When the queue goes out and what goes in the one message."""

    send_at: datetime
    updates: tuple[PendingUpdate, ...]

    @property
    def bundled(self) -> bool:
        """Whether the message carries more than one update."""
        return len(self.updates) > 1


def next_allowed_by_rate(
    candidate: datetime, sent_at: Iterable[datetime], policy: ContactPolicy
) -> datetime:
    """The first moment at or after `candidate` when one more message keeps within the limit.

    A message at `t` is allowed when fewer than `max_messages` were sent in `(t - window, t]`;
    that holds from the `max_messages`-th most recent send plus the window onwards.
    """
    recent = sorted(s for s in sent_at if s > candidate - policy.rate_window)
    if len(recent) < policy.max_messages:
        return candidate
    return max(candidate, recent[-policy.max_messages] + policy.rate_window)


def plan_send(
    pending: Sequence[PendingUpdate],
    sent_at: Sequence[datetime],
    policy: ContactPolicy,
    now: datetime,
) -> SendPlan | None:
    """When to send the queued updates of one recipient, as one message; None when empty.

    `sent_at` are the times earlier messages went to this recipient. The plan's `send_at` is
    never before `now`; the caller sends when `send_at <= now`, and asks again when the queue
    changes. Every pending update goes in the one message.
    """
    _aware(now, "now")
    if not pending:
        return None
    updates = tuple(sorted(pending, key=lambda u: (u.created_at, u.update_id)))
    urgent = [u for u in updates if u.priority is Priority.HIGH]
    if urgent:
        send_at = max(now, min(u.created_at for u in urgent))
    else:
        send_at = max(now, updates[0].created_at + policy.bundle_window)
        send_at = next_allowed_by_rate(send_at, sent_at, policy)
    if not any(u.ignore_quiet_hours for u in urgent):
        send_at = policy.quiet_hours.defer(send_at)
    return SendPlan(send_at=send_at, updates=updates)


def due(plan: SendPlan | None, now: datetime) -> bool:
    """Whether a plan should be carried out now."""
    return plan is not None and plan.send_at <= now


class LoadLevel(StrEnum):
    """The contact-load meter's reading for the console."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


@dataclass(frozen=True)
class SentMessage:
    """One message that reached (or was handed to) a recipient, for counting."""

    sent_at: datetime
    updates: int = 1
    """How many updates the message carried (more than one when bundled)."""
    action_required: bool = False
    """Whether it asked the citizen to do something."""


@dataclass(frozen=True)
class HeldBack:
    """Messages to the citizen that notify holds back right now (quiet hours, bundling, the
    rate limit, a retry): how many, and when the first of them goes out."""

    count: int = 0
    until: datetime | None = None

    def plus(self, count: int, until: datetime | None) -> HeldBack:
        """These and `count` more, the first of which goes out at `until`."""
        times = [t for t in (self.until, until) if t is not None]
        return HeldBack(self.count + count, min(times) if times else None)


@dataclass(frozen=True)
class ContactLoad:
    """What one case's household received, for the console's contact-load meter."""

    messages_24h: int
    messages_7d: int
    updates_7d: int
    actions_7d: int
    messages_30d: int
    level: LoadLevel
    deferred: int = 0
    """Messages to the citizen held back right now."""
    deferred_until: datetime | None = None
    """When the first held-back message goes out."""


@dataclass(frozen=True)
class LoadThresholds:
    """Messages in 7 days from which the meter reads moderate and high."""

    moderate: int = 4
    high: int = 8


def contact_load(
    sent: Iterable[SentMessage],
    now: datetime,
    thresholds: LoadThresholds | None = None,
    *,
    held: HeldBack | None = None,
) -> ContactLoad:
    """Count what a case's recipients received in the last 24 hours, 7 and 30 days, and what
    is held back from the citizen now.

    Counts every message once, whoever of the household received it; messages after `now`
    (clock skew) are ignored.
    """
    _aware(now, "now")
    thresholds = thresholds or LoadThresholds()
    day, week, month = (now - timedelta(days=d) for d in (1, 7, 30))
    past = [m for m in sent if m.sent_at <= now]
    last_week = [m for m in past if m.sent_at > week]
    messages_7d = len(last_week)
    if messages_7d >= thresholds.high:
        level = LoadLevel.HIGH
    elif messages_7d >= thresholds.moderate:
        level = LoadLevel.MODERATE
    else:
        level = LoadLevel.LOW
    return ContactLoad(
        messages_24h=sum(1 for m in past if m.sent_at > day),
        messages_7d=messages_7d,
        updates_7d=sum(m.updates for m in last_week),
        actions_7d=sum(1 for m in last_week if m.action_required),
        messages_30d=sum(1 for m in past if m.sent_at > month),
        level=level,
        deferred=held.count if held is not None else 0,
        deferred_until=held.until if held is not None else None,
    )
