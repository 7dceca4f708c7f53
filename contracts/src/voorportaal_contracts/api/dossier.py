"""The dossier API's answers: one pydantic model per answer.

The dossier's handlers return these (its OpenAPI document is generated from them); the console
and the citizen portal read the answers with the same models. The JSON is what the service
always answered: ids, codes and ISO times; a part the caller may not read is left out (not
`null`) where a model says so (`PartialAnswer`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer

from voorportaal_contracts.api.texts import CitizenText
from voorportaal_contracts.events.staff import StaffNoticeKind
from voorportaal_contracts.types import SharingScope

__all__ = [
    "ActionCreated",
    "AgencyFigures",
    "AgencyName",
    "Answer",
    "AuditEntry",
    "BuddyLine",
    "CaseChecklist",
    "CaseChecklistItem",
    "CasePage",
    "CaseSearchHit",
    "CaseSearchResult",
    "CaseStatusLine",
    "CitizenAction",
    "CitizenChecklistItem",
    "CitizenExport",
    "CitizenGrant",
    "CitizenItemOut",
    "CitizenLinkOut",
    "CitizenLinkRecord",
    "CitizenMandate",
    "CitizenMessage",
    "CitizenView",
    "ContactCreated",
    "ContactMomentOut",
    "DocumentOut",
    "DoorbraakOut",
    "ExportAccess",
    "GrantCreated",
    "GrantOut",
    "HandoverTo",
    "HouseholdMemberOut",
    "Identity",
    "MandateCreated",
    "MandateOut",
    "MessageCreated",
    "Notifications",
    "OverrideCreated",
    "OwnershipOut",
    "OwnershipResult",
    "PartialAnswer",
    "PendingHandover",
    "PromiseCreated",
    "PromiseOut",
    "QueueHealth",
    "QueueItem",
    "QueuePersonRequest",
    "ReasonOut",
    "ReferralOut",
    "RepresentativeOut",
    "Sentence",
    "SharingOut",
    "ShortLinkExchange",
    "StaffNotification",
    "StaffNotificationSettings",
    "StaffNotifications",
    "StaffOut",
    "Summary",
    "SupervisorFigures",
    "TimelineEntryOut",
]


class Answer(BaseModel):
    """An answer of the dossier API. Unknown fields are ignored when reading, so a reader keeps
    working when the dossier adds a field (fields are added, never renamed or removed)."""

    model_config = ConfigDict(extra="ignore", use_attribute_docstrings=True)


class PartialAnswer(Answer):
    """An answer whose optional fields are left out of the JSON when they were not given (the
    dossier leaves out what the caller may not read), rather than written as `null`."""

    @model_serializer(mode="wrap")
    def _given_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        given = self.model_fields_set
        return {k: v for k, v in data.items() if k in given}


class QueuePersonRequest(Answer):
    """The citizen's open wish to talk to a person (codes and times only)."""

    request_id: str
    channel: Literal["phone", "video", "desk", "chat"]
    preferred_time: Literal["as_soon_as_possible", "morning", "afternoon", "evening"]
    language: str
    requested_at: datetime
    answer_by: datetime
    """A person contacts the citizen by then (what the citizen was told)."""


class QueueItem(Answer):
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
    checklist_todo: int = 0
    """Checklist items the citizen has not ticked off."""
    checklist_late: int = 0
    """Checklist items whose deadline passed without a tick."""
    person_request: QueuePersonRequest | None = None
    """The citizen asked to talk to a person and nobody took the case since."""


class OwnershipResult(Answer):
    """Who owns the case after a step of the buddy system."""

    case_id: str
    status: str
    owner_id: str | None
    team: str | None
    pending_to: str | None


class CitizenLinkOut(Answer):
    """A signed link to the citizen's own view."""

    link: str
    path: str
    expires_at: datetime


class ContactCreated(Answer):
    contact_id: str


class PromiseCreated(Answer):
    promise_id: str


class MessageCreated(Answer):
    message_id: str


class ActionCreated(Answer):
    action_id: str


class OverrideCreated(Answer):
    override_id: str


