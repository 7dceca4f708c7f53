"""Events on `case.events`: the lifecycle of a case, published by routing and the dossier."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from voorportaal_contracts.registry import Event, registry
from voorportaal_contracts.topics import CASE_EVENTS
from voorportaal_contracts.types import (
    AgencyCode,
    AwareDatetime,
    CaseId,
    Channel,
    DeclineReason,
    ReferralMode,
    RepresentativeRelation,
    SharingScope,
    StaffId,
)

_ID = Field(min_length=1, max_length=64)


class Reason(BaseModel):
    """Why something was decided: a rule id and its plain-language text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str = Field(min_length=1, max_length=64)
    nl: str = Field(min_length=1, max_length=500)
    en: str = Field(min_length=1, max_length=500)


@registry.register("nl.voorportaal.case.referral-issued", version=1, topic=CASE_EVENTS)
class ReferralIssued(Event):
    """Routing referred the case to an agency (the referral itself went to its own topic,
    unless the citizen contacts the agency themselves, or it waits on another referral)."""

    case_id: CaseId
    referral_id: str = _ID
    agency_code: AgencyCode
    service_code: str = _ID
    rule_id: str = Field(min_length=1, max_length=64, description="The routing rule that chose it.")
    summary_shared: bool = Field(description="Whether the story so far went with it (consent).")
    due_at: AwareDatetime | None = Field(
        description="When the agency's response norm passes; null while the referral is held."
    )
    mode: ReferralMode = Field(
        default=ReferralMode.WARM_HANDOVER,
        description="warm_handover (with the story), anonymous (without personal details), "
        "self_contact (the checklist tells the citizen to contact the agency).",
    )
    reasons: list[Reason] = Field(default_factory=list, description="Every rule that chose it.")
    waits_on: str | None = Field(
        default=None, max_length=64, description="Referral this one waits on (estafette)."
    )
    manual_by: StaffId | None = Field(
        default=None, description="The casemanager who added it by hand, if not a rule."
    )


class _ReferralChange(Event):
    """A step in a referral's lifecycle (see routing's transition table)."""

    case_id: CaseId
    referral_id: str = _ID
    agency_code: AgencyCode
    by: str = Field(
        min_length=1, max_length=64, description="'agency', 'system', or the staff id who did it."
    )
    note: str | None = Field(default=None, max_length=500)
    changed_at: AwareDatetime


@registry.register("nl.voorportaal.case.referral-received", version=1, topic=CASE_EVENTS)
class ReferralReceived(_ReferralChange):
    """The agency confirmed it received the referral."""


@registry.register("nl.voorportaal.case.referral-accepted", version=1, topic=CASE_EVENTS)
class ReferralAccepted(_ReferralChange):
    """The agency accepted the referral."""


@registry.register("nl.voorportaal.case.referral-declined", version=1, topic=CASE_EVENTS)
class ReferralDeclined(_ReferralChange):
    """The agency declined the referral, for one of the fixed reasons."""

    reason: DeclineReason


@registry.register("nl.voorportaal.case.referral-started", version=1, topic=CASE_EVENTS)
class ReferralStarted(_ReferralChange):
    """The agency started working on the referral."""


@registry.register("nl.voorportaal.case.referral-completed", version=1, topic=CASE_EVENTS)
class ReferralCompleted(_ReferralChange):
    """The agency finished, with an outcome (a short text; no amounts or decisions' details)."""

    outcome: str = Field(min_length=1, max_length=500)


@registry.register("nl.voorportaal.case.referral-returned", version=1, topic=CASE_EVENTS)
class ReferralReturned(_ReferralChange):
    """The agency handed the referral back to the voorportaal."""


@registry.register("nl.voorportaal.case.referral-withdrawn", version=1, topic=CASE_EVENTS)
class ReferralWithdrawn(_ReferralChange):
    """The voorportaal withdrew the referral (no longer needed, or amended intake)."""


@registry.register("nl.voorportaal.case.referral-expired", version=1, topic=CASE_EVENTS)
class ReferralExpired(_ReferralChange):
    """Nobody answered the referral in time; it expired."""


@registry.register("nl.voorportaal.case.referral-released", version=1, topic=CASE_EVENTS)
class ReferralReleased(Event):
    """A referral that waited on another (estafette) was sent, now that the other completed."""

    case_id: CaseId
    referral_id: str = _ID
    agency_code: AgencyCode
    after: str = Field(min_length=1, max_length=64, description="The referral it waited on.")
    due_at: AwareDatetime
    released_at: AwareDatetime


@registry.register("nl.voorportaal.case.referral-reminded", version=1, topic=CASE_EVENTS)
class ReferralReminded(Event):
    """The agency was reminded of an open referral (before its norm passes, or a nudge)."""

    case_id: CaseId
    referral_id: str = _ID
    agency_code: AgencyCode
    by: str = Field(min_length=1, max_length=64, description="'system' or the staff id.")
    due_at: AwareDatetime
    reminded_at: AwareDatetime


