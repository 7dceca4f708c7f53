"""Who may read or change a case's personal data, decided the dossier's way in every service.

The dossier decides every read from its whole case (`voorportaal_dossier.domain.sharing`).
Routing, intake and notify hold parts of the same case and must give the same answer, so they
keep the facts that decision rests on — who owns the case and in which team, whether it waits
in the buddy queue, a handover in flight, the sharing grants and the mandates — folded from
`case.events` into a `CaseAccess`, and decide with `decide` here. The rules, in order:

1. Anyone carrying the citizen role is held to their link's case: the citizen themselves, or
   a representative (`representative:<mandate id>`) within a current mandate's scopes.
2. Staff: a supervisor; the owner; the colleague a handover is offered to; the owner's team;
   and, for what the buddy queue shows (`queue_visible`), any casemanager while the case waits
   in the queue. A change needs the owner, the team or a supervisor.
3. An agency reads only with a current grant that covers the scope, never changes anything.
4. Everyone else (operators, signaleerders, other teams) is refused.

`starter` adds one basis the intake has and the dossier does not: the staff member or
signaleerder who started an intake on someone's behalf continues it.

Every decision, allowed or refused, becomes an audit record (`audit_record`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events.case import (
    BuddyAssigned,
    BuddyRecommended,
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
)
from voorportaal_contracts.registry import Event
from voorportaal_contracts.types import SharingScope
from voorportaal_kit import audit
from voorportaal_kit.audit import AuditAction, AuditRecord
from voorportaal_kit.auth import Principal, Role

REPRESENTATIVE_PREFIX: Final = "representative:"
"""The subject of a representative's citizen link: `representative:<mandate id>`."""

UNOWNED: Final = "unowned"
RECOMMENDED: Final = "recommended"
OWNED: Final = "owned"
HANDOVER_REQUESTED: Final = "handover_requested"
RELEASED: Final = "released"
QUEUE_STATES: Final = frozenset({RECOMMENDED, RELEASED})
"""States in which a case waits in the buddy queue every casemanager sees (the dossier's)."""
CHANGE_BASES: Final = frozenset({"owner", "team", "supervisor"})
"""Staff bases that may change a case (the dossier's)."""


def permit_status(
    now: datetime, valid_from: datetime | None, valid_until: datetime, revoked_at: datetime | None
) -> str:
    """`current`, `not_yet_valid`, `expired` or `revoked` at `now`: of a grant or mandate
    valid from `valid_from` (None: from the start) until `valid_until`, revoked at `revoked_at`."""
    if revoked_at is not None and revoked_at <= now:
        return "revoked"
    if valid_from is not None and now < valid_from:
        return "not_yet_valid"
    if now >= valid_until:
        return "expired"
    return "current"


@dataclass(frozen=True, slots=True)
class Permit:
    """A sharing grant (to an agency) or a mandate (to a representative): for some scopes,
    from a moment until a moment, until revoked."""

    permit_id: str
    holder: str
    """The agency code of a grant; the relation of a mandate (never a name)."""
    scopes: frozenset[str]
    valid_from: datetime | None
    valid_until: datetime
    revoked_at: datetime | None = None

    def status(self, now: datetime) -> str:
        """`current`, `not_yet_valid`, `expired` or `revoked` at `now`."""
        return permit_status(now, self.valid_from, self.valid_until, self.revoked_at)


