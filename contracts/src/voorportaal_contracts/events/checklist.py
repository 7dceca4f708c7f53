"""Events on `case.events` about the citizen's own work: the checklist+ (issued by the intake,
ticked off by the citizen or staff, overdue when a deadline passes) and a citizen's wish to
talk to a person.

The checklist leaves the intake as data, so the dossier keeps it (the console's case page and
the citizen's status page show it) and notify reminds the citizen before a deadline. Item texts
travel in every citizen language, because the dossier and notify hold no content of their
own; they are content (what to arrange, where, why, by when), never what the citizen answered.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from voorportaal_contracts.registry import Event, registry
from voorportaal_contracts.topics import CASE_EVENTS
from voorportaal_contracts.types import AwareDatetime, CaseId, CitizenLanguage, LifeEvent

_ID = Field(min_length=1, max_length=64)
_LANGUAGES = frozenset(language.value for language in CitizenLanguage)


class Texts(BaseModel):
    """One text in every citizen language (`CitizenLanguage`); Dutch and English always, the
    others as the content gives them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    nl: str = Field(min_length=1, max_length=1000)
    en: str = Field(min_length=1, max_length=1000)
    tr: str | None = Field(default=None, min_length=1, max_length=1000)
    ar: str | None = Field(default=None, min_length=1, max_length=1000)
    pl: str | None = Field(default=None, min_length=1, max_length=1000)

    def get(self, language: str) -> str:
        """The text in `language`, or in Dutch when the content lacks it."""
        text = getattr(self, language, None) if language in _LANGUAGES else None
        return text if isinstance(text, str) else self.nl


class ChecklistEntry(BaseModel):
    """One job on the checklist+: what, where, why, by when and how to reach the agency."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item_id: str = _ID
    agency: str = Field(min_length=1, max_length=32, description="The agency's code.")
    agency_name: Texts
    life_events: list[LifeEvent] = Field(min_length=1)
    title: Texts
    why: list[Texts] = Field(default_factory=list, description="Why, once per life event.")
    due_on: date | None = Field(default=None, description="The real deadline, if there is one.")
    deadline_rule: Texts | None = Field(default=None, description="The deadline in words.")
    contact: list[Literal["web", "phone", "desk", "post"]] = Field(default_factory=list)
    phone: str | None = Field(default=None, max_length=64, description="The agency's number.")
    web: str | None = Field(default=None, max_length=300, description="The agency's website.")
    refer: bool = Field(default=False, description="The voorportaal refers the citizen itself.")
    depends_on: list[str] = Field(default_factory=list)


@registry.register("nl.voorportaal.case.checklist-issued", version=1, topic=CASE_EVENTS)
class ChecklistIssued(Event):
    """The intake computed the case's checklist+ (on submission, and again on each amendment:
    the newest `revision` replaces the list; items keep their done state by `item_id`)."""

    case_id: CaseId
    intake_id: str = _ID
    revision: int = Field(ge=1, description="The intake's revision this checklist belongs to.")
    language: CitizenLanguage = Field(description="The case's language for the citizen.")
    items: list[ChecklistEntry]
    issued_at: AwareDatetime


@registry.register("nl.voorportaal.case.checklist-item-done", version=1, topic=CASE_EVENTS)
class ChecklistItemDone(Event):
    """The citizen (or staff on their behalf) ticked an item off, or unticked it (`done`
    false)."""

    case_id: CaseId
    intake_id: str = _ID
    item_id: str = _ID
    done: bool = True
    by_role: Literal["citizen", "representative", "staff"]
    at: AwareDatetime


@registry.register("nl.voorportaal.case.checklist-item-overdue", version=1, topic=CASE_EVENTS)
class ChecklistItemOverdue(Event):
    """An item's deadline passed and it is not ticked off (once per item and due date)."""

    case_id: CaseId
    intake_id: str = _ID
    item_id: str = _ID
    due_on: date
    at: AwareDatetime


PreferredTime = Literal["as_soon_as_possible", "morning", "afternoon", "evening"]
"""When the citizen would like to be contacted (working days)."""


@registry.register("nl.voorportaal.case.person-requested", version=1, topic=CASE_EVENTS)
class PersonRequested(Event):
    """The citizen asked to talk to a person: the case goes to the console's queue, recommended
    for a buddy with this as the reason. Published by the intake (during or after the
    questionnaire) or the dossier (from the status page). No free text: nothing personal."""

    case_id: CaseId
    request_id: str = _ID
    intake_id: str | None = Field(default=None, max_length=64)
    channel: Literal["phone", "video", "desk", "chat"] = Field(
        description="How the citizen wants to talk."
    )
    preferred_time: PreferredTime
    language: CitizenLanguage
    via: Literal["portal_intake", "portal_status", "console"] = Field(
        description="Where the wish was made."
    )
    requested_at: AwareDatetime
    answer_by: AwareDatetime = Field(description="What the citizen was told: contact by then.")