@registry.register("nl.voorportaal.case.referral-overdue", version=1, topic=CASE_EVENTS)
class ReferralOverdue(Event):
    """The agency's response norm passed without an answer (for the buddy and supervisor)."""

    case_id: CaseId
    referral_id: str = _ID
    agency_code: AgencyCode
    due_at: AwareDatetime
    detected_at: AwareDatetime


@registry.register("nl.voorportaal.case.chain-stalled", version=1, topic=CASE_EVENTS)
class ChainStalled(Event):
    """An estafette chain stopped moving: a referral waits on one that will not complete."""

    case_id: CaseId
    referral_id: str = _ID
    waits_on: str = _ID
    reason: str = Field(min_length=1, max_length=64, description="Stall reason code.")
    text: Reason
    detected_at: AwareDatetime


@registry.register("nl.voorportaal.case.buddy-recommended", version=1, topic=CASE_EVENTS)
class BuddyRecommended(Event):
    """Routing proposes a buddy for this case, with its reasons (a person decides)."""

    case_id: CaseId
    reasons: list[Reason] = Field(min_length=1)
    recommended_at: AwareDatetime


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
    team: str | None = Field(default=None, max_length=64, description="The owner's team.")


@registry.register("nl.voorportaal.case.handed-over", version=1, topic=CASE_EVENTS)
class CaseHandedOver(Event):
    """Ownership passed to a colleague, who accepted the warm handover."""

    case_id: CaseId
    from_casemanager_id: StaffId
    to_casemanager_id: StaffId
    to_casemanager_name: str = Field(min_length=1, max_length=120)
    handed_over_at: AwareDatetime
    to_team: str | None = Field(default=None, max_length=64)


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
    referral_id: str | None = Field(
        default=None, max_length=64, description="The referral the promise belongs to, if any."
    )
    made_by_kind: str | None = Field(
        default=None, pattern=r"^(agency|casemanager|citizen)$", description="Who promised."
    )


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
    valid_from: AwareDatetime | None = None
    granted_by: str | None = Field(default=None, pattern=r"^(citizen|representative|casemanager)$")
    recorded_by: StaffId | None = Field(
        default=None, description="The casemanager who recorded it on the citizen's behalf."
    )
    channel: Channel | None = Field(default=None, description="How the citizen said so.")


@registry.register("nl.voorportaal.case.consent-revoked", version=1, topic=CASE_EVENTS)
class ConsentRevoked(Event):
    """A sharing grant was revoked."""

    case_id: CaseId
    grant_id: str = _ID
    agency_code: AgencyCode
    revoked_at: AwareDatetime


@registry.register("nl.voorportaal.case.handover-requested", version=1, topic=CASE_EVENTS)
class HandoverRequested(Event):
    """The owner asked a named colleague to take the case over (the note stays in the dossier)."""

    case_id: CaseId
    from_casemanager_id: StaffId
    to_casemanager_id: StaffId
    to_casemanager_name: str = Field(min_length=1, max_length=120)
    to_team: str | None = Field(default=None, max_length=64)
    requested_at: AwareDatetime


@registry.register("nl.voorportaal.case.handover-declined", version=1, topic=CASE_EVENTS)
class HandoverDeclined(Event):
    """The colleague declined the handover; the case stays with its owner."""

    case_id: CaseId
    from_casemanager_id: StaffId
    to_casemanager_id: StaffId
    declined_at: AwareDatetime


@registry.register("nl.voorportaal.case.handover-cancelled", version=1, topic=CASE_EVENTS)
class HandoverCancelled(Event):
    """The owner withdrew a handover request before it was answered."""

    case_id: CaseId
    from_casemanager_id: StaffId
    to_casemanager_id: StaffId
    cancelled_by: StaffId
    cancelled_at: AwareDatetime


@registry.register("nl.voorportaal.case.released", version=1, topic=CASE_EVENTS)
class CaseReleased(Event):
    """The owner gave the case back to the queue."""

    case_id: CaseId
    casemanager_id: StaffId
    released_by: StaffId
    released_at: AwareDatetime


@registry.register("nl.voorportaal.case.reassigned", version=1, topic=CASE_EVENTS)
class CaseReassigned(Event):
    """A supervisor gave the case to another casemanager."""

    case_id: CaseId
    from_casemanager_id: StaffId | None = None
    to_casemanager_id: StaffId
    to_casemanager_name: str = Field(min_length=1, max_length=120)
    to_team: str | None = Field(default=None, max_length=64)
    reassigned_by: StaffId
    reassigned_at: AwareDatetime


