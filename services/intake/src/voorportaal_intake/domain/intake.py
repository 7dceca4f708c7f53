"""The intake as an entity: its answers, its status (see `workflow`), and who the citizen is.

What an intake *is* (life events, answers, triage, checklist) is kept apart from the personal
details (`ContactDetails`, `Citizen`), which are stored on their own so they can be erased.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from voorportaal_contracts.types import Channel, CitizenLanguage, LifeEvent, MessageChannel
from voorportaal_intake.domain.workflow import IntakeAction, IntakeStatus, transition
from voorportaal_kit.errors import Gone

STAFF = ("casemanager", "supervisor")
"""Roles that may start, read and complete any intake (on a citizen's behalf)."""

SIGNALEERDER = "signaleerder"
"""A partner (wijkteam, schuldhulp, police …) who may start intakes and see only their own."""

PROFILE = "profile"
"""The step name of the triage profile questions (asked after the life events)."""

MOVING_POSTCODE = ("moving_rented_home", "new_postcode")
"""The answer that says where a moving citizen will live: its municipality counts first."""


ConfirmedBy = Literal["citizen", "staff"]
"""Who vouched for the citizen: the citizen with a code, or staff taking the intake in."""


class Erased(Gone):
    """The case was anonymised: the intake's personal data is gone and it cannot change."""

    code = "erased"


@dataclass
class Intake:
    """One citizen's intake. Its status changes only through `move` (the transition table)."""

    id: UUID
    case_id: str
    content_version: str
    life_events: list[LifeEvent]
    channel: Channel
    started_by: str | None
    """Staff or signaleerder subject who started it; None: the citizen."""
    started_by_role: str | None
    answers: dict[str, dict[str, Any]]
    """Per life event (its code), the stored (JSON) answers."""
    profile: dict[str, Any]
    status: IntakeStatus
    result: dict[str, Any] | None
    """Triage and checklist+ as computed at submission (or the last amendment)."""
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None = None
    revision: int = 1
    confirmed_by: ConfirmedBy | None = None
    confirmed_at: datetime | None = None
    taken_in_by: str | None = None
    erased_at: datetime | None = None
    language: CitizenLanguage = CitizenLanguage.NL
    """The citizen's language: chosen at the start, changed in the contact step."""

    @property
    def awaiting_confirmation(self) -> bool:
        """Submitted, and held from the agencies until confirmed."""
        return self.status.awaiting_confirmation

    @property
    def started_by_staff(self) -> bool:
        """Started by a casemanager or supervisor on the citizen's behalf."""
        return self.started_by_role in STAFF

    def move(self, action: IntakeAction) -> None:
        """Apply `action` to the status (`InvalidTransition` when the table refuses it)."""
        self.status = transition(self.status, action)

    def ensure_not_erased(self) -> None:
        """`Erased` when the case was anonymised."""
        if self.erased_at is not None:
            raise Erased("This case was anonymised; its intake can no longer change.")

    def answers_of(self, step: str) -> dict[str, Any]:
        """A copy of the stored answers of one step (a life event or the profile)."""
        return dict(self.profile if step == PROFILE else self.answers[step])

    def set_answers(self, step: str, answers: dict[str, Any]) -> None:
        """Replace the stored answers of one step."""
        if step == PROFILE:
            self.profile = answers
        else:
            self.answers = {**self.answers, step: answers}

    def all_answers(self) -> dict[str, dict[str, Any]]:
        """The answers per step, the profile included (as the API shows them)."""
        return {**self.answers, PROFILE: self.profile}


@dataclass(frozen=True)
class ContactDetails:
    """How to reach the citizen, and with whom they share (only notify and the dossier get it);
    also the contact step's command, as the edge validated it."""

    channels: list[MessageChannel]
    language: str | None
    """The citizen's language; None in the contact step's command: the intake's language."""
    email: str | None
    phone: str | None
    quiet_from: str | None
    quiet_until: str | None
    share_with: list[str]

    def address(self, channel: MessageChannel) -> str | None:
        """The address for a channel (e-mail or phone), if given."""
        value = self.email if channel == MessageChannel.EMAIL else self.phone
        return value or None


@dataclass(frozen=True)
class Citizen:
    """Who the citizen is, and who represents them (every field optional); also the command of
    the who-are-you step, as the edge validated it."""

    name: str | None
    bsn: str | None
    date_of_birth: date | None
    postcode: str | None
    house_number: str | None
    representative: dict[str, Any] | None
    """Name, relation, e-mail, phone, receives_copies (as `Representative` on the events)."""


@dataclass(frozen=True)
class Change:
    """One answer given or changed (in an amendment: one of several)."""

    step: str
    question: str
    value: Any


@dataclass(frozen=True)
class Details:
    """An intake with its personal details, as a use case that publishes them loads it."""

    intake: Intake
    contact: ContactDetails | None = None
    citizen: Citizen | None = None
