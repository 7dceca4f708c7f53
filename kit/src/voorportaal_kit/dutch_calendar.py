"""Dutch working days, as the Algemene termijnenwet counts them.

Saturdays, Sundays and the generally recognised holidays are no working days: New Year's Day,
Good Friday, Easter Monday, King's Day (27 April, the 26th when the 27th is a Sunday),
Liberation Day (5 May), Ascension Day, Whit Monday, Christmas and Boxing Day. A statutory
term that ends on such a day runs on to the next working day.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache, lru_cache


def easter(year: int) -> date:
    """Easter Sunday (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


@cache
def holidays(year: int) -> frozenset[date]:
    """The generally recognised holidays of a year."""
    e = easter(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = date(year, 4, 26)
    return frozenset(
        {
            date(year, 1, 1),
            e - timedelta(days=2),
            e + timedelta(days=1),
            kings_day,
            date(year, 5, 5),
            e + timedelta(days=39),
            e + timedelta(days=50),
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


def is_working_day(day: date) -> bool:
    """Not a weekend day and not a holiday."""
    return day.weekday() < 5 and day not in holidays(day.year)


@lru_cache(maxsize=4096)
def add_working_days(start: date, n: int, *, backwards: bool = False) -> date:
    """The date `n` working days after (or before) `start` (cached: SLA clocks of one day's
    referrals ask the same questions many times)."""
    step = timedelta(days=-1 if backwards else 1)
    day = start
    while n > 0:
        day += step
        if is_working_day(day):
            n -= 1
    return day


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_months(start: date, months: int) -> date:
    """Calendar months later (or earlier); the 31st becomes the last day of a short month."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")
