"""What the intake consumes: anonymised cases on `case.events`, to erase what it holds."""

from __future__ import annotations

from voorportaal_contracts.events import CaseAnonymised
from voorportaal_contracts.topics import CASE_EVENTS
from voorportaal_intake.service_layer.erasure import ErasureService
from voorportaal_kit.consumer import Subscription

ERASURE_GROUP = "intake.erasure"
"""The consumer group that applies erasure (apart from any other use of case.events)."""


def erasure(service: ErasureService) -> Subscription:
    """Erase an intake when its case is anonymised."""
    return Subscription(CASE_EVENTS, ERASURE_GROUP, {CaseAnonymised: service.on_case_anonymised})
