"""Events as the other services publish them, for the notify tests (unique module name)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from voorportaal_contracts.events import (
    BuddyAssigned,
    ContactPointsUpdated,
    PromiseBroken,
    ReferralAccepted,
    ReferralDeclined,
)

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
"""10:00 in Amsterdam on a Monday: outside the default quiet hours."""

CASE = "vp-0000000000000000case"
EMAIL = "burger@example.org"
PHONE = "+31612345678"


def contact_points(case_id: str = CASE, **changes: Any) -> ContactPointsUpdated:
    """A citizen reached by e-mail in Turkish, unless changed."""
    fields: dict[str, Any] = {
        "case_id": case_id,
        "channels": ["email"],
        "language": "tr",
        "email": EMAIL,
        "phone": PHONE,
    }
    return ContactPointsUpdated(**{**fields, **changes})


def accepted(case_id: str = CASE, at: datetime = MONDAY) -> ReferralAccepted:
    """An agency accepted a referral of the case."""
    return ReferralAccepted(
        case_id=case_id,
        referral_id=f"ref-{uuid.uuid4().hex[:8]}",
        agency_code="uwv",
        by="agency",
        note="Recht op WW, bedrag 1234 euro",  # must never reach a message
        changed_at=at,
    )


def declined(case_id: str = CASE, at: datetime = MONDAY) -> ReferralDeclined:
    """An agency declined, with a reason the citizen must read in the view, not the SMS."""
    return ReferralDeclined(
        case_id=case_id,
        referral_id=f"ref-{uuid.uuid4().hex[:8]}",
        agency_code="svb",
        by="agency",
        reason="not_eligible",
        note="schuld bij CJIB",
        changed_at=at,
    )


def buddy(case_id: str = CASE, at: datetime = MONDAY) -> BuddyAssigned:
    """A casemanager became the citizen's buddy."""
    return BuddyAssigned(
        case_id=case_id, casemanager_id="cm-1", casemanager_name="Sanne de Vries", assigned_at=at
    )


def broken(case_id: str = CASE, at: datetime = MONDAY) -> PromiseBroken:
    """A promise to the citizen was broken (high priority)."""
    return PromiseBroken(case_id=case_id, promise_id="p-1", made_by="uwv", due_at=at)
