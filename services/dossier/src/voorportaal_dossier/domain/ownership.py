"""The buddy system: who owns a case, as one transition table and pure functions over it.

```
unowned ──recommend──▶ recommended ──claim──▶ owned ──request_handover──▶ handover_requested
   │                                  ▲  ▲      │                                │
   └──────────────claim───────────────┘  │      └──release──▶ released ◀─release─┤
                                         └── accept (new owner) | decline | cancel ┘
reassign (supervisor): from every state ──▶ owned
```

A case has at most one owner. Claiming an owned case raises `OwnershipConflict` (409): of two
claims at the same moment the service layer lets exactly one write win (optimistic lock) and
the loser meets the owned state here. A step the caller may not take raises `NotAllowed`
(403); a step the state does not allow raises `InvalidTransition` (409). Each function returns
the new state and the facts to publish on `case.events` (the contract's events).

The handover note stays in the dossier (`PendingHandover.note`): it is about the citizen and
never travels on Kafka.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from voorportaal_contracts.events import case as contract
from voorportaal_dossier.domain.errors import (
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    OwnershipConflict,
)
from voorportaal_kit.auth import Principal, Role
from voorportaal_kit.case_access import CaseAccess, staff_basis


class OwnershipStatus(StrEnum):
    """Where a case is in the buddy system."""

    UNOWNED = "unowned"
    RECOMMENDED = "recommended"
    """In the queue: routing proposed a buddy; a person decides."""
    OWNED = "owned"
    HANDOVER_REQUESTED = "handover_requested"
    """Still owned; a named colleague has been asked to take over."""
    RELEASED = "released"
    """The owner let go; the case is back in the queue."""


class OwnershipAction(StrEnum):
    """A step in the buddy system."""

    RECOMMEND = "recommend"
    CLAIM = "claim"
    REQUEST_HANDOVER = "request_handover"
    ACCEPT_HANDOVER = "accept_handover"
    DECLINE_HANDOVER = "decline_handover"
    CANCEL_HANDOVER = "cancel_handover"
    RELEASE = "release"
    REASSIGN = "reassign"


St = OwnershipStatus
Ac = OwnershipAction

TRANSITIONS: Final[Mapping[tuple[OwnershipStatus, OwnershipAction], OwnershipStatus]] = (
    MappingProxyType(
        {
            # A recommendation never takes a case away from its owner.
            (St.UNOWNED, Ac.RECOMMEND): St.RECOMMENDED,
            (St.RECOMMENDED, Ac.RECOMMEND): St.RECOMMENDED,
            (St.RELEASED, Ac.RECOMMEND): St.RECOMMENDED,
            (St.OWNED, Ac.RECOMMEND): St.OWNED,
            (St.HANDOVER_REQUESTED, Ac.RECOMMEND): St.HANDOVER_REQUESTED,
            # A person may take up any case nobody owns, recommended or not.
            (St.UNOWNED, Ac.CLAIM): St.OWNED,
            (St.RECOMMENDED, Ac.CLAIM): St.OWNED,
            (St.RELEASED, Ac.CLAIM): St.OWNED,
            (St.OWNED, Ac.REQUEST_HANDOVER): St.HANDOVER_REQUESTED,
            (St.HANDOVER_REQUESTED, Ac.ACCEPT_HANDOVER): St.OWNED,
            (St.HANDOVER_REQUESTED, Ac.DECLINE_HANDOVER): St.OWNED,
            (St.HANDOVER_REQUESTED, Ac.CANCEL_HANDOVER): St.OWNED,
            (St.OWNED, Ac.RELEASE): St.RELEASED,
            (St.HANDOVER_REQUESTED, Ac.RELEASE): St.RELEASED,
            **{(status, Ac.REASSIGN): St.OWNED for status in OwnershipStatus},
        }
    )
)
"""The one transition table: (from, action) → to. A pair not in it is refused."""

QUEUE_STATES: Final = frozenset({St.RECOMMENDED, St.RELEASED})
"""States in which a case sits in the buddy queue every casemanager sees."""


@dataclass(frozen=True, slots=True)
class StaffMember:
    """A casemanager as the buddy system knows them: id, display name and team."""

    id: str
    name: str
    team: str | None = None


@dataclass(frozen=True, slots=True)
class PendingHandover:
    """A warm handover waiting for the named colleague to accept."""

    to: StaffMember
    note: str | None
    """What the colleague must know; kept in the dossier, never published."""
    requested_at: datetime


@dataclass(frozen=True, slots=True)
class Ownership:
    """Who owns a case now, and any handover in flight."""

    case_id: str
    status: OwnershipStatus = OwnershipStatus.UNOWNED
    owner: StaffMember | None = None
    owner_since: datetime | None = None
    pending: PendingHandover | None = None
    recommended_at: datetime | None = None

    @property
    def team(self) -> str | None:
        """The team the case belongs to: its owner's."""
        return self.owner.team if self.owner else None


