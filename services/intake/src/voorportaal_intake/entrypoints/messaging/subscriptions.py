"""What the intake consumes: `case.events`, in one consumer group (erasure of anonymised cases;
other handlers of case events join this subscription rather than opening another group)."""

from __future__ import annotations

from voorportaal_contracts.events import CaseAnonymised
from voorportaal_contracts.topics import CASE_EVENTS
from voorportaal_intake.service_layer.erasure import ErasureService
from voorportaal_kit.consumer import Subscription

CASE_EVENTS_GROUP = "intake.case-events"
"""The intake's one consumer group on case.events."""


def case_events(erasure: ErasureService) -> Subscription:
    """The case events the intake applies: an anonymised case is erased."""
    return Subscription(
        CASE_EVENTS, CASE_EVENTS_GROUP, {CaseAnonymised: erasure.on_case_anonymised}
    )
