"""Events between routing and the agencies: `referrals.<agency>` and `referral.responses`."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from voorportaal_contracts.registry import Event, registry
from voorportaal_contracts.topics import REFERRAL_RESPONSES, REFERRALS_PREFIX
from voorportaal_contracts.types import (
    AgencyCode,
    AwareDatetime,
    CaseId,
    DeclineReason,
    LifeEvent,
    ReferralMode,
    ReferralResponseKind,
    SharingScope,
)

_ID = Field(min_length=1, max_length=64)


class Handover(BaseModel):
    """The consented story so far, so the citizen need not tell it again (warm handover).

    Present only on referrals to agencies the citizen agreed to share with.
    """

    model_config = ConfigDict(extra="forbid")

    story: str = Field(min_length=1, max_length=4000, description="Plain Dutch summary.")
    name: str | None = Field(default=None, max_length=120)
    bsn: str | None = Field(default=None, pattern=r"^\d{9}$")
    date_of_birth: date | None = None
    municipality_code: str | None = Field(default=None, pattern=r"^GM\d{4}$")
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")
    channels: list[str] = Field(default_factory=list, description="How the citizen likes contact.")
    buddy_name: str | None = Field(default=None, max_length=120)
    representative: str | None = Field(
        default=None, max_length=200, description="Who acts for the citizen, and how related."
    )
    own_words: str | None = Field(
        default=None,
        max_length=2000,
        description="The citizen's story in their own words, as they wrote it (only with the "
        "`summary` scope).",
    )


@registry.register(
    "nl.voorportaal.referral.offered", version=1, topic=REFERRALS_PREFIX + "{agency}"
)
class ReferralOffered(Event):
    """A referral for one agency, on that agency's own topic `referrals.<agency>`.

    `handover` (the story so far) is present only when the citizen agreed to share it with
    this agency; otherwise the agency gets the referral without personal details. A later
    offer with the same `referral_id` replaces the earlier one (the citizen's details arrived
    or changed): it is always the full current referral.
    """

    case_id: CaseId
    referral_id: str = _ID
    agency_code: AgencyCode
    service_code: str = _ID
    life_events: list[LifeEvent]
    needs: list[str] = Field(default_factory=list)
    urgent: bool = False
    due_at: AwareDatetime
    mode: ReferralMode
    handover: Handover | None = None


@registry.register(
    "nl.voorportaal.referral.reminder", version=1, topic=REFERRALS_PREFIX + "{agency}"
)
class ReferralReminder(Event):
    """A reminder to the agency about an open referral (automatic, or a casemanager's nudge)."""

    case_id: CaseId
    referral_id: str = _ID
    agency_code: AgencyCode
    due_at: AwareDatetime
    nudge: bool = Field(default=False, description="Sent by a casemanager, not the SLA clock.")


@registry.register(
    "nl.voorportaal.referral.cancelled", version=1, topic=REFERRALS_PREFIX + "{agency}"
)
class ReferralCancelled(Event):
    """The voorportaal withdrew or expired the referral: the agency need not act on it."""

    case_id: CaseId
    referral_id: str = _ID
    agency_code: AgencyCode
    state: str = Field(pattern=r"^(withdrawn|expired)$")


@registry.register("nl.voorportaal.referral.responded", version=1, topic=REFERRAL_RESPONSES)
class ReferralResponded(Event):
    """An agency's answer to one of its referrals, signed with that agency's key.

    Sign the exact bytes of the record value: HMAC-SHA256 (hex) with the agency's key, in the
    Kafka header `vp-signature: v2=<hex>` (any JSON serialiser, key order or spacing will do).
    The older form, `signature` inside the payload over its canonical JSON, is read until
    2027-06-30. One answer is `referral_id` + `response` + `responded_at` (a promise: its
    text and `promise_due_at`): sent again, it is applied once. `responded_at` must be within
    24 hours before and 5 minutes after the moment routing reads it, or it is refused.
    """

    case_id: CaseId
    referral_id: str = _ID
    agency_code: AgencyCode
    response: ReferralResponseKind
    decline_reason: DeclineReason | None = None
    outcome: str | None = Field(default=None, max_length=500, description="With `completed`.")
    promise: str | None = Field(
        default=None, max_length=500, description="With `promise_made`: what is promised."
    )
    promise_due_at: AwareDatetime | None = None
    note: str | None = Field(default=None, max_length=500)
    responded_at: AwareDatetime
    signature: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="Legacy (until 2027-06-30): HMAC-SHA256 (hex) over the canonical JSON of the "
        "other fields, agency's key. Leave it out and sign the record value in `vp-signature`.",
    )


@registry.register(
    "nl.voorportaal.referral.consent-withdrawn", version=1, topic=REFERRALS_PREFIX + "{agency}"
)
class ConsentWithdrawn(Event):
    """The agency may no longer hold the citizen's personal details for these referrals.

    Sent on the agency's own topic when the citizen revoked sharing with it, the sharing
    expired, or the case was anonymised (erased). The agency must delete the personal details
    and the story it received with these referrals (from its systems and any copies) and
    receives no further ones; the referrals themselves stay valid without them unless they are
    cancelled. A later grant brings a replacing `ReferralOffered` with the same referral id.
    """

    case_id: CaseId
    agency_code: AgencyCode
    referral_ids: list[str] = Field(min_length=1)
    reason: str = Field(
        pattern=r"^(consent_revoked|consent_expired|case_anonymised)$",
        description="consent_revoked, consent_expired or case_anonymised.",
    )
    scopes: list[SharingScope] = Field(
        min_length=1, description="What may no longer be held: summary (the story), identity."
    )
    withdrawn_at: AwareDatetime
