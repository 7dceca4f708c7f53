"""Events on `case.events`: the lifecycle of a case, published by routing and the dossier."""

from __future__ import annotations

from pydantic import Field

from voorportaal_contracts.registry import Event, registry
from voorportaal_contracts.topics import CASE_EVENTS
from voorportaal_contracts.types import (
    AgencyCode,
    AwareDatetime,
    CaseId,
    DeclineReason,
    SharingScope,
    StaffId,
)

_ID = Field(min_length=1, max_length=64)


@registry.register("nl.voorportaal.case.referral-issued", version=1, topic=CASE_EVENTS)
class ReferralIssued(Event):
    """Routing referred the case to an agency (the referral itself went to its own topic)."""

    case_id: CaseId
    referral_id: str = _ID
    agency_code: AgencyCode
    service_code: str = _ID
    rule_id: str = Field(min_length=1, max_length=64, description="The routing rule that chose it.")
    summary_shared: bool = Field(description="Whether the story so far went with it (consent).")
    due_at: AwareDatetime


@registry.register("nl.voorportaal.case.referral-accepted", version=1, topic=CASE_EVENTS)
class ReferralAccepted(Event):
    """The agency accepted the referral."""

    case_id: CaseId
    referral_id: str = _ID
    agency_code: AgencyCode
    accepted_at: AwareDatetime


@registry.register("nl.voorportaal.case.referral-declined", version=1, topic=CASE_EVENTS)
class ReferralDeclined(Event):
    """The agency declined the referral, for one of the fixed reasons."""

    case_id: CaseId
    referral_id: str = _ID
    agency_code: AgencyCode
    reason: DeclineReason
    declined_at: AwareDatetime


@registry.register("nl.voorportaal.case.buddy-assigned", version=1, topic=CASE_EVENTS)
class BuddyAssigned(Event):
    """A casemanager took ownership of the case as the citizen's buddy."""

    case_id: CaseId
    casemanager_id: StaffId
    casemanager_name: str = Field(
        min_length=1,
        max_length=120,
        description="Staff name shown to the citizen as their contact.",
    )
    assigned_at: AwareDatetime


@registry.register("nl.voorportaal.case.handed-over", version=1, topic=CASE_EVENTS)
class CaseHandedOver(Event):
    """Ownership passed to a colleague, who accepted the warm handover."""

    case_id: CaseId
    from_casemanager_id: StaffId
    to_casemanager_id: StaffId
    to_casemanager_name: str = Field(min_length=1, max_length=120)
    handed_over_at: AwareDatetime


@registry.register("nl.voorportaal.case.promise-recorded", version=1, topic=CASE_EVENTS)
class PromiseRecorded(Event):
    """A commitment to the citizen was recorded in the promise ledger."""

    case_id: CaseId
    promise_id: str = _ID
    made_by: str = Field(
        min_length=1,
        max_length=64,
        description="Agency code, staff id, or 'citizen' for their own term.",
    )
    due_at: AwareDatetime


@registry.register("nl.voorportaal.case.promise-broken", version=1, topic=CASE_EVENTS)
class PromiseBroken(Event):
    """A promise's due date passed without it being fulfilled."""

    case_id: CaseId
    promise_id: str = _ID
    made_by: str = Field(min_length=1, max_length=64)
    due_at: AwareDatetime


@registry.register("nl.voorportaal.case.consent-granted", version=1, topic=CASE_EVENTS)
class ConsentGranted(Event):
    """The citizen (or a casemanager on their behalf) shared the dossier with an agency."""

    case_id: CaseId
    grant_id: str = _ID
    agency_code: AgencyCode
    scopes: list[SharingScope] = Field(min_length=1)
    valid_until: AwareDatetime


@registry.register("nl.voorportaal.case.consent-revoked", version=1, topic=CASE_EVENTS)
class ConsentRevoked(Event):
    """A sharing grant was revoked."""

    case_id: CaseId
    grant_id: str = _ID
    agency_code: AgencyCode
    revoked_at: AwareDatetime
