"""What notify consumes: case and intake events (per the rules), contact points, the case state
it needs (owners, mandates, erasure) and one-time codes."""

from __future__ import annotations

from collections import defaultdict

from voorportaal_contracts.events import (
    BuddyAssigned,
    CaseAnonymised,
    CaseHandedOver,
    CaseReassigned,
    CaseReleased,
    ContactPointsUpdated,
    ContactVerificationRequested,
    MandateGranted,
    MandateRevoked,
)
from voorportaal_contracts.registry import Event, registry
from voorportaal_contracts.topics import CASE_EVENTS, CONTACT_POINTS, CONTACT_VERIFICATIONS
from voorportaal_kit.consumer import Handler, Subscription
from voorportaal_notify.domain.rules import RuleSet
from voorportaal_notify.service_layer.case_state import CaseState
from voorportaal_notify.service_layer.notices import NoticeQueue
from voorportaal_notify.service_layer.notifications import NotifyService

GROUPS = {"case.events": "notify.case-events", "intake.events": "notify.intakes"}
"""Consumer group per topic the rules read from."""


def subscriptions(
    notify: NotifyService, rules: RuleSet, case_state: CaseState, notices: NoticeQueue
) -> list[Subscription]:
    """One consumer group per topic the rules read, contact points, the case state and codes."""
    by_topic: dict[str, dict[type[Event], Handler]] = defaultdict(dict)
    for event_type in sorted(rules.event_types()):
        model = registry.lookup(event_type, 1)
        by_topic[model.topic][model] = notify.on_event
    found = [
        Subscription(topic, GROUPS.get(topic, f"notify.{topic}"), handlers)
        for topic, handlers in sorted(by_topic.items())
    ]
    found.append(
        Subscription(
            CONTACT_POINTS,
            "notify.contact-points",
            {ContactPointsUpdated: notify.on_contact_points},
            on_tombstone=notify.on_contact_erased,
        )
    )
    # Its own group (reading case.events from the start): who may change contact details,
    # whose copy carries which mandate's link, and which cases were erased.
    found.append(
        Subscription(
            CASE_EVENTS,
            "notify.case-state",
            {
                BuddyAssigned: case_state.on_owner_changed,
                CaseHandedOver: case_state.on_owner_changed,
                CaseReassigned: case_state.on_owner_changed,
                CaseReleased: case_state.on_owner_changed,
                MandateGranted: case_state.on_mandate_granted,
                MandateRevoked: case_state.on_mandate_revoked,
                CaseAnonymised: case_state.on_anonymised,
            },
        )
    )
    found.append(
        Subscription(
            CONTACT_VERIFICATIONS,
            "notify.verifications",
            {ContactVerificationRequested: notices.on_verification_requested},
        )
    )
    return found
