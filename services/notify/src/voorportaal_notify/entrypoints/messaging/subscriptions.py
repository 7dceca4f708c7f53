"""What notify consumes: case and intake events (per the rules), and contact points."""

from __future__ import annotations

from collections import defaultdict

from voorportaal_contracts.events import ContactPointsUpdated
from voorportaal_contracts.registry import Event, registry
from voorportaal_contracts.topics import CONTACT_POINTS
from voorportaal_kit.consumer import Handler, Subscription
from voorportaal_notify.domain.rules import RuleSet
from voorportaal_notify.service_layer.notifications import NotifyService

GROUPS = {"case.events": "notify.case-events", "intake.events": "notify.intakes"}
"""Consumer group per topic the rules read from."""


def subscriptions(notify: NotifyService, rules: RuleSet) -> list[Subscription]:
    """One consumer group per topic: the event types some rule names, and contact points."""
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
    return found
