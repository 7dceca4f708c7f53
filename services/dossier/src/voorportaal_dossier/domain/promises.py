"""The promise ledger: every commitment made to the citizen, with its due date.

A promise is made by an agency ("we call you back within 24 hours"), by the casemanager, or is
a term the citizen sets themselves (the report's *termijnen*). It is open until it is fulfilled
or its due date passes; then it is broken exactly once, and `PromiseBroken` is published so
the buddy sees it and it counts against whoever made it.

```
open ──fulfil──▶ fulfilled
  └──due date passed──▶ broken ──fulfil──▶ broken (kept late: `fulfilled_at` set)
```
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from voorportaal_contracts.events.case import PromiseBroken, PromiseFulfilled, PromiseRecorded
from voorportaal_dossier.domain.errors import InvalidInput, InvalidTransition

MAX_WHAT_LENGTH = 500


class MadeBy(StrEnum):
    """Who made the promise."""

    AGENCY = "agency"
    CASEMANAGER = "casemanager"
    CITIZEN = "citizen"
    """A term the citizen set (e.g. "I send the papers by Friday")."""


class PromiseStatus(StrEnum):
    """Where a promise stands."""

    OPEN = "open"
    FULFILLED = "fulfilled"
    BROKEN = "broken"


@dataclass(frozen=True, slots=True)
class Promise:
    """One entry of the ledger."""

    promise_id: str
    made_by_kind: MadeBy
    made_by: str
    """Agency code, staff id, or `citizen`."""
    what: str | None
    """The commitment in plain words; None when only the fact reached us (an event)."""
    due_at: datetime
    recorded_at: datetime
    referral_id: str | None = None
    status: PromiseStatus = PromiseStatus.OPEN
    fulfilled_at: datetime | None = None
    broken_at: datetime | None = None


def record(
    case_id: str,
    promise_id: str,
    *,
    made_by_kind: MadeBy,
    made_by: str,
    what: str,
    due_at: datetime,
    recorded_at: datetime,
    referral_id: str | None = None,
) -> tuple[Promise, PromiseRecorded]:
    """A new open promise and its `PromiseRecorded` event (the text stays in the dossier)."""
    what = what.strip()
    if not what:
        raise InvalidInput("what", "say what was promised / zeg wat er beloofd is")
    if len(what) > MAX_WHAT_LENGTH:
        raise InvalidInput(
            "what", f"at most {MAX_WHAT_LENGTH} characters / ten hoogste {MAX_WHAT_LENGTH} tekens"
        )
    if due_at.tzinfo is None or recorded_at.tzinfo is None:
        raise InvalidInput("due_at", "must include a timezone / de tijd heeft een tijdzone nodig")
    if due_at <= recorded_at:
        raise InvalidInput(
            "due_at",
            "a promise must fall due after it is made / "
            "de termijn van een belofte ligt na het moment van beloven",
        )
    if made_by_kind is MadeBy.CITIZEN:
        made_by = MadeBy.CITIZEN.value
    if not made_by:
        raise InvalidInput("made_by", "say who made the promise / zeg wie de belofte deed")
    promise = Promise(promise_id, made_by_kind, made_by, what, due_at, recorded_at, referral_id)
    event = PromiseRecorded(
        case_id=case_id,
        promise_id=promise_id,
        made_by=made_by,
        due_at=due_at,
        referral_id=referral_id,
        made_by_kind=made_by_kind.value,
    )
    return promise, event


def fulfil(case_id: str, promise: Promise, *, at: datetime) -> tuple[Promise, PromiseFulfilled]:
    """Mark a promise kept; a broken one stays broken but shows it was kept late."""
    if promise.status is PromiseStatus.FULFILLED:
        raise InvalidTransition("the promise is already fulfilled / de belofte is al nagekomen")
    late = promise.status is PromiseStatus.BROKEN
    status = PromiseStatus.BROKEN if late else PromiseStatus.FULFILLED
    kept = replace(promise, status=status, fulfilled_at=at)
    return kept, PromiseFulfilled(
        case_id=case_id,
        promise_id=promise.promise_id,
        made_by=promise.made_by,
        fulfilled_at=at,
        late=late,
    )


def is_due_for_breaking(promise: Promise, now: datetime) -> bool:
    """Whether an open promise's due date has passed."""
    return promise.status is PromiseStatus.OPEN and promise.due_at < now


def due_for_breaking(promises: Iterable[Promise], now: datetime) -> list[Promise]:
    """The open promises whose due date has passed, earliest first."""
    due = [p for p in promises if is_due_for_breaking(p, now)]
    return sorted(due, key=lambda p: (p.due_at, p.promise_id))


def mark_broken(
    case_id: str, promise: Promise, *, at: datetime
) -> tuple[Promise, PromiseBroken | None]:
    """Break a promise whose due date passed: the new promise and `PromiseBroken`, once.

    A promise that is already broken is returned unchanged with no event (no double-breaking,
    whatever the job's retries do); a fulfilled or not yet due promise is refused.
    """
    if promise.status is PromiseStatus.BROKEN:
        return promise, None
    if promise.status is PromiseStatus.FULFILLED:
        raise InvalidTransition(
            "a fulfilled promise cannot be broken / "
            "een nagekomen belofte kan niet meer gebroken worden"
        )
    if not promise.due_at < at:
        raise InvalidTransition(
            "the promise is not due yet / de termijn van de belofte is nog niet voorbij"
        )
    broken = replace(promise, status=PromiseStatus.BROKEN, broken_at=at)
    event = PromiseBroken(
        case_id=case_id,
        promise_id=promise.promise_id,
        made_by=promise.made_by,
        due_at=promise.due_at,
    )
    return broken, event


def break_overdue(
    case_id: str, promises: Iterable[Promise], now: datetime
) -> tuple[list[Promise], list[PromiseBroken]]:
    """Every promise of a case after breaking the overdue ones, and the events to publish."""
    out: list[Promise] = []
    events: list[PromiseBroken] = []
    for promise in promises:
        if is_due_for_breaking(promise, now):
            promise, event = mark_broken(case_id, promise, at=now)
            if event is not None:
                events.append(event)
        out.append(promise)
    return out, events
