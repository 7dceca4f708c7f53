"""Valid example payloads for every registered event type (test data builders)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from voorportaal_contracts import events as ev
from voorportaal_contracts.registry import Event

T = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)
CASE = "case-7f3a9c21"

CHANGE: dict[str, Any] = {
    "case_id": CASE,
    "referral_id": "ref-1",
    "agency_code": "uwv",
    "by": "agency",
    "changed_at": T,
}

EXAMPLES: dict[type[Event], dict[str, Any]] = {
    ev.IntakeSubmitted: {
        "case_id": CASE,
        "intake_id": "intake-1",
        "life_events": ["divorce", "income_loss"],
        "channel": "web",
        "redzaamheid": "middengroep",
        "urgency": "high",
        "needs": ["housing_costs"],
        "risks": ["eviction"],
        "municipality_code": "GM0344",
        "share_with": ["uwv", "gemeente-utrecht"],
        "submitted_at": T,
    },
    ev.ContactPointsUpdated: {
        "case_id": CASE,
        "channels": ["sms", "email"],
        "language": "tr",
        "email": "burger@example.org",
        "phone": "+31612345678",
        "quiet_from": time(21, 0),
        "quiet_until": time(8, 0),
        "representative": {
            "name": "A. de Vries",
            "relation": "bewindvoerder",
            "email": "bewind@example.org",
            "receives_copies": True,
        },
    },
    ev.CitizenIdentified: {
        "case_id": CASE,
        "name": "S. Yilmaz",
        "bsn": "111222333",
        "date_of_birth": date(1988, 4, 2),
        "postcode": "3511AB",
        "house_number": "12a",
        "municipality_code": "GM0344",
        "representative": {"name": "A. de Vries", "relation": "bewindvoerder"},
    },
    ev.IntakeAmended: {
        "case_id": CASE,
        "intake_id": "intake-1",
        "life_events": ["divorce", "income_loss"],
        "channel": "phone",
        "redzaamheid": "niet_redzaam",
        "urgency": "acute",
        "needs": ["housing_costs", "debts"],
        "risks": ["eviction"],
        "municipality_code": "GM0344",
        "share_with": ["uwv"],
        "started_by_role": "casemanager",
        "submitted_at": T,
        "revision": 2,
        "changed": ["income_loss.has_debts"],
        "amended_at": T,
    },
    ev.ReferralIssued: {
        "case_id": CASE,
        "referral_id": "ref-1",
        "agency_code": "uwv",
        "service_code": "ww",
        "rule_id": "income-loss-uwv",
        "summary_shared": True,
        "due_at": T,
        "mode": "warm_handover",
        "reasons": [{"rule": "income-loss-uwv", "nl": "Inkomen weg.", "en": "Income lost."}],
    },
    ev.ReferralReceived: CHANGE,
    ev.ReferralAccepted: CHANGE,
    ev.ReferralStarted: CHANGE,
    ev.ReferralReturned: {**CHANGE, "note": "Not enough to go on yet."},
    ev.ReferralWithdrawn: {**CHANGE, "by": "cm-12"},
    ev.ReferralExpired: {**CHANGE, "by": "system"},
    ev.ReferralDeclined: {**CHANGE, "reason": "referred_elsewhere"},
    ev.ReferralCompleted: {**CHANGE, "outcome": "WW application taken up."},
    ev.ReferralReleased: {
        "case_id": CASE,
        "referral_id": "ref-2",
        "agency_code": "gemeente",
        "after": "ref-1",
        "due_at": T,
        "released_at": T,
    },
    ev.ReferralReminded: {
        "case_id": CASE,
        "referral_id": "ref-1",
        "agency_code": "uwv",
        "by": "system",
        "due_at": T,
        "reminded_at": T,
    },
    ev.ReferralOverdue: {
        "case_id": CASE,
        "referral_id": "ref-1",
        "agency_code": "uwv",
        "due_at": T,
        "detected_at": T,
    },
    ev.ChainStalled: {
        "case_id": CASE,
        "referral_id": "ref-2",
        "waits_on": "ref-1",
        "reason": "predecessor_declined",
        "text": {"rule": "predecessor_declined", "nl": "Vorige stap geweigerd.", "en": "Declined."},
        "detected_at": T,
    },
    ev.BuddyRecommended: {
        "case_id": CASE,
        "reasons": [{"rule": "acute_risk", "nl": "Acuut risico.", "en": "Acute risk."}],
        "recommended_at": T,
    },
    ev.BuddyAssigned: {
        "case_id": CASE,
        "casemanager_id": "cm-12",
        "casemanager_name": "Fatima de Vries",
        "assigned_at": T,
    },
    ev.CaseHandedOver: {
        "case_id": CASE,
        "from_casemanager_id": "cm-12",
        "to_casemanager_id": "cm-13",
        "to_casemanager_name": "Jan Bakker",
        "handed_over_at": T,
    },
    ev.PromiseRecorded: {"case_id": CASE, "promise_id": "p-1", "made_by": "svb", "due_at": T},
    ev.PromiseBroken: {"case_id": CASE, "promise_id": "p-1", "made_by": "svb", "due_at": T},
    ev.ConsentGranted: {
        "case_id": CASE,
        "grant_id": "g-1",
        "agency_code": "svb",
        "scopes": ["summary"],
        "valid_until": T,
    },
    ev.ConsentRevoked: {"case_id": CASE, "grant_id": "g-1", "agency_code": "svb", "revoked_at": T},
    ev.ReferralOffered: {
        "case_id": CASE,
        "referral_id": "ref-1",
        "agency_code": "uwv",
        "service_code": "ww",
        "life_events": ["income_loss"],
        "needs": ["income_gap"],
        "due_at": T,
        "mode": "warm_handover",
        "handover": {
            "story": "Burger verloor op 1 november haar baan.",
            "name": "S. Yilmaz",
            "language": "tr",
            "channels": ["sms"],
        },
    },
    ev.ReferralReminder: {
        "case_id": CASE,
        "referral_id": "ref-1",
        "agency_code": "uwv",
        "due_at": T,
    },
    ev.ReferralCancelled: {
        "case_id": CASE,
        "referral_id": "ref-1",
        "agency_code": "uwv",
        "state": "withdrawn",
    },
    ev.ReferralResponded: {
        "case_id": CASE,
        "referral_id": "ref-1",
        "agency_code": "uwv",
        "response": "accepted",
        "responded_at": T,
        "signature": "a" * 64,
    },
    ev.NotificationSent: {
        "case_id": CASE,
        "notification_id": "n-1",
        "channel": "sms",
        "sent_at": T,
    },
    ev.NotificationFailed: {
        "case_id": CASE,
        "notification_id": "n-1",
        "channels_tried": ["sms", "email"],
        "reason_code": "unreachable",
        "failed_at": T,
    },
}


def example(model: type[Event]) -> Event:
    """A valid instance of an event model."""
    return model.model_validate(EXAMPLES[model])
