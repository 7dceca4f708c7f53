"""Every event schema of Voorportaal, registered in `voorportaal_contracts.registry.registry`.

Importing this package registers them all. Schemas evolve additively; a breaking change is a
new schema version registered beside the old one, and consumers accept the versions they know.
"""

from voorportaal_contracts.events.case import (
    BuddyAssigned,
    CaseHandedOver,
    ConsentGranted,
    ConsentRevoked,
    PromiseBroken,
    PromiseRecorded,
    ReferralAccepted,
    ReferralDeclined,
    ReferralIssued,
)
from voorportaal_contracts.events.contact import (
    CitizenIdentified,
    ContactPointsUpdated,
    Representative,
)
from voorportaal_contracts.events.intake import IntakeAmended, IntakeSubmitted
from voorportaal_contracts.events.notify import NotificationFailed, NotificationSent
from voorportaal_contracts.events.referrals import ReferralOffered, ReferralResponded

__all__ = [
    "BuddyAssigned",
    "CaseHandedOver",
    "CitizenIdentified",
    "ConsentGranted",
    "ConsentRevoked",
    "ContactPointsUpdated",
    "IntakeAmended",
    "IntakeSubmitted",
    "NotificationFailed",
    "NotificationSent",
    "PromiseBroken",
    "PromiseRecorded",
    "ReferralAccepted",
    "ReferralDeclined",
    "ReferralIssued",
    "ReferralOffered",
    "ReferralResponded",
    "Representative",
]
