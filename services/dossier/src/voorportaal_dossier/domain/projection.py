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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    ActionRequested,
    CaseAnonymised,
    CaseClosed,
    CaseReopened,
    CitizenIdentified,
    CitizenMessageRequested,
    ContactPointsUpdated,
    ContactRecorded,
    IntakeAmended,
    IntakeSubmitted,
    NotificationFailed,
    NotificationSent,
    OverrideDecided,
    PromiseDueSoon,
)
from voorportaal_contracts.types import Channel, CitizenLanguage, RepresentativeRelation
from voorportaal_dossier.domain import (
    case_work_events,
    checklist_events,
    referral_events,
    retention,
)
from voorportaal_dossier.domain.case_state import (
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
from voorportaal_dossier.domain.case_work_events import promise_of
from voorportaal_dossier.domain.checklist import close_wishes
from voorportaal_dossier.domain.fold import (
    CHANNEL_TEXT,
    HANDLERS,
    MESSAGE_CHANNEL_TEXT,
    Handler,
    Sentence,
    attr_of,
    day_text,
    event_data,
    made_by_kind,
    on_event,
    who_text,
)

HANDLER_MODULES: Final = (referral_events, case_work_events, checklist_events)
"""The projection's handlers outside this module; each registers its own on import
(`fold.on_event`), so that `KNOWN_EVENT_TYPES` and `project` see every one."""

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


# --------------------------------------------------------------------------- handlers

_CITIZEN_LANGUAGES: Final = frozenset(language.value for language in CitizenLanguage)


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
        language=data.language if data.language in _CITIZEN_LANGUAGES else case.language,
        opened_at=min(filter(None, (case.opened_at, data.submitted_at))),
    )


@on_event(IntakeSubmitted.event_type)
def _intake_submitted(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, IntakeSubmitted)
    if case.intake_revision < 1:
        case = replace(_intake_facts(case, data), intake_revision=1)
    nl, en = CHANNEL_TEXT[data.channel]
    return case, Sentence(f"De aanvraag is {nl} ingediend.", f"The request was submitted {en}.")


@on_event(IntakeAmended.event_type)
def _intake_amended(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, IntakeAmended)
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
        name=str(attr_of(raw, "name")),
        relation=RepresentativeRelation(attr_of(raw, "relation")),
        email=attr_of(raw, "email"),
        phone=attr_of(raw, "phone"),
        receives_copies=bool(attr_of(raw, "receives_copies")),
    )


def _household(raw: object) -> tuple[HouseholdMember, ...]:
    if not isinstance(raw, list | tuple):
        return ()
    return tuple(
        HouseholdMember(attr_of(m, "name"), attr_of(m, "relation"), attr_of(m, "date_of_birth"))
        for m in raw
    )


def _citizen_to_change(
    case: CaseState, envelope: Envelope, last: datetime | None
) -> Citizen | None:
    """The case's citizen, to change with a fact about them; None when the case is anonymised
    or the fact is older than the last one of its kind applied (`last`)."""
    if case.anonymised_at is not None or (last is not None and envelope.time < last):
        return None
    return case.citizen or Citizen()


@on_event(CitizenIdentified.event_type)
def _citizen_identified(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, CitizenIdentified)
    sentence = Sentence(
        "De persoonsgegevens zijn vastgelegd.", "The personal details were recorded."
    )
    citizen = _citizen_to_change(case, envelope, (case.citizen or Citizen()).identified_at)
    if citizen is None:
        return case, sentence
    household = attr_of(data, "household")
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


@on_event(ContactPointsUpdated.event_type)
def _contact_points(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, ContactPointsUpdated)
    sentence = Sentence(
        "De contactvoorkeuren zijn bijgewerkt.", "The contact preferences were updated."
    )
    last = (case.citizen or Citizen()).contact_updated_at
    citizen = _citizen_to_change(case, envelope, last)
    if citizen is None:
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


@on_event(NotificationSent.event_type)
def _notification_sent(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, NotificationSent)
    nl, en = MESSAGE_CHANNEL_TEXT[data.channel]
    return replace(case, notifications_sent=case.notifications_sent + 1), Sentence(
        f"Er is een bericht {nl} verstuurd.", f"A message was sent {en}."
    )


@on_event(NotificationFailed.event_type)
def _notification_failed(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    event_data(envelope, NotificationFailed)
    return replace(case, notifications_failed=case.notifications_failed + 1), Sentence(
        "Een bericht kon niet worden bezorgd.", "A message could not be delivered."
    )


@on_event(CaseClosed.event_type)
def _case_closed(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, CaseClosed)
    return replace(case, closed_at=data.closed_at), Sentence(
        "De zaak is afgesloten.", "The case was closed."
    )


@on_event(CaseReopened.event_type)
def _case_reopened(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    return replace(case, closed_at=None), Sentence("De zaak is heropend.", "The case was reopened.")


@on_event(CaseAnonymised.event_type)
def _case_anonymised(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, CaseAnonymised)
    return retention.anonymise(case, at=data.anonymised_at), Sentence(
        "De persoonsgegevens zijn verwijderd na de bewaartermijn.",
        "The personal data was removed after the retention period.",
    )


@on_event(PromiseDueSoon.event_type)
def _promise_due_soon(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, PromiseDueSoon)
    promise = promise_of(case, data.promise_id, data.made_by, data.due_at)
    who_nl, who_en = who_text(promise.made_by_kind, promise.made_by, start=False)
    return case, Sentence(
        f"Een toezegging van {who_nl} moet binnenkort worden nagekomen.",
        f"A promise by {who_en} falls due soon.",
    )


_CONTACT_TEXT: Final[Mapping[Channel, tuple[str, str]]] = {
    **CHANNEL_TEXT,
    Channel.WEB: ("via de website", "through the website"),
}


@on_event(ContactRecorded.event_type)
def _contact_recorded(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, ContactRecorded)
    nl, en = _CONTACT_TEXT[data.channel]
    # Talking to the citizen answers their wishes to talk to a person made until then.
    case = replace(case, person_requests=close_wishes(case.person_requests, data.recorded_at))
    if data.confirmation_requested:
        return case, Sentence(
            f"Er is contact geweest {nl}; de burger krijgt een schriftelijke bevestiging.",
            f"There was contact {en}; the citizen gets a written confirmation.",
        )
    return case, Sentence(f"Er is contact geweest {nl}.", f"There was contact {en}.")


@on_event(ActionRequested.event_type)
def _action_requested(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    event_data(envelope, ActionRequested)
    return case, Sentence(
        "De burger is gevraagd iets te doen.", "The citizen was asked to do something."
    )


@on_event(CitizenMessageRequested.event_type)
def _message_requested(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    event_data(envelope, CitizenMessageRequested)
    return case, Sentence(
        "Er staat een bericht voor de burger klaar.", "A message for the citizen is ready."
    )


@on_event(OverrideDecided.event_type)
def _override_decided(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    event_data(envelope, OverrideDecided)
    return case, Sentence(
        "Er is een doorbraak besloten, met instemming van een leidinggevende.",
        "A breakthrough decision (doorbraak) was made, approved by a supervisor.",
    )


KNOWN_EVENT_TYPES: Final = frozenset(HANDLERS)
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
    handler = HANDLERS.get(envelope.type)
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
