"""Events on `contact.points` and `citizen.identity`, the only topics with personal details.

The topic is compacted and keyed by case id: a tombstone (null value) for a case erases its
contact details. Only the dossier and notify services may read it (enforced by ACLs).
"""

from __future__ import annotations

from datetime import date, time

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from voorportaal_contracts.registry import Event, registry
from voorportaal_contracts.topics import CITIZEN_IDENTITY, CONTACT_POINTS, CONTACT_VERIFICATIONS
from voorportaal_contracts.types import (
    AwareDatetime,
    CaseId,
    MessageChannel,
    RepresentativeRelation,
)


class Representative(BaseModel):
    """Someone who acts for the citizen (family member, *bewindvoerder*, mentor …)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    relation: RepresentativeRelation
    email: EmailStr | None = None
    phone: str | None = Field(default=None, pattern=r"^\+[1-9]\d{7,14}$", description="E.164")
    receives_copies: bool = Field(
        default=True, description="Whether notify sends the representative a copy."
    )
    verified: list[MessageChannel] = Field(
        default_factory=list,
        description="The representative's channels whose address was confirmed with a "
        "one-time code; notify sends no copy to an address that is not confirmed.",
    )


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
    representative: Representative | None = Field(
        default=None, description="Receives copies of messages when `receives_copies`."
    )
    verified: list[MessageChannel] = Field(
        default_factory=list,
        description="Channels whose address the citizen confirmed with a one-time code; "
        "notify sends nothing but a code to an address that is not confirmed.",
    )


@registry.register(
    "nl.voorportaal.contact.verification-requested", version=1, topic=CONTACT_VERIFICATIONS
)
class ContactVerificationRequested(Event):
    """A one-time code for notify to send to an address the citizen has not confirmed yet.

    The only message that may go to an unconfirmed address. Keyed by case id; the topic keeps
    it one day and only notify may read it.
    """

    case_id: CaseId
    verification_id: str = Field(min_length=8, max_length=64)
    channel: MessageChannel
    email: EmailStr | None = None
    phone: str | None = Field(default=None, pattern=r"^\+[1-9]\d{7,14}$", description="E.164")
    code: str = Field(pattern=r"^\d{6}$", description="Six digits, valid until `expires_at`.")
    language: str = Field(pattern=r"^[a-z]{2}$", description="ISO 639-1, e.g. nl, en, tr.")
    expires_at: AwareDatetime
    for_representative: bool = Field(
        default=False,
        description="The code confirms a representative's address (for copies), not the "
        "citizen's own.",
    )


@registry.register("nl.voorportaal.citizen.identified", version=1, topic=CITIZEN_IDENTITY)
class CitizenIdentified(Event):
    """Who the citizen of a case is (the full current set). Only the dossier and routing
    read `citizen.identity`; routing passes it on only to agencies the citizen shares with."""

    case_id: CaseId
    name: str | None = Field(default=None, min_length=1, max_length=120)
    bsn: str | None = Field(
        default=None, pattern=r"^\d{9}$", description="Burgerservicenummer (passes the 11-proof)."
    )
    date_of_birth: date | None = None
    postcode: str | None = Field(default=None, pattern=r"^[1-9]\d{3}[A-Z]{2}$")
    house_number: str | None = Field(default=None, max_length=10)
    municipality_code: str | None = Field(default=None, pattern=r"^GM\d{4}$")
    representative: Representative | None = None
    own_words: str | None = Field(
        default=None,
        min_length=1,
        max_length=2000,
        description="The citizen's story in their own words (the intake's optional `own_words` "
        "question): free text, handed on only with the `summary` scope.",
    )
