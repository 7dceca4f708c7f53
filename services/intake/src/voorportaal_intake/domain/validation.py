"""The content validator: broken content is refused before it reaches a citizen.

It finds questions nobody can reach, conditions that point at nothing (or at a later question,
which the flow cannot have answered yet), tests of option values that do not exist, unknown
agencies, needs and risks, deadlines counted from a question that is not a date,
checklist dependencies that are missing or go round in a circle, and checklist items without
their source or the day they were checked (`stale` lists those due for a new review).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from voorportaal_intake.domain.content import (
    Catalogue,
    ChecklistItem,
    Condition,
    LifeEventContent,
    Question,
)
from voorportaal_intake.domain.sources import is_stale, source_problems


def problems(content: LifeEventContent, catalogue: Catalogue) -> list[str]:
    """Everything wrong with one life event's content (empty when it is valid)."""
    out: list[str] = []
    where = content.code.value
    seen: dict[str, Question] = {}
    for question in content.questions:
        if question.id in seen:
            out.append(f"{where}: question {question.id} appears twice")
        if question.show_if is not None:
            out += [
                f"{where}: question {question.id}: {p}"
                for p in _condition_problems(question.show_if, seen)
            ]
        seen[question.id] = question

    event_date = seen.get(content.event_date_question)
    if event_date is None:
        out.append(f"{where}: event_date_question {content.event_date_question} is no question")
    elif event_date.type != "date":
        out.append(f"{where}: event_date_question {content.event_date_question} is not a date")
    elif event_date.show_if is not None:
        out.append(f"{where}: the event date question must always be asked")

    need_codes = {n.code for n in catalogue.needs}
    risk_codes = {r.code for r in catalogue.risks}
    for signal in content.signals:
        codes = need_codes if signal.kind == "need" else risk_codes
        if signal.code not in codes:
            out.append(f"{where}: signal {signal.id}: unknown {signal.kind} {signal.code}")
        out += [f"{where}: signal {signal.id}: {p}" for p in _condition_problems(signal.when, seen)]

    agencies = {a.code for a in catalogue.agencies}
    items = {item.id: item for item in content.checklist}
    if len(items) != len(content.checklist):
        out.append(f"{where}: checklist item ids repeat")
    for item in content.checklist:
        label = f"{where}: checklist {item.id}"
        if item.agency not in agencies:
            out.append(f"{label}: unknown agency {item.agency}")
        if item.need is not None and item.need not in need_codes:
            out.append(f"{label}: unknown need {item.need}")
        if item.when is not None:
            out += [f"{label}: {p}" for p in _condition_problems(item.when, seen)]
        if item.deadline is not None and item.deadline.from_ != "event_date":
            source = seen.get(item.deadline.from_)
            if source is None or source.type != "date":
                out.append(
                    f"{label}: deadline counted from {item.deadline.from_}, "
                    f"which is not a date question"
                )
        for dep in item.depends_on:
            if dep not in items:
                out.append(f"{label}: depends on unknown item {dep}")
        out += [f"{label}: {p}" for p in source_problems(item.source, item.checked)]
    out += [f"{where}: {p}" for p in _cycles(content.checklist)]
    return out


def stale(content: LifeEventContent, today: date) -> list[str]:
    """Checklist items last compared with their source more than a year before `today`."""
    return [
        f"{content.code.value}: checklist {item.id}: checked {item.checked.isoformat()}, "
        "more than a year ago"
        for item in content.checklist
        if item.checked is not None and is_stale(item.checked, today)
    ]


def _condition_problems(condition: Condition, earlier: dict[str, Question]) -> Iterable[str]:
    for sub in [
        *(condition.all or ()),
        *(condition.any or ()),
        *([condition.not_] if condition.not_ else []),
    ]:
        yield from _condition_problems(sub, earlier)
    if condition.question is None:
        return
    question = earlier.get(condition.question)
    if question is None:
        yield (
            f"condition reads {condition.question}, which is not an earlier question "
            f"(dangling, or asked too late to be known)"
        )
        return
    options = {o.value for o in question.options}
    if condition.contains is not None:
        if question.type != "multi":
            yield f"`contains` on {question.id}, which is not a multiple choice question"
        elif condition.contains not in options:
            yield f"{question.id} has no option {condition.contains}"
    if condition.in_ is not None:
        missing = set(condition.in_) - options if question.type == "single" else set()
        if question.type != "single":
            yield f"`in` on {question.id}, which is not a single choice question"
        elif missing:
            yield f"{question.id} has no option(s) {sorted(missing)}"
    if condition.equals is not None:
        expected = {"yes_no": bool, "single": str, "number": int}.get(question.type)
        if expected is None or not isinstance(condition.equals, expected):
            yield (
                f"`equals` {condition.equals!r} cannot match {question.type} question {question.id}"
            )
        elif question.type == "single" and condition.equals not in options:
            yield f"{question.id} has no option {condition.equals}"
    if (condition.at_least is not None or condition.at_most is not None) and (
        question.type != "number"
    ):
        yield f"a number test on {question.id}, which is not a number question"


def _cycles(items: list[ChecklistItem]) -> list[str]:
    graph = {item.id: item.depends_on for item in items}
    state: dict[str, int] = {}  # 1: on the path, 2: done
    found: list[str] = []

    def visit(node: str, path: list[str]) -> None:
        if state.get(node) == 2 or node not in graph:
            return
        if state.get(node) == 1:
            found.append("checklist dependencies go round: " + " -> ".join([*path, node]))
            return
        state[node] = 1
        for dep in graph[node]:
            visit(dep, [*path, node])
        state[node] = 2

    for node in graph:
        visit(node, [])
    return found