@dataclass(frozen=True, slots=True)
class CaseAccess:
    """The facts about one case that decide who may see it (ids and codes only)."""

    case_id: str
    status: str = UNOWNED
    owner_id: str | None = None
    team: str | None = None
    """The owner's team."""
    handover_to: str | None = None
    grants: tuple[Permit, ...] = ()
    mandates: tuple[Permit, ...] = ()
    revoked: Mapping[str, datetime] = field(default_factory=dict)
    """Revocations of grants or mandates (by id) seen before the grant itself."""


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether it may happen, why, and on which basis (what the audit record notes)."""

    allowed: bool
    reason: str
    basis: str
    """`owner`, `team`, `handover`, `queue`, `supervisor`, `starter`, `citizen`, `grant:<id>`,
    `mandate:<id>`, or `none` when refused."""


def _allow(reason: str, basis: str) -> Decision:
    return Decision(True, reason, basis)


def _refuse(reason: str) -> Decision:
    return Decision(False, reason, "none")


_STATUS_REASON: Final = {
    "not_yet_valid": "is not valid yet",
    "expired": "has expired",
    "revoked": "was revoked",
}
_FAILURE_ORDER: Final = ("scope", "not_yet_valid", "expired", "revoked")


def _by_scope(
    permits: Iterable[Permit], scope: SharingScope, now: datetime
) -> tuple[str | None, str | None]:
    """(id of a permit that allows, failure kind of the most hopeful one that does not).

    Permits are tried in id order, so every service names the same grant as the basis.
    """
    failures: list[str] = []
    for permit in sorted(permits, key=lambda p: p.permit_id):
        status = permit.status(now)
        if status != "current":
            failures.append(status)
        elif scope.value not in permit.scopes:
            failures.append("scope")
        else:
            return permit.permit_id, None
    best = min(failures, key=_FAILURE_ORDER.index) if failures else None
    return None, best


def _by_permit(
    permits: Iterable[Permit],
    scope: SharingScope,
    now: datetime,
    basis: str,
    name: str,
    allowed: str,
) -> Decision:
    """Allowed on the first permit (in id order) that covers `scope` at `now` (basis
    `<basis>:<id>`, reason `<allowed> <scope>`), else refused with why `name` does not."""
    found, failure = _by_scope(permits, scope, now)
    if found is not None:
        return _allow(f"{allowed} {scope.value}", f"{basis}:{found}")
    if failure == "scope":
        return _refuse(f"{name} does not cover {scope.value}")
    return _refuse(f"{name} {_STATUS_REASON[failure or 'expired']}")


def staff_basis(case: CaseAccess, principal: Principal, team: str | None) -> str | None:
    """Why a casemanager or supervisor may see this case (`supervisor`, `owner`, `handover`,
    `team`, `queue`), or None: the dossier's `ownership.visible_to`."""
    if principal.has_role(Role.SUPERVISOR):
        return "supervisor"
    if not principal.has_role(Role.CASEMANAGER):
        return None
    if case.owner_id is not None and case.owner_id == principal.subject:
        return "owner"
    if case.handover_to is not None and case.handover_to == principal.subject:
        return "handover"
    if team is not None and case.team == team:
        return "team"
    if case.status in QUEUE_STATES:
        return "queue"
    return None


def _decide_link(
    case: CaseAccess, principal: Principal, scope: SharingScope, now: datetime
) -> Decision:
    if principal.case_id != case.case_id:
        return _refuse("the link is for another case")
    if not principal.subject.startswith(REPRESENTATIVE_PREFIX):
        return _allow("the citizen reads their own dossier", "citizen")
    mandate_id = principal.subject.removeprefix(REPRESENTATIVE_PREFIX)
    mandates = [m for m in case.mandates if m.permit_id == mandate_id]
    if not mandates:
        return _refuse("no mandate for this representative")
    return _by_permit(mandates, scope, now, "mandate", "the mandate", "mandate covers")


def _decide_agency(
    case: CaseAccess, principal: Principal, scope: SharingScope, now: datetime
) -> Decision:
    codes = principal.agency_codes
    grants = [g for g in case.grants if g.holder in codes]
    if not grants:
        return _refuse("the citizen has not shared this case with the agency")
    return _by_permit(
        grants, scope, now, "grant", "the sharing grant", "shared with the agency for"
    )


