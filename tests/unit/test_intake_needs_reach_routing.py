"""What the intake's content says reaches routing's rules: a need nobody sets is a dead rule.

The death intake used to set no `mobility` need, so routing's RDW rule could never fire. These
cases run the intake's assessment and hand its needs to routing's `route`, as `IntakeSubmitted`
carries them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from content_cases import PROFILE, walk

from voorportaal_contracts.types import LifeEvent
from voorportaal_intake.service_layer.assessment import assess
from voorportaal_routing.adapters.data_files import load_directory, load_rules
from voorportaal_routing.domain.rules import IntakeFacts, route

TODAY = date(2026, 12, 6)


def death_intake(**picks: Any) -> dict[str, Any]:
    return walk(LifeEvent.DEATH_OF_RELATIVE, today=TODAY, **picks)


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
