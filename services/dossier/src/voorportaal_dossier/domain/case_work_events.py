"""The projection's handlers of the dossier's own facts about a case: ownership and handover,
the promise ledger, sharing grants and mandates."""

from __future__ import annotations

from datetime import datetime

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    BuddyAssigned,
    CaseHandedOver,
    CaseReassigned,
    CaseReleased,
    ConsentGranted,
    ConsentRevoked,
    HandoverCancelled,
    HandoverDeclined,
    HandoverRequested,
    MandateGranted,
    MandateRevoked,
    PromiseBroken,
    PromiseFulfilled,
    PromiseRecorded,
)
from voorportaal_contracts.types import Channel, SharingScope
from voorportaal_dossier.domain import ownership as own
from voorportaal_dossier.domain.case_state import CaseState, replace
from voorportaal_dossier.domain.checklist import close_wishes
from voorportaal_dossier.domain.fold import (
    RELATION_TEXT,
    Sentence,
    agency_mid_text,
    attr_of,
    day_text,
    event_data,
    made_by_kind,
    on_event,
    replace_item,
    who_text,
)
from voorportaal_dossier.domain.promises import MadeBy, Promise, PromiseStatus
from voorportaal_dossier.domain.sharing import Grant, GrantedBy, Mandate


def _owned_by(case: CaseState, owner: own.StaffMember, since: datetime) -> CaseState:
    ownership = replace(
        case.ownership,
        status=own.OwnershipStatus.OWNED,
        owner=owner,
        owner_since=since,
        pending=None,
    )
    # Taking the case answers the citizen's wishes to talk to a person made until then.
    return replace(
        case, ownership=ownership, person_requests=close_wishes(case.person_requests, since)
    )


@on_event(BuddyAssigned.event_type)
def _buddy_assigned(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, BuddyAssigned)
    owner = own.StaffMember(data.casemanager_id, data.casemanager_name, data.team)
    return _owned_by(case, owner, data.assigned_at), Sentence(
        "Een casemanager is de buddy geworden.", "A casemanager became the buddy."
    )


@on_event(CaseHandedOver.event_type)
def _handed_over(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, CaseHandedOver)
    owner = own.StaffMember(data.to_casemanager_id, data.to_casemanager_name, data.to_team)
    return _owned_by(case, owner, data.handed_over_at), Sentence(
        "De zaak is overgedragen aan een nieuwe buddy.",
        "The case was handed over to a new buddy.",
    )


@on_event(HandoverRequested.event_type)
def _handover_requested(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, HandoverRequested)
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


