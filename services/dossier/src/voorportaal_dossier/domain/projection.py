"""The case projection: one pure reducer that builds a case from the events about it.

`apply(case, envelope)` folds one event into a case. It is idempotent: the ids of applied
events are kept, so a redelivered event changes nothing, and replaying a case's whole stream
again yields an equal state. Facts that arrive on other topics than `case.events` (the intake,
the citizen's identity and contact details, notify's outcomes) are merged so that their order
relative to `case.events` does not matter: the newest intake revision and the newest identity
win, and the timeline is kept in event-time order. An unknown event type leaves the case as it
was; `project` says so in its note.

Every event becomes one timeline entry: a plain sentence in Dutch and in English that never
holds a BSN, a name, a health detail or an amount — it can be shown to anyone who may read the
timeline, and survives anonymisation.

The case's state itself (the dataclasses, their JSON form) is in `case_state.py`; its names
are re-exported here for the modules that import them from the projection.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, TypeVar
from zoneinfo import ZoneInfo

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    ActionRequested,
    BuddyAssigned,
    BuddyRecommended,
    CaseAnonymised,
    CaseClosed,
    CaseHandedOver,
    CaseReassigned,
    CaseReleased,
    CaseReopened,
    ChainStalled,
    CitizenIdentified,
    CitizenMessageRequested,
    ConsentGranted,
    ConsentRevoked,
    ContactPointsUpdated,
    ContactRecorded,
    HandoverCancelled,
    HandoverDeclined,
    HandoverRequested,
    IntakeAmended,
    IntakeSubmitted,
    MandateGranted,
    MandateRevoked,
    NotificationFailed,
    NotificationSent,
    OverrideDecided,
    PromiseBroken,
    PromiseDueSoon,
    PromiseFulfilled,
    PromiseRecorded,
    ReferralAccepted,
    ReferralCompleted,
    ReferralDeclined,
    ReferralExpired,
    ReferralIssued,
    ReferralOverdue,
    ReferralReceived,
    ReferralReleased,
    ReferralReminded,
    ReferralReturned,
    ReferralStarted,
    ReferralWithdrawn,
)
from voorportaal_contracts.events.case import Reason
from voorportaal_contracts.types import (
    Channel,
    DeclineReason,
    MessageChannel,
    ReferralMode,
    RepresentativeRelation,
    SharingScope,
)
from voorportaal_dossier.domain import ownership as own
from voorportaal_dossier.domain import retention
from voorportaal_dossier.domain.agencies import AGENCY_NAMES, agency_name, in_sentence
from voorportaal_dossier.domain.case_state import (
    ANSWERED_STATES,
    CASE_ADAPTER,
    CaseState,
    Citizen,
    HouseholdMember,
    ReasonText,
    Recommendation,
    Referral,
    ReferralStatus,
    RepresentativeInfo,
    TimelineEntry,
    dump_case,
    load_case,
    replace,
)
from voorportaal_dossier.domain.promises import MadeBy, Promise, PromiseStatus
from voorportaal_dossier.domain.sharing import Grant, GrantedBy, Mandate

__all__ = [
    "CASE_ADAPTER",
    "KNOWN_EVENT_TYPES",
    "CaseState",
    "Citizen",
    "Handler",
    "HouseholdMember",
    "Projected",
    "ReasonText",
    "Recommendation",
    "Referral",
    "ReferralStatus",
    "RepresentativeInfo",
    "Sentence",
    "TimelineEntry",
    "apply",
    "apply_all",
    "day_text",
    "dump_case",
    "load_case",
    "made_by_kind",
    "project",
    "replace",
    "sentences",
]

_AMSTERDAM: Final = ZoneInfo("Europe/Amsterdam")
_T = TypeVar("_T")
_M = TypeVar("_M")


# --------------------------------------------------------------------------- sentences

_CHANNEL_TEXT: Final[Mapping[Channel, tuple[str, str]]] = {
    Channel.WEB: ("via de website", "on the website"),
    Channel.PHONE: ("telefonisch", "by phone"),
    Channel.DESK: ("aan de balie", "at the desk"),
    Channel.SIGNALEERDER: ("via een signaleerder", "through a partner who spotted the problem"),
    Channel.HOME_VISIT: ("bij een huisbezoek", "during a home visit"),
    Channel.EMAIL: ("per e-mail", "by e-mail"),
    Channel.CHAT: ("via de chat", "by chat"),
    Channel.VIDEO: ("via videobellen", "by video call"),
}
_MESSAGE_CHANNEL_TEXT: Final[Mapping[MessageChannel, tuple[str, str]]] = {
    MessageChannel.SMS: ("per sms", "by text message"),
    MessageChannel.EMAIL: ("per e-mail", "by e-mail"),
    MessageChannel.POST: ("per post", "by post"),
}
_DECLINE_TEXT: Final[Mapping[DeclineReason, tuple[str, str]]] = {
    DeclineReason.NOT_OUR_TASK: ("dit is niet hun taak", "this is not their task"),
    DeclineReason.NO_CAPACITY: ("er is nu geen ruimte", "they have no capacity now"),
    DeclineReason.NOT_ELIGIBLE: (
        "deze hulp past niet bij de situatie",
        "this help does not fit the situation",
    ),
    DeclineReason.CITIZEN_UNREACHABLE: (
        "de burger was niet bereikbaar",
        "the citizen could not be reached",
    ),
    DeclineReason.REFERRED_ELSEWHERE: (
        "zij verwijzen door naar een andere instantie",
        "they referred the citizen to another agency",
    ),
}
_RELATION_TEXT: Final[Mapping[RepresentativeRelation, tuple[str, str]]] = {
    RepresentativeRelation.FAMILY: ("een familielid", "a family member"),
    RepresentativeRelation.PARTNER: ("de partner", "the partner"),
    RepresentativeRelation.BEWINDVOERDER: ("een bewindvoerder", "a bewindvoerder (administrator)"),
    RepresentativeRelation.MENTOR: ("een mentor", "a mentor"),
    RepresentativeRelation.CURATOR: ("een curator", "a curator"),
    RepresentativeRelation.OTHER: ("een vertegenwoordiger", "a representative"),
}
_MONTHS_EN: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One timeline sentence in both languages."""

    nl: str
    en: str


