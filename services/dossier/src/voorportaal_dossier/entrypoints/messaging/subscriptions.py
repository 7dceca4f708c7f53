"""What the dossier consumes: intakes, identities, contact details, case facts, notify's
outcomes. Every fact is folded into its case by the one reducer; own facts are skipped there
(they were applied when they were published)."""

from __future__ import annotations

import voorportaal_contracts.events  # noqa: F401 - registers every event type
from voorportaal_contracts.registry import registry
from voorportaal_contracts.topics import (
    CASE_EVENTS,
    CITIZEN_IDENTITY,
    CONTACT_POINTS,
    INTAKE_EVENTS,
    NOTIFY_OUTCOMES,
)
from voorportaal_dossier.domain.projection import KNOWN_EVENT_TYPES
from voorportaal_dossier.service_layer.dossier import DossierService
from voorportaal_kit.consumer import Handler, Subscription


def _folded(topic: str, handler: Handler) -> dict[type, Handler]:
    """The topic's event types the projection folds in (the reducer is the one list)."""
    return {m: handler for m in registry.for_topic(topic) if m.event_type in KNOWN_EVENT_TYPES}


def subscriptions(dossier: DossierService, prefix: str = "dossier") -> list[Subscription]:
    """One consumer group per topic, so a slow one never holds up another."""
    return [
        Subscription(INTAKE_EVENTS, f"{prefix}.intakes", _folded(INTAKE_EVENTS, dossier.on_event)),
        Subscription(
            CITIZEN_IDENTITY,
            f"{prefix}.identities",
            _folded(CITIZEN_IDENTITY, dossier.on_event),
            on_tombstone=dossier.on_identity_erased,
        ),
        Subscription(
            CONTACT_POINTS,
            f"{prefix}.contacts",
            _folded(CONTACT_POINTS, dossier.on_event),
            on_tombstone=dossier.on_contact_erased,
        ),
        Subscription(CASE_EVENTS, f"{prefix}.cases", _folded(CASE_EVENTS, dossier.on_event)),
        Subscription(
            NOTIFY_OUTCOMES, f"{prefix}.notify", _folded(NOTIFY_OUTCOMES, dossier.on_event)
        ),
    ]