@on_event(HandoverDeclined.event_type)
def _handover_declined(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    return _back_to_owner(case), Sentence(
        "De collega heeft de overdracht afgewezen; de buddy blijft dezelfde.",
        "The colleague declined the handover; the buddy stays the same.",
    )


@on_event(HandoverCancelled.event_type)
def _handover_cancelled(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    return _back_to_owner(case), Sentence(
        "Het verzoek om de zaak over te dragen is ingetrokken.",
        "The request to hand over the case was withdrawn.",
    )


@on_event(CaseReleased.event_type)
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


@on_event(CaseReassigned.event_type)
def _case_reassigned(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, CaseReassigned)
    owner = own.StaffMember(data.to_casemanager_id, data.to_casemanager_name, data.to_team)
    return _owned_by(case, owner, data.reassigned_at), Sentence(
        "Een leidinggevende heeft de zaak aan een buddy toegewezen.",
        "A supervisor assigned the case to a buddy.",
    )


@on_event(PromiseRecorded.event_type)
def _promise_recorded(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, PromiseRecorded)
    kind = made_by_kind(data.made_by, attr_of(data, "made_by_kind"))
    existing = next((p for p in case.promises if p.promise_id == data.promise_id), None)
    promise = Promise(
        promise_id=data.promise_id,
        made_by_kind=kind,
        made_by=data.made_by,
        # The text stays in the dossier (recorded there, or an additive contract field).
        what=existing.what if existing else attr_of(data, "what"),
        due_at=data.due_at,
        recorded_at=existing.recorded_at if existing else envelope.time,
        referral_id=data.referral_id,
        status=existing.status if existing else PromiseStatus.OPEN,
        fulfilled_at=existing.fulfilled_at if existing else None,
        broken_at=existing.broken_at if existing else None,
    )
    promises = replace_item(case.promises, lambda p: p.promise_id, promise)
    who_nl, who_en = who_text(kind, data.made_by, start=True)
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


def promise_of(case: CaseState, promise_id: str, made_by: str, due_at: datetime) -> Promise:
    return next(
        (p for p in case.promises if p.promise_id == promise_id),
        Promise(promise_id, made_by_kind(made_by), made_by, None, due_at, due_at),
    )


@on_event(PromiseBroken.event_type)
def _promise_broken(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, PromiseBroken)
    promise = promise_of(case, data.promise_id, data.made_by, data.due_at)
    if promise.status is not PromiseStatus.BROKEN:
        promise = replace(promise, status=PromiseStatus.BROKEN, broken_at=envelope.time)
    promises = replace_item(case.promises, lambda p: p.promise_id, promise)
    who_nl, who_en = who_text(promise.made_by_kind, promise.made_by, start=False)
    return replace(case, promises=promises), Sentence(
        f"Een toezegging van {who_nl} is niet op tijd nagekomen.",
        f"A promise by {who_en} was not kept in time.",
    )


@on_event(PromiseFulfilled.event_type)
def _promise_fulfilled(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, PromiseFulfilled)
    promise = promise_of(case, data.promise_id, data.made_by, data.fulfilled_at)
    status = PromiseStatus.BROKEN if data.late else PromiseStatus.FULFILLED
    promise = replace(promise, status=status, fulfilled_at=data.fulfilled_at)
    promises = replace_item(case.promises, lambda p: p.promise_id, promise)
    who_nl, who_en = who_text(promise.made_by_kind, promise.made_by, start=False)
    late_nl, late_en = (" (te laat)", " (late)") if data.late else ("", "")
    return replace(case, promises=promises), Sentence(
        f"Een toezegging van {who_nl} is nagekomen{late_nl}.",
        f"A promise by {who_en} was kept{late_en}.",
    )


@on_event(ConsentGranted.event_type)
def _consent_granted(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, ConsentGranted)
    granted_by = attr_of(data, "granted_by")
    channel = attr_of(data, "channel")
    new = Grant(
        grant_id=data.grant_id,
        agency_code=data.agency_code,
        scopes=frozenset(data.scopes),
        valid_from=attr_of(data, "valid_from") or envelope.time,
        valid_until=data.valid_until,
        granted_by=GrantedBy(granted_by) if granted_by else None,
        recorded_by=attr_of(data, "recorded_by"),
        channel=Channel(channel) if channel else None,
    )
    grants = replace_item(case.grants, lambda g: g.grant_id, new)
    nl, en = agency_mid_text(data.agency_code)
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


@on_event(ConsentRevoked.event_type)
def _consent_revoked(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, ConsentRevoked)
    grants = tuple(
        replace(g, revoked_at=data.revoked_at)
        if g.grant_id == data.grant_id and g.revoked_at is None
        else g
        for g in case.grants
    )
    nl, en = agency_mid_text(data.agency_code)
    return replace(case, grants=grants), Sentence(
        f"Het delen met {nl} is gestopt.", f"Sharing with {en} has stopped."
    )


@on_event(MandateGranted.event_type)
def _mandate_granted(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, MandateGranted)
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
    mandates = replace_item(case.mandates, lambda m: m.mandate_id, new)
    nl, en = RELATION_TEXT[data.relation]
    return replace(case, mandates=mandates), Sentence(
        f"Er is een machtiging vastgelegd voor {nl}.", f"A mandate was recorded for {en}."
    )


@on_event(MandateRevoked.event_type)
def _mandate_revoked(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, MandateRevoked)
    mandates = tuple(
        replace(m, revoked_at=data.revoked_at, revoked_by=data.revoked_by)
        if m.mandate_id == data.mandate_id and m.revoked_at is None
        else m
        for m in case.mandates
    )
    return replace(case, mandates=mandates), Sentence(
        "Een machtiging is ingetrokken.", "A mandate was revoked."
    )
