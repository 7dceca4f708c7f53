"""The questionnaire flow and answer parsing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from intake_factories import content

from voorportaal_intake.domain.content import Condition
from voorportaal_intake.domain.flow import (
    AnswerError,
    next_question,
    parse_answer,
    previous_question,
    prune,
    signals,
)

TODAY = date(2026, 11, 29)
C = content()
QUESTIONS = {q.id: q for q in C.questions}


def walk(answers: dict[str, Any]) -> list[str]:
    """The ids asked, in order, when the citizen gives these answers."""
    given_answers: dict[str, Any] = {}
    asked = []
    while (question := next_question(C.questions, given_answers)) is not None:
        asked.append(question.id)
        given_answers[question.id] = answers.get(question.id)
    return asked


@pytest.mark.parametrize(
    ("answers", "path"),
    [
        ({"new_home": False}, ["moving_date", "new_home", "help"]),
        (
            {"new_home": True, "tenure": "own"},
            ["moving_date", "new_home", "postcode", "tenure", "help"],
        ),
        (
            {"new_home": True, "tenure": "rent"},
            ["moving_date", "new_home", "postcode", "tenure", "rent", "help"],
        ),
    ],
)
def test_each_branch_asks_exactly_its_questions(answers: dict[str, Any], path: list[str]) -> None:
    assert walk(answers) == path


def test_going_back_and_changing_an_answer_drops_answers_to_hidden_questions() -> None:
    answers = {
        "moving_date": TODAY,
        "new_home": True,
        "postcode": "1234AB",
        "tenure": "rent",
        "rent": 800,
    }
    assert previous_question(C.questions, answers).id == "rent"  # type: ignore[union-attr]
    answers["new_home"] = False
    assert prune(C.questions, answers) == {"moving_date": TODAY, "new_home": False}


def test_signals_follow_the_answers() -> None:
    assert signals(C, {"moving_date": TODAY, "new_home": False}) == (["registration"], ["homeless"])
    assert signals(C, {"moving_date": TODAY, "new_home": True}) == (["registration"], [])


@pytest.mark.parametrize(
    ("qid", "raw", "expected"),
    [
        ("new_home", True, True),
        ("tenure", "rent", "rent"),
        ("help", ["forms", "money", "forms"], ["money", "forms"]),
        ("help", [], []),
        ("help", None, None),
        ("rent", 850, 850),
        ("moving_date", "2027-01-15", date(2027, 1, 15)),
        ("postcode", " 1234 ab ", "1234AB"),
    ],
)
def test_valid_answers_are_normalised(qid: str, raw: Any, expected: Any) -> None:
    assert parse_answer(QUESTIONS[qid], raw, today=TODAY) == expected


@pytest.mark.parametrize(
    ("qid", "raw", "reason"),
    [
        ("new_home", "yes", "Choose yes or no."),
        ("tenure", "lease", "Choose one of the answers."),
        ("help", ["cake"], "Choose one or more of the answers."),
        ("rent", -1, "too small"),
        ("rent", 10_000, "too large"),
        ("rent", True, "Enter a number."),
        ("rent", None, "Enter a number."),
        ("moving_date", "29-11-2026", "YYYY-MM-DD"),
        ("moving_date", "2028-06-01", "too far ahead"),
        ("postcode", "0123 AB", "postcode like 1234 AB"),
    ],
)
def test_bad_answers_say_why_in_both_languages(qid: str, raw: Any, reason: str) -> None:
    with pytest.raises(AnswerError) as err:
        parse_answer(QUESTIONS[qid], raw, today=TODAY)
    assert reason in err.value.en
    assert err.value.nl
    assert err.value.question == qid


answers_strategy = st.dictionaries(
    st.sampled_from(list(QUESTIONS)),
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True),
        st.text(max_size=5),
        st.lists(st.text(max_size=5), max_size=3),
        st.dates(),
    ),
)


@given(
    st.sampled_from(list(QUESTIONS)),
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True),
        st.text(max_size=30),
        st.lists(st.one_of(st.text(max_size=5), st.integers()), max_size=4),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    ),
)
def test_any_input_is_either_accepted_or_refused_with_a_reason(qid: str, raw: Any) -> None:
    refusal: AnswerError | None = None
    try:
        parse_answer(QUESTIONS[qid], raw, today=TODAY)
    except AnswerError as err:
        refusal = err
    assert refusal is None or (refusal.en and refusal.nl)


@given(answers_strategy)
def test_the_flow_never_crashes_and_always_ends(answers: dict[str, Any]) -> None:
    nxt = next_question(C.questions, answers)
    assert nxt is None or nxt.id not in answers
    kept = prune(C.questions, answers)
    assert set(kept) <= set(answers)
    signals(C, answers)


@given(answers_strategy)
def test_conditions_are_total(answers: dict[str, Any]) -> None:
    condition = Condition.model_validate(
        {
            "any": [
                {"question": "rent", "at_least": 500},
                {"question": "help", "contains": "money"},
                {"not": {"question": "tenure", "in": ["own"]}},
            ]
        }
    )
    assert isinstance(condition.holds(answers), bool)
