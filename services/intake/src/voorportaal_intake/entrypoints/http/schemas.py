"""What the intake's HTTP routes accept: validated at the edge, with reasons in English and
Dutch (`English / Nederlands`), so bad input never reaches a use case."""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from voorportaal_contracts.types import (
    Channel,
    CitizenLanguage,
    LifeEvent,
    MessageChannel,
    RepresentativeRelation,
)
from voorportaal_intake.adapters.content_files import load_catalogue
from voorportaal_intake.domain.identity import is_valid_bsn, normalise_postcode

_PHONE_NL = re.compile(r"^0[1-9][0-9]{8}$")
_E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
_PHONE_REASON = (
    "not a Dutch (06…) or international (+…) phone number / "
    "geen Nederlands (06…) of internationaal (+…) telefoonnummer"
)


def _phone_number(value: str | None) -> str | None:
    """A Dutch or E.164 phone number as E.164, or a ValueError naming both forms."""
    if value is None:
        return None
    digits = re.sub(r"[\s-]", "", value)
    if _PHONE_NL.fullmatch(digits):
        return "+31" + digits[1:]
    if _E164.fullmatch(digits):
        return digits
    raise ValueError(_PHONE_REASON)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StartIntake(_In):
    """Start an intake for one or more life events."""

    life_events: list[LifeEvent] = Field(min_length=1, max_length=6)
    channel: Channel = Channel.WEB
    language: CitizenLanguage = Field(
        default=CitizenLanguage.NL,
        description="The citizen's language: the checklist's and the messages' language too.",
    )


class AnswerIn(_In):
    """One answer: true/false, a number, a text, a date (YYYY-MM-DD), a list, or null to skip."""

    value: bool | int | float | str | list[str] | None


class ContactIn(_In):
    """Contact details and preferences; only notify and the dossier ever see them."""

    channels: list[MessageChannel] = Field(min_length=1)
    language: CitizenLanguage | None = Field(
        default=None, description="Changes the intake's language; empty: keep the intake's."
    )
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=20)
    quiet_from: str | None = Field(default=None, pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    quiet_until: str | None = Field(default=None, pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    share_with: list[str] = Field(default_factory=list, max_length=30)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return _phone_number(value)

    @field_validator("share_with")
    @classmethod
    def _known_agencies(cls, value: list[str]) -> list[str]:
        known = {a.code for a in load_catalogue().agencies if a.public}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(
                f"unknown agencies: {', '.join(unknown)} / "
                f"onbekende instanties: {', '.join(unknown)}"
            )
        return value


class RepresentativeIn(_In):
    """Someone who acts for the citizen; receives copies of messages unless told not to."""

    name: str = Field(min_length=1, max_length=120)
    relation: RepresentativeRelation
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=20)
    receives_copies: bool = True

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return _phone_number(value)


class CitizenIn(_In):
    """Who the citizen is. Everything is optional: an intake works without a BSN; the details
    go only to the dossier and to agencies the citizen shares with."""

    name: str | None = Field(default=None, min_length=1, max_length=120)
    bsn: str | None = Field(default=None, max_length=11)
    date_of_birth: date | None = None
    postcode: str | None = Field(default=None, max_length=7)
    house_number: str | None = Field(default=None, max_length=10, pattern=r"^[1-9][0-9]{0,4}.*$")
    representative: RepresentativeIn | None = None

    @field_validator("bsn")
    @classmethod
    def _bsn(cls, value: str | None) -> str | None:
        if value is None:
            return None
        digits = value.replace(" ", "").replace(".", "")
        if not is_valid_bsn(digits):
            raise ValueError(
                "not a valid BSN: 9 digits that pass the 11-proof / "
                "geen geldig BSN: 9 cijfers die de elfproef doorstaan"
            )
        return digits

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str | None) -> str | None:
        if value is None:
            return None
        normal = normalise_postcode(value)
        if normal is None:
            raise ValueError("not a Dutch postcode like 1234 AB / geen postcode zoals 1234 AB")
        return normal

    @field_validator("date_of_birth")
    @classmethod
    def _born(cls, value: date | None) -> date | None:
        if value is not None and value < date(1900, 1, 1):
            raise ValueError("lies before 1900 / ligt voor 1900")
        return value


class ChangeIn(_In):
    """One changed answer in an amendment."""

    step: str = Field(min_length=1, max_length=48)
    question: str = Field(min_length=1, max_length=48)
    value: bool | int | float | str | list[str] | None


class AmendIn(_In):
    """Changed answers of a submitted intake; all apply or none."""

    changes: list[ChangeIn] = Field(min_length=1, max_length=50)


class CodeIn(_In):
    """The one-time code the citizen received by SMS or e-mail."""

    code: str = Field(pattern=r"^\s*[0-9]{6}\s*$", description="Six digits.")
