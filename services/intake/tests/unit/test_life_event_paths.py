"""Every branch of every life event: each option of each question is walked at least once.

A path is generated per (question, option): the walk answers that question with that option
and every other question with a default, then checks what a citizen would see: the flow ends,
only shown questions are answered, signals and the checklist+ come out consistent.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from voorportaal_intake.adapters.content_files import load_life_events
from voorportaal_intake.domain.checklist import build_checklist
from voorportaal_intake.domain.content import LifeEventContent, Question
from voorportaal_intake.domain.flow import is_visible, next_question, parse_answer, signals

TODAY = date(2026, 11, 29)
EVENTS = load_life_events()


def default(question: Question) -> Any:
    return {
        "yes_no": True,
        "number": question.minimum or 0,
        "postcode": "3511 AB",
        "text": "x",
        "date": TODAY.isoformat(),
        "single": question.options[0].value if question.options else None,
        "multi": [question.options[0].value] if question.options else [],
    }[question.type]


def variants(question: Question) -> list[Any]:
    if question.type == "yes_no":
        return [True, False]
    if question.type == "single":
        return [o.value for o in question.options]
    if question.type == "multi":
        return [[o.value] for o in question.options]
    return [default(question)]


PATHS = [
    pytest.param(content.code, question.id, value, id=f"{content.code.value}-{question.id}-{value}")
    for content in EVENTS.values()
    for question in content.questions
    for value in variants(question)
]


def walk(
    content: LifeEventContent, chosen: str, value: Any, also: dict[str, Any] | None = None
) -> tuple[dict[str, Any], list[str]]:
    picks = {**(also or {}), chosen: value}
    answers: dict[str, Any] = {}
    asked = []
    while (question := next_question(content.questions, answers)) is not None:
        asked.append(question.id)
        raw = picks[question.id] if question.id in picks else default(question)
        answers[question.id] = parse_answer(question, raw, today=TODAY)
    return answers, asked


@pytest.mark.parametrize(("code", "question_id", "value"), PATHS)
def test_every_branch_walks_to_a_consistent_checklist(
    code: Any, question_id: str, value: Any
) -> None:
    content = EVENTS[code]
    answers, asked = walk(content, question_id, value)
    assert asked[0] == content.event_date_question
    assert set(answers) == set(asked)
    assert all(is_visible(q, answers) for q in content.questions if q.id in answers)
    needs, risks = signals(content, answers)
    checklist = build_checklist([(content, answers)])
    ids = [entry.id for entry in checklist]
    assert len(ids) == len(set(ids))
    assert all(dep in ids for entry in checklist for dep in entry.depends_on)
    assert all(
        entry.deadline is not None
        for entry in checklist
        if next(i for i in content.checklist if i.id == entry.id).deadline is not None
        and next(i for i in content.checklist if i.id == entry.id).deadline.from_ == "event_date"
    ), "the event date is always known"
    assert set(needs) <= {n.code for n in _catalogue().needs}
    assert set(risks) <= {r.code for r in _catalogue().risks}


def test_every_question_and_every_checklist_item_is_reached_on_some_path() -> None:
    # Pairs of choices: some items need two answers that differ from the defaults.
    for content in EVENTS.values():
        asked: set[str] = set()
        items: set[str] = set()
        choices = [(q.id, v) for q in content.questions for v in variants(q)]
        for first, value in choices:
            for second, other in [*choices, (first, value)]:
                if second == first and other != value:
                    continue
                answers, path = walk(content, first, value, {second: other})
                asked |= set(path)
                items |= {e.id for e in build_checklist([(content, answers)])}
        assert asked == {q.id for q in content.questions}, content.code
        unreached = {i.id for i in content.checklist} - items
        assert not unreached, (content.code, sorted(unreached))


def _catalogue() -> Any:
    from voorportaal_intake.adapters.content_files import load_catalogue

    return load_catalogue()