def day_text(moment: datetime) -> tuple[str, str]:
    """A date as the citizen reads it, in Dutch time: `5-3-2025` and `5 March 2025`."""
    local = moment.astimezone(_AMSTERDAM)
    return (
        f"{local.day}-{local.month}-{local.year}",
        f"{local.day} {_MONTHS_EN[local.month - 1]} {local.year}",
    )


def _agency(code: str) -> tuple[str, str]:
    """An agency's name at the start of a sentence (nl, en)."""
    name = agency_name(code)
    return name.nl, name.en


def _agency_mid(code: str) -> tuple[str, str]:
    """An agency's name inside a sentence (nl, en)."""
    name = agency_name(code)
    return in_sentence(name.nl), in_sentence(name.en)


def _who(made_by_kind: MadeBy, made_by: str, *, start: bool) -> tuple[str, str]:
    if made_by_kind is MadeBy.AGENCY:
        return _agency(made_by) if start else _agency_mid(made_by)
    if made_by_kind is MadeBy.CITIZEN:
        return ("De burger", "The citizen") if start else ("de burger", "the citizen")
    return ("De buddy", "The buddy") if start else ("de buddy", "the buddy")


# --------------------------------------------------------------------------- helpers


def _reasons(reasons: Iterable[Reason]) -> tuple[ReasonText, ...]:
    return tuple(ReasonText(r.rule, r.nl, r.en) for r in reasons)


def _with_referral(case: CaseState, referral: Referral) -> CaseState:
    """The case with `referral` added, or replacing the one with its id (keeping its place)."""
    ids = [r.referral_id for r in case.referrals]
    if referral.referral_id in ids:
        at = ids.index(referral.referral_id)
        referrals = (*case.referrals[:at], referral, *case.referrals[at + 1 :])
    else:
        referrals = (*case.referrals, referral)
    return replace(case, referrals=referrals)


def _existing_or_new(case: CaseState, referral_id: str, agency_code: str) -> Referral:
    # Tolerates a change whose `ReferralIssued` we never saw (a trimmed topic).
    return case.referral(referral_id) or Referral(
        referral_id, agency_code, None, ReferralStatus.ISSUED
    )


def _replace_item(items: tuple[_T, ...], key: Callable[[_T], str], new: _T) -> tuple[_T, ...]:
    """`items` with the item whose key equals `new`'s replaced (kept in place) or appended."""
    wanted = key(new)
    for index, item in enumerate(items):
        if key(item) == wanted:
            return (*items[:index], new, *items[index + 1 :])
    return (*items, new)


def _attr(obj: object, name: str) -> Any:
    """A field of a model or a mapping (forward-compatible reads of additive fields)."""
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def made_by_kind(made_by: str, declared: str | None = None) -> MadeBy:
    """Who made a promise, from the event (`made_by_kind` when the contract carries it)."""
    if declared is not None:
        return MadeBy(declared)
    if made_by == MadeBy.CITIZEN.value:
        return MadeBy.CITIZEN
    if made_by in AGENCY_NAMES or made_by.startswith("gemeente-"):
        return MadeBy.AGENCY
    return MadeBy.CASEMANAGER


