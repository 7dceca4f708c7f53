"""What notify consumes: case and intake events (per the rules), contact points, the case state
it needs (owners, mandates, erasure), the checklist+ (reminders) and one-time codes."""

from __future__ import annotations

from collections import defaultdict

from voorportaal_contracts.events import (
    CaseAnonymised,
    ChecklistIssued,
    ChecklistItemDone,
    ChecklistItemOverdue,
    CitizenLinkRevoked,
    ContactPointsUpdated,
    ContactVerificationRequested,
    StaffNotificationRequested,
)
from voorportaal_contracts.registry import Event, registry
from voorportaal_contracts.topics import CASE_EVENTS, CONTACT_POINTS, CONTACT_VERIFICATIONS
from voorportaal_kit.case_access import CaseAccessStore
from voorportaal_kit.consumer import Handler, Subscription
from voorportaal_notify.domain.rules import RuleSet
from voorportaal_notify.service_layer.case_state import CaseState
from voorportaal_notify.service_layer.notices import NoticeQueue
from voorportaal_notify.service_layer.notifications import NotifyService
from voorportaal_notify.service_layer.reminders import ChecklistReminders

GROUPS = {"case.events": "notify.case-events", "intake.events": "notify.intakes"}
"""Consumer group per topic the rules read from."""

CHECKLIST_GROUP = "notify.checklists"
"""The consumer group that keeps the checklist reminders' schedule."""


def subscriptions(
    notify: NotifyService,
    rules: RuleSet,
    case_state: CaseState,
    notices: NoticeQueue,
    access: CaseAccessStore,
    reminders: ChecklistReminders,
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
    # Its own group (reading case.events from the start): who owns the case and in which
    # team, its mandates (the kit's fold), which cases were erased and which links revoked.
    found.append(
        Subscription(
            CASE_EVENTS,
            "notify.case-state",
            access.handlers(
                also={
                    CaseAnonymised: case_state.on_anonymised,
                    CitizenLinkRevoked: case_state.on_link_revoked,
                }
            ),
        )
    )
    # The checklist+ in its own group: a schedule of reminders, not news the rules pass on.
    found.append(
        Subscription(
            CASE_EVENTS,
            CHECKLIST_GROUP,
            {
                ChecklistIssued: reminders.on_issued,
                ChecklistItemDone: reminders.on_item_done,
                ChecklistItemOverdue: reminders.on_overdue,
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
    # Staff members who chose their console notifications by e-mail too (a link only).
    found.append(
        Subscription(
            CASE_EVENTS,
            "notify.staff-notices",
            {StaffNotificationRequested: notices.on_staff_notification},
        )
    )
    return found
