"""The notify use cases wired together for the composition root and the consumers: a small
facade, each use case living in its own module.

- `updates`: consumed events become updates queued for the household;
- `contact_points`: the intake's contact points, and their tombstones;
- `case_messages`: the contact-load meter and the deliveries, for staff;
- `preferences`: how the citizen is reached, read, changed and confirmed;
- `citizen_links`: who a personal link speaks for.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_kit.audit_log import AuditTrail
from voorportaal_kit.case_access import CaseAccessStore
from voorportaal_kit.clock import Clock
from voorportaal_notify.domain.policy import ContactPolicy
from voorportaal_notify.domain.rules import RuleSet
from voorportaal_notify.service_layer.access_guard import AccessGuard
from voorportaal_notify.service_layer.case_messages import CaseMessages
from voorportaal_notify.service_layer.contact_points import ContactPointsFeed
from voorportaal_notify.service_layer.notices import NoticeQueue
from voorportaal_notify.service_layer.preferences import Preferences, PreferencesChange
from voorportaal_notify.service_layer.updates import RuleMismatch, UpdateQueue

__all__ = ["NotifyService", "PreferencesChange", "RuleMismatch"]


class NotifyService:
    """Pending updates from events, contact points, and what staff may read and change."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        rules: RuleSet,
        notices: NoticeQueue,
        audit: AuditTrail,
        access: CaseAccessStore,
        *,
        confirmation_ttl: timedelta = timedelta(minutes=30),
        policy: ContactPolicy | None = None,
    ) -> None:
        self.updates = UpdateQueue(clock, rules)
        self.contact_points = ContactPointsFeed(clock)
        guard = AccessGuard(audit, access)
        self.case_messages = CaseMessages(
            sessions, clock, audit, guard, policy if policy is not None else ContactPolicy()
        )
        self.preferences_of = Preferences(
            sessions, clock, notices, audit, guard, confirmation_ttl=confirmation_ttl
        )
        # The names the consumers, the HTTP layer and the tests call.
        self.on_event = self.updates.on_event
        self.on_contact_points = self.contact_points.on_contact_points
        self.on_contact_erased = self.contact_points.on_contact_erased
        self.contact_load = self.case_messages.contact_load
        self.deliveries = self.case_messages.deliveries
        self.preferences = self.preferences_of.read
        self.change_preferences = self.preferences_of.change
        self.confirm_address = self.preferences_of.confirm
