"""The supervisor's trends: the kastje-muur figures per calendar month.

Months are cut in Europe/Amsterdam (a referral issued at 23:30 UTC on 31 March is an April
referral, as the staff who made it saw it). Every month of the window is present, with zeros
when nothing happened, so a chart or a CSV has no holes a reader could mistake for "no data".

Pure, like `figures`: counts, rates and durations only (no case ids, no personal data).
- referrals, time to accept, decline and redirect rates: the referrals **issued** in the month
  (a cohort; its rates are over those of them answered so far, so a recent month can still
  change);
- broken promises: promises whose date fell in the month and that were not kept by then.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from voorportaal_dossier.domain.case_state import CaseState
from voorportaal_dossier.domain.figures import Tally, is_broken
from voorportaal_dossier.domain.promises import PromiseStatus

AMSTERDAM: Final = ZoneInfo("Europe/Amsterdam")
MAX_MONTHS: Final = 36
"""The longest window a supervisor may ask for (three years)."""


@dataclass(frozen=True, slots=True)
class Month:
    """One calendar month in a time zone: `[start, end)` as aware moments."""

    key: str
    """`YYYY-MM`."""
    start: datetime
    end: datetime


def month_key(moment: datetime, zone: ZoneInfo = AMSTERDAM) -> str:
    """The `YYYY-MM` month `moment` falls in, in `zone` (an aware moment is required)."""
    if moment.tzinfo is None:
        raise ValueError("moment must include a timezone")
    local = moment.astimezone(zone)
    return f"{local.year:04d}-{local.month:02d}"


def _first_of(year: int, month: int, zone: ZoneInfo) -> datetime:
    return datetime(year, month, 1, tzinfo=zone)


def months_ending(now: datetime, count: int, zone: ZoneInfo = AMSTERDAM) -> list[Month]:
    """The `count` calendar months up to and including the one `now` falls in, oldest first."""
    if count < 1:
        raise ValueError("count must be at least 1")
    local = now.astimezone(zone)
    index = local.year * 12 + (local.month - 1) - (count - 1)
    months = []
    for i in range(index, index + count):
        year, month = divmod(i, 12)
        nyear, nmonth = divmod(i + 1, 12)
        months.append(
            Month(
                key=f"{year:04d}-{month + 1:02d}",
                start=_first_of(year, month + 1, zone),
                end=_first_of(nyear, nmonth + 1, zone),
            )
        )
    return months


def monthly_trends(
    cases: Iterable[CaseState], now: datetime, months: int = 12, zone: ZoneInfo = AMSTERDAM
) -> dict[str, Any]:
    """The kastje-muur figures of the last `months` calendar months (`MonthlyTrends`)."""
    window = months_ending(now, months, zone)
    buckets = {m.key: Tally() for m in window}
    start, end = window[0].start, window[-1].end
    for case in cases:
        if case.anonymised_at is not None:
            continue
        for referral in case.referrals:
            issued = referral.issued_at
            if issued is None or not start <= issued < end:
                continue
            buckets[month_key(issued, zone)].count(referral)
        for promise in case.promises:
            due = promise.due_at
            if not start <= due < end or due > now:
                continue
            # Kept late still broke its word in that month; kept on time did not.
            late = promise.status is PromiseStatus.FULFILLED and (
                promise.fulfilled_at is not None and promise.fulfilled_at > due
            )
            if is_broken(promise, now) or late:
                buckets[month_key(due, zone)].broken_promises += 1
    return {
        "at": now.isoformat(),
        "zone": zone.key,
        "months": [{"month": m.key, **buckets[m.key].figures()} for m in window],
        "complaints_recorded": False,
    }