def decide(
    principal: Principal,
    case: CaseAccess,
    scope: SharingScope,
    now: datetime,
    *,
    data_kind: str,
    change: bool = False,
    staff_only: bool = False,
    queue_visible: bool = False,
    agencies_may: bool = True,
    starter: str | None = None,
    team: str | None = None,
) -> Decision:
    """Whether `principal` may read (or, with `change`, change) `data_kind` of `case` at `now`.

    `scope` is what a grant or mandate must hold for it; `queue_visible` says the buddy queue
    shows this kind to any casemanager; `agencies_may` is False for kinds agencies never read
    (the citizen's sharing choices, the access log); `starter` is the subject who started an
    intake on someone's behalf; `team` the principal's team (default: its `team` claim);
    `staff_only` refuses everyone but casemanagers and supervisors first (a staff action).
    """
    team = team if team is not None else principal.team
    is_staff = principal.has_role(Role.CASEMANAGER, Role.SUPERVISOR)
    if staff_only and (principal.has_role(Role.CITIZEN) or not is_staff):
        return _refuse("only a casemanager or supervisor does this")
    if principal.has_role(Role.CITIZEN):
        decision = _decide_link(case, principal, scope, now)
        if change and decision.allowed and decision.basis.startswith("mandate:"):
            found, _ = _by_scope(
                [m for m in case.mandates if m.permit_id == decision.basis[8:]],
                SharingScope.ACT_ON_BEHALF,
                now,
            )
            if found is None:
                return _refuse("the mandate does not allow acting on behalf of the citizen")
        return decision
    if (
        starter is not None
        and principal.subject == starter
        and principal.has_role(Role.CASEMANAGER, Role.SUPERVISOR, Role.SIGNALEERDER)
    ):
        return _allow("started this intake for the citizen", "starter")
    basis = staff_basis(case, principal, team)
    queue_refusal = None
    if basis == "queue" and (change or not queue_visible):
        basis = None
        queue_refusal = (
            "a case in the queue is changed only by its owner"
            if change
            else f"a case in the queue shows only its summary, not {data_kind}"
        )
    if change and basis is not None and basis not in CHANGE_BASES:
        return _refuse("only the owner, their team or a supervisor may change this case")
    if basis is not None:
        return _allow(f"{basis} of the case", basis)
    if principal.agency_codes:
        if change:
            return _refuse("agencies do not change a case here")
        if not agencies_may:
            return _refuse(f"agencies never read {data_kind}")
        return _decide_agency(case, principal, scope, now)
    if queue_refusal is not None:
        return _refuse(queue_refusal)
    if principal.has_role(Role.CASEMANAGER):
        return _refuse("not the owner, not in the team, and the case is not in the queue")
    if principal.has_role(Role.OPERATOR):
        return _refuse("operators run the services and do not read dossiers")
    if principal.has_role(Role.SIGNALEERDER):
        return _refuse("a signaleerder sees only the intakes they started")
    return _refuse("no role gives access to this dossier")


# --------------------------------------------------------------------------- the audit record

_AUDIT_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9:_.\-]{0,127}")
_AUDIT_CODE: Final = re.compile(r"[a-z][a-z0-9_.:\-]{0,63}")
_ROLE_ORDER: Final = (
    Role.CITIZEN,
    Role.SUPERVISOR,
    Role.CASEMANAGER,
    Role.OPERATOR,
    Role.SIGNALEERDER,
)


def audit_actor(principal: Principal) -> str:
    """The subject as the audit log may hold it: an id, or a hash of anything else."""
    if _AUDIT_ID.fullmatch(principal.subject):
        return principal.subject
    return "sub-" + hashlib.sha256(principal.subject.encode()).hexdigest()[:32]


def audit_role(principal: Principal) -> str:
    """The role the caller acts in, for the audit record."""
    for role in _ROLE_ORDER:
        if principal.has_role(role):
            return role.value
    codes = sorted(principal.agency_codes)
    return f"agency:{codes[0]}" if codes else "none"


def audit_on_behalf_of(principal: Principal) -> str | None:
    """For whom the caller acts, for the audit record: the mandate of a representative or
    the caller's agency (None when that is not an id the audit log may hold)."""
    if principal.subject.startswith(REPRESENTATIVE_PREFIX):
        mandate = principal.subject.removeprefix(REPRESENTATIVE_PREFIX)[:120]
        return mandate if _AUDIT_ID.fullmatch(mandate) else None
    codes = sorted(principal.agency_codes)
    if not codes or principal.has_role(Role.CITIZEN):
        return None
    return codes[0] if _AUDIT_ID.fullmatch(codes[0]) else None


def audit_record(
    principal: Principal,
    case_id: str,
    data_kind: str,
    purpose: str,
    action: AuditAction,
    decision: Decision,
    at: datetime,
    *,
    object_id: str | None = None,
) -> AuditRecord:
    """The audit record of one decision (ids and fixed reasons only)."""
    reason = decision.reason
    if any(c.isdigit() for c in reason) or "@" in reason:
        reason = "allowed" if decision.allowed else "refused"
    basis = decision.basis if _AUDIT_CODE.fullmatch(decision.basis) else "other"
    return audit.record(
        at=at,
        actor=audit_actor(principal),
        role=audit_role(principal),
        case_id=case_id,
        data_kind=data_kind,
        purpose=purpose,
        action=action,
        allowed=decision.allowed,
        basis=basis,
        reason=reason,
        on_behalf_of=audit_on_behalf_of(principal),
        object_id=object_id,
    )


# --------------------------------------------------------------------------- the fold


def _permit(permit_id: str, holder: str, scopes: Iterable[Any], start: Any, end: Any) -> Permit:
    codes = frozenset(str(getattr(s, "value", s)) for s in scopes)
    return Permit(permit_id, holder, codes, start, end)


