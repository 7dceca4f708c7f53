"""Retention: closing a case, and anonymising closed cases after a configurable period.

Anonymisation keeps what the kastje-muur metrics and the audit trail need — ids, codes, states
and dates — and strips every value that says who the citizen is or what their situation is:
identity and contact details, household, needs and risks, outcome texts, promise texts, the
handover note, the representative's name and staff names. The timeline stays: its sentences
never hold personal data. The job that runs this also publishes tombstones on `contact.points`
and `citizen.identity`, so a replay cannot bring the details back; the projection ignores
identity and contact events for an anonymised case all the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from voorportaal_contracts.events.case import CaseAnonymised, CaseClosed, CaseReopened
from voorportaal_dossier.domain.errors import Conflict, NotAllowed
from voorportaal_dossier.domain.ownership import visible_to
from voorportaal_kit.auth import Principal

if TYPE_CHECKING:
    from voorportaal_dossier.domain.case_state import CaseState


def _may_close(case: CaseState, principal: Principal, team: str | None) -> None:
    basis = visible_to(case.ownership, principal, team)
    if basis not in {"owner", "team", "supervisor"}:
        raise NotAllowed(
            "only the owner, the team or a supervisor may close or reopen a case / "
            "alleen de eigenaar, het team of een supervisor kan een zaak sluiten of heropenen"
        )


def close_case(
    case: CaseState,
    principal: Principal,
    *,
    at: datetime,
    team: str | None = None,
    outcome: str = "completed",
) -> CaseClosed:
    """Close a case (owner, team or supervisor); its retention period starts now."""
    _may_close(case, principal, team)
    if case.closed_at is not None:
        raise Conflict("the case is already closed / de zaak is al gesloten")
    return CaseClosed(
        case_id=case.case_id, closed_by=principal.subject, outcome=outcome, closed_at=at
    )


def reopen_case(
    case: CaseState, principal: Principal, *, at: datetime, team: str | None = None
) -> CaseReopened:
    """Reopen a closed case that still has its data."""
    _may_close(case, principal, team)
    if case.closed_at is None:
        raise Conflict("the case is not closed / de zaak is niet gesloten")
    if case.anonymised_at is not None:
        raise Conflict(
            "an anonymised case cannot be reopened / "
            "een geanonimiseerde zaak kan niet heropend worden"
        )
    return CaseReopened(case_id=case.case_id, reopened_by=principal.subject, reopened_at=at)


def is_due(case: CaseState, now: datetime, period: timedelta) -> bool:
    """Whether a closed case has passed its retention period and still holds personal data."""
    if period <= timedelta(0):
        raise ValueError("the retention period must be positive")
    return (
        case.closed_at is not None and case.anonymised_at is None and case.closed_at + period <= now
    )


def due_for_anonymisation(
    cases: Iterable[CaseState], now: datetime, period: timedelta
) -> list[str]:
    """Ids of the closed cases due for anonymisation, longest closed first."""
    due = [c for c in cases if is_due(c, now, period)]
    return [c.case_id for c in sorted(due, key=lambda c: (c.closed_at, c.case_id))]


def anonymisation_event(case: CaseState, *, at: datetime, period: timedelta) -> CaseAnonymised:
    """The event the retention job publishes for a due case (`Conflict` when not due)."""
    if not is_due(case, at, period):
        raise Conflict(
            "the case is not due for anonymisation / "
            "de zaak hoeft nog niet geanonimiseerd te worden"
        )
    return CaseAnonymised(case_id=case.case_id, anonymised_at=at)


def anonymise(case: CaseState, *, at: datetime) -> CaseState:
    """The case without personal data: ids, codes, states and dates stay."""
    if case.anonymised_at is not None:
        return case
    citizen = case.citizen
    if citizen is not None:
        citizen = type(citizen)(
            identified_at=citizen.identified_at, contact_updated_at=citizen.contact_updated_at
        )
    ownership = case.ownership
    if ownership.owner is not None:
        ownership = replace(ownership, owner=replace(ownership.owner, name=ownership.owner.id))
    if ownership.pending is not None:
        to = replace(ownership.pending.to, name=ownership.pending.to.id)
        ownership = replace(ownership, pending=replace(ownership.pending, to=to, note=None))
    return replace(
        case,
        citizen=citizen,
        needs=(),
        risks=(),
        referrals=tuple(replace(r, outcome=None) for r in case.referrals),
        ownership=ownership,
        promises=tuple(replace(p, what=None) for p in case.promises),
        mandates=tuple(replace(m, holder_name=None) for m in case.mandates),
        anonymised_at=at,
    )
