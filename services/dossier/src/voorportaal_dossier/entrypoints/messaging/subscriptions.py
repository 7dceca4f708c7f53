"""What the dossier consumes: intakes, identities, contact details, case facts, notify's
outcomes. Every fact is folded into its case by the one reducer; own facts are skipped there
(they were applied when they were published)."""

from __future__ import annotations

from voorportaal_contracts.events import (
    ActionRequested,
    BuddyAssigned,
    BuddyRecommended,
    CaseAnonymised,
    CaseClosed,
    CaseHandedOver,
    CaseReassigned,
    CaseReleased,
    CaseReopened,
    ChainStalled,
    CitizenIdentified,
    CitizenMessageRequested,
    ConsentGranted,
    ConsentRevoked,
    ContactPointsUpdated,
    ContactRecorded,
    HandoverCancelled,
    HandoverDeclined,
    HandoverRequested,
    IntakeAmended,
    IntakeSubmitted,
    MandateGranted,
    MandateRevoked,
    NotificationFailed,
    NotificationSent,
    OverrideDecided,
    PromiseBroken,
    PromiseDueSoon,
    PromiseFulfilled,
    PromiseRecorded,
    ReferralAccepted,
    ReferralCompleted,
    ReferralDeclined,
    ReferralExpired,
    ReferralIssued,
    ReferralOverdue,
    ReferralReceived,
    ReferralReleased,
    ReferralReminded,
    ReferralReturned,
    ReferralStarted,
    ReferralWithdrawn,
)
from voorportaal_contracts.registry import Event
from voorportaal_contracts.topics import (
    CASE_EVENTS,
    CITIZEN_IDENTITY,
    CONTACT_POINTS,
    INTAKE_EVENTS,
    NOTIFY_OUTCOMES,
)
from voorportaal_dossier.service_layer.dossier import DossierService
from voorportaal_kit.consumer import Subscription

CASE_EVENT_TYPES: tuple[type[Event], ...] = (
    ReferralIssued,
    ReferralReceived,
    ReferralAccepted,
    ReferralDeclined,
    ReferralStarted,
    ReferralCompleted,
    ReferralReturned,
    ReferralWithdrawn,
    ReferralExpired,
    ReferralReleased,
    ReferralReminded,
    ReferralOverdue,
    ChainStalled,
    BuddyRecommended,
    BuddyAssigned,
    CaseHandedOver,
    HandoverRequested,
    HandoverDeclined,
    HandoverCancelled,
    CaseReleased,
    CaseReassigned,
    PromiseRecorded,
    PromiseBroken,
    PromiseFulfilled,
    PromiseDueSoon,
    ConsentGranted,
    ConsentRevoked,
    MandateGranted,
    MandateRevoked,
    ContactRecorded,
    ActionRequested,
    CitizenMessageRequested,
    OverrideDecided,
    CaseClosed,
    CaseReopened,
    CaseAnonymised,
)
"""Every `case.events` type the projection folds in (routing's and the dossier's own)."""


def subscriptions(dossier: DossierService, prefix: str = "dossier") -> list[Subscription]:
    """One consumer group per topic, so a slow one never holds up another."""
    return [
        Subscription(
            INTAKE_EVENTS,
            f"{prefix}.intakes",
            {IntakeSubmitted: dossier.on_event, IntakeAmended: dossier.on_event},
        ),
        Subscription(
            CITIZEN_IDENTITY,
            f"{prefix}.identities",
            {CitizenIdentified: dossier.on_event},
            on_tombstone=dossier.on_identity_erased,
        ),
        Subscription(
            CONTACT_POINTS,
            f"{prefix}.contacts",
            {ContactPointsUpdated: dossier.on_event},
            on_tombstone=dossier.on_contact_erased,
        ),
        Subscription(
            CASE_EVENTS,
            f"{prefix}.cases",
            dict.fromkeys(CASE_EVENT_TYPES, dossier.on_event),
        ),
        Subscription(
            NOTIFY_OUTCOMES,
            f"{prefix}.notify",
            {NotificationSent: dossier.on_event, NotificationFailed: dossier.on_event},
        ),
    ]