def _with_permit(permits: tuple[Permit, ...], new: Permit) -> tuple[Permit, ...]:
    return (*(p for p in permits if p.permit_id != new.permit_id), new)


def _revoke(permits: tuple[Permit, ...], permit_id: str, at: datetime) -> tuple[Permit, ...]:
    return tuple(
        replace(p, revoked_at=at) if p.permit_id == permit_id and p.revoked_at is None else p
        for p in permits
    )


def _owned(case: CaseAccess, owner_id: str, team: str | None) -> CaseAccess:
    """`case` owned by a casemanager (assigned, handed over or reassigned to them), with no
    handover pending."""
    return replace(case, status=OWNED, owner_id=owner_id, team=team, handover_to=None)


def apply(case: CaseAccess, event: Event, at: datetime | None = None) -> CaseAccess:
    """`case` after one fact from `case.events` (other facts leave it as it is); `at` is the
    event's time, from which a grant without `valid_from` counts (as in the dossier)."""
    match event:
        case BuddyRecommended():
            if case.status in {UNOWNED, RELEASED}:
                return replace(case, status=RECOMMENDED)
            return case
        case BuddyAssigned():
            return _owned(case, event.casemanager_id, event.team)
        case CaseHandedOver() | CaseReassigned():
            return _owned(case, event.to_casemanager_id, event.to_team)
        case HandoverRequested():
            return replace(case, status=HANDOVER_REQUESTED, handover_to=event.to_casemanager_id)
        case HandoverDeclined() | HandoverCancelled():
            status = OWNED if case.owner_id is not None else case.status
            return replace(case, status=status, handover_to=None)
        case CaseReleased():
            return replace(case, status=RELEASED, owner_id=None, team=None, handover_to=None)
        case ConsentGranted():
            grant = _permit(
                event.grant_id,
                event.agency_code,
                event.scopes,
                event.valid_from or at,
                event.valid_until,
            )
            revoked = case.revoked.get(event.grant_id)
            grant = replace(grant, revoked_at=revoked)
            return replace(case, grants=_with_permit(case.grants, grant))
        case ConsentRevoked():
            if any(g.permit_id == event.grant_id for g in case.grants):
                return replace(case, grants=_revoke(case.grants, event.grant_id, event.revoked_at))
            return replace(case, revoked={**case.revoked, event.grant_id: event.revoked_at})
        case MandateGranted():
            mandate = _permit(
                event.mandate_id,
                event.relation.value,
                event.scopes,
                event.valid_from,
                event.valid_until,
            )
            # As in the dossier: recording a mandate again does not undo its revocation.
            existing = next((m for m in case.mandates if m.permit_id == event.mandate_id), None)
            revoked = existing.revoked_at if existing else case.revoked.get(event.mandate_id)
            return replace(
                case, mandates=_with_permit(case.mandates, replace(mandate, revoked_at=revoked))
            )
        case MandateRevoked():
            if any(m.permit_id == event.mandate_id for m in case.mandates):
                return replace(
                    case, mandates=_revoke(case.mandates, event.mandate_id, event.revoked_at)
                )
            return replace(case, revoked={**case.revoked, event.mandate_id: event.revoked_at})
    return case


ACCESS_EVENTS: Final[tuple[type[Event], ...]] = (
    BuddyRecommended,
    BuddyAssigned,
    CaseHandedOver,
    CaseReassigned,
    HandoverRequested,
    HandoverDeclined,
    HandoverCancelled,
    CaseReleased,
    ConsentGranted,
    ConsentRevoked,
    MandateGranted,
    MandateRevoked,
)
"""The `case.events` facts a `CaseAccess` is folded from."""


# --------------------------------------------------------------------------- storage


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _dump_permit(p: Permit) -> dict[str, Any]:
    return {
        "id": p.permit_id,
        "holder": p.holder,
        "scopes": sorted(p.scopes),
        "from": _when(p.valid_from),
        "until": _when(p.valid_until),
        "revoked_at": _when(p.revoked_at),
    }


def _load_permit(d: dict[str, Any]) -> Permit:
    until = _at(d["until"])
    assert until is not None
    return Permit(
        d["id"], d["holder"], frozenset(d["scopes"]), _at(d["from"]), until, _at(d["revoked_at"])
    )


def dump(case: CaseAccess) -> dict[str, Any]:
    """The stored form (JSON)."""
    return {
        "status": case.status,
        "owner_id": case.owner_id,
        "team": case.team,
        "handover_to": case.handover_to,
        "grants": [_dump_permit(p) for p in case.grants],
        "mandates": [_dump_permit(p) for p in case.mandates],
        "revoked": {k: v.isoformat() for k, v in case.revoked.items()},
    }


