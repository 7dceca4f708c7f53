"""Which events reach the citizen, as data (`data/<version>/rules.toml`).

A rule names an event type (the CloudEvents `type`), the template that tells the citizen about
it, its priority (see `policy`), whether the representative gets a copy, which page of the
citizen view the personal link opens, and which event fields may fill the message. Only the
fields of `ContextMapping` exist, so an agency's decline reason, an outcome text or any other
detail of an event can never be mapped into a message: the schema has no place for it.

A rule may name an event that no service publishes yet (`future = true`); a test keeps that flag
honest against the contracts' registry (in v1 every rule's event exists).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from voorportaal_contracts.citizen_links import LinkPage
from voorportaal_notify.domain.policy import Priority

TemplateId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,47}$")]
EventType = Annotated[str, Field(pattern=r"^nl\.voorportaal\.[a-z]+\.[a-z0-9-]+$")]
FieldName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ContextMapping(_Strict):
    """Event fields that may fill a message, by the message field they fill."""

    contact_name: FieldName | None = None
    """A staff member's name (the buddy); never the citizen's."""
    date: FieldName | None = None
    """A date shown to the citizen (a promise's due date, the day of a contact)."""


class Rule(_Strict):
    """One event type that reaches the citizen, and how."""

    event_type: EventType
    template: TemplateId
    priority: Priority = Priority.NORMAL
    ignore_quiet_hours: bool = False
    """Send even during quiet hours; only for `high` rules (none in v1)."""
    representative_copy: bool = True
    """Whether a representative with `receives_copies` gets the message too."""
    link_page: LinkPage = "overview"
    action_required: bool = False
    """The message asks the citizen to do something (counted by the contact-load meter)."""
    context: ContextMapping = ContextMapping()
    when: dict[FieldName, list[str]] = Field(default_factory=dict)
    """Only for events whose field has one of these values (all fields must match)."""
    future: bool = False
    """The event type is not in the contracts yet; the rule waits for it."""
    note: str = ""
    """Why the rule exists, for the people who maintain it."""

    @model_validator(mode="after")
    def _quiet_hours_only_for_high(self) -> Rule:
        if self.ignore_quiet_hours and self.priority is not Priority.HIGH:
            raise ValueError(f"{self.event_type}: ignore_quiet_hours needs priority high")
        return self

    def matches(self, event_type: str, payload: Mapping[str, Any]) -> bool:
        """Whether this rule applies to an event of `event_type` with this payload."""
        if event_type != self.event_type:
            return False
        return all(_as_text(payload.get(name)) in values for name, values in self.when.items())

    def context_from(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The message fields this rule takes from an event payload (JSON or model dump).

        Raises `KeyError` when a mapped field is missing: the rule and the schema disagree. A
        field the event has but leaves empty (an optional deadline) is left out.
        """
        found: dict[str, Any] = {}
        if self.context.contact_name is not None:
            name = payload[self.context.contact_name]
            if name is not None:
                found["contact_name"] = str(name)
        if self.context.date is not None:
            when = payload[self.context.date]
            if when is not None:
                found["date"] = _as_date(when)
        return found


def _as_text(value: Any) -> str:
    """A payload value as `when` lists it: booleans as `true`/`false` (TOML's spelling)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return datetime.fromisoformat(value).date()
    raise TypeError(f"not a date: {type(value).__name__}")


class RuleSet(_Strict):
    """Every rule of a version."""

    version: int = Field(ge=1)
    rules: list[Rule] = Field(min_length=1, alias="rule")

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _no_overlap(self) -> RuleSet:
        seen: set[tuple[str, str]] = set()
        for rule in self.rules:
            key = (rule.event_type, repr(sorted(rule.when.items())))
            if key in seen:
                raise ValueError(f"{rule.event_type}: two rules with the same condition")
            seen.add(key)
        return self

    def rules_for(self, event_type: str, payload: Mapping[str, Any]) -> list[Rule]:
        """The rules that apply to one event (usually one; none when the citizen is not told)."""
        return [r for r in self.rules if r.matches(event_type, payload)]

    def event_types(self) -> set[str]:
        """Every event type some rule reacts to."""
        return {r.event_type for r in self.rules}

    def templates(self) -> set[str]:
        """Every template some rule uses."""
        return {r.template for r in self.rules}