# --------------------------------------------------------------------------- events

# The facts a step publishes are the contract's own events on `case.events`.
BuddyAssigned = contract.BuddyAssigned
HandoverRequested = contract.HandoverRequested
CaseHandedOver = contract.CaseHandedOver
HandoverDeclined = contract.HandoverDeclined
HandoverCancelled = contract.HandoverCancelled
CaseReleased = contract.CaseReleased
CaseReassigned = contract.CaseReassigned

OwnershipEvent = (
    BuddyAssigned
    | HandoverRequested
    | CaseHandedOver
    | HandoverDeclined
    | HandoverCancelled
    | CaseReleased
    | CaseReassigned
)


@dataclass(frozen=True, slots=True)
class Transition:
    """The state after a step, and the facts to publish (in order) in the same transaction."""

    state: Ownership
    events: tuple[OwnershipEvent, ...] = ()


# --------------------------------------------------------------------------- rules

_DOING_NL: Final[Mapping[OwnershipAction, str]] = {
    Ac.RECOMMEND: "een buddy aanbevelen",
    Ac.CLAIM: "eigenaar worden",
    Ac.REQUEST_HANDOVER: "een overdracht vragen",
    Ac.ACCEPT_HANDOVER: "de overdracht accepteren",
    Ac.DECLINE_HANDOVER: "de overdracht weigeren",
    Ac.CANCEL_HANDOVER: "de overdracht intrekken",
    Ac.RELEASE: "de zaak loslaten",
    Ac.REASSIGN: "de zaak aan een ander toewijzen",
}
"""Each step as a Dutch casemanager says it, for the Dutch half of a refusal."""

_STATUS_NL: Final[Mapping[OwnershipStatus, str]] = {
    St.UNOWNED: "zonder eigenaar",
    St.RECOMMENDED: "aanbevolen voor een buddy",
    St.OWNED: "heeft een eigenaar",
    St.HANDOVER_REQUESTED: "overdracht gevraagd",
    St.RELEASED: "losgelaten, terug in de werkvoorraad",
}
"""Each status as the console labels it (`labels.toml`, `[ownership]`)."""


