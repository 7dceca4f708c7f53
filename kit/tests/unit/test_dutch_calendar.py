"""The Dutch working-day calendar: statutory holidays and the days decrees equate with them."""

from __future__ import annotations

from datetime import date

import pytest

from voorportaal_kit.dutch_calendar import (
    add_working_days,
    decree_days,
    decree_years,
    holidays,
    is_working_day,
    load_decrees,
    next_working_day,
)

D = date


@pytest.mark.parametrize(
    ("year", "days"),
    [
        (2026, {D(2026, 1, 2), D(2026, 5, 15)}),
        (2027, {D(2027, 5, 7)}),
        (2028, {D(2028, 4, 28), D(2028, 5, 26)}),
    ],
)
def test_the_decree_days_of_2026_to_2028_are_no_working_days(year: int, days: set[date]) -> None:
    assert decree_days(year) == days
    for day in days:
        assert day.weekday() == 4  # each is a Friday after a holiday
        assert day not in holidays(year)  # equated with a holiday, not one itself
        assert not is_working_day(day)


def test_the_friday_after_ascension_day_2026_does_not_count_for_a_response_clock() -> None:
    # Ascension Day is Thursday 14 May 2026; 15 May is a decree day; the weekend follows.
    assert add_working_days(D(2026, 5, 13), 1) == D(2026, 5, 18)
    assert add_working_days(D(2026, 5, 18), 1, backwards=True) == D(2026, 5, 13)
    assert next_working_day(D(2026, 5, 14)) == D(2026, 5, 18)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 1, 1), 1, D(2026, 1, 5)),  # New Year's Day, then Friday 2 January (decree)
        (D(2027, 5, 5), 1, D(2027, 5, 10)),  # Ascension 6 May 2027, decree day 7 May
        (D(2028, 4, 26), 1, D(2028, 5, 1)),  # King's Day 27 April 2028, decree day 28 April
        (D(2028, 5, 24), 1, D(2028, 5, 29)),  # Ascension 25 May 2028, decree day 26 May
    ],
)
def test_working_days_skip_decree_days(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected


def test_an_ordinary_friday_stays_a_working_day() -> None:
    assert is_working_day(D(2026, 5, 22))
    assert is_working_day(D(2027, 1, 8))


def test_the_table_covers_2026_to_2028_and_the_current_year() -> None:
    # A reminder for whoever keeps the table (see decree_days.toml): once the current year is
    # not covered, a new decree is due.
    assert {2026, 2027, 2028} <= decree_years()
    assert D.today().year in decree_years()


def test_every_decree_names_its_source_and_when_it_was_checked() -> None:
    for decree in load_decrees():
        assert decree.source.startswith("https://")
        assert decree.title.startswith("Besluit gelijkstelling")
        assert decree.checked <= D.today()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[decrees]]\ntitle = "x"\nsource = "s"\nchecked = 2026-01-01\nyears = [2026]\n'
            "days = [2027-05-07]\n",
            "is not a date in the years",
        ),
        ('[[decrees]]\ntitle = "x"\nchecked = 2026-01-01\nyears = [2026]\ndays = []\n', "source"),
        (
            '[[decrees]]\ntitle = "a"\nsource = "s"\nchecked = 2026-01-01\nyears = [2026]\n'
            'days = []\n[[decrees]]\ntitle = "b"\nsource = "s"\nchecked = 2026-01-01\n'
            "years = [2026]\ndays = []\n",
            "already covered",
        ),
        (
            '[[decrees]]\ntitle = "x"\nsource = "s"\nchecked = "soon"\nyears = [2026]\ndays = []\n',
            "checked",
        ),
    ],
)
def test_a_broken_table_is_refused_naming_the_field(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_decrees(text)
