"""Events as the other services publish them, for the notify tests (unique module name)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from voorportaal_contracts.events import (
    BuddyAssigned,
    CaseAnonymised,
    ContactPointsUpdated,
    ContactVerificationRequested,
    MandateGranted,
    MandateRevoked,
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
    """A citizen reached by e-mail in Turkish, both addresses confirmed, unless changed."""
    fields: dict[str, Any] = {
        "case_id": case_id,
        "channels": ["email"],
        "language": "tr",
        "email": EMAIL,
        "phone": PHONE,
        "verified": ["email", "sms"],
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


def buddy(
    case_id: str = CASE, at: datetime = MONDAY, *, by: str = "cm-1", team: str | None = None
) -> BuddyAssigned:
    """A casemanager became the citizen's buddy (owner of the case, in `team`)."""
    return BuddyAssigned(
        case_id=case_id,
        casemanager_id=by,
        casemanager_name="Sanne de Vries",
        assigned_at=at,
        team=team,
    )


REPRESENTATIVE = {
    "name": "J. Jansen",
    "relation": "bewindvoerder",
    "email": "bewind@example.org",
    "receives_copies": True,
    "verified": ["email"],
}
"""A bewindvoerder who receives copies by e-mail (the address confirmed with a code)."""


def mandate(
    case_id: str = CASE,
    mandate_id: str = "mandate-0001",
    *,
    relation: str = "bewindvoerder",
    at: datetime = MONDAY,
    **changes: Any,
) -> MandateGranted:
    """The citizen gave a representative a mandate (for the summary, valid from an hour
    before `at`, 90 days); `changes` win."""
    fields: dict[str, Any] = {
        "case_id": case_id,
        "mandate_id": mandate_id,
        "relation": relation,
        "scopes": ["summary"],
        "valid_from": at - timedelta(hours=1),
        "valid_until": at + timedelta(days=90),
        "granted_by": "citizen",
    }
    return MandateGranted(**{**fields, **changes})


def mandate_revoked(
    case_id: str = CASE, mandate_id: str = "mandate-0001", at: datetime = MONDAY
) -> MandateRevoked:
    """The mandate ended."""
    return MandateRevoked(
        case_id=case_id, mandate_id=mandate_id, revoked_by="citizen", revoked_at=at
    )


def code_request(
    case_id: str = CASE,
    *,
    channel: str = "sms",
    phone: str | None = PHONE,
    email: str | None = None,
    code: str = "493027",
    language: str = "nl",
    at: datetime = MONDAY,
    verification_id: str | None = None,
    for_representative: bool = False,
) -> ContactVerificationRequested:
    """The intake asks notify to send a one-time code (valid 15 minutes)."""
    return ContactVerificationRequested(
        case_id=case_id,
        verification_id=verification_id or f"ver-{uuid.uuid4().hex[:12]}",
        channel=channel,
        phone=phone,
        email=email,
        code=code,
        language=language,
        expires_at=at + timedelta(minutes=15),
        for_representative=for_representative,
    )


def anonymised(case_id: str = CASE, at: datetime = MONDAY) -> CaseAnonymised:
    """The case's retention passed."""
    return CaseAnonymised(case_id=case_id, anonymised_at=at)


def broken(case_id: str = CASE, at: datetime = MONDAY) -> PromiseBroken:
    """A promise to the citizen was broken (high priority)."""
    return PromiseBroken(case_id=case_id, promise_id="p-1", made_by="uwv", due_at=at)
