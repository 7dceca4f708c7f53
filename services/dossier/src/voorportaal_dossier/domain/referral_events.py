"""The projection's handlers of routing's referral lifecycle (issued … stalled) and its buddy
recommendation: each folds one fact into the case and says it in a sentence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    BuddyRecommended,
    ChainStalled,
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
from voorportaal_contracts.types import ReferralMode
from voorportaal_dossier.domain import ownership as own
from voorportaal_dossier.domain.case_state import (
    ANSWERED_STATES,
    CaseState,
    Recommendation,
    Referral,
    ReferralStatus,
    replace,
)
from voorportaal_dossier.domain.fold import (
    DECLINE_TEXT,
    Handler,
    Sentence,
    agency_mid_text,
    agency_text,
    event_data,
    existing_or_new,
    on_event,
    reason_texts,
    with_referral,
)


@on_event(ReferralIssued.event_type)
def _referral_issued(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, ReferralIssued)
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
        reasons=reason_texts(data.reasons),
        manual_by=data.manual_by,
        issued_at=envelope.time,
        updated_at=envelope.time,
    )
    a_nl, a_en = agency_mid_text(data.agency_code)
    A_nl, A_en = agency_text(data.agency_code)
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
    return with_referral(case, referral), sentence


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
    referral = existing_or_new(case, data.referral_id, data.agency_code)
    changed = replace(referral, **_to(status)(referral), updated_at=envelope.time, **extra)
    return with_referral(case, changed)


_Change = Callable[[Referral], dict[str, Any]]
_ReferralFact = _ReferralChange | ReferralReminded | ReferralOverdue


def _to(status: ReferralStatus) -> _Change:
    """A move to `status`; the overdue mark stays only while the referral still waits (or when
    it expired)."""

    def change(referral: Referral) -> dict[str, Any]:
        overdue = referral.overdue and status not in ANSWERED_STATES - {ReferralStatus.EXPIRED}
        return {"status": status, "overdue": overdue}

    return change


_FACTS: tuple[
    tuple[type[_ReferralFact], _Change, Callable[[str], tuple[str, str]], str, str], ...
] = (
    (
        ReferralReceived,
        _to(ReferralStatus.RECEIVED),
        agency_text,
        "{} heeft de verwijzing ontvangen.",
        "{} received the referral.",
    ),
    (
        ReferralStarted,
        _to(ReferralStatus.IN_PROGRESS),
        agency_text,
        "{} is ermee aan de slag gegaan.",
        "{} started working on it.",
    ),
    (
        ReferralReturned,
        _to(ReferralStatus.RETURNED),
        agency_text,
        "{} heeft de verwijzing teruggegeven aan het voorportaal.",
        "{} handed the referral back to the voorportaal.",
    ),
    (
        ReferralWithdrawn,
        _to(ReferralStatus.WITHDRAWN),
        agency_mid_text,
        "De verwijzing naar {} is ingetrokken.",
        "The referral to {} was withdrawn.",
    ),
    (
        ReferralExpired,
        _to(ReferralStatus.EXPIRED),
        agency_mid_text,
        "De verwijzing naar {} is verlopen zonder antwoord.",
        "The referral to {} expired without an answer.",
    ),
    (
        ReferralReminded,
        lambda referral: {"reminders": referral.reminders + 1},
        agency_text,
        "{} heeft een herinnering gekregen.",
        "{} was sent a reminder.",
    ),
    (
        ReferralOverdue,
        lambda referral: {"overdue": referral.status not in ANSWERED_STATES},
        agency_text,
        "{} heeft niet op tijd gereageerd.",
        "{} did not respond in time.",
    ),
)
"""The referral facts that change only the referral's own fields: the event, the change, how
the agency is named in the sentence, and the sentence in Dutch and English (`{}`: the
agency)."""


def _fact(
    model: type[_ReferralFact],
    change: _Change,
    texts: Callable[[str], tuple[str, str]],
    nl: str,
    en: str,
) -> Handler:
    def handle(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
        data = event_data(envelope, model)
        referral = existing_or_new(case, data.referral_id, data.agency_code)
        changed = replace(referral, **change(referral), updated_at=envelope.time)
        agency_nl, agency_en = texts(data.agency_code)
        sentence = Sentence(nl.format(agency_nl), en.format(agency_en))
        return with_referral(case, changed), sentence

    return handle


for _model, _change_of, _texts, _nl, _en in _FACTS:
    on_event(_model.event_type)(_fact(_model, _change_of, _texts, _nl, _en))


@on_event(ReferralAccepted.event_type)
def _accepted(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, ReferralAccepted)
    nl, en = agency_text(data.agency_code)
    state = _change(case, envelope, data, ReferralStatus.ACCEPTED, accepted_at=envelope.time)
    return state, Sentence(
        f"{nl} heeft de verwijzing geaccepteerd.", f"{en} accepted the referral."
    )


@on_event(ReferralDeclined.event_type)
def _declined(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, ReferralDeclined)
    nl, en = agency_text(data.agency_code)
    why_nl, why_en = DECLINE_TEXT[data.reason]
    state = _change(case, envelope, data, ReferralStatus.DECLINED, decline_reason=data.reason)
    return state, Sentence(
        f"{nl} heeft de verwijzing afgewezen: {why_nl}.",
        f"{en} declined the referral: {why_en}.",
    )


@on_event(ReferralCompleted.event_type)
def _completed(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, ReferralCompleted)
    nl, en = agency_text(data.agency_code)
    # The outcome text is kept on the referral, never in the sentence (it may hold details).
    state = _change(case, envelope, data, ReferralStatus.COMPLETED, outcome=data.outcome)
    return state, Sentence(f"{nl} heeft de verwijzing afgerond.", f"{en} completed the referral.")


@on_event(ReferralReleased.event_type)
def _released(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, ReferralReleased)
    referral = existing_or_new(case, data.referral_id, data.agency_code)
    status = ReferralStatus.ISSUED if referral.status is ReferralStatus.HELD else referral.status
    referral = replace(
        referral, status=status, due_at=data.due_at, stalled_reason=None, updated_at=envelope.time
    )
    nl, en = agency_mid_text(data.agency_code)
    return with_referral(case, referral), Sentence(
        f"De verwijzing naar {nl} is gestuurd, nu de vorige stap klaar is.",
        f"The referral to {en} was sent, now that the previous step is done.",
    )


@on_event(ChainStalled.event_type)
def _stalled(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, ChainStalled)
    referral = case.referral(data.referral_id)
    if referral is not None:
        referral = replace(referral, stalled_reason=data.reason, updated_at=envelope.time)
        case = with_referral(case, referral)
    return case, Sentence(
        "Een stap staat stil, omdat een eerdere stap niet verder komt.",
        "A step is stuck, because an earlier step is not moving.",
    )


@on_event(BuddyRecommended.event_type)
def _buddy_recommended(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, BuddyRecommended)
    recommendation = Recommendation(reason_texts(data.reasons), data.recommended_at)
    ownership = own.recommend(case.ownership, at=data.recommended_at).state
    return replace(case, recommendation=recommendation, ownership=ownership), Sentence(
        "Er is een buddy voorgesteld.", "A buddy was proposed."
    )


# Ownership facts are applied as they happened: the state machine ran where they were decided.