class GrantCreated(Answer):
    grant_id: str


class MandateCreated(Answer):
    mandate_id: str


class ReasonOut(Answer):
    """Why a rule decided something, in Dutch and English."""

    rule: str
    nl: str
    en: str


class StaffOut(Answer):
    id: str
    name: str
    team: str | None


class HandoverTo(Answer):
    id: str
    name: str


class PendingHandover(Answer):
    to: HandoverTo
    note: str | None
    """Only for the dossier's staff."""
    requested_at: str


class OwnershipOut(Answer):
    status: str
    owner: StaffOut | None
    owner_since: str | None
    pending_handover: PendingHandover | None


class Notifications(Answer):
    sent: int
    failed: int


class CitizenItemOut(Answer):
    """A message for the citizen or something they must do."""

    id: str
    kind: str
    text: str | None
    due_at: str | None
    by: str
    at: str


class DoorbraakOut(Answer):
    id: str
    reason_code: str
    note: str | None
    status: str
    proposed_by: str
    decided_by: str | None


class Summary(Answer):
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


class RepresentativeOut(Answer):
    name: str
    relation: str


class HouseholdMemberOut(Answer):
    name: str | None
    relation: str | None


class Identity(Answer):
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


class TimelineEntryOut(Answer):
    """One event as a plain sentence."""

    at: str
    type: str
    nl: str
    en: str


class ReferralOut(Answer):
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


class PromiseOut(Answer):
    promise_id: str
    made_by_kind: str
    made_by: str
    what: str | None
    due_at: str
    status: str
    referral_id: str | None
    fulfilled_at: str | None
    broken_at: str | None


class ContactMomentOut(Answer):
    id: str
    channel: str
    by: str
    summary: str | None
    next_steps: str | None
    confirmation_requested: bool
    at: str


class DocumentOut(Answer):
    """A document's metadata (the content is downloaded on its own)."""

    id: str
    sha256: str
    media_type: str
    size: int
    title: str | None
    shared_with: list[str]
    uploaded_by: str
    uploaded_at: str


class GrantOut(Answer):
    grant_id: str
    agency_code: str
    scopes: list[SharingScope]
    valid_from: str
    valid_until: str
    granted_by: str | None
    channel: str | None
    revoked_at: str | None


class MandateOut(Answer):
    mandate_id: str
    holder_name: str | None
    relation: str
    scopes: list[SharingScope]
    valid_from: str
    valid_until: str
    revoked_at: str | None


class SharingOut(Answer):
    grants: list[GrantOut]
    mandates: list[MandateOut]


class CaseChecklistItem(Answer):
    """One job of the citizen's checklist+, as the console shows it (Dutch texts)."""

    item_id: str
    title: str
    """The Dutch title."""
    title_en: str | None = None
    """The English title (staff screens are Dutch with English)."""
    agency: str
    agency_name: str
    """The agency's Dutch name."""
    due_on: date | None
    done: bool
    late: bool
    done_by: Literal["citizen", "representative", "staff"] | None
    """Who ticked it off (the newest tick), if it is done."""
    done_at: datetime | None
    refer: bool
    """The voorportaal refers the citizen itself."""


class CaseChecklist(Answer):
    """The citizen's checklist+ (its newest revision) with what is still to do and late."""

    revision: int
    """0: the intake issued no checklist (yet)."""
    issued_at: datetime | None
    items: list[CaseChecklistItem]
    to_do: int
    late: int


class CasePage(PartialAnswer):
    """Everything the console shows of a case. Each part is there only when the caller may
    read it; `refused` names the parts left out and why."""

    case_id: str
    refused: dict[str, str]
    summary: Summary | None = None
    identity: Identity | None = None
    timeline: list[TimelineEntryOut] | None = None
    referrals: list[ReferralOut] | None = None
    promises: list[PromiseOut] | None = None
    contact_moments: list[ContactMomentOut] | None = None
    documents: list[DocumentOut] | None = None
    sharing: SharingOut | None = None
    checklist: CaseChecklist | None = None


class AuditEntry(Answer):
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


