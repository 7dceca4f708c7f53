"""What a staff member is told about: the notices a fact about a case gives rise to.

`notices_for(case, envelope)` is pure: given the case as it was before the fact was folded in,
it names who must hear of it and what happened — a handover addressed to them, a case a
supervisor assigned to them, a promise on their case about to break or broken, an agency's
decline or an overdue referral on their case, a citizen asking to talk to a person on their
case. A notice holds the case id, the kind and the moment, nothing personal: the console shows
it as a sentence from its own label table and links to the case.

A notice's id is derived from the fact's id and the addressee, so a redelivered fact makes
the same notice again (and the store keeps the first).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    CaseReassigned,
    HandoverRequested,
    PersonRequested,
    PromiseBroken,
    PromiseDueSoon,
    ReferralDeclined,
    ReferralOverdue,
)
from voorportaal_dossier.domain.case_state import CaseState


class NoticeKind(StrEnum):
    """What happened, as the console's label table names it."""

    HANDOVER_REQUESTED = "handover_requested"
    CASE_ASSIGNED = "case_assigned"
    PROMISE_DUE_SOON = "promise_due_soon"
    PROMISE_BROKEN = "promise_broken"
    REFERRAL_DECLINED = "referral_declined"
    REFERRAL_OVERDUE = "referral_overdue"
    PERSON_REQUESTED = "person_requested"


@dataclass(frozen=True, slots=True)
class Notice:
    """One thing one staff member should hear of (ids and a kind only)."""

    notice_id: str
    staff_id: str
    case_id: str
    kind: NoticeKind
    event_id: str
    at: datetime


_FOR_THE_OWNER: dict[type, NoticeKind] = {
    PromiseDueSoon: NoticeKind.PROMISE_DUE_SOON,
    PromiseBroken: NoticeKind.PROMISE_BROKEN,
    ReferralDeclined: NoticeKind.REFERRAL_DECLINED,
    ReferralOverdue: NoticeKind.REFERRAL_OVERDUE,
    PersonRequested: NoticeKind.PERSON_REQUESTED,
}
"""Facts about a case its owner hears of (an unowned case has no team yet: the work queue
shows its wish to talk to a person to everyone who picks up cases)."""


def notice_id(event_id: str, staff_id: str) -> str:
    """The notice of `event_id` for `staff_id`: the same on every delivery of the fact."""
    digest = hashlib.sha256(f"{event_id}\x00{staff_id}".encode()).hexdigest()
    return f"notice-{digest[:24]}"


def notices_for(case: CaseState, envelope: Envelope) -> list[Notice]:
    """Who hears of the fact in `envelope`, given the case as it was before it (pure)."""
    event = envelope.data
    kind: NoticeKind | None = None
    to: str | None = None
    if isinstance(event, HandoverRequested):
        kind, to = NoticeKind.HANDOVER_REQUESTED, event.to_casemanager_id
    elif isinstance(event, CaseReassigned):
        if event.to_casemanager_id != event.reassigned_by:
            kind, to = NoticeKind.CASE_ASSIGNED, event.to_casemanager_id
    elif type(event) in _FOR_THE_OWNER and case.ownership.owner is not None:
        kind, to = _FOR_THE_OWNER[type(event)], case.ownership.owner.id
    if kind is None or to is None:
        return []
    event_id = str(envelope.id)
    return [
        Notice(
            notice_id=notice_id(event_id, to),
            staff_id=to,
            case_id=envelope.subject,
            kind=kind,
            event_id=event_id,
            at=envelope.time,
        )
    ]
