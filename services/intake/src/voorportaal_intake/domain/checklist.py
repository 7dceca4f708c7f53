"""The checklist+: the jobs to be done after one or more life events, with real deadlines.

Several life events at once (divorce + moving + income loss is common) give one list: items
with the same id are merged (every reason kept, the earliest deadline wins) and sorted by
deadline, so the citizen sees first what is due first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from voorportaal_contracts.types import LifeEvent
from voorportaal_intake.domain.content import ChecklistItem, Deadline, LifeEventContent, Text
from voorportaal_kit.dutch_calendar import add_months, add_working_days, next_working_day


@dataclass
class ChecklistEntry:
    """One job to be done, for this citizen."""

    id: str
    title: Text
    agency: str
    contact: list[str]
    refer: bool
    need: str | None
    life_events: list[LifeEvent] = field(default_factory=list)
    why: list[Text] = field(default_factory=list)
    deadline: date | None = None
    deadline_rule: Text | None = None
    depends_on: list[str] = field(default_factory=list)


def due_date(deadline: Deadline, content: LifeEventContent, answers: dict[str, Any]) -> date | None:
    """The date a deadline falls on, or None when its start date is not known."""
    source = content.event_date_question if deadline.from_ == "event_date" else deadline.from_
    start: object = answers.get(source)
    if not isinstance(start, date):
        return None
    sign = -1 if deadline.before else 1
    if deadline.working_days is not None:
        return add_working_days(start, deadline.working_days, backwards=deadline.before)
    if deadline.months is not None:
        due = add_months(start, sign * deadline.months)
    else:
        due = start + timedelta(days=sign * (deadline.days or 0))
    # A term that ends on a weekend day or holiday runs on to the next working day; a term
    # counted backwards ("apply 4 weeks before") must not be moved later, and neither may a
    # duty that falls on the day itself (reporting sick on a Saturday is not a Monday job).
    return due if deadline.before or not deadline.roll_forward else next_working_day(due)


def applies(item: ChecklistItem, answers: dict[str, Any]) -> bool:
    """Whether the item is for this citizen."""
    return item.when is None or item.when.holds(answers)


def build_checklist(events: list[tuple[LifeEventContent, dict[str, Any]]]) -> list[ChecklistEntry]:
    """The merged checklist for the life events and their (pruned) answers."""
    merged: dict[str, ChecklistEntry] = {}
    order: list[str] = []
    for content, answers in events:
        for item in content.checklist:
            if not applies(item, answers):
                continue
            due = due_date(item.deadline, content, answers) if item.deadline else None
            entry = merged.get(item.id)
            if entry is None:
                entry = merged[item.id] = ChecklistEntry(
                    id=item.id,
                    title=item.title,
                    agency=item.agency,
                    contact=list(item.contact),
                    refer=item.refer,
                    need=item.need,
                )
                order.append(item.id)
            if content.code not in entry.life_events:
                entry.life_events.append(content.code)
            if item.why not in entry.why:
                entry.why.append(item.why)
            for dep in item.depends_on:
                if dep not in entry.depends_on:
                    entry.depends_on.append(dep)
            entry.refer = entry.refer or item.refer
            if due is not None and (entry.deadline is None or due < entry.deadline):
                entry.deadline, entry.deadline_rule = (
                    due,
                    item.deadline.rule if item.deadline else None,
                )
    present = set(merged)
    for entry in merged.values():
        # A dependency on an item that does not apply to this citizen does not hold it up.
        entry.depends_on = [d for d in entry.depends_on if d in present]
    return sorted(
        (merged[i] for i in order),
        key=lambda e: (e.deadline is None, e.deadline or date.max, order.index(e.id)),
    )
