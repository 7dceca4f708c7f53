"""Events on `contact.points`, the only topic that carries contact details.

The topic is compacted and keyed by case id: a tombstone (null value) for a case erases its
contact details. Only the dossier and notify services may read it (enforced by ACLs).
"""

from __future__ import annotations

from datetime import time

from pydantic import EmailStr, Field

from voorportaal_contracts.registry import Event, registry
from voorportaal_contracts.topics import CONTACT_POINTS
from voorportaal_contracts.types import CaseId, MessageChannel


@registry.register("nl.voorportaal.contact.points-updated", version=1, topic=CONTACT_POINTS)
class ContactPointsUpdated(Event):
    """The citizen's contact details or preferences changed (the full current set)."""

    case_id: CaseId
    channels: list[MessageChannel] = Field(min_length=1)
    language: str = Field(pattern=r"^[a-z]{2}$", description="ISO 639-1, e.g. nl, en, tr.")
    email: EmailStr | None = None
    phone: str | None = Field(default=None, pattern=r"^\+[1-9]\d{7,14}$", description="E.164")
    quiet_from: time | None = None
    quiet_until: time | None = None
