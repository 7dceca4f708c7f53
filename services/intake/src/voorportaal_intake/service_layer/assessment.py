"""What the answers say: needs, risks, the checklist+, triage and municipality.

Submitting computes them and stores them as the intake's result; `IntakeSubmitted` and
`IntakeAmended` carry them (`facts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from voorportaal_contracts.consent import sharing_agencies
from voorportaal_contracts.types import LifeEvent
from voorportaal_intake.adapters.content_files import (
    load_catalogue,
    load_life_events,
    load_municipalities,
    load_triage,
)
from voorportaal_intake.domain.checklist import ChecklistEntry, build_checklist
from voorportaal_intake.domain.content import Agency
from voorportaal_intake.domain.flow import signals
from voorportaal_intake.domain.intake import MOVING_POSTCODE, Citizen, ContactDetails, Intake
from voorportaal_intake.domain.triage import Triage, triage
from voorportaal_intake.domain.triage import facts as triage_facts
from voorportaal_intake.service_layer.questionnaire import typed


@dataclass(frozen=True)
class Assessment:
    """What the answers say: the facts `IntakeSubmitted` and `IntakeAmended` carry."""

    life_events: list[LifeEvent]
    needs: list[str]
    risks: list[str]
    checklist: list[ChecklistEntry]
    triage: Triage
    municipality_code: str | None


def assess(
    answers: dict[LifeEvent, dict[str, Any]],
    profile: dict[str, Any],
    postcode: str | None = None,
) -> Assessment:
    """What submitting computes from typed answers per life event (in the order chosen) and
    the profile answers: needs, risks, the merged checklist+, triage and municipality."""
    contents = load_life_events()
    walked = []
    needs: list[str] = []
    risks: list[str] = []
    for event, event_answers in answers.items():
        content = contents[event]
        walked.append((content, event_answers))
        event_needs, event_risks = signals(content, event_answers)
        needs += [n for n in event_needs if n not in needs]
        risks += [r for r in event_risks if r not in risks]
    checklist = build_checklist(walked)
    public = {a.code for a in load_catalogue().agencies if a.public}
    agencies = {e.agency for e in checklist if e.agency in public}
    result = triage(load_triage(), triage_facts(profile, risks, agencies, len(answers)))
    municipality = load_municipalities().lookup(postcode) if postcode else None
    return Assessment(
        life_events=list(answers),
        needs=needs,
        risks=risks,
        checklist=checklist,
        triage=result,
        municipality_code=municipality.code if municipality else None,
    )


def assess_intake(intake: Intake, citizen: Citizen | None) -> Assessment:
    """The assessment of a complete intake: the moving postcode, else the citizen's, decides
    the municipality."""
    contents = load_life_events()
    answers = {
        event: typed(contents[event].questions, intake.answers[event.value])
        for event in intake.life_events
    }
    step, question = MOVING_POSTCODE
    postcode = intake.answers.get(step, {}).get(question) or (citizen.postcode if citizen else None)
    return assess(answers, intake.profile, postcode)


def facts(intake: Intake, assessment: Assessment, contact: ContactDetails | None) -> dict[str, Any]:
    """The fields `IntakeSubmitted` and `IntakeAmended` share."""
    return {
        "case_id": intake.case_id,
        "intake_id": str(intake.id),
        "life_events": assessment.life_events,
        "channel": intake.channel,
        "redzaamheid": assessment.triage.redzaamheid,
        "urgency": assessment.triage.urgency,
        "needs": assessment.needs,
        "risks": assessment.risks,
        "municipality_code": assessment.municipality_code,
        # "My gemeente" is the citizen's own municipality's agency, never every municipality.
        "share_with": (
            sharing_agencies(contact.share_with, assessment.municipality_code) if contact else []
        ),
        "language": intake.language.value,
        "preferred_channels": list(contact.channels) if contact else [],
        "started_by_role": intake.started_by_role,
        "awaiting_confirmation": intake.awaiting_confirmation,
    }


def result_of(assessment: Assessment) -> dict[str, Any]:
    """The assessment as the intake stores it and the API shows it (`IntakeResult`)."""
    result = assessment.triage
    agencies = {a.code: a for a in load_catalogue().agencies}
    return {
        "needs": assessment.needs,
        "risks": assessment.risks,
        "municipality_code": assessment.municipality_code,
        "triage": {
            "redzaamheid": result.redzaamheid.value,
            "urgency": result.urgency.value,
            "points": result.points,
            "buddy_proposed": result.buddy_proposed,
            "reasons": [
                {"rule": r.rule, "text": r.text.model_dump(), "points": r.points}
                for r in result.reasons
            ],
        },
        "checklist": [
            {
                "id": e.id,
                "title": e.title.model_dump(),
                "agency": e.agency,
                "why": [w.model_dump() for w in e.why],
                "life_events": [x.value for x in e.life_events],
                "deadline": e.deadline.isoformat() if e.deadline else None,
                "deadline_rule": e.deadline_rule.model_dump() if e.deadline_rule else None,
                "contact": e.contact,
                "refer": e.refer,
                "need": e.need,
                "depends_on": e.depends_on,
                **_agency(agencies.get(e.agency)),
            }
            for e in assessment.checklist
        ],
    }


def _agency(agency: Agency | None) -> dict[str, Any]:
    """How to reach an item's agency, from the catalogue (nothing for one it lacks)."""
    if agency is None:
        return {"agency_name": None, "phone": None, "web": None}
    return {"agency_name": agency.name.model_dump(), "phone": agency.phone, "web": agency.web}