def load(case_id: str, data: Mapping[str, Any]) -> CaseAccess:
    """A case from its stored form."""
    return CaseAccess(
        case_id=case_id,
        status=data["status"],
        owner_id=data["owner_id"],
        team=data["team"],
        handover_to=data["handover_to"],
        grants=tuple(_load_permit(p) for p in data["grants"]),
        mandates=tuple(_load_permit(p) for p in data["mandates"]),
        revoked={k: datetime.fromisoformat(v) for k, v in data["revoked"].items()},
    )


Handler = Callable[[AsyncSession, Envelope], Awaitable[None]]


class CaseAccessStore:
    """The `CaseAccess` of every case a service has heard of, in its `case_access_table`."""

    def __init__(self, table: Table) -> None:
        self.table = table

    async def get(self, session: AsyncSession, case_id: str) -> CaseAccess:
        """What the service knows of the case (a new, unowned case if nothing yet)."""
        raw = await session.scalar(
            select(self.table.c.access).where(self.table.c.case_id == case_id)
        )
        return load(case_id, raw) if raw is not None else CaseAccess(case_id)

    async def on_event(self, session: AsyncSession, incoming: Envelope) -> None:
        """Fold one `case.events` fact into the case (the consumer's transaction)."""
        case_id = incoming.subject
        table = self.table
        raw = await session.scalar(
            select(table.c.access).where(table.c.case_id == case_id).with_for_update()
        )
        before = load(case_id, raw) if raw is not None else CaseAccess(case_id)
        after = apply(before, incoming.data, incoming.time)
        if raw is not None and after == before:
            return
        values = {"access": dump(after), "updated_at": incoming.time}
        if raw is None:
            await session.execute(insert(table).values(case_id=case_id, **values))
        else:
            await session.execute(update(table).where(table.c.case_id == case_id).values(**values))

    async def on_events(self, session: AsyncSession, envelopes: Sequence[Envelope]) -> None:
        """Fold a consumed batch: one read of its cases, one write per kind (what `on_event`
        does event by event, for catching up on a year of `case.events`)."""
        by_case: dict[str, list[Envelope]] = {}
        for envelope in envelopes:
            by_case.setdefault(envelope.subject, []).append(envelope)
        table = self.table
        found = await session.execute(
            select(table.c.case_id, table.c.access)
            .where(table.c.case_id.in_(list(by_case)))
            .with_for_update()
        )
        stored = {case_id: raw for case_id, raw in found.all()}
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for case_id, items in by_case.items():
            raw = stored.get(case_id)
            before = load(case_id, raw) if raw is not None else CaseAccess(case_id)
            after = before
            for envelope in items:
                after = apply(after, envelope.data, envelope.time)
            if raw is not None and after == before:
                continue
            if raw is None:
                inserts.append(
                    {"case_id": case_id, "access": dump(after), "updated_at": items[-1].time}
                )
            else:
                updates.append(
                    {"key": case_id, "new_access": dump(after), "new_at": items[-1].time}
                )
        if inserts:
            await session.execute(insert(table), inserts)
        if updates:
            await session.execute(
                update(table)
                .where(table.c.case_id == bindparam("key"))
                .values(access=bindparam("new_access"), updated_at=bindparam("new_at")),
                updates,
            )

    def batch_handlers(
        self, also: Mapping[type[Event], Handler] | None = None
    ) -> dict[type[Event], Callable[[AsyncSession, Sequence[Envelope]], Awaitable[None]]]:
        """The batch handlers that go with `handlers(also)`: every access fact without a
        handler of the service's own."""
        return {t: self.on_events for t in ACCESS_EVENTS if t not in (also or {})}

    def handlers(
        self, also: Mapping[type[Event], Handler] | None = None
    ) -> dict[type[Event], Handler]:
        """The handlers of a `case.events` subscription: every access fact folded here, and
        the service's own handlers (`also`) run after it for the same fact."""
        also = dict(also or {})
        out: dict[type[Event], Handler] = {}
        for event_type in ACCESS_EVENTS:
            extra = also.pop(event_type, None)
            out[event_type] = self.on_event if extra is None else _both(self.on_event, extra)
        out.update(also)
        return out


def _both(first: Handler, second: Handler) -> Handler:
    async def handler(session: AsyncSession, incoming: Envelope) -> None:
        await first(session, incoming)
        await second(session, incoming)

    return handler
