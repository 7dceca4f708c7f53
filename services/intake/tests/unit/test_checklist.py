"""Deadlines on the Dutch calendar, and the merged checklist+ of several life events."""

from __future__ import annotations

import copy
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from intake_factories import MOVING, content

from voorportaal_intake.domain.checklist import build_checklist
from voorportaal_intake.domain.content import LifeEventContent
from voorportaal_kit.dutch_calendar import (
    add_months,
    add_working_days,
    easter,
    holidays,
    is_working_day,
)


@pytest.mark.parametrize(
    ("year", "sunday"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
    ],
)
def test_easter(year: int, sunday: date) -> None:
    assert easter(year) == sunday


def test_dutch_holidays_of_2026() -> None:
    assert holidays(2026) == {
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 4, 27),
        date(2026, 5, 5),
        date(2026, 5, 14),
        date(2026, 5, 25),
        date(2026, 12, 25),
        date(2026, 12, 26),
    }


def test_kings_day_moves_to_the_26th_when_the_27th_is_a_sunday() -> None:
    assert date(2025, 4, 26) in holidays(2025)  # 27 April 2025 is a Sunday
    assert date(2025, 4, 27) not in holidays(2025)


def test_working_days_skip_weekends_and_holidays() -> None:
    # Thursday 24 December 2026 + 2 working days: not Christmas, Boxing Day or the weekend.
    assert add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 29), 2, backwards=True) == date(2026, 12, 24)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 11, 15), 4, date(2027, 3, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
    ],
)
def test_calendar_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 60))
def test_working_days_land_on_working_days_and_go_back_to_where_they_came_from(
    start: date, n: int
) -> None:
    later = add_working_days(start, n)
    assert later >= start
    if n:
        assert is_working_day(later)
        if is_working_day(start):
            assert add_working_days(later, n, backwards=True) == start


def test_a_deadline_on_a_weekend_runs_on_to_monday() -> None:
    # Moving on Monday 7 December 2026: 5 days later is Saturday the 12th -> Monday the 14th.
    answers = {"moving_date": date(2026, 12, 7), "new_home": True, "tenure": "rent"}
    (first, *_rest) = build_checklist([(content(), answers)])
    assert first.id == "register_address"
    assert first.deadline == date(2026, 12, 14)
    assert first.deadline_rule is not None


def test_items_apply_only_when_their_condition_holds_and_dependencies_follow() -> None:
    owner = build_checklist([(content(), {"moving_date": date(2026, 12, 7), "tenure": "own"})])
    assert [e.id for e in owner] == ["register_address"]
    renter = build_checklist([(content(), {"moving_date": date(2026, 12, 7), "tenure": "rent"})])
    assert [e.id for e in renter] == ["register_address", "huurtoeslag"]
    assert renter[1].depends_on == ["register_address"]


def test_several_life_events_merge_into_one_list_earliest_deadline_first() -> None:
    other = copy.deepcopy(MOVING)
    other["code"] = "divorce"
    other["checklist"][0]["why"] = {"nl": "Ook na de scheiding.", "en": "Also after divorce."}
    other["checklist"][0]["deadline"]["days"] = 2
    divorce = LifeEventContent.model_validate(other)
    answers = {"moving_date": date(2026, 12, 7), "tenure": "rent"}
    merged = build_checklist([(content(), answers), (divorce, answers)])
    assert [e.id for e in merged] == ["register_address", "huurtoeslag"]
    register = merged[0]
    assert [e.value for e in register.life_events] == ["moving_rented_home", "divorce"]
    assert len(register.why) == 2
    assert register.deadline == date(2026, 12, 9)  # the stricter of the two


def test_unknown_event_date_means_no_deadline_rather_than_a_wrong_one() -> None:
    (entry, *_rest) = build_checklist([(content(), {"tenure": "own"})])
    assert entry.deadline is None


def test_divorce_moving_and_income_loss_together_give_one_ordered_list() -> None:
    from voorportaal_contracts.types import LifeEvent
    from voorportaal_intake.adapters.content_files import load_life_events
    from voorportaal_intake.domain.flow import next_question, parse_answer

    events = load_life_events()
    today = date(2026, 11, 29)
    walked = []
    for code in (LifeEvent.DIVORCE, LifeEvent.MOVING_RENTED_HOME, LifeEvent.INCOME_LOSS):
        event = events[code]
        answers: dict[str, object] = {}
        # Walk the questionnaire giving the first allowed answer everywhere.
        while (question := next_question(event.questions, answers)) is not None:
            raw: object = {
                "yes_no": True,
                "number": 1,
                "postcode": "3511 AB",
                "text": "x",
                "date": today.isoformat(),
                "single": question.options[0].value if question.options else None,
                "multi": [question.options[0].value] if question.options else [],
            }[question.type]
            answers[question.id] = parse_answer(question, raw, today=today)
        walked.append((event, answers))
    merged = build_checklist(walked)
    ids = [entry.id for entry in merged]
    assert len(ids) == len(set(ids)), "merged items appear once"
    dated = [entry.deadline for entry in merged if entry.deadline is not None]
    assert dated == sorted(dated), "what is due first comes first"
    assert all(dep in ids for entry in merged for dep in entry.depends_on)
    assert any(len(entry.life_events) > 1 for entry in merged), "shared jobs are merged"
