"""A case as the dossier keeps it: the frozen dataclasses the projection folds events into
(`CaseState` and its parts), their JSON form (`dump_case`, `load_case`), and a fast `replace`
for them. No rules here: the reducer is `projection.py`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final, TypeVar

from pydantic import TypeAdapter

from voorportaal_contracts.types import (
    Channel,
    DeclineReason,
    LifeEvent,
    MessageChannel,
    Redzaamheid,
    ReferralMode,
    RepresentativeRelation,
    Urgency,
)
from voorportaal_dossier.domain import ownership as own
from voorportaal_dossier.domain.checklist import Checklist, PersonWish
from voorportaal_dossier.domain.promises import Promise
from voorportaal_dossier.domain.sharing import Grant, Mandate

_D = TypeVar("_D")


# --------------------------------------------------------------------------- replace

_REPLACERS: dict[type, Callable[[Any, dict[str, Any]], Any]] = {}


def _replacer(cls: type) -> Callable[[Any, dict[str, Any]], Any]:
    """A copy-with-changes function written out for one frozen dataclass, as `dataclasses`
    writes its `__init__`: the reducer copies the case (28 fields) once or twice per event,
    and `dataclasses.replace` (a loop over the fields, then `__init__` by keyword) was most of
    the time it spent folding an event. Benchmark it serves: the projection figure of
    `bench/dossier.py` (events per second against a raw consume loop); keep it while that
    figure shows the gain."""
    names = [f.name for f in fields(cls)]
    lines = ["def copy_with(obj, changes):", "    new = new_object(cls)"]
    lines += [
        f"    set_field(new, {n!r}, changes[{n!r}] if {n!r} in changes else obj.{n})" for n in names
    ]
    lines += [
        "    if not changes.keys() <= names:",
        "        raise TypeError(f'{cls.__name__} has no field {set(changes) - names}')",
        "    return new",
    ]
    namespace: dict[str, Any] = {
        "new_object": object.__new__,
        "set_field": object.__setattr__,
        "cls": cls,
        "names": frozenset(names),
    }
    exec("\n".join(lines), namespace)  # noqa: S102 - code built above from field names only
    copy_with: Callable[[Any, dict[str, Any]], Any] = namespace["copy_with"]
    return copy_with


def replace(obj: _D, /, **changes: Any) -> _D:
    """`dataclasses.replace` for the reducer's frozen dataclasses (none has `__post_init__`
    or a field outside `__init__`), without its per-field checks."""
    replacer = _REPLACERS.get(type(obj))
    if replacer is None:
        replacer = _REPLACERS[type(obj)] = _replacer(type(obj))
    result: _D = replacer(obj, changes)
    return result


# --------------------------------------------------------------------------- state


class ReferralStatus(StrEnum):
    """Where a referral stands, as routing reported it (`held` waits on another referral)."""

    HELD = "held"
    ISSUED = "issued"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


FINAL_REFERRAL_STATES: Final = frozenset(
    {
        ReferralStatus.DECLINED,
        ReferralStatus.COMPLETED,
        ReferralStatus.RETURNED,
        ReferralStatus.WITHDRAWN,
        ReferralStatus.EXPIRED,
    }
)
ANSWERED_STATES: Final = FINAL_REFERRAL_STATES | {
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
}


@dataclass(frozen=True, slots=True)
class ReasonText:
    """Why a rule decided something, in both languages."""

    rule: str
    nl: str
    en: str


@dataclass(frozen=True, slots=True)
class Referral:
    """One referral of the case to one agency."""

    referral_id: str
    agency_code: str
    service_code: str | None
    status: ReferralStatus
    mode: ReferralMode = ReferralMode.WARM_HANDOVER
    summary_shared: bool = False
    due_at: datetime | None = None
    """When the agency's response norm (SLA) passes; None while held."""
    waits_on: str | None = None
    reasons: tuple[ReasonText, ...] = ()
    decline_reason: DeclineReason | None = None
    outcome: str | None = None
    overdue: bool = False
    stalled_reason: str | None = None
    reminders: int = 0
    manual_by: str | None = None
    issued_at: datetime | None = None
    updated_at: datetime | None = None
    accepted_at: datetime | None = None
    """When the agency accepted (for the supervisor's time-to-accept figure)."""

    @property
    def is_open(self) -> bool:
        """Whether the referral can still move."""
        return self.status not in FINAL_REFERRAL_STATES