@registry.register("nl.voorportaal.case.promise-fulfilled", version=1, topic=CASE_EVENTS)
class PromiseFulfilled(Event):
    """A promise was kept (late when after its due date)."""

    case_id: CaseId
    promise_id: str = _ID
    made_by: str = Field(min_length=1, max_length=64)
    fulfilled_at: AwareDatetime
    late: bool = False


@registry.register("nl.voorportaal.case.promise-due-soon", version=1, topic=CASE_EVENTS)
class PromiseDueSoon(Event):
    """A promise or term falls due soon (so the citizen and the buddy are reminded)."""

    case_id: CaseId
    promise_id: str = _ID
    made_by: str = Field(min_length=1, max_length=64)
    due_at: AwareDatetime


@registry.register("nl.voorportaal.case.mandate-granted", version=1, topic=CASE_EVENTS)
class MandateGranted(Event):
    """A representative may act for the citizen (the holder's name stays in the dossier)."""

    case_id: CaseId
    mandate_id: str = _ID
    relation: RepresentativeRelation
    scopes: list[SharingScope] = Field(min_length=1)
    valid_from: AwareDatetime
    valid_until: AwareDatetime
    granted_by: str = Field(pattern=r"^(citizen|representative|casemanager)$")
    recorded_by: StaffId | None = None
    channel: Channel | None = None


@registry.register("nl.voorportaal.case.mandate-revoked", version=1, topic=CASE_EVENTS)
class MandateRevoked(Event):
    """A mandate was revoked."""

    case_id: CaseId
    mandate_id: str = _ID
    revoked_by: str = Field(min_length=1, max_length=64)
    revoked_at: AwareDatetime


@registry.register("nl.voorportaal.case.citizen-link-revoked", version=1, topic=CASE_EVENTS)
class CitizenLinkRevoked(Event):
    """The citizen (or a representative) revoked a personal link, or revoking a mandate revoked
    every link of it: every service that opens such a link refuses it from now on."""

    case_id: CaseId
    link_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="The revoked link's id (`citizen_links.short_link_id`: a hash, never the "
        "token); null when `holder` names all links of a mandate.",
    )
    holder: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="The mandate id whose links were all revoked; null for one link.",
    )
    revoked_at: AwareDatetime

    @model_validator(mode="after")
    def _one_link_or_one_mandate(self) -> CitizenLinkRevoked:
        if (self.link_id is None) == (self.holder is None):
            raise ValueError("name exactly one of link_id (one link) or holder (a mandate's links)")
        return self


@registry.register("nl.voorportaal.case.contact-recorded", version=1, topic=CASE_EVENTS)
class ContactRecorded(Event):
    """A contact moment with the citizen was recorded (its summary stays in the dossier)."""

    case_id: CaseId
    contact_id: str = _ID
    channel: Channel
    by: StaffId
    confirmation_requested: bool = Field(
        default=False, description="Send the citizen a written confirmation (notify)."
    )
    recorded_at: AwareDatetime


@registry.register("nl.voorportaal.case.action-requested", version=1, topic=CASE_EVENTS)
class ActionRequested(Event):
    """The citizen has something to do (what exactly is in their view, not in the event)."""

    case_id: CaseId
    action_id: str = _ID
    due_at: AwareDatetime | None = None
    requested_by: str = Field(min_length=1, max_length=64)
    requested_at: AwareDatetime


@registry.register("nl.voorportaal.case.message-requested", version=1, topic=CASE_EVENTS)
class CitizenMessageRequested(Event):
    """A casemanager has a message for the citizen; notify says there is news (the message
    itself is read in the citizen's view)."""

    case_id: CaseId
    message_id: str = _ID
    by: StaffId
    requested_at: AwareDatetime


@registry.register("nl.voorportaal.case.override-decided", version=1, topic=CASE_EVENTS)
class OverrideDecided(Event):
    """A *doorbraak*: a casemanager overrides a rule for this citizen, with a reason, signed
    off by a supervisor."""

    case_id: CaseId
    override_id: str = _ID
    proposed_by: StaffId
    approved_by: StaffId
    reason_code: str = Field(min_length=1, max_length=64)
    decided_at: AwareDatetime


@registry.register("nl.voorportaal.case.closed", version=1, topic=CASE_EVENTS)
class CaseClosed(Event):
    """The case was closed with an outcome code."""

    case_id: CaseId
    closed_by: StaffId
    outcome: str = Field(min_length=1, max_length=64, description="Outcome code.")
    closed_at: AwareDatetime


@registry.register("nl.voorportaal.case.reopened", version=1, topic=CASE_EVENTS)
class CaseReopened(Event):
    """A closed case was opened again."""

    case_id: CaseId
    reopened_by: StaffId
    reopened_at: AwareDatetime


@registry.register("nl.voorportaal.case.anonymised", version=1, topic=CASE_EVENTS)
class CaseAnonymised(Event):
    """The retention period of a closed case passed; its personal data was removed."""

    case_id: CaseId
    anonymised_at: AwareDatetime
