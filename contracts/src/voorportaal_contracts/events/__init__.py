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
from voorportaal_contracts.events.contact import ContactPointsUpdated
from voorportaal_contracts.events.intake import IntakeSubmitted
from voorportaal_contracts.events.notify import NotificationFailed, NotificationSent
from voorportaal_contracts.events.referrals import ReferralOffered, ReferralResponded

__all__ = [
    "BuddyAssigned",
    "CaseHandedOver",
    "ConsentGranted",
    "ConsentRevoked",
    "ContactPointsUpdated",
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
]