# --------------------------------------------------------------------------- handlers

Handler = Callable[[CaseState, Envelope], tuple[CaseState, Sentence]]
_HANDLERS: dict[str, Handler] = {}


def _on(event_type: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _HANDLERS[event_type] = handler
        return handler

    return register


def _data(envelope: Envelope, model: type[_M]) -> _M:
    data: object = envelope.data
    if not isinstance(data, model):
        raise TypeError(f"{envelope.type} carries {type(data).__name__}, not {model.__name__}")
    return data


def _intake_facts(case: CaseState, data: IntakeSubmitted | IntakeAmended) -> CaseState:
    return replace(
        case,
        intake_id=data.intake_id,
        channel=data.channel,
        started_by_role=data.started_by_role,
        life_events=tuple(data.life_events),
        needs=tuple(data.needs),
        risks=tuple(data.risks),
        redzaamheid=data.redzaamheid,
        urgency=data.urgency,
        municipality_code=data.municipality_code,
        share_with=tuple(data.share_with),
        opened_at=min(filter(None, (case.opened_at, data.submitted_at))),
    )


@_on(IntakeSubmitted.event_type)
def _intake_submitted(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, IntakeSubmitted)
    if case.intake_revision < 1:
        case = replace(_intake_facts(case, data), intake_revision=1)
    nl, en = _CHANNEL_TEXT[data.channel]
    return case, Sentence(f"De aanvraag is {nl} ingediend.", f"The request was submitted {en}.")


@_on(IntakeAmended.event_type)
def _intake_amended(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, IntakeAmended)
    # An amendment replaces the facts whole; an older revision arriving late changes nothing.
    if data.revision > case.intake_revision:
        case = replace(_intake_facts(case, data), intake_revision=data.revision)
    n = len(data.changed)
    return case, Sentence(
        f"De aanvraag is aangepast ({n} {'antwoord' if n == 1 else 'antwoorden'} gewijzigd).",
        f"The request was amended ({n} {'answer' if n == 1 else 'answers'} changed).",
    )


def _representative(raw: object) -> RepresentativeInfo | None:
    if raw is None:
        return None
    return RepresentativeInfo(
        name=str(_attr(raw, "name")),
        relation=RepresentativeRelation(_attr(raw, "relation")),
        email=_attr(raw, "email"),
        phone=_attr(raw, "phone"),
        receives_copies=bool(_attr(raw, "receives_copies")),
    )


def _household(raw: object) -> tuple[HouseholdMember, ...]:
    if not isinstance(raw, list | tuple):
        return ()
    return tuple(
        HouseholdMember(_attr(m, "name"), _attr(m, "relation"), _attr(m, "date_of_birth"))
        for m in raw
    )


@_on(CitizenIdentified.event_type)
def _citizen_identified(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, CitizenIdentified)
    sentence = Sentence(
        "De persoonsgegevens zijn vastgelegd.", "The personal details were recorded."
    )
    citizen = case.citizen or Citizen()
    stale = citizen.identified_at is not None and envelope.time < citizen.identified_at
    if case.anonymised_at is not None or stale:
        return case, sentence
    household = _attr(data, "household")
    citizen = replace(
        citizen,
        name=data.name,
        bsn=data.bsn,
        date_of_birth=data.date_of_birth,
        postcode=data.postcode,
        house_number=data.house_number,
        municipality_code=data.municipality_code,
        representative=_representative(data.representative) or citizen.representative,
        household=_household(household) if household is not None else citizen.household,
        identified_at=envelope.time,
    )
    return replace(case, citizen=citizen), sentence


@_on(ContactPointsUpdated.event_type)
def _contact_points(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, ContactPointsUpdated)
    sentence = Sentence(
        "De contactvoorkeuren zijn bijgewerkt.", "The contact preferences were updated."
    )
    citizen = case.citizen or Citizen()
    stale = citizen.contact_updated_at is not None and envelope.time < citizen.contact_updated_at
    if case.anonymised_at is not None or stale:
        return case, sentence
    citizen = replace(
        citizen,
        email=data.email,
        phone=data.phone,
        language=data.language,
        channels=tuple(data.channels),
        representative=_representative(data.representative) or citizen.representative,
        contact_updated_at=envelope.time,
    )
    return replace(case, citizen=citizen), sentence


@_on(ReferralIssued.event_type)
def _referral_issued(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, ReferralIssued)
    held = data.waits_on is not None and data.due_at is None
    referral = Referral(
        referral_id=data.referral_id,
        agency_code=data.agency_code,
        service_code=data.service_code,
        status=ReferralStatus.HELD if held else ReferralStatus.ISSUED,
        mode=data.mode,
        summary_shared=data.summary_shared,
        due_at=data.due_at,
        waits_on=data.waits_on,
        reasons=_reasons(data.reasons),
        manual_by=data.manual_by,
        issued_at=envelope.time,
        updated_at=envelope.time,
    )
    a_nl, a_en = _agency_mid(data.agency_code)
    A_nl, A_en = _agency(data.agency_code)
    if held:
        sentence = Sentence(
            f"Een verwijzing naar {a_nl} wacht tot een eerdere stap klaar is.",
            f"A referral to {a_en} waits until an earlier step is done.",
        )
    elif data.mode is ReferralMode.SELF_CONTACT:
        sentence = Sentence(
            f"{A_nl} staat op de lijst om zelf contact mee op te nemen.",
            f"{A_en} is on the list to contact directly.",
        )
    elif data.mode is ReferralMode.ANONYMOUS:
        sentence = Sentence(
            f"Er is een verwijzing naar {a_nl} gestuurd, zonder persoonsgegevens.",
            f"A referral was sent to {a_en}, without personal details.",
        )
    else:
        sentence = Sentence(
            f"Er is een verwijzing naar {a_nl} gestuurd, met het verhaal tot nu toe.",
            f"A referral was sent to {a_en}, with the story so far.",
        )
    return _with_referral(case, referral), sentence


_ReferralChange = (
    ReferralReceived
    | ReferralAccepted
    | ReferralDeclined
    | ReferralStarted
    | ReferralCompleted
    | ReferralReturned
    | ReferralWithdrawn
    | ReferralExpired
)


def _change(
    case: CaseState, envelope: Envelope, data: _ReferralChange, status: ReferralStatus, **extra: Any
) -> CaseState:
    referral = _existing_or_new(case, data.referral_id, data.agency_code)
    overdue = referral.overdue and status not in ANSWERED_STATES - {ReferralStatus.EXPIRED}
    changed = replace(referral, status=status, overdue=overdue, updated_at=envelope.time, **extra)
    return _with_referral(case, changed)


@_on(ReferralReceived.event_type)
def _received(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, ReferralReceived)
    nl, en = _agency(data.agency_code)
    return _change(case, envelope, data, ReferralStatus.RECEIVED), Sentence(
        f"{nl} heeft de verwijzing ontvangen.", f"{en} received the referral."
    )


@_on(ReferralAccepted.event_type)
def _accepted(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, ReferralAccepted)
    nl, en = _agency(data.agency_code)
    state = _change(case, envelope, data, ReferralStatus.ACCEPTED, accepted_at=envelope.time)
    return state, Sentence(
        f"{nl} heeft de verwijzing geaccepteerd.", f"{en} accepted the referral."
    )


@_on(ReferralDeclined.event_type)
def _declined(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, ReferralDeclined)
    nl, en = _agency(data.agency_code)
    why_nl, why_en = _DECLINE_TEXT[data.reason]
    state = _change(case, envelope, data, ReferralStatus.DECLINED, decline_reason=data.reason)
    return state, Sentence(
        f"{nl} heeft de verwijzing afgewezen: {why_nl}.",
        f"{en} declined the referral: {why_en}.",
    )


@_on(ReferralStarted.event_type)
def _started(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, ReferralStarted)
    nl, en = _agency(data.agency_code)
    return _change(case, envelope, data, ReferralStatus.IN_PROGRESS), Sentence(
        f"{nl} is ermee aan de slag gegaan.", f"{en} started working on it."
    )


@_on(ReferralCompleted.event_type)
def _completed(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, ReferralCompleted)
    nl, en = _agency(data.agency_code)
    # The outcome text is kept on the referral, never in the sentence (it may hold details).
    state = _change(case, envelope, data, ReferralStatus.COMPLETED, outcome=data.outcome)
    return state, Sentence(f"{nl} heeft de verwijzing afgerond.", f"{en} completed the referral.")


@_on(ReferralReturned.event_type)
def _returned(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, ReferralReturned)
    nl, en = _agency(data.agency_code)
    return _change(case, envelope, data, ReferralStatus.RETURNED), Sentence(
        f"{nl} heeft de verwijzing teruggegeven aan het voorportaal.",
        f"{en} handed the referral back to the voorportaal.",
    )


@_on(ReferralWithdrawn.event_type)
def _withdrawn(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, ReferralWithdrawn)
    nl, en = _agency_mid(data.agency_code)
    return _change(case, envelope, data, ReferralStatus.WITHDRAWN), Sentence(
        f"De verwijzing naar {nl} is ingetrokken.", f"The referral to {en} was withdrawn."
    )


@_on(ReferralExpired.event_type)
def _expired(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, ReferralExpired)
    nl, en = _agency_mid(data.agency_code)
    return _change(case, envelope, data, ReferralStatus.EXPIRED), Sentence(
        f"De verwijzing naar {nl} is verlopen zonder antwoord.",
        f"The referral to {en} expired without an answer.",
    )


@_on(ReferralReleased.event_type)
def _released(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, ReferralReleased)
    referral = _existing_or_new(case, data.referral_id, data.agency_code)
    status = ReferralStatus.ISSUED if referral.status is ReferralStatus.HELD else referral.status
    referral = replace(
        referral, status=status, due_at=data.due_at, stalled_reason=None, updated_at=envelope.time
    )
    nl, en = _agency_mid(data.agency_code)
    return _with_referral(case, referral), Sentence(
        f"De verwijzing naar {nl} is gestuurd, nu de vorige stap klaar is.",
        f"The referral to {en} was sent, now that the previous step is done.",
    )


@_on(ReferralReminded.event_type)
def _reminded(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, ReferralReminded)
    referral = _existing_or_new(case, data.referral_id, data.agency_code)
    referral = replace(referral, reminders=referral.reminders + 1, updated_at=envelope.time)
    nl, en = _agency(data.agency_code)
    return _with_referral(case, referral), Sentence(
        f"{nl} heeft een herinnering gekregen.", f"{en} was sent a reminder."
    )


@_on(ReferralOverdue.event_type)
def _overdue(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, ReferralOverdue)
    referral = _existing_or_new(case, data.referral_id, data.agency_code)
    still_waiting = referral.status not in ANSWERED_STATES
    referral = replace(referral, overdue=still_waiting, updated_at=envelope.time)
    nl, en = _agency(data.agency_code)
    return _with_referral(case, referral), Sentence(
        f"{nl} heeft niet op tijd gereageerd.", f"{en} did not respond in time."
    )


@_on(ChainStalled.event_type)
def _stalled(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, ChainStalled)
    referral = case.referral(data.referral_id)
    if referral is not None:
        referral = replace(referral, stalled_reason=data.reason, updated_at=envelope.time)
        case = _with_referral(case, referral)
    return case, Sentence(
        "Een stap staat stil, omdat een eerdere stap niet verder komt.",
        "A step is stuck, because an earlier step is not moving.",
    )


@_on(BuddyRecommended.event_type)
def _buddy_recommended(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, BuddyRecommended)
    recommendation = Recommendation(_reasons(data.reasons), data.recommended_at)
    ownership = own.recommend(case.ownership, at=data.recommended_at).state
    return replace(case, recommendation=recommendation, ownership=ownership), Sentence(
        "Er is een buddy voorgesteld.", "A buddy was proposed."
    )


# Ownership facts are applied as they happened: the state machine ran where they were decided.
def _owned_by(case: CaseState, owner: own.StaffMember, since: datetime) -> CaseState:
    ownership = replace(
        case.ownership,
        status=own.OwnershipStatus.OWNED,
        owner=owner,
        owner_since=since,
        pending=None,
    )
    return replace(case, ownership=ownership)


@_on(BuddyAssigned.event_type)
def _buddy_assigned(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, BuddyAssigned)
    owner = own.StaffMember(data.casemanager_id, data.casemanager_name, data.team)
    return _owned_by(case, owner, data.assigned_at), Sentence(
        "Een casemanager is de buddy geworden.", "A casemanager became the buddy."
    )


@_on(CaseHandedOver.event_type)
def _handed_over(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, CaseHandedOver)
    owner = own.StaffMember(data.to_casemanager_id, data.to_casemanager_name, data.to_team)
    return _owned_by(case, owner, data.handed_over_at), Sentence(
        "De zaak is overgedragen aan een nieuwe buddy.",
        "The case was handed over to a new buddy.",
    )


@_on(HandoverRequested.event_type)
def _handover_requested(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, HandoverRequested)
    to = own.StaffMember(data.to_casemanager_id, data.to_casemanager_name, data.to_team)
    # The note never travels on Kafka: keep the one the dossier itself stored, if any.
    note = case.ownership.pending.note if case.ownership.pending else None
    ownership = replace(
        case.ownership,
        status=own.OwnershipStatus.HANDOVER_REQUESTED,
        pending=own.PendingHandover(to, note, data.requested_at),
    )
    return replace(case, ownership=ownership), Sentence(
        "De buddy heeft een collega gevraagd de zaak over te nemen.",
        "The buddy asked a colleague to take over the case.",
    )


def _back_to_owner(case: CaseState) -> CaseState:
    status = own.OwnershipStatus.OWNED if case.ownership.owner else case.ownership.status
    return replace(case, ownership=replace(case.ownership, status=status, pending=None))


@_on(HandoverDeclined.event_type)
def _handover_declined(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    return _back_to_owner(case), Sentence(
        "De collega heeft de overdracht afgewezen; de buddy blijft dezelfde.",
        "The colleague declined the handover; the buddy stays the same.",
    )


@_on(HandoverCancelled.event_type)
def _handover_cancelled(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    return _back_to_owner(case), Sentence(
        "Het verzoek om de zaak over te dragen is ingetrokken.",
        "The request to hand over the case was withdrawn.",
    )


@_on(CaseReleased.event_type)
def _case_released(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    ownership = replace(
        case.ownership,
        status=own.OwnershipStatus.RELEASED,
        owner=None,
        owner_since=None,
        pending=None,
    )
    return replace(case, ownership=ownership), Sentence(
        "De buddy heeft de zaak losgelaten; er wordt een nieuwe buddy gezocht.",
        "The buddy let go of the case; a new buddy is being found.",
    )


@_on(CaseReassigned.event_type)
def _case_reassigned(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, CaseReassigned)
    owner = own.StaffMember(data.to_casemanager_id, data.to_casemanager_name, data.to_team)
    return _owned_by(case, owner, data.reassigned_at), Sentence(
        "Een leidinggevende heeft de zaak aan een buddy toegewezen.",
        "A supervisor assigned the case to a buddy.",
    )


@_on(PromiseRecorded.event_type)
def _promise_recorded(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, PromiseRecorded)
    kind = made_by_kind(data.made_by, _attr(data, "made_by_kind"))
    existing = next((p for p in case.promises if p.promise_id == data.promise_id), None)
    promise = Promise(
        promise_id=data.promise_id,
        made_by_kind=kind,
        made_by=data.made_by,
        # The text stays in the dossier (recorded there, or an additive contract field).
        what=existing.what if existing else _attr(data, "what"),
        due_at=data.due_at,
        recorded_at=existing.recorded_at if existing else envelope.time,
        referral_id=data.referral_id,
        status=existing.status if existing else PromiseStatus.OPEN,
        fulfilled_at=existing.fulfilled_at if existing else None,
        broken_at=existing.broken_at if existing else None,
    )
    promises = _replace_item(case.promises, lambda p: p.promise_id, promise)
    who_nl, who_en = _who(kind, data.made_by, start=True)
    day_nl, day_en = day_text(data.due_at)
    if kind is MadeBy.CITIZEN:
        sentence = Sentence(
            f"De burger heeft een termijn afgesproken: uiterlijk {day_nl}.",
            f"The citizen agreed a term: by {day_en}.",
        )
    else:
        sentence = Sentence(
            f"{who_nl} heeft een toezegging gedaan: uiterlijk {day_nl}.",
            f"{who_en} made a promise: by {day_en}.",
        )
    return replace(case, promises=promises), sentence


def _promise_of(case: CaseState, promise_id: str, made_by: str, due_at: datetime) -> Promise:
    return next(
        (p for p in case.promises if p.promise_id == promise_id),
        Promise(promise_id, made_by_kind(made_by), made_by, None, due_at, due_at),
    )


@_on(PromiseBroken.event_type)
def _promise_broken(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, PromiseBroken)
    promise = _promise_of(case, data.promise_id, data.made_by, data.due_at)
    if promise.status is not PromiseStatus.BROKEN:
        promise = replace(promise, status=PromiseStatus.BROKEN, broken_at=envelope.time)
    promises = _replace_item(case.promises, lambda p: p.promise_id, promise)
    who_nl, who_en = _who(promise.made_by_kind, promise.made_by, start=False)
    return replace(case, promises=promises), Sentence(
        f"Een toezegging van {who_nl} is niet op tijd nagekomen.",
        f"A promise by {who_en} was not kept in time.",
    )


@_on(PromiseFulfilled.event_type)
def _promise_fulfilled(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, PromiseFulfilled)
    promise = _promise_of(case, data.promise_id, data.made_by, data.fulfilled_at)
    status = PromiseStatus.BROKEN if data.late else PromiseStatus.FULFILLED
    promise = replace(promise, status=status, fulfilled_at=data.fulfilled_at)
    promises = _replace_item(case.promises, lambda p: p.promise_id, promise)
    who_nl, who_en = _who(promise.made_by_kind, promise.made_by, start=False)
    late_nl, late_en = (" (te laat)", " (late)") if data.late else ("", "")
    return replace(case, promises=promises), Sentence(
        f"Een toezegging van {who_nl} is nagekomen{late_nl}.",
        f"A promise by {who_en} was kept{late_en}.",
    )


@_on(ConsentGranted.event_type)
def _consent_granted(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, ConsentGranted)
    granted_by = _attr(data, "granted_by")
    channel = _attr(data, "channel")
    new = Grant(
        grant_id=data.grant_id,
        agency_code=data.agency_code,
        scopes=frozenset(data.scopes),
        valid_from=_attr(data, "valid_from") or envelope.time,
        valid_until=data.valid_until,
        granted_by=GrantedBy(granted_by) if granted_by else None,
        recorded_by=_attr(data, "recorded_by"),
        channel=Channel(channel) if channel else None,
    )
    grants = _replace_item(case.grants, lambda g: g.grant_id, new)
    nl, en = _agency_mid(data.agency_code)
    day_nl, day_en = day_text(data.valid_until)
    if SharingScope.DOCUMENTS in data.scopes:
        sentence = Sentence(
            f"Het dossier en de documenten worden tot {day_nl} gedeeld met {nl}.",
            f"The dossier and the documents are shared with {en} until {day_en}.",
        )
    else:
        sentence = Sentence(
            f"Het dossier wordt tot {day_nl} gedeeld met {nl}.",
            f"The dossier is shared with {en} until {day_en}.",
        )
    return replace(case, grants=grants), sentence


@_on(ConsentRevoked.event_type)
def _consent_revoked(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, ConsentRevoked)
    grants = tuple(
        replace(g, revoked_at=data.revoked_at)
        if g.grant_id == data.grant_id and g.revoked_at is None
        else g
        for g in case.grants
    )
    nl, en = _agency_mid(data.agency_code)
    return replace(case, grants=grants), Sentence(
        f"Het delen met {nl} is gestopt.", f"Sharing with {en} has stopped."
    )


@_on(MandateGranted.event_type)
def _mandate_granted(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, MandateGranted)
    existing = next((m for m in case.mandates if m.mandate_id == data.mandate_id), None)
    new = Mandate(
        mandate_id=data.mandate_id,
        relation=data.relation,
        scopes=frozenset(data.scopes),
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        holder_name=existing.holder_name if existing else None,
        granted_by=GrantedBy(data.granted_by),
        recorded_by=data.recorded_by,
        channel=data.channel,
        revoked_at=existing.revoked_at if existing else None,
        revoked_by=existing.revoked_by if existing else None,
    )
    mandates = _replace_item(case.mandates, lambda m: m.mandate_id, new)
    nl, en = _RELATION_TEXT[data.relation]
    return replace(case, mandates=mandates), Sentence(
        f"Er is een machtiging vastgelegd voor {nl}.", f"A mandate was recorded for {en}."
    )


@_on(MandateRevoked.event_type)
def _mandate_revoked(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, MandateRevoked)
    mandates = tuple(
        replace(m, revoked_at=data.revoked_at, revoked_by=data.revoked_by)
        if m.mandate_id == data.mandate_id and m.revoked_at is None
        else m
        for m in case.mandates
    )
    return replace(case, mandates=mandates), Sentence(
        "Een machtiging is ingetrokken.", "A mandate was revoked."
    )


@_on(NotificationSent.event_type)
def _notification_sent(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, NotificationSent)
    nl, en = _MESSAGE_CHANNEL_TEXT[data.channel]
    return replace(case, notifications_sent=case.notifications_sent + 1), Sentence(
        f"Er is een bericht {nl} verstuurd.", f"A message was sent {en}."
    )


@_on(NotificationFailed.event_type)
def _notification_failed(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    _data(envelope, NotificationFailed)
    return replace(case, notifications_failed=case.notifications_failed + 1), Sentence(
        "Een bericht kon niet worden bezorgd.", "A message could not be delivered."
    )


@_on(CaseClosed.event_type)
def _case_closed(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, CaseClosed)
    return replace(case, closed_at=data.closed_at), Sentence(
        "De zaak is afgesloten.", "The case was closed."
    )


@_on(CaseReopened.event_type)
def _case_reopened(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    return replace(case, closed_at=None), Sentence("De zaak is heropend.", "The case was reopened.")


@_on(CaseAnonymised.event_type)
def _case_anonymised(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, CaseAnonymised)
    return retention.anonymise(case, at=data.anonymised_at), Sentence(
        "De persoonsgegevens zijn verwijderd na de bewaartermijn.",
        "The personal data was removed after the retention period.",
    )


@_on(PromiseDueSoon.event_type)
def _promise_due_soon(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, PromiseDueSoon)
    promise = _promise_of(case, data.promise_id, data.made_by, data.due_at)
    who_nl, who_en = _who(promise.made_by_kind, promise.made_by, start=False)
    return case, Sentence(
        f"Een toezegging van {who_nl} moet binnenkort worden nagekomen.",
        f"A promise by {who_en} falls due soon.",
    )


_CONTACT_TEXT: Final[Mapping[Channel, tuple[str, str]]] = {
    **_CHANNEL_TEXT,
    Channel.WEB: ("via de website", "through the website"),
}


@_on(ContactRecorded.event_type)
def _contact_recorded(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = _data(envelope, ContactRecorded)
    nl, en = _CONTACT_TEXT[data.channel]
    if data.confirmation_requested:
        return case, Sentence(
            f"Er is contact geweest {nl}; de burger krijgt een schriftelijke bevestiging.",
            f"There was contact {en}; the citizen gets a written confirmation.",
        )
    return case, Sentence(f"Er is contact geweest {nl}.", f"There was contact {en}.")


@_on(ActionRequested.event_type)
def _action_requested(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    _data(envelope, ActionRequested)
    return case, Sentence(
        "De burger is gevraagd iets te doen.", "The citizen was asked to do something."
    )


@_on(CitizenMessageRequested.event_type)
def _message_requested(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    _data(envelope, CitizenMessageRequested)
    return case, Sentence(
        "Er staat een bericht voor de burger klaar.", "A message for the citizen is ready."
    )


@_on(OverrideDecided.event_type)
def _override_decided(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    _data(envelope, OverrideDecided)
    return case, Sentence(
        "Er is een doorbraak besloten, met instemming van een leidinggevende.",
        "A breakthrough decision (doorbraak) was made, approved by a supervisor.",
    )


KNOWN_EVENT_TYPES: Final = frozenset(_HANDLERS)
"""Every event type the projection folds in."""


# --------------------------------------------------------------------------- reducer


@dataclass(frozen=True, slots=True)
class Projected:
    """The case after an event, and a note when the event changed nothing."""

    state: CaseState
    note: str | None = None


def project(case: CaseState | None, envelope: Envelope) -> Projected:
    """Fold one event into a case (a new one when `case` is None), saying why when it was
    skipped. An event for another case is a wiring bug and raises `ValueError`."""
    case_id = envelope.subject
    if case is None:
        case = CaseState.new(case_id)
    elif case.case_id != case_id:
        raise ValueError(f"event {envelope.id} is about another case than {case.case_id}")
    event_id = str(envelope.id)
    if event_id in case.applied:
        return Projected(case, f"event {event_id} was applied before")
    handler = _HANDLERS.get(envelope.type)
    if handler is None:
        return Projected(case, f"unknown event type {envelope.type!r} ignored")
    state, sentence = handler(case, envelope)
    entry = TimelineEntry(event_id, envelope.type, envelope.time, sentence.nl, sentence.en)
    timeline = list(state.timeline)
    bisect.insort(timeline, entry, key=lambda e: (e.at, e.event_id))
    updated_at = max(filter(None, (state.updated_at, envelope.time)))
    return Projected(
        replace(
            state,
            timeline=tuple(timeline),
            applied=state.applied | {event_id},
            updated_at=updated_at,
        )
    )


def apply(case: CaseState | None, envelope: Envelope) -> CaseState:
    """Fold one event into a case; idempotent, and unknown types leave the case unchanged."""
    return project(case, envelope).state


def apply_all(
    envelopes: Iterable[Envelope], cases: Mapping[str, CaseState] | None = None
) -> dict[str, CaseState]:
    """Fold a stream of events about many cases (in per-case order) into their cases."""
    out = dict(cases or {})
    for envelope in envelopes:
        out[envelope.subject] = apply(out.get(envelope.subject), envelope)
    return out


def sentences(case: CaseState, language: str = "nl") -> list[str]:
    """The timeline as sentences in one language (`nl` or `en`)."""
    if language not in {"nl", "en"}:
        raise ValueError("language must be nl or en")
    return [entry.nl if language == "nl" else entry.en for entry in case.timeline]
