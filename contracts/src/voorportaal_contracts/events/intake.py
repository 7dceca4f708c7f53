"""Events on `intake.events`."""

from __future__ import annotations

from pydantic import Field

from voorportaal_contracts.registry import Event, registry
from voorportaal_contracts.topics import INTAKE_EVENTS
from voorportaal_contracts.types import (
    AgencyCode,
    AwareDatetime,
    CaseId,
    Channel,
    LifeEvent,
    Redzaamheid,
    Urgency,
)


@registry.register("nl.voorportaal.intake.submitted", version=1, topic=INTAKE_EVENTS)
class IntakeSubmitted(Event):
    """A citizen (or someone on their behalf) submitted an intake; a case exists from now on.

    Carries no names or contact details: those travel on `contact.points` only.
    """

    case_id: CaseId
    intake_id: str = Field(min_length=1, max_length=64)
    life_events: list[LifeEvent] = Field(min_length=1)
    channel: Channel
    redzaamheid: Redzaamheid
    urgency: Urgency
    needs: list[str] = Field(default_factory=list, description="Need codes from the content.")
    risks: list[str] = Field(default_factory=list, description="Acute risk codes.")
    municipality_code: str | None = Field(
        default=None, pattern=r"^GM\d{4}$", description="CBS municipality code, e.g. GM0344."
    )
    share_with: list[AgencyCode] = Field(
        default_factory=list,
        description="Agencies the citizen agreed may receive the referral summary.",
    )
    submitted_at: AwareDatetime
