"""What routing consumes: intakes, who the citizen is, agencies' answers, buddy changes, the
citizen's sharing grants and erasure, and who may see each case."""

from __future__ import annotations

from voorportaal_contracts.events import (
    BuddyAssigned,
    CaseAnonymised,
    CaseHandedOver,
    CitizenIdentified,
    ConsentGranted,
    ConsentRevoked,
    IntakeAmended,
    IntakeConfirmed,
    IntakeSubmitted,
    ReferralResponded,
)
from voorportaal_contracts.topics import (
    CASE_EVENTS,
    CITIZEN_IDENTITY,
    INTAKE_EVENTS,
    REFERRAL_RESPONSES,
)
from voorportaal_kit.consumer import Subscription
from voorportaal_routing.service_layer.routing import RoutingService


def subscriptions(routing: RoutingService, intake_members: int = 1) -> list[Subscription]:
    """One consumer group per purpose, so a slow one never holds up another."""
    return [
        Subscription(
            INTAKE_EVENTS,
            "routing.intakes",
            {
                IntakeSubmitted: routing.on_intake_submitted,
                IntakeAmended: routing.on_intake_submitted,
                IntakeConfirmed: routing.on_intake_confirmed,
            },
            batch_handlers={IntakeSubmitted: routing.on_intakes},
            members=intake_members,
        ),
        Subscription(
            CITIZEN_IDENTITY,
            "routing.identities",
            {CitizenIdentified: routing.on_citizen_identified},
            on_tombstone=routing.on_identity_erased,
        ),
        Subscription(
            REFERRAL_RESPONSES, "routing.responses", {ReferralResponded: routing.on_response}
        ),
        Subscription(
            CASE_EVENTS,
            "routing.buddies",
            {BuddyAssigned: routing.on_buddy, CaseHandedOver: routing.on_buddy},
        ),
        # Its own group: consent and erasure must not wait behind (or for) buddy changes.
        Subscription(
            CASE_EVENTS,
            "routing.consent",
            {
                ConsentGranted: routing.on_consent_granted,
                ConsentRevoked: routing.on_consent_revoked,
                CaseAnonymised: routing.on_case_anonymised,
            },
        ),
        # Who may see a case (owner, team, queue, grants, mandates): its own group, so it
        # folds every case's history from the start.
        Subscription(
            CASE_EVENTS,
            "routing.case_access",
            routing.access.handlers(),
            batch_handlers=routing.access.batch_handlers(),
        ),
    ]