def target(status: OwnershipStatus, action: OwnershipAction) -> OwnershipStatus:
    """Where `action` leads from `status`; `InvalidTransition` when the table has no row."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        allowed = sorted(a for (s, a) in TRANSITIONS if s is status)
        raise InvalidTransition(
            f"cannot {action.value} a case that is {status.value} "
            f"(possible: {', '.join(a.value for a in allowed)}) / "
            f"{_DOING_NL[action]} kan niet bij deze zaak ({_STATUS_NL[status]}); "
            f"wel mogelijk: {', '.join(_DOING_NL[a] for a in allowed)}"
        ) from None


def _staff_of(principal: Principal, team: str | None) -> StaffMember:
    return StaffMember(principal.subject, principal.name or principal.subject, team)


def _require_casemanager(principal: Principal, action: OwnershipAction) -> None:
    if not principal.has_role(Role.CASEMANAGER):
        raise NotAllowed(
            f"only a casemanager may {action.value} / "
            f"alleen een casemanager kan {_DOING_NL[action]}"
        )


def _is_owner(state: Ownership, principal: Principal) -> bool:
    return state.owner is not None and state.owner.id == principal.subject


def recommend(state: Ownership, *, at: datetime) -> Transition:
    """Routing proposed a buddy (its `BuddyRecommended`): the case joins the queue unless owned.

    Publishes nothing: routing already did.
    """
    status = target(state.status, Ac.RECOMMEND)
    return Transition(replace(state, status=status, recommended_at=at))


def claim(state: Ownership, principal: Principal, *, team: str | None, at: datetime) -> Transition:
    """A casemanager takes ownership. The owner claiming again is a no-op (a retried request)."""
    _require_casemanager(principal, Ac.CLAIM)
    if _is_owner(state, principal):
        return Transition(state)
    if state.owner is not None:
        raise OwnershipConflict("the case already has an owner / de zaak heeft al een eigenaar")
    status = target(state.status, Ac.CLAIM)
    owner = _staff_of(principal, team)
    new = replace(state, status=status, owner=owner, owner_since=at, pending=None)
    event = BuddyAssigned(
        case_id=state.case_id,
        casemanager_id=owner.id,
        casemanager_name=owner.name,
        team=owner.team,
        assigned_at=at,
    )
    return Transition(new, (event,))


def request_handover(
    state: Ownership, principal: Principal, *, to: StaffMember, note: str, at: datetime
) -> Transition:
    """The owner asks a named colleague to take over, with a note (a warm handover)."""
    _require_casemanager(principal, Ac.REQUEST_HANDOVER)
    if not _is_owner(state, principal):
        raise NotAllowed(
            "only the owner may hand a case over / alleen de eigenaar kan een zaak overdragen"
        )
    if to.id == principal.subject:
        raise InvalidInput(
            "to",
            "a case cannot be handed over to its own owner / "
            "u kunt een zaak niet overdragen aan de eigenaar zelf",
        )
    if not note.strip():
        raise InvalidInput(
            "note",
            "a warm handover needs a note for the colleague / "
            "een warme overdracht heeft een notitie voor de collega nodig",
        )
    status = target(state.status, Ac.REQUEST_HANDOVER)
    assert state.owner is not None  # _is_owner
    new = replace(state, status=status, pending=PendingHandover(to, note.strip(), at))
    event = HandoverRequested(
        case_id=state.case_id,
        from_casemanager_id=state.owner.id,
        to_casemanager_id=to.id,
        to_casemanager_name=to.name,
        to_team=to.team,
        requested_at=at,
    )
    return Transition(new, (event,))


def _require_pending_target(state: Ownership, principal: Principal, action: Ac) -> None:
    _require_casemanager(principal, action)
    if state.pending is None:
        raise InvalidTransition(
            f"cannot {action.value}: no handover is pending / "
            f"{_DOING_NL[action]} kan niet: er is geen overdracht gevraagd"
        )
    if state.pending.to.id != principal.subject:
        raise NotAllowed(
            "this handover is meant for someone else / deze overdracht is voor een ander bedoeld"
        )


def accept_handover(
    state: Ownership, principal: Principal, *, team: str | None, at: datetime
) -> Transition:
    """The named colleague accepts: they own the case from now on."""
    _require_pending_target(state, principal, Ac.ACCEPT_HANDOVER)
    status = target(state.status, Ac.ACCEPT_HANDOVER)
    assert state.pending is not None
    assert state.owner is not None
    # The team comes from the accepting principal's token: it is where they work today.
    owner = replace(state.pending.to, team=team if team is not None else state.pending.to.team)
    new = replace(state, status=status, owner=owner, owner_since=at, pending=None)
    event = CaseHandedOver(
        case_id=state.case_id,
        from_casemanager_id=state.owner.id,
        to_casemanager_id=owner.id,
        to_casemanager_name=owner.name,
        to_team=owner.team,
        handed_over_at=at,
    )
    return Transition(new, (event,))


def decline_handover(state: Ownership, principal: Principal, *, at: datetime) -> Transition:
    """The named colleague declines: the owner keeps the case."""
    _require_pending_target(state, principal, Ac.DECLINE_HANDOVER)
    status = target(state.status, Ac.DECLINE_HANDOVER)
    assert state.pending is not None
    assert state.owner is not None
    event = HandoverDeclined(
        case_id=state.case_id,
        from_casemanager_id=state.owner.id,
        to_casemanager_id=state.pending.to.id,
        declined_at=at,
    )
    return Transition(replace(state, status=status, pending=None), (event,))


def cancel_handover(state: Ownership, principal: Principal, *, at: datetime) -> Transition:
    """The owner (or a supervisor) withdraws the handover request."""
    if not (_is_owner(state, principal) or principal.has_role(Role.SUPERVISOR)):
        raise NotAllowed(
            "only the owner or a supervisor may cancel a handover / "
            "alleen de eigenaar of een supervisor kan een overdracht intrekken"
        )
    if state.pending is None:
        raise InvalidTransition(
            "cannot cancel_handover: no handover is pending / "
            "overdracht intrekken kan niet: er is geen overdracht gevraagd"
        )
    status = target(state.status, Ac.CANCEL_HANDOVER)
    assert state.owner is not None
    event = HandoverCancelled(
        case_id=state.case_id,
        from_casemanager_id=state.owner.id,
        to_casemanager_id=state.pending.to.id,
        cancelled_by=principal.subject,
        cancelled_at=at,
    )
    return Transition(replace(state, status=status, pending=None), (event,))


def release(state: Ownership, principal: Principal, *, at: datetime) -> Transition:
    """The owner (or a supervisor) lets go; the case goes back to the queue."""
    if not (_is_owner(state, principal) or principal.has_role(Role.SUPERVISOR)):
        raise NotAllowed(
            "only the owner or a supervisor may release a case / "
            "alleen de eigenaar of een supervisor kan een zaak loslaten"
        )
    status = target(state.status, Ac.RELEASE)
    assert state.owner is not None
    event = CaseReleased(
        case_id=state.case_id,
        casemanager_id=state.owner.id,
        released_by=principal.subject,
        released_at=at,
    )
    new = replace(state, status=status, owner=None, owner_since=None, pending=None)
    return Transition(new, (event,))


def reassign(
    state: Ownership, principal: Principal, *, to: StaffMember, at: datetime
) -> Transition:
    """A supervisor gives the case to a casemanager, whatever its state (a pending handover
    is dropped). Reassigning to the current owner is a no-op."""
    if not principal.has_role(Role.SUPERVISOR):
        raise NotAllowed(
            "only a supervisor may reassign a case / "
            "alleen een supervisor kan een zaak aan een ander toewijzen"
        )
    if state.owner is not None and state.owner.id == to.id and state.pending is None:
        return Transition(state)
    status = target(state.status, Ac.REASSIGN)
    previous = state.owner.id if state.owner else None
    new = replace(state, status=status, owner=to, owner_since=at, pending=None)
    event = CaseReassigned(
        case_id=state.case_id,
        from_casemanager_id=previous,
        to_casemanager_id=to.id,
        to_casemanager_name=to.name,
        to_team=to.team,
        reassigned_by=principal.subject,
        reassigned_at=at,
    )
    return Transition(new, (event,))


def in_queue(state: Ownership) -> bool:
    """Whether the case waits in the buddy queue."""
    return state.status in QUEUE_STATES


def access_facts(state: Ownership) -> CaseAccess:
    """The ownership facts the kit's `case_access` decides on (ids and codes only)."""
    return CaseAccess(
        case_id=state.case_id,
        status=state.status.value,
        owner_id=state.owner.id if state.owner is not None else None,
        team=state.team,
        handover_to=state.pending.to.id if state.pending is not None else None,
    )


def visible_to(state: Ownership, principal: Principal, team: str | None) -> str | None:
    """Why a casemanager or supervisor may see this case (`owner`, `handover`, `team`,
    `queue`, `supervisor`), or None: the kit's `case_access.staff_basis`, which sharing's
    `decide` rests on too."""
    return staff_basis(access_facts(state), principal, team)
    if _is_owner(state, principal):
        return "owner"
    if state.pending is not None and state.pending.to.id == principal.subject:
        return "handover"
    if team is not None and state.team == team:
        return "team"
    if in_queue(state):
        return "queue"
    return None