class QueueHealth(Answer):
    """How many cases stand where."""

    open_cases: int
    in_queue: int
    owned: int
    handover_requested: int
    unowned: int
    closed_cases: int
    acute_cases: int


class AgencyFigures(Answer):
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


class SupervisorFigures(Answer):
    """Queue health, overdue referrals, broken promises and the figures per agency."""

    at: str
    queue: QueueHealth
    overdue_referrals: int
    broken_promises: int
    agencies: list[AgencyFigures]


class MonthFigures(Answer):
    """One calendar month (Europe/Amsterdam) of the kastje-muur trend over every agency.
    Referral figures count the referrals issued in that month (a cohort: its rates are over
    those of them answered so far); broken promises count promises whose date fell in it."""

    month: str
    """`YYYY-MM`, the month in Europe/Amsterdam."""
    referrals: int
    answered: int
    accepted_measured: int
    median_accept_hours: float | None
    declined: int
    decline_rate: float | None
    redirected: int
    redirect_rate: float | None
    broken_promises: int


class MonthlyTrends(Answer):
    """The kastje-muur figures per month, oldest first, every month present (zeros when
    nothing happened)."""

    at: str
    zone: str
    """The time zone the months are cut in (`Europe/Amsterdam`)."""
    months: list[MonthFigures]
    complaints_recorded: bool = False
    """Whether complaints are counted: not yet (the dossier records no complaints)."""


class CaseloadRow(Answer):
    """One casemanager's load: the open cases they own and what waits on them."""

    owner_id: str
    """The staff member's subject (e.g. `cm-anna`), not a citizen's data."""
    team: str | None
    open_cases: int
    waiting: int
    """Person requests open on their cases plus handovers offered to them."""
    person_requests: int
    """Open cases of theirs where the citizen asked to talk to a person, not answered yet."""
    handovers_offered: int
    """Handovers a colleague offered them that they have not accepted or declined."""
    overdue_referrals: int
    """Referrals past their response norm on their open cases."""


class Caseload(Answer):
    """Caseload per casemanager, most open cases first."""

    at: str
    casemanagers: list[CaseloadRow]


# --------------------------------------------------------------------------- the citizen's pages


class Sentence(PartialAnswer, CitizenText):
    """A line of the citizen's view in plain Dutch and English (and Turkish, Arabic and
    Polish), with the ids it is about."""

    agency: str | None = None
    referral_id: str | None = None
    on: str | None = None
    """Whom the line waits on: an agency code, `earlier_step` or `buddy`; `checklist` for a
    line about the citizen's checklist."""
    promise_id: str | None = None
    status: Literal["open", "kept", "kept_late", "broken"] | None = None
    """A promise's line: whether it was kept."""


class CaseStatusLine(Answer):
    nl: str
    en: str
    closed: bool
    tr: str | None = None
    ar: str | None = None
    pl: str | None = None


class BuddyLine(PartialAnswer, CitizenText):
    """Who the buddy is (`name` only when the case has one)."""

    name: str | None = None
    phone: str | None = None
    """The number to call (`reach` only): the buddy's, their team's or the front counter's."""


class AgencyName(Answer, CitizenText):
    pass


class CitizenGrant(Answer):
    """With whom the citizen shares, for what and until when."""

    grant_id: str
    agency: str
    name: AgencyName
    scopes: list[SharingScope]
    valid_until: str
    status: Literal["current", "not_yet_valid", "expired", "revoked"]


class CitizenMandate(Answer):
    """A representative's mandate as the citizen sees it."""

    mandate_id: str
    holder_name: str | None
    relation: str
    scopes: list[SharingScope]
    valid_until: str
    status: Literal["current", "not_yet_valid", "expired", "revoked"]


class CitizenLinkRecord(Answer):
    """A link to the citizen's dossier the dossier issued or saw: whose (`holder`: the mandate
    of a representative, null for the citizen's own), until when, and whether it still opens."""

    link_id: str
    holder: str | None
    holder_name: str | None
    relation: str | None
    kind: Literal["dossier", "short"]
    seen_at: str
    expires_at: str
    revoked_at: str | None
    status: Literal["current", "not_yet_valid", "expired", "revoked"]


