"""What the citizen sends and gets back for their own work, the same at the intake (with the
intake's token) and at the dossier (with the link from a message): ticking off a checklist
item and asking to talk to a person."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from voorportaal_contracts.events.checklist import PreferredTime
from voorportaal_contracts.types import CitizenLanguage


class ChecklistMarkIn(BaseModel):
    """Tick a checklist item off (`done` true) or undo that (false)."""

    model_config = ConfigDict(extra="forbid")

    done: bool


class PersonRequestIn(BaseModel):
    """ "I want to talk to a person": how and when. Nothing else: the casemanager reads the
    case, so the citizen does not have to tell their story again."""

    model_config = ConfigDict(extra="forbid")

    channel: str = Field(pattern=r"^(phone|video|desk|chat)$", description="How to talk.")
    preferred_time: PreferredTime = "as_soon_as_possible"
    language: CitizenLanguage | None = Field(
        default=None, description="The language to talk in (default: the case's language)."
    )


class PersonRequestOut(BaseModel):
    """The wish is recorded: what happens next and by when."""

    request_id: str
    case_id: str
    answer_by: AwareDatetime = Field(description="A person contacts the citizen by then.")
    already_requested: bool = Field(
        default=False, description="An open wish existed already; this is that one."
    )