@dataclass(frozen=True, slots=True)
class RepresentativeInfo:
    """Who acts for the citizen, as the identity or contact details say."""

    name: str
    relation: RepresentativeRelation
    email: str | None = None
    phone: str | None = None
    receives_copies: bool = True


@dataclass(frozen=True, slots=True)
class HouseholdMember:
    """Someone in the citizen's household, when an intake names them."""

    name: str | None
    relation: str | None
    date_of_birth: date | None = None


@dataclass(frozen=True, slots=True)
class Citizen:
    """Who the citizen is and how to reach them: personal data, stripped on anonymisation."""

    name: str | None = None
    bsn: str | None = None
    date_of_birth: date | None = None
    postcode: str | None = None
    house_number: str | None = None
    municipality_code: str | None = None
    representative: RepresentativeInfo | None = None
    household: tuple[HouseholdMember, ...] = ()
    email: str | None = None
    phone: str | None = None
    language: str | None = None
    channels: tuple[MessageChannel, ...] = ()
    identified_at: datetime | None = None
    contact_updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Recommendation:
    """Routing's proposal of a buddy, with its reasons (a person decides)."""

    reasons: tuple[ReasonText, ...]
    recommended_at: datetime


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One event as a plain sentence."""

    event_id: str
    event_type: str
    at: datetime
    nl: str
    en: str


@dataclass(frozen=True, slots=True)
class CaseState:
    """Everything the dossier knows about one case."""

    case_id: str
    opened_at: datetime | None = None
    intake_id: str | None = None
    intake_revision: int = 0
    channel: Channel | None = None
    started_by_role: str | None = None
    life_events: tuple[LifeEvent, ...] = ()
    needs: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()
    redzaamheid: Redzaamheid | None = None
    urgency: Urgency | None = None
    municipality_code: str | None = None
    share_with: tuple[str, ...] = ()
    citizen: Citizen | None = None
    referrals: tuple[Referral, ...] = ()
    recommendation: Recommendation | None = None
    ownership: own.Ownership = field(default_factory=lambda: own.Ownership(""))
    promises: tuple[Promise, ...] = ()
    grants: tuple[Grant, ...] = ()
    mandates: tuple[Mandate, ...] = ()
    notifications_sent: int = 0
    notifications_failed: int = 0
    closed_at: datetime | None = None
    anonymised_at: datetime | None = None
    updated_at: datetime | None = None
    timeline: tuple[TimelineEntry, ...] = ()
    language: str | None = None
    """The citizen's language as the intake, the checklist or a wish said it (not personal:
    the contact details' language is the citizen's own and goes on anonymisation)."""
    checklist: Checklist = field(default_factory=Checklist)
    person_requests: tuple[PersonWish, ...] = ()
    """The citizen's wishes to talk to a person, oldest first."""
    applied: frozenset[str] = frozenset()
    """Ids of the events folded in: the reducer's own idempotency record."""

    @classmethod
    def new(cls, case_id: str) -> CaseState:
        """An empty case."""
        return cls(case_id=case_id, ownership=own.Ownership(case_id))

    def referral(self, referral_id: str) -> Referral | None:
        """The referral with this id, if the case has it."""
        return next((r for r in self.referrals if r.referral_id == referral_id), None)

    @property
    def is_closed(self) -> bool:
        """Whether the case was closed."""
        return self.closed_at is not None

    @property
    def overdue_referrals(self) -> tuple[Referral, ...]:
        """Referrals whose agency did not answer in time."""
        return tuple(r for r in self.referrals if r.overdue)


CASE_ADAPTER: Final = TypeAdapter(CaseState)
"""Validates and serialises a `CaseState` (for the dossier's own table)."""


def dump_case(case: CaseState) -> bytes:
    """The case as JSON, to store."""
    return CASE_ADAPTER.dump_json(case)


def load_case(raw: bytes | str) -> CaseState:
    """A case stored with `dump_case`."""
    return CASE_ADAPTER.validate_json(raw)
