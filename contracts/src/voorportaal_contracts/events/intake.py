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
    MessageChannel,
    Redzaamheid,
    Urgency,
)


class _IntakeFacts(Event):
    """What an intake says about a case: the facts routing and the dossier act on.

    Carries no names or contact details: those travel on `contact.points` and
    `citizen.identity` only.
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
    language: str | None = Field(
        default=None, pattern=r"^[a-z]{2}$", description="The citizen's language (ISO 639-1)."
    )
    preferred_channels: list[MessageChannel] = Field(
        default_factory=list, description="How the citizen likes to be contacted (no addresses)."
    )
    started_by_role: str | None = Field(
        default=None,
        max_length=64,
        description="Role of whoever took the intake on the citizen's behalf "
        "(casemanager, signaleerder …); null when the citizen did it themselves.",
    )
    submitted_at: AwareDatetime
    awaiting_confirmation: bool = Field(
        default=False,
        description="Started anonymously and not yet confirmed by the citizen (a one-time code) "
        "or taken in by staff: routing offers nothing to agencies until `IntakeConfirmed`.",
    )


@registry.register("nl.voorportaal.intake.submitted", version=1, topic=INTAKE_EVENTS)
class IntakeSubmitted(_IntakeFacts):
    """A citizen (or someone on their behalf) submitted an intake; a case exists from now on."""


@registry.register("nl.voorportaal.intake.amended", version=1, topic=INTAKE_EVENTS)
class IntakeAmended(_IntakeFacts):
    """Answers of a submitted intake changed; the facts below replace the earlier ones whole."""

    revision: int = Field(ge=2, description="1 is the submission; each amendment adds one.")
    changed: list[str] = Field(
        min_length=1, description="The answers that changed, as `step.question`."
    )
    amended_at: AwareDatetime


@registry.register("nl.voorportaal.intake.confirmed", version=1, topic=INTAKE_EVENTS)
class IntakeConfirmed(Event):
    """An intake that waited for confirmation may now go to the agencies."""

    case_id: CaseId
    intake_id: str = Field(min_length=1, max_length=64)
    confirmed_by: str = Field(
        pattern=r"^(citizen|staff)$",
        description="`citizen` with a one-time code, or `staff` who took the intake in.",
    )
    confirmed_at: AwareDatetime
