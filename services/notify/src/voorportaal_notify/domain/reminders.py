"""Reminders before a checklist deadline (issue 15): when, for which items, and when not.

The intake's checklist+ reaches notify as `ChecklistIssued` (a whole list per revision),
`ChecklistItemDone` (ticked off or unticked) and `ChecklistItemOverdue`. For each item with a
real deadline (`due_on`) notify keeps one reminder, `working_days` Dutch working days (the kit's
calendar: weekends, holidays, decree days) before that date, at `at` local time:

    scheduled ──remind_at reached──▶ queued (one update for the case: "N things by <date>")
        │  ▲
        │  └── unticked again while remind_at is still ahead
        └────▶ dropped: done · replaced (gone from, or re-dated in, a newer revision)
                        · overdue · too_late (remind_at had passed when the list was issued)
                        · no_deadline

A newer revision replaces the list: an item that keeps its deadline keeps its reminder (and its
done state, by `item_id`, as the intake keeps it); a re-dated item gets a new one; an item that
left the list is dropped (a queued one leaves its update, as a ticked-off one does). An older
revision arriving after a newer one changes nothing.

Every comparison uses the event's own time, never the clock, so a replay decides the same.
The reminder says only how many things and the earliest deadline: never what they are (see
`data/v1/templates/checklist_due.toml`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from enum import StrEnum

from voorportaal_kit.dutch_calendar import add_working_days
from voorportaal_notify.domain.policy import AMSTERDAM

CHECKLIST_TEMPLATE = "checklist_due"
"""The template of a checklist reminder."""

REMINDER_EVENT_TYPE = "nl.voorportaal.notify.checklist-reminder"
"""What a reminder's queued update names as its source (notify's own schedule, no event)."""


class ReminderStatus(StrEnum):
    """Where one item's reminder stands."""

    SCHEDULED = "scheduled"
    QUEUED = "queued"
    DROPPED = "dropped"


class DropReason(StrEnum):
    """Why a reminder will not be sent."""

    DONE = "done"
    REPLACED = "replaced"
    OVERDUE = "overdue"
    TOO_LATE = "too_late"
    NO_DEADLINE = "no_deadline"


@dataclass(frozen=True)
class ReminderTiming:
    """How long before a deadline, and at what local time, a reminder is due."""

    working_days: int = 3
    at: time = time(9, 0)

    def __post_init__(self) -> None:
        if self.working_days < 1:
            raise ValueError("working_days must be at least 1")

    def remind_on(self, due_on: date) -> date:
        """The working day `working_days` before the deadline."""
        return add_working_days(due_on, self.working_days, backwards=True)

    def remind_at(self, due_on: date) -> datetime:
        """The moment (UTC) of that day at `at`, Amsterdam wall-clock time (DST included)."""
        local = datetime.combine(self.remind_on(due_on), self.at, tzinfo=AMSTERDAM)
        return local.astimezone(UTC)


@dataclass(frozen=True)
class ItemReminder:
    """The reminder of one checklist item of one intake of a case."""

    case_id: str
    intake_id: str
    item_id: str
    revision: int
    due_on: date | None
    remind_at: datetime | None
    done: bool
    status: ReminderStatus
    reason: DropReason | None = None
    update_id: str | None = None
    """The queued update that carries it, once queued."""

    def dropped(self, reason: DropReason) -> ItemReminder:
        """This reminder, not to be sent."""
        return replace(self, status=ReminderStatus.DROPPED, reason=reason)


@dataclass(frozen=True)
class IssuedItem:
    """What a reminder needs of one `ChecklistEntry`: its id and deadline (no texts)."""

    item_id: str
    due_on: date | None


def _fresh(
    base: ItemReminder, due_on: date | None, issued_at: datetime, timing: ReminderTiming
) -> ItemReminder:
    """A reminder computed anew for `due_on` (the done state carried in `base`)."""
    if due_on is None:
        return replace(base, due_on=None, remind_at=None, update_id=None).dropped(
            DropReason.NO_DEADLINE
        )
    at = timing.remind_at(due_on)
    item = replace(
        base,
        due_on=due_on,
        remind_at=at,
        status=ReminderStatus.SCHEDULED,
        reason=None,
        update_id=None,
    )
    if item.done:
        return item.dropped(DropReason.DONE)
    if at < issued_at:
        # The citizen sees this deadline on the list they just got; a "reminder" right after
        # would be a second message about the same thing.
        return item.dropped(DropReason.TOO_LATE)
    return item


