"""Dutch working days, as the Algemene termijnenwet counts them.

Saturdays, Sundays and the generally recognised holidays are no working days: New Year's Day,
Good Friday, Easter Monday, King's Day (27 April, the 26th when the 27th is a Sunday),
Liberation Day (5 May), Ascension Day, Whit Monday, Christmas and Boxing Day. The government
equates a few more days with those holidays by decree (article 3(3), e.g. the Friday after
Ascension Day); they are kept, with their source, in the yearly table `decree_days.toml` beside
this module. A statutory term that ends on any of these days runs on to the next working day.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from importlib import resources


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


@dataclass(frozen=True, slots=True)
class Decree:
    """One decree that equates days with a holiday, as `decree_days.toml` lists it."""

    title: str
    source: str
    checked: date
    years: tuple[int, ...]
    days: tuple[date, ...]


def load_decrees(text: str | None = None) -> tuple[Decree, ...]:
    """The decrees of `decree_days.toml` (or of `text`), checked: each day lies in a year its
    decree covers, and no year is covered twice."""
    if text is None:
        text = resources.files("voorportaal_kit").joinpath("decree_days.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    decrees: list[Decree] = []
    covered: dict[int, str] = {}
    for i, entry in enumerate(raw.get("decrees", [])):
        where = f"decrees[{i}]"
        for key in ("title", "source", "checked", "years", "days"):
            if key not in entry:
                raise ValueError(f"{where}: {key} is missing")
        checked = entry["checked"]
        if not isinstance(checked, date):
            # a wrong value in the data file, like every other field error here: ValueError
            raise ValueError(f"{where}.checked: a date (YYYY-MM-DD) is needed")  # noqa: TRY004
        years = tuple(int(y) for y in entry["years"])
        days = tuple(entry["days"])
        for day in days:
            if not isinstance(day, date) or day.year not in years:
                raise ValueError(f"{where}.days: {day} is not a date in the years {years}")
        for year in years:
            if year in covered:
                raise ValueError(f"{where}.years: {year} is already covered by {covered[year]!r}")
            covered[year] = entry["title"]
        decrees.append(Decree(entry["title"], entry["source"], checked, years, days))
    return tuple(decrees)


@cache
def _decree_days_by_year() -> Mapping[int, frozenset[date]]:
    by_year: dict[int, set[date]] = {}
    for decree in load_decrees():
        for year in decree.years:
            by_year.setdefault(year, set())
        for day in decree.days:
            by_year[day.year].add(day)
    return {year: frozenset(days) for year, days in by_year.items()}


def decree_years() -> frozenset[int]:
    """The years the decree table covers (a year outside it may lack decree days)."""
    return frozenset(_decree_days_by_year())


def decree_days(year: int) -> frozenset[date]:
    """The days a decree equates with a holiday in `year` (empty when no decree covers it)."""
    return _decree_days_by_year().get(year, frozenset())


def is_working_day(day: date) -> bool:
    """Not a weekend day, not a holiday and not a day a decree equates with one."""
    return day.weekday() < 5 and day not in holidays(day.year) and day not in decree_days(day.year)


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