class CitizenMessage(Answer):
    id: str
    text: str | None
    at: str


class CitizenAction(Answer):
    id: str
    text: str | None
    due_at: str | None


class CitizenChecklistItem(Answer):
    """One job of the checklist+ in the citizen's language (`CitizenView.language`)."""

    item_id: str
    title: str
    why: list[str]
    agency: str
    agency_name: str
    phone: str | None
    web: str | None
    due_on: date | None
    deadline_rule: str | None
    """The deadline in words ("within 5 days")."""
    done: bool
    late: bool
    refer: bool
    """The voorportaal arranges this one itself (a referral)."""


class CitizenView(Answer):
    """What the citizen's (or a representative's) link shows. `sharing`, `mandates` and
    `links` are empty for a representative whose mandate lacks `act_on_behalf`; `refused`
    then says so."""

    case_id: str
    status: CaseStatusLine
    buddy: BuddyLine
    arranged: list[Sentence]
    waiting: list[Sentence]
    next_steps: list[Sentence]
    promises: list[Sentence]
    sharing: list[CitizenGrant]
    mandates: list[CitizenMandate]
    links: list[CitizenLinkRecord]
    refused: dict[str, str]
    messages: list[CitizenMessage]
    actions: list[CitizenAction]
    language: str = "nl"
    """The language the citizen reads (`?lang=`, else the case's); every line has it."""
    checklist: list[CitizenChecklistItem] = []
    reach: BuddyLine | None = None
    """How to reach the buddy (or the front counter): a sentence and the number."""
    person_request: Sentence | None = None
    """The citizen's open wish to talk to a person, and by when they hear from us."""


class ShortLinkExchange(Answer):
    """A message's short link exchanged for the case and the long link (for the portal)."""

    case_id: str
    link: str
    page: str
    """The part of the status page the message is about."""
    expires_at: datetime


class ExportAccess(Answer):
    at: str
    who: str
    role: str
    on_behalf_of: str | None
    data: str
    object_id: str | None
    purpose: str
    action: str
    allowed: bool
    service: str
    """Who recorded it: `dossier`, `routing`, `intake` or `notify`."""


class CitizenExport(Answer):
    """The whole dossier for the right of access (AVG art. 15); `case` is the stored case."""

    format: str
    version: int
    case_id: str
    case: dict[str, Any]
    timeline: list[TimelineEntryOut]
    access_log: list[ExportAccess]
    contact_moments: list[ContactMomentOut]
    documents: list[DocumentOut]


class CaseSearchHit(Answer):
    """A case a search (or the searcher's recent cases) found, within what they may see."""

    case_id: str
    name: str | None = None
    """The citizen's name, only when the searcher may read who the citizen is (`identity`);
    never in the recent cases."""
    basis: Literal["owner", "handover", "team", "queue", "supervisor"]
    """Why the searcher may see the case."""
    ownership_status: str
    owner_id: str | None
    team: str | None
    urgency: str | None
    municipality_code: str | None
    life_events: list[str]
    opened_at: datetime | None
    closed: bool


class CaseSearchResult(Answer):
    """The answer of a case search: what the term was taken as, and the cases it found."""

    kind: Literal["name", "bsn", "case_id", "postcode", "phone"]
    """How the term was read (the `kind` asked for, or the one guessed from the term)."""
    hits: list[CaseSearchHit]
    truncated: bool
    """More cases matched than are shown: make the term more precise."""


class StaffNotification(Answer):
    """Something that needs a staff member: a case id and what happened there (no personal
    data; the console words `kind` from its label table and links to the case)."""

    id: str
    case_id: str
    kind: StaffNoticeKind
    at: datetime
    read: bool


class StaffNotifications(Answer):
    """The caller's newest notifications (newest first) and how many of all theirs are
    unread."""

    unread: int
    items: list[StaffNotification]


class StaffNotificationSettings(Answer):
    """How the caller is told besides the console."""

    email: bool
    """An e-mail with only a link to the case, for each new notification (sent by notify to
    the address its configuration holds for the staff member)."""