def on_issued(
    case_id: str,
    intake_id: str,
    revision: int,
    items: Sequence[IssuedItem],
    issued_at: datetime,
    known: Mapping[str, ItemReminder],
    timing: ReminderTiming,
) -> list[ItemReminder]:
    """The reminders to store after a checklist revision (`known`: the intake's, by item id).

    Returns nothing for a revision older than one already seen.
    """
    if any(r.revision > revision for r in known.values()):
        return []
    out: list[ItemReminder] = []
    listed = {item.item_id for item in items}
    for item in items:
        before = known.get(item.item_id)
        if before is None:
            base = ItemReminder(
                case_id=case_id,
                intake_id=intake_id,
                item_id=item.item_id,
                revision=revision,
                due_on=None,
                remind_at=None,
                done=False,
                status=ReminderStatus.SCHEDULED,
            )
            out.append(_fresh(base, item.due_on, issued_at, timing))
        elif before.due_on == item.due_on and before.reason not in (
            DropReason.REPLACED,
            DropReason.NO_DEADLINE,
        ):
            out.append(replace(before, revision=revision))  # the same deadline: as it was
        else:
            out.append(_fresh(replace(before, revision=revision), item.due_on, issued_at, timing))
    for item_id, before in known.items():
        if item_id in listed:
            continue
        gone = replace(before, revision=revision)
        pending = before.status is not ReminderStatus.DROPPED
        out.append(gone.dropped(DropReason.REPLACED) if pending else gone)
    return out


def _waiting(reminder: ItemReminder) -> bool:
    return reminder.status is ReminderStatus.SCHEDULED


def on_item_done(reminder: ItemReminder, done: bool, at: datetime) -> ItemReminder:
    """The citizen (or someone for them) ticked the item off, or unticked it at `at`.

    Ticked off, a waiting or queued reminder is dropped (a queued one leaves its update, see
    `service_layer.reminders`). Unticked, it is scheduled again only while its moment is still
    ahead: unticking never sends a reminder on the spot.
    """
    if done:
        ticked = replace(reminder, done=True)
        if reminder.status is ReminderStatus.DROPPED:
            return ticked
        return ticked.dropped(DropReason.DONE)
    unticked = replace(reminder, done=False)
    if (
        reminder.status is ReminderStatus.DROPPED
        and reminder.reason is DropReason.DONE
        and reminder.remind_at is not None
        and reminder.remind_at > at
    ):
        return replace(unticked, status=ReminderStatus.SCHEDULED, reason=None, update_id=None)
    return unticked


def on_overdue(reminder: ItemReminder, due_on: date) -> ItemReminder:
    """The deadline passed unticked: a reminder still waiting for it is pointless now."""
    if reminder.due_on == due_on and _waiting(reminder):
        return reminder.dropped(DropReason.OVERDUE)
    return reminder


@dataclass(frozen=True)
class ReminderBatch:
    """The reminders of one case that go out together, as one update."""

    case_id: str
    reminders: tuple[ItemReminder, ...]
    stale: tuple[ItemReminder, ...]
    """Due but their deadline already passed (the service was down): dropped, not sent."""

    @property
    def count(self) -> int:
        """How many things the message says are still to arrange."""
        return len(self.reminders)

    @property
    def earliest(self) -> date:
        """The date the message names: the earliest deadline among them."""
        return min(r.due_on for r in self.reminders if r.due_on is not None)

    @property
    def update_id(self) -> str:
        """The update's id: the same whichever replica queues it, however often."""
        items = sorted(f"{r.intake_id}/{r.item_id}/{r.due_on}" for r in self.reminders)
        material = "|".join(["checklist", self.case_id, *items])
        return "ck-" + hashlib.sha256(material.encode()).hexdigest()[:40]


def due_batch(case_id: str, reminders: Iterable[ItemReminder], now: datetime) -> ReminderBatch:
    """The case's scheduled reminders whose moment has come, as one batch."""
    today = now.astimezone(AMSTERDAM).date()
    ready = [
        r
        for r in reminders
        if r.status is ReminderStatus.SCHEDULED
        and r.remind_at is not None
        and r.remind_at <= now
        and r.due_on is not None
    ]
    keep = tuple(r for r in ready if r.due_on is not None and r.due_on >= today)
    stale = tuple(r for r in ready if r.due_on is not None and r.due_on < today)
    return ReminderBatch(case_id, keep, stale)
