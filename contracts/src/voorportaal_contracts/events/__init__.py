"""Every event schema of Voorportaal, registered in `voorportaal_contracts.registry.registry`.

Importing this package registers them all. Schemas evolve additively; a breaking change is a
new schema version registered beside the old one, and consumers accept the versions they know.
"""

from voorportaal_contracts.events.case import (
    BuddyAssigned,
    BuddyRecommended,
    CaseHandedOver,
    ChainStalled,
    ConsentGranted,
    ConsentRevoked,
    PromiseBroken,
    PromiseRecorded,
    Reason,
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
from voorportaal_contracts.events.contact import (
    CitizenIdentified,
    ContactPointsUpdated,
    Representative,
)
from voorportaal_contracts.events.intake import IntakeAmended, IntakeSubmitted
from voorportaal_contracts.events.notify import NotificationFailed, NotificationSent
from voorportaal_contracts.events.referrals import (
    Handover,
    ReferralCancelled,
    ReferralOffered,
    ReferralReminder,
    ReferralResponded,
)

__all__ = [
    "BuddyAssigned",
    "BuddyRecommended",
    "CaseHandedOver",
    "ChainStalled",
    "CitizenIdentified",
    "ConsentGranted",
    "ConsentRevoked",
    "ContactPointsUpdated",
    "Handover",
    "IntakeAmended",
    "IntakeSubmitted",
    "NotificationFailed",
    "NotificationSent",
    "PromiseBroken",
    "PromiseRecorded",
    "Reason",
    "ReferralAccepted",
    "ReferralCancelled",
    "ReferralCompleted",
    "ReferralDeclined",
    "ReferralExpired",
    "ReferralIssued",
    "ReferralOffered",
    "ReferralOverdue",
    "ReferralReceived",
    "ReferralReleased",
    "ReferralReminded",
    "ReferralReminder",
    "ReferralResponded",
    "ReferralReturned",
    "ReferralStarted",
    "ReferralWithdrawn",
    "Representative",
]
