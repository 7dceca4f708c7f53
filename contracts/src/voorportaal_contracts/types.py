"""Shared value types and enumerations used in event schemas."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

CaseId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{5,63}$")]
"""A case id: opaque, 6-64 letters, digits and hyphens; never derived from personal data."""

AgencyCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,31}$")]
"""An agency's code, e.g. `uwv`, `svb`, `gemeente-gm0344` (Utrecht's; see
`voorportaal_contracts.topics.municipal_agency_code`)."""

StaffId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
"""The subject id of a staff member (casemanager, supervisor) from the identity provider."""


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must include a timezone")
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]
"""A timestamp with a timezone; naive timestamps are rejected."""

ShortText = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class LifeEvent(StrEnum):
    """The six life events of the research (*levensgebeurtenissen*)."""

    MOVING_RENTED_HOME = "moving_rented_home"
    TURNING_18 = "turning_18"
    INCOME_LOSS = "income_loss"
    FALLING_ILL = "falling_ill"
    DEATH_OF_RELATIVE = "death_of_relative"
    DIVORCE = "divorce"


class CitizenLanguage(StrEnum):
    """A language a citizen reads the portal, the questionnaire, the checklist and their
    messages in (ISO 639-1). Every text a citizen reads is given in all of them."""

    NL = "nl"
    EN = "en"
    TR = "tr"
    AR = "ar"
    PL = "pl"


RIGHT_TO_LEFT: frozenset[str] = frozenset({CitizenLanguage.AR.value})
"""Languages written right to left: pages in them are laid out with `dir="rtl"`."""


class Redzaamheid(StrEnum):
    """Self-reliance as proposed by triage: a sliding scale, shown with its reasons."""

    ZELFREDZAAM = "zelfredzaam"
    MIDDENGROEP = "middengroep"
    NIET_REDZAAM = "niet_redzaam"


class Urgency(StrEnum):
    """How soon someone must act on a case."""

    NORMAL = "normal"
    HIGH = "high"
    ACUTE = "acute"


class Channel(StrEnum):
    """How the citizen came in or was contacted."""

    WEB = "web"
    PHONE = "phone"
    DESK = "desk"
    SIGNALEERDER = "signaleerder"
    HOME_VISIT = "home_visit"
    EMAIL = "email"
    CHAT = "chat"
    VIDEO = "video"


class MessageChannel(StrEnum):
    """A channel on which notify can reach a citizen."""

    SMS = "sms"
    EMAIL = "email"
    POST = "post"


class ReferralResponseKind(StrEnum):
    """What an agency answers to a referral."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    RETURNED = "returned"
    PROMISE_MADE = "promise_made"


class ReferralMode(StrEnum):
    """How a referral reaches an agency, following the citizen's sharing choice."""

    WARM_HANDOVER = "warm_handover"
    ANONYMOUS = "anonymous"
    SELF_CONTACT = "self_contact"


class DeclineReason(StrEnum):
    """Fixed decline reasons; `referred_elsewhere` is the *kastje-muur* signal."""

    NOT_OUR_TASK = "not_our_task"
    NO_CAPACITY = "no_capacity"
    NOT_ELIGIBLE = "not_eligible"
    CITIZEN_UNREACHABLE = "citizen_unreachable"
    REFERRED_ELSEWHERE = "referred_elsewhere"


class RepresentativeRelation(StrEnum):
    """How a representative is related to the citizen."""

    FAMILY = "family"
    PARTNER = "partner"
    BEWINDVOERDER = "bewindvoerder"
    MENTOR = "mentor"
    CURATOR = "curator"
    OTHER = "other"


class SharingScope(StrEnum):
    """What an agency or representative may do with a citizen's dossier."""

    SUMMARY = "summary"
    """The story so far: life events, needs, what is arranged; no name, BSN or contact details."""
    IDENTITY = "identity"
    """Name, BSN, date of birth, address and contact details (a warm handover needs it)."""
    DOCUMENTS = "documents"
    ACT_ON_BEHALF = "act_on_behalf"


Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
