"""What the intake's content says reaches routing's rules: a need nobody sets is a dead rule.

The death intake used to set no `mobility` need, so routing's RDW rule could never fire. These
cases run the intake's assessment and hand its needs to routing's `route`, as `IntakeSubmitted`
carries them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from voorportaal_contracts.types import LifeEvent
from voorportaal_intake.adapters.content_files import load_life_events
from voorportaal_intake.domain.flow import next_question, parse_answer
from voorportaal_intake.service_layer.intakes import assess
from voorportaal_routing.adapters.data_files import load_directory, load_rules
from voorportaal_routing.domain.rules import IntakeFacts, route

TODAY = date(2026, 12, 6)
PROFILE = {
    "digital_skills": "good",
    "dutch_language": "good",
    "failed_contacts": 0,
    "overwhelmed": False,
    "wants_personal_help": False,
}


def death_intake(**picks: Any) -> dict[str, Any]:
    questions = load_life_events()[LifeEvent.DEATH_OF_RELATIVE].questions
    answers: dict[str, Any] = {}
    while (question := next_question(questions, answers)) is not None:
        if question.id in picks:
            raw = picks[question.id]
        elif question.type == "yes_no":
            raw = False
        elif question.type == "date":
            raw = TODAY.isoformat()
        elif question.type == "multi":
            values = [o.value for o in question.options]
            raw = ["none"] if "none" in values else [values[-1]]
        else:
            raw = question.options[-1].value
        answers[question.id] = parse_answer(question, raw, today=TODAY)
    return answers


def agencies_routed(answers: dict[str, Any]) -> set[str]:
    result = assess({LifeEvent.DEATH_OF_RELATIVE: answers}, PROFILE)
    facts = IntakeFacts(
        life_events=(LifeEvent.DEATH_OF_RELATIVE,),
        redzaamheid=result.triage.redzaamheid,
        urgency=result.triage.urgency,
        needs=tuple(result.needs),
        risks=tuple(result.risks),
    )
    return {p.agency_code for p in route(facts, load_directory(), load_rules())}


def test_a_car_in_the_name_of_the_deceased_reaches_routings_rdw_rule() -> None:
    assert "rdw" in agencies_routed(death_intake(deceased_vehicle=True))


def test_without_a_vehicle_routing_sends_nobody_to_the_rdw() -> None:
    assert "rdw" not in agencies_routed(death_intake(deceased_vehicle=False))
