"""Event types and their schema versions.

Each event is a pydantic model registered under a CloudEvents `type` and a schema version. A
consumer accepts the (type, version) pairs it knows; anything else is dead-lettered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict


class Event(BaseModel):
    """Base of every event payload: a fact, named in the past tense."""

    # Unknown fields are ignored so that schemas can grow additively without breaking
    # consumers that still run the previous release.
    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    schema_version: ClassVar[int]
    topic: ClassVar[str]

    def subject(self) -> str:
        """The case id this event is about: the Kafka key and the CloudEvents subject."""
        case_id = getattr(self, "case_id", None)
        if not isinstance(case_id, str) or not case_id:
            raise TypeError(f"{type(self).__name__} has no case_id; override subject()")
        return case_id


E = TypeVar("E", bound=type[Event])


class UnknownEventType(LookupError):
    """No schema is registered for this (type, version)."""

    def __init__(self, message: str, *, type_known: bool) -> None:
        super().__init__(message)
        self.type_known = type_known
        """True when the type exists but not in this version."""


class EventRegistry:
    """Maps (CloudEvents type, schema version) to the event model."""

    def __init__(self) -> None:
        self._models: dict[tuple[str, int], type[Event]] = {}

    def register(self, event_type: str, *, version: int, topic: str) -> Callable[[E], E]:
        """Class decorator: register an event model under a type and version."""
        if version < 1:
            raise ValueError("schema versions start at 1")

        def decorate(model: E) -> E:
            key = (event_type, version)
            existing = self._models.get(key)
            if existing is not None and existing is not model:
                raise ValueError(f"{event_type} v{version} is already registered")
            model.event_type = event_type
            model.schema_version = version
            model.topic = topic
            self._models[key] = model
            return model

        return decorate

    def lookup(self, event_type: str, version: int) -> type[Event]:
        """The model for a type and version, or UnknownEventType."""
        try:
            return self._models[(event_type, version)]
        except KeyError:
            known = sorted(v for (t, v) in self._models if t == event_type)
            if known:
                raise UnknownEventType(
                    f"unknown schema version {version} of {event_type} (known: {known})",
                    type_known=True,
                ) from None
            raise UnknownEventType(f"unknown event type {event_type!r}", type_known=False) from None

    def __iter__(self) -> Iterator[type[Event]]:
        return iter(
            sorted(self._models.values(), key=lambda m: (m.topic, m.event_type, m.schema_version))
        )

    def for_topic(self, topic: str) -> list[type[Event]]:
        """Every registered model published on a topic."""
        return [m for m in self if m.topic == topic]


registry = EventRegistry()
"""The registry of all Voorportaal events; `voorportaal_contracts.events` fills it."""
