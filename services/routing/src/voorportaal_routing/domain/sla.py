"""SLA clocks in Dutch working days: when to remind the agency, when a referral is overdue,
when it expires.

Counting follows the Algemene termijnenwet as `voorportaal_kit.dutch_calendar` implements it:
the day of issue does not count, weekends and public holidays are skipped. With a norm of 5
working days, a referral issued on Thursday 2 April 2026 (Good Friday and Easter Monday
follow) is due on Monday 13 April: an answer any time that day is on time, and from midnight
(Europe/Amsterdam) it is overdue. The reminder goes out at 08:00 on the working day
`reminder_lead` working days before the due day, but never on the day of issue itself.

Every function takes the current time as an argument: no clock is read here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo

from voorportaal_kit.dutch_calendar import add_working_days, is_working_day
from voorportaal_routing.domain.lifecycle import AWAITING_ANSWER, ReferralState

AMSTERDAM: Final = ZoneInfo("Europe/Amsterdam")
REMINDER_TIME: Final = time(8, 0)
"""Local time at which a reminder becomes due: the start of the agency's working day."""


class SlaAction(StrEnum):
    """What the SLA clock can ask routing to do."""

    REMIND = "remind"
    """Remind the agency that the norm is about to pass."""
    OVERDUE = "overdue"
    """The norm passed without an answer (`ReferralOverdue`, for the buddy and supervisor)."""
    EXPIRE = "expire"
    """Long past the norm: the referral expires and a person takes over."""


@dataclass(frozen=True)
class SlaClock:
    """The deadlines of one referral, as local dates and as the instants they take effect."""

    issued_at: datetime
    due_on: date
    """The last day on which an answer is on time."""
    remind_on: date
    expires_on: date
    """The last day before the referral expires."""

    @property
    def remind_at(self) -> datetime:
        """When the reminder becomes due (08:00 on `remind_on`)."""
        return _reminder_time_on(self.remind_on)

    @property
    def due_at(self) -> datetime:
        """When the referral becomes overdue: midnight at the end of `due_on`."""
        return _end_of(self.due_on)

    @property
    def expires_at(self) -> datetime:
        """When the referral expires: midnight at the end of `expires_on`."""
        return _end_of(self.expires_on)


def sla_clock(
    issued_at: datetime,
    response_norm_working_days: int,
    reminder_lead_working_days: int,
    expiry_working_days: int,
) -> SlaClock:
    """The clock of a referral issued at `issued_at` (aware) with these norms."""
    _require_aware(issued_at, "issued_at")
    if response_norm_working_days < 1:
        raise ValueError("the response norm is at least one working day")
    if reminder_lead_working_days < 0:
        raise ValueError("the reminder lead cannot be negative")
    if expiry_working_days <= response_norm_working_days:
        raise ValueError("a referral can only expire after its response norm has passed")
    issued_on = issued_at.astimezone(AMSTERDAM).date()
    due_on = add_working_days(issued_on, response_norm_working_days)
    remind_on = max(
        add_working_days(due_on, reminder_lead_working_days, backwards=True),
        add_working_days(issued_on, 1),
    )
    return SlaClock(
        issued_at=issued_at,
        due_on=due_on,
        remind_on=remind_on,
        expires_on=add_working_days(issued_on, expiry_working_days),
    )


def sla_actions_due(
    clock: SlaClock,
    now: datetime,
    state: ReferralState | str,
    done: Collection[SlaAction] = (),
) -> list[SlaAction]:
    """What the clock asks for at `now`, leaving out what was `done` already.

    Only a referral that still awaits its answer (issued or received) has a running clock. A
    reminder is pointless once the norm has passed, so it is not asked for then; overdue is
    still reported when the referral also expires, so every missed norm is counted.
    """
    _require_aware(now, "now")
    if ReferralState(state) not in AWAITING_ANSWER:
        return []
    wanted: list[SlaAction] = []
    if clock.remind_at <= now < clock.due_at:
        wanted.append(SlaAction.REMIND)
    if now >= clock.due_at:
        wanted.append(SlaAction.OVERDUE)
    if now >= clock.expires_at:
        wanted.append(SlaAction.EXPIRE)
    return [action for action in wanted if action not in done]


def next_sla_check(
    clock: SlaClock, now: datetime, done: Collection[SlaAction] = ()
) -> datetime | None:
    """The next instant after `now` at which `sla_actions_due` can change (None: never)."""
    _require_aware(now, "now")
    pending = [
        (clock.remind_at, SlaAction.REMIND),
        (clock.due_at, SlaAction.OVERDUE),
        (clock.expires_at, SlaAction.EXPIRE),
    ]
    later = [at for at, action in pending if at > now and action not in done]
    return min(later, default=None)


def working_days_between(start: datetime, end: datetime) -> int:
    """Working days after `start`'s local date up to and including `end`'s (0 if not later)."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    first = start.astimezone(AMSTERDAM).date()
    last = end.astimezone(AMSTERDAM).date()
    count, day = 0, first
    while day < last:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


@lru_cache(maxsize=4096)
def _reminder_time_on(day: date) -> datetime:
    return datetime.combine(day, REMINDER_TIME, tzinfo=AMSTERDAM)


@lru_cache(maxsize=4096)  # a day's referrals share a handful of due and expiry days
def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=AMSTERDAM)


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
