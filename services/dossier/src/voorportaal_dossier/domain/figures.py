"""The supervisor's figures: queue health and, per agency, the *kastje-muur* signals.

Pure: computed from the projected cases the dossier stores, no IO. Only counts, rates and
durations leave this module (no case ids, no personal data), so a supervisor's read of them is
one aggregate audit record.

Per agency:
- time to accept: median hours from a referral reaching the agency (issued) to its acceptance;
- decline rate: declined ÷ answered (accepted, in progress, completed, declined, returned);
- redirect rate: declined with `referred_elsewhere` ÷ answered — "go to the other counter",
  the *kastje-muur* signal of the research;
- broken promises: the agency's promises past their date without being kept;
- overdue: open referrals past their response norm.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from voorportaal_contracts.types import DeclineReason
from voorportaal_dossier.domain.case_state import CaseState, Referral, ReferralStatus
from voorportaal_dossier.domain.ownership import QUEUE_STATES, OwnershipStatus
from voorportaal_dossier.domain.promises import MadeBy, Promise, PromiseStatus

_ANSWERED = frozenset(
    {
        ReferralStatus.ACCEPTED,
        ReferralStatus.IN_PROGRESS,
        ReferralStatus.COMPLETED,
        ReferralStatus.DECLINED,
        ReferralStatus.RETURNED,
    }
)


def is_broken(promise: Promise, now: datetime) -> bool:
    """Broken: marked so by the ledger job, or open past its date (the job may not have run)."""
    if promise.status is PromiseStatus.BROKEN:
        return True
    return promise.status is PromiseStatus.OPEN and promise.due_at <= now


@dataclass
class Tally:
    """The kastje-muur counts of a set of referrals and promises: per agency here, per month
    in `trends`."""

    referrals: int = 0
    answered: int = 0
    declined: int = 0
    redirected: int = 0
    broken_promises: int = 0
    accept_hours: list[float] = field(default_factory=list)

    def count(self, referral: Referral) -> None:
        """One referral: answered, declined (redirected when sent elsewhere), time to accept."""
        self.referrals += 1
        if referral.status in _ANSWERED:
            self.answered += 1
        if referral.status is ReferralStatus.DECLINED:
            self.declined += 1
            if referral.decline_reason is DeclineReason.REFERRED_ELSEWHERE:
                self.redirected += 1
        if referral.accepted_at is not None and referral.issued_at is not None:
            hours = (referral.accepted_at - referral.issued_at).total_seconds() / 3600
            self.accept_hours.append(max(hours, 0.0))

    def figures(self) -> dict[str, Any]:
        """The counts, rates over the answered referrals, and the median time to accept."""

        def rate(n: int) -> float | None:
            return round(n / self.answered, 3) if self.answered else None

        median = statistics.median(self.accept_hours) if self.accept_hours else None
        return {
            "referrals": self.referrals,
            "answered": self.answered,
            "accepted_measured": len(self.accept_hours),
            "median_accept_hours": round(median, 1) if median is not None else None,
            "declined": self.declined,
            "decline_rate": rate(self.declined),
            "redirected": self.redirected,
            "redirect_rate": rate(self.redirected),
            "broken_promises": self.broken_promises,
        }


@dataclass
class _Agency(Tally):
    overdue: int = 0

    def out(self, code: str) -> dict[str, Any]:
        return {"agency_code": code, **self.figures(), "overdue_referrals": self.overdue}


def _count_health(case: CaseState, health: dict[str, int]) -> None:
    """Count one case (not anonymised) in the queue's health."""
    if case.is_closed:
        health["closed_cases"] += 1
        return
    health["open_cases"] += 1
    status = case.ownership.status
    if status in QUEUE_STATES:
        health["in_queue"] += 1
    elif status is OwnershipStatus.OWNED:
        health["owned"] += 1
    elif status is OwnershipStatus.HANDOVER_REQUESTED:
        health["handover_requested"] += 1
    else:
        health["unowned"] += 1
    if case.urgency is not None and case.urgency.value == "acute":
        health["acute_cases"] += 1


def supervisor_figures(cases: Iterable[CaseState], now: datetime) -> dict[str, Any]:
    """Queue health, overdue referrals, broken promises, and the figures per agency."""
    agencies: dict[str, _Agency] = {}
    health = {
        "open_cases": 0,
        "in_queue": 0,
        "owned": 0,
        "handover_requested": 0,
        "unowned": 0,
        "closed_cases": 0,
        "acute_cases": 0,
    }
    overdue_referrals = 0
    broken_promises = 0
    for case in cases:
        if case.anonymised_at is not None:
            continue
        _count_health(case, health)
        agency_of_referral = {r.referral_id: r.agency_code for r in case.referrals}
        for referral in case.referrals:
            a = agencies.setdefault(referral.agency_code, _Agency())
            a.count(referral)
            if referral.overdue and referral.is_open:
                a.overdue += 1
                overdue_referrals += 1
        for promise in case.promises:
            if not is_broken(promise, now):
                continue
            broken_promises += 1
            code = None
            if promise.made_by_kind is MadeBy.AGENCY:
                code = promise.made_by
            elif promise.referral_id is not None:
                code = agency_of_referral.get(promise.referral_id)
            if code:
                agencies.setdefault(code, _Agency()).broken_promises += 1
    return {
        "at": now.isoformat(),
        "queue": health,
        "overdue_referrals": overdue_referrals,
        "broken_promises": broken_promises,
        "agencies": [agencies[code].out(code) for code in sorted(agencies)],
    }
