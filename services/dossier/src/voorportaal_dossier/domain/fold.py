"""What every handler of the case projection uses: the sentence each event becomes (with
days and agency names in plain Dutch and English), small helpers over a case's referrals and
items, and the registry of handlers by event type (`on_event`, `HANDLERS`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, TypeVar

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events.case import Reason
from voorportaal_contracts.types import (
    Channel,
    DeclineReason,
    MessageChannel,
    RepresentativeRelation,
)
from voorportaal_dossier.domain.agencies import AGENCY_NAMES, agency_name, in_sentence
from voorportaal_dossier.domain.case_state import (
    CaseState,
    ReasonText,
    Referral,
    ReferralStatus,
    replace,
)
from voorportaal_dossier.domain.checklist import AMSTERDAM
from voorportaal_dossier.domain.citizen_texts import MONTHS_EN
from voorportaal_dossier.domain.promises import MadeBy

_T = TypeVar("_T")
_M = TypeVar("_M")


# --------------------------------------------------------------------------- sentences

CHANNEL_TEXT: Final[Mapping[Channel, tuple[str, str]]] = {
    Channel.WEB: ("via de website", "on the website"),
    Channel.PHONE: ("telefonisch", "by phone"),
    Channel.DESK: ("aan de balie", "at the desk"),
    Channel.SIGNALEERDER: ("via een signaleerder", "through a partner who spotted the problem"),
    Channel.HOME_VISIT: ("bij een huisbezoek", "during a home visit"),
    Channel.EMAIL: ("per e-mail", "by e-mail"),
    Channel.CHAT: ("via de chat", "by chat"),
    Channel.VIDEO: ("via videobellen", "by video call"),
}
MESSAGE_CHANNEL_TEXT: Final[Mapping[MessageChannel, tuple[str, str]]] = {
    MessageChannel.SMS: ("per sms", "by text message"),
    MessageChannel.EMAIL: ("per e-mail", "by e-mail"),
    MessageChannel.POST: ("per post", "by post"),
}
DECLINE_TEXT: Final[Mapping[DeclineReason, tuple[str, str]]] = {
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
RELATION_TEXT: Final[Mapping[RepresentativeRelation, tuple[str, str]]] = {
    RepresentativeRelation.FAMILY: ("een familielid", "a family member"),
    RepresentativeRelation.PARTNER: ("de partner", "the partner"),
    RepresentativeRelation.BEWINDVOERDER: ("een bewindvoerder", "a bewindvoerder (administrator)"),
    RepresentativeRelation.MENTOR: ("een mentor", "a mentor"),
    RepresentativeRelation.CURATOR: ("een curator", "a curator"),
    RepresentativeRelation.OTHER: ("een vertegenwoordiger", "a representative"),
}


@dataclass(frozen=True, slots=True)
class Sentence:
    """One timeline sentence in both languages."""

    nl: str
    en: str


def day_text(moment: datetime) -> tuple[str, str]:
    """A date as the citizen reads it, in Dutch time: `5-3-2025` and `5 March 2025`."""
    local = moment.astimezone(AMSTERDAM)
    return (
        f"{local.day}-{local.month}-{local.year}",
        f"{local.day} {MONTHS_EN[local.month - 1]} {local.year}",
    )


def agency_text(code: str) -> tuple[str, str]:
    """An agency's name at the start of a sentence (nl, en)."""
    name = agency_name(code)
    return name.nl, name.en


def agency_mid_text(code: str) -> tuple[str, str]:
    """An agency's name inside a sentence (nl, en)."""
    name = agency_name(code)
    return in_sentence(name.nl), in_sentence(name.en)


def who_text(made_by_kind: MadeBy, made_by: str, *, start: bool) -> tuple[str, str]:
    if made_by_kind is MadeBy.AGENCY:
        return agency_text(made_by) if start else agency_mid_text(made_by)
    if made_by_kind is MadeBy.CITIZEN:
        return ("De burger", "The citizen") if start else ("de burger", "the citizen")
    return ("De buddy", "The buddy") if start else ("de buddy", "the buddy")


# --------------------------------------------------------------------------- helpers


def reason_texts(reasons: Iterable[Reason]) -> tuple[ReasonText, ...]:
    return tuple(ReasonText(r.rule, r.nl, r.en) for r in reasons)


def with_referral(case: CaseState, referral: Referral) -> CaseState:
    """The case with `referral` added, or replacing the one with its id (keeping its place)."""
    ids = [r.referral_id for r in case.referrals]
    if referral.referral_id in ids:
        at = ids.index(referral.referral_id)
        referrals = (*case.referrals[:at], referral, *case.referrals[at + 1 :])
    else:
        referrals = (*case.referrals, referral)
    return replace(case, referrals=referrals)


def existing_or_new(case: CaseState, referral_id: str, agency_code: str) -> Referral:
    # Tolerates a change whose `ReferralIssued` we never saw (a trimmed topic).
    return case.referral(referral_id) or Referral(
        referral_id, agency_code, None, ReferralStatus.ISSUED
    )


def replace_item(items: tuple[_T, ...], key: Callable[[_T], str], new: _T) -> tuple[_T, ...]:
    """`items` with the item whose key equals `new`'s replaced (kept in place) or appended."""
    wanted = key(new)
    for index, item in enumerate(items):
        if key(item) == wanted:
            return (*items[:index], new, *items[index + 1 :])
    return (*items, new)


def attr_of(obj: object, name: str) -> Any:
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
HANDLERS: dict[str, Handler] = {}


def on_event(event_type: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[event_type] = handler
        return handler

    return register


def event_data(envelope: Envelope, model: type[_M]) -> _M:
    data: object = envelope.data
    if not isinstance(data, model):
        raise TypeError(f"{envelope.type} carries {type(data).__name__}, not {model.__name__}")
    return data
