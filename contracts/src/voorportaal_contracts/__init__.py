"""Voorportaal contracts: the public interface between services and towards agencies."""

from voorportaal_contracts import events as events
from voorportaal_contracts.envelope import Envelope, EnvelopeError, KafkaRecord, from_kafka
from voorportaal_contracts.registry import Event, EventRegistry, UnknownEventType, registry

__all__ = [
    "Envelope",
    "EnvelopeError",
    "Event",
    "EventRegistry",
    "KafkaRecord",
    "UnknownEventType",
    "events",
    "from_kafka",
    "registry",
]
