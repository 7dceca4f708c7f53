"""What the dossier consumes: intakes, identities, contact details, case facts, notify's
outcomes. Every fact is folded into its case by the one reducer; own facts are skipped there
(they were applied when they were published)."""

from __future__ import annotations

from typing import TypeVar

import voorportaal_contracts.events  # noqa: F401 - registers every event type
from voorportaal_contracts.events import PersonalDataAccessed
from voorportaal_contracts.registry import registry
from voorportaal_contracts.topics import (
    ACCESS_LOG,
    CASE_EVENTS,
    CITIZEN_IDENTITY,
    CONTACT_POINTS,
    INTAKE_EVENTS,
    NOTIFY_OUTCOMES,
)
from voorportaal_dossier.domain.projection import KNOWN_EVENT_TYPES
from voorportaal_dossier.service_layer import access_elsewhere
from voorportaal_dossier.service_layer.projection import Projection
from voorportaal_kit.consumer import Subscription, TombstoneHandler

_H = TypeVar("_H")


def _folded(topic: str, handler: _H) -> dict[type, _H]:
    """The topic's event types the projection folds in (the reducer is the one list)."""
    return {m: handler for m in registry.for_topic(topic) if m.event_type in KNOWN_EVENT_TYPES}


def _subscription(
    topic: str,
    group: str,
    projection: Projection,
    on_tombstone: TombstoneHandler | None = None,
    members: int = 1,
) -> Subscription:
    """Every folded type has the one-event handler (the consumer's retry path) and the one
    batch handler, so a batch's events, whatever their types, are folded in one call."""
    return Subscription(
        topic,
        group,
        _folded(topic, projection.on_event),
        batch_handlers=_folded(topic, projection.on_events),
        on_tombstone=on_tombstone,
        members=members,
    )


def subscriptions(
    projection: Projection, prefix: str = "dossier", members: int = 1
) -> list[Subscription]:
    """One consumer group per topic, so a slow one never holds up another; the two busy
    topics get `members` consumers each in this process (a case's events share a partition,
    so its order holds, and members never fold the same case)."""
    return [
        _subscription(INTAKE_EVENTS, f"{prefix}.intakes", projection, members=members),
        _subscription(
            CITIZEN_IDENTITY,
            f"{prefix}.identities",
            projection,
            on_tombstone=projection.on_identity_erased,
        ),
        _subscription(
            CONTACT_POINTS,
            f"{prefix}.contacts",
            projection,
            on_tombstone=projection.on_contact_erased,
        ),
        _subscription(CASE_EVENTS, f"{prefix}.cases", projection, members=members),
        _subscription(NOTIFY_OUTCOMES, f"{prefix}.notify", projection),
        # Who looked, as routing, intake and notify recorded it: for the citizen's access log.
        Subscription(
            ACCESS_LOG,
            f"{prefix}.access",
            {PersonalDataAccessed: access_elsewhere.on_accessed},
        ),
    ]
