"""The shapes of the dossier API's answers, for its OpenAPI document.

The service layer builds plain dicts (ids, codes, ISO times); these TypedDicts describe them so
that the console, agencies and the citizen's pages integrate against real schemas. A test
checks real answers against the published document, so the two cannot drift apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import NotRequired, TypedDict


class QueueItem(TypedDict):
    """One case in the console's work queue (ids and codes only)."""

    case_id: str
    ownership_status: str
    owner_id: str | None
    team: str | None
    urgency: str | None
    municipality_code: str | None
    life_events: list[str]
    agencies: list[str]
    overdue: int
    handover_to: str | None
    closed: bool
    opened_at: datetime | None


class OwnershipResult(TypedDict):
    """Who owns the case after a step of the buddy system."""

    case_id: str
    status: str
    owner_id: str | None
    team: str | None
    pending_to: str | None


class CitizenLinkOut(TypedDict):
    """A signed link to the citizen's own view."""

    link: str
    path: str
    expires_at: datetime


class ContactCreated(TypedDict):
    contact_id: str


class PromiseCreated(TypedDict):
    promise_id: str


class MessageCreated(TypedDict):
    message_id: str


class ActionCreated(TypedDict):
    action_id: str


class OverrideCreated(TypedDict):
    override_id: str


class GrantCreated(TypedDict):
    grant_id: str


class MandateCreated(TypedDict):
    mandate_id: str


class ReasonOut(TypedDict):
    """Why a rule decided something, in Dutch and English."""

    rule: str
    nl: str
    en: str


class StaffOut(TypedDict):
    id: str
    name: str
    team: str | None


class HandoverTo(TypedDict):
    id: str
    name: str


class PendingHandover(TypedDict):
    to: HandoverTo
    note: str | None
    """Only for the dossier's staff."""
    requested_at: str


class OwnershipOut(TypedDict):
    status: str
    owner: StaffOut | None
    owner_since: str | None
    pending_handover: PendingHandover | None


class Notifications(TypedDict):
    sent: int
    failed: int


class CitizenItemOut(TypedDict):
    """A message for the citizen or something they must do."""

    id: str
    kind: str
    text: str | None
    due_at: str | None
    by: str
    at: str


class DoorbraakOut(TypedDict):
    id: str
    reason_code: str
    note: str | None
    status: str
    proposed_by: str
    decided_by: str | None


class Summary(TypedDict):
    """The story so far."""

    opened_at: str | None
    channel: str | None
    life_events: list[str]
    needs: list[str]
    risks: list[str]
    redzaamheid: str | None
    urgency: str | None
    municipality_code: str | None
    recommendation: list[ReasonOut] | None
    ownership: OwnershipOut
    closed_at: str | None
    anonymised_at: str | None
    notifications: Notifications
    citizen_items: list[CitizenItemOut]
    doorbraak: list[DoorbraakOut]


class RepresentativeOut(TypedDict):
    name: str
    relation: str


class HouseholdMemberOut(TypedDict):
    name: str | None
    relation: str | None


class Identity(TypedDict):
    """Who the citizen is and how to reach them (personal data)."""

    name: str | None
    bsn: str | None
    date_of_birth: str | None
    postcode: str | None
    house_number: str | None
    municipality_code: str | None
    email: str | None
    phone: str | None
    language: str | None
    channels: list[str]
    representative: RepresentativeOut | None
    household: list[HouseholdMemberOut]


class TimelineEntryOut(TypedDict):
    """One event as a plain sentence."""

    at: str
    type: str
    nl: str
    en: str


class ReferralOut(TypedDict):
    referral_id: str
    agency_code: str
    service_code: str | None
    status: str
    mode: str
    due_at: str | None
    overdue: bool
    waits_on: str | None
    stalled_reason: str | None
    reminders: int
    decline_reason: str | None
    outcome: str | None
    reasons: list[ReasonOut]


class PromiseOut(TypedDict):
    promise_id: str
    made_by_kind: str
    made_by: str
    what: str | None
    due_at: str
    status: str
    referral_id: str | None
    fulfilled_at: str | None
    broken_at: str | None


class ContactMomentOut(TypedDict):
    id: str
    channel: str
    by: str
    summary: str | None
    next_steps: str | None
    confirmation_requested: bool
    at: str


class DocumentOut(TypedDict):
    """A document's metadata (the content is downloaded on its own)."""

    id: str
    sha256: str
    media_type: str
    size: int
    title: str | None
    shared_with: list[str]
    uploaded_by: str
    uploaded_at: str


class GrantOut(TypedDict):
    grant_id: str
    agency_code: str
    scopes: list[str]
    valid_from: str
    valid_until: str
    granted_by: str | None
    channel: str | None
    revoked_at: str | None


class MandateOut(TypedDict):
    mandate_id: str
    holder_name: str | None
    relation: str
    scopes: list[str]
    valid_from: str
    valid_until: str
    revoked_at: str | None


class SharingOut(TypedDict):
    grants: list[GrantOut]
    mandates: list[MandateOut]


class CasePage(TypedDict):
    """Everything the console shows of a case. Each part is there only when the caller may
    read it; `refused` names the parts left out and why."""

    case_id: str
    refused: dict[str, str]
    summary: NotRequired[Summary]
    identity: NotRequired[Identity | None]
    timeline: NotRequired[list[TimelineEntryOut]]
    referrals: NotRequired[list[ReferralOut]]
    promises: NotRequired[list[PromiseOut]]
    contact_moments: NotRequired[list[ContactMomentOut]]
    documents: NotRequired[list[DocumentOut]]
    sharing: NotRequired[SharingOut]


class AuditEntry(TypedDict):
    """One record of the access log: who did what with which data, allowed or not."""

    seq: int
    at: str
    who: str
    role: str
    on_behalf_of: str | None
    case_id: str
    data: str
    object_id: str | None
    purpose: str
    action: str
    allowed: bool
    basis: str
    reason: str
    service: str
    """Who recorded it: `dossier`, or (in the citizen's view) `routing`, `intake`, `notify`."""


class QueueHealth(TypedDict):
    """How many cases stand where."""

    open_cases: int
    in_queue: int
    owned: int
    handover_requested: int
    unowned: int
    closed_cases: int
    acute_cases: int


class AgencyFigures(TypedDict):
    """The kastje-muur figures of one agency (rates over its answered referrals)."""

    agency_code: str
    referrals: int
    answered: int
    accepted_measured: int
    median_accept_hours: float | None
    declined: int
    decline_rate: float | None
    redirected: int
    redirect_rate: float | None
    overdue_referrals: int
    broken_promises: int


class SupervisorFigures(TypedDict):
    """Queue health, overdue referrals, broken promises and the figures per agency."""

    at: str
    queue: QueueHealth
    overdue_referrals: int
    broken_promises: int
    agencies: list[AgencyFigures]
