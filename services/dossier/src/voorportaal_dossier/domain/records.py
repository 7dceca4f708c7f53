"""What the dossier keeps beside a case's projected state, as the service layer sees it: contact
moments, documents, messages and actions for the citizen, doorbraak proposals, the links it
issued or saw, and a case's row in the work queue. Plain values; the adapters store them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from voorportaal_dossier.domain.checklist import PersonWish


@dataclass(frozen=True, slots=True)
class ContactMoment:
    """A contact moment with the citizen (`summary` and `next_steps` are personal)."""

    id: str
    case_id: str
    channel: str
    by: str
    summary: str | None
    next_steps: str | None
    confirmation_requested: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class Document:
    """A stored document's metadata (its content is kept by hash in the file store)."""

    id: str
    case_id: str
    sha256: str
    media_type: str
    size: int
    title: str | None
    shared_with: list[str]
    uploaded_by: str
    uploaded_at: datetime


@dataclass(frozen=True, slots=True)
class CitizenItem:
    """A message for the citizen (`kind` `message`) or something they must do (`action`)."""

    id: str
    case_id: str
    kind: str
    text: str | None
    due_at: datetime | None
    by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Override:
    """A proposed doorbraak and, once a supervisor signed it off, its decision."""

    id: str
    case_id: str
    reason_code: str
    note: str | None
    status: str
    proposed_by: str
    decided_by: str | None
    proposed_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class KeptLink:
    """A link to the citizen's dossier the dossier issued or saw (`holder`: a mandate id)."""

    id: str
    case_id: str
    holder: str | None
    kind: str
    expires_at: datetime
    seen_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None


@dataclass(frozen=True, slots=True)
class QueueRow:
    """A case as the work queue filters and sorts it (ids and codes only)."""

    case_id: str
    ownership_status: str
    owner_id: str | None
    team: str | None
    urgency: str | None
    municipality_code: str | None
    life_events: list[str]
    agency_codes: list[str]
    overdue_count: int
    closed_at: datetime | None
    opened_at: datetime | None
    handover_to: str | None
    """The colleague a pending handover is addressed to (so they find it in their queue)."""
    checklist_todo: int = 0
    checklist_late: int = 0
    wish: PersonWish | None = None
    """The citizen's open wish to talk to a person, if any."""


@dataclass(frozen=True, slots=True)
class ClockEntry:
    """An open promise on the ledger job's clock."""

    promise_id: str
    case_id: str
    due_soon_sent: bool


@dataclass(frozen=True, slots=True)
class CaseRecords:
    """Everything kept beside a case's state that its page and export show."""

    contacts: list[ContactMoment]
    documents: list[Document]
    citizen_items: list[CitizenItem]
    overrides: list[Override]
