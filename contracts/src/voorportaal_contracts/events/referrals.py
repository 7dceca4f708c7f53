"""Events between routing and the agencies: `referrals.<agency>` and `referral.responses`."""

from __future__ import annotations

from pydantic import Field

from voorportaal_contracts.registry import Event, registry
from voorportaal_contracts.topics import REFERRAL_RESPONSES, REFERRALS_PREFIX
from voorportaal_contracts.types import (
    AgencyCode,
    AwareDatetime,
    CaseId,
    DeclineReason,
    LifeEvent,
    ReferralResponseKind,
)

_ID = Field(min_length=1, max_length=64)


@registry.register(
    "nl.voorportaal.referral.offered", version=1, topic=REFERRALS_PREFIX + "{agency}"
)
class ReferralOffered(Event):
    """A referral for one agency, on that agency's own topic `referrals.<agency>`.

    `handover` (the story so far) is present only when the citizen agreed to share it with
    this agency; otherwise the agency gets the referral without personal details.
    """

    case_id: CaseId
    referral_id: str = _ID
    agency_code: AgencyCode
    service_code: str = _ID
    life_events: list[LifeEvent]
    needs: list[str] = Field(default_factory=list)
    due_at: AwareDatetime
    handover: str | None = Field(
        default=None, max_length=8000, description="The consented 'story so far' (warm handover)."
    )


@registry.register("nl.voorportaal.referral.responded", version=1, topic=REFERRAL_RESPONSES)
class ReferralResponded(Event):
    """An agency's answer to one of its referrals, signed with that agency's key."""

    case_id: CaseId
    referral_id: str = _ID
    agency_code: AgencyCode
    response: ReferralResponseKind
    decline_reason: DeclineReason | None = None
    promise_due_at: AwareDatetime | None = None
    responded_at: AwareDatetime
    signature: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="HMAC-SHA256 (hex) over the other fields, agency's key.",
    )
