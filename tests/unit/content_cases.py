"""Intake → routing scaffolding shared by the content tests: walk the intake's real
questionnaire for one life event, and the profile its assessment runs with."""

from __future__ import annotations

from datetime import date
from typing import Any

from voorportaal_contracts.types import LifeEvent
from voorportaal_intake.adapters.content_files import load_life_events
from voorportaal_intake.domain.flow import next_question, parse_answer

PROFILE = {
    "digital_skills": "good",
    "dutch_language": "good",
    "failed_contacts": 0,
    "overwhelmed": False,
    "wants_personal_help": False,
}
"""A self-reliant citizen: the triage adds nothing of its own."""


def walk(event: LifeEvent, *, today: date, **picks: Any) -> dict[str, Any]:
    """The typed answers of one life event's questionnaire: `picks` where given, otherwise
    no / today / nothing / the last option. Every pick must be asked (else the case lies)."""
    questions = load_life_events()[event].questions
    answers: dict[str, Any] = {}
    while (question := next_question(questions, answers)) is not None:
        if question.id in picks:
            raw = picks[question.id]
        elif question.type == "yes_no":
            raw = False
        elif question.type == "date":
            raw = today.isoformat()
        elif question.type == "multi":
            values = [o.value for o in question.options]
            raw = ["none"] if "none" in values else [values[-1]]
        else:
            raw = question.options[-1].value
        answers[question.id] = parse_answer(question, raw, today=today)
    unasked = set(picks) - set(answers)
    assert not unasked, f"the intake never asks {sorted(unasked)} on this path"
    return answers
