"""The citizen's own work as the dossier keeps it: the checklist+ the intake issued (its newest
revision), the citizen's done marks, the overdue reports, and the wishes to talk to a person.

The parts are kept apart so that the order the facts arrive in does not matter: a done mark
or an overdue report may arrive before the checklist it belongs to (the intake publishes them
on the same topic, but a replay or a trimmed topic may not), and a newer checklist revision
replaces the items while the marks stay, by `item_id`. Whether an item is done, and whether it
is late, is read from the parts (`item_done`, `item_late`); nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Final
from zoneinfo import ZoneInfo

from voorportaal_kit.dutch_calendar import add_working_days

AMSTERDAM: Final = ZoneInfo("Europe/Amsterdam")

PERSON_REQUESTED_RULE: Final = "person_requested"
"""The reason code of a buddy recommendation made because the citizen asked for a person."""


ANSWER_WORKING_DAYS: Final = 2
"""A wish to talk to a person is answered within this many Dutch working days …"""
ANSWER_AT: Final = time(17)
"""… by this time of day (Dutch time)."""


def answer_by(requested_at: datetime) -> datetime:
    """When a person contacts the citizen at the latest: two Dutch working days after the
    wish (holidays and decree days skipped), at 17:00 Dutch time."""
    day = add_working_days(dutch_day(requested_at), ANSWER_WORKING_DAYS)
    return datetime.combine(day, ANSWER_AT, tzinfo=AMSTERDAM)


def dutch_day(moment: datetime) -> date:
    """The date in the Netherlands at `moment` (deadlines are Dutch dates)."""
    return moment.astimezone(AMSTERDAM).date()


@dataclass(frozen=True, slots=True)
class Texts:
    """One text in the citizen languages (Dutch and English always)."""

    nl: str
    en: str
    tr: str | None = None
    ar: str | None = None
    pl: str | None = None

    def get(self, language: str) -> str:
        """The text in `language`, or the Dutch when the content lacks it."""
        text = getattr(self, language, None) if language in {"nl", "en", "tr", "ar", "pl"} else None
        return text if isinstance(text, str) else self.nl


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One job of the checklist+: what, at which agency, why, by when, how to reach them."""

    item_id: str
    agency: str
    agency_name: Texts
    title: Texts
    why: tuple[Texts, ...] = ()
    due_on: date | None = None
    deadline_rule: Texts | None = None
    contact: tuple[str, ...] = ()
    phone: str | None = None
    web: str | None = None
    refer: bool = False
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DoneMark:
    """The newest tick (or untick) of one item: who ticked it, and when."""

    item_id: str
    done: bool
    by_role: str
    at: datetime


@dataclass(frozen=True, slots=True)
class OverdueReport:
    """The intake said an item's deadline passed without a tick (once per item and date)."""

    item_id: str
    due_on: date
    at: datetime


@dataclass(frozen=True, slots=True)
class Checklist:
    """The case's checklist+: the newest revision's items, with the marks and reports kept
    beside them by item id (a mark may come before its item)."""

    intake_id: str | None = None
    revision: int = 0
    language: str | None = None
    issued_at: datetime | None = None
    items: tuple[ChecklistItem, ...] = ()
    marks: tuple[DoneMark, ...] = ()
    overdue: tuple[OverdueReport, ...] = ()

    def item(self, item_id: str) -> ChecklistItem | None:
        """The item with this id in the newest revision, if any."""
        return next((i for i in self.items if i.item_id == item_id), None)

    def mark(self, item_id: str) -> DoneMark | None:
        """The newest done mark of an item, if it was ever ticked."""
        return next((m for m in self.marks if m.item_id == item_id), None)

    def item_done(self, item_id: str) -> bool:
        """Whether the item is ticked off now."""
        mark = self.mark(item_id)
        return mark is not None and mark.done

    def item_late(self, item: ChecklistItem, today: date | None = None) -> bool:
        """Whether an item is late: not done, and the intake reported its (current) deadline
        passed, or `today` is past it."""
        if item.due_on is None or self.item_done(item.item_id):
            return False
        if today is not None and today > item.due_on:
            return True
        return any(r.item_id == item.item_id and r.due_on == item.due_on for r in self.overdue)

    def still_to_do(self) -> int:
        """How many items are not ticked off."""
        return sum(1 for i in self.items if not self.item_done(i.item_id))

    def late_count(self, today: date | None = None) -> int:
        """How many items are late."""
        return sum(1 for i in self.items if self.item_late(i, today))


@dataclass(frozen=True, slots=True)
class PersonWish:
    """The citizen asked to talk to a person: how, when, and by when they were promised an
    answer. Closed when a casemanager takes the case (or had it already when it was made)."""

    request_id: str
    channel: str
    preferred_time: str
    language: str
    via: str
    requested_at: datetime
    answer_by: datetime
    closed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        """Whether nobody has taken the wish up yet."""
        return self.closed_at is None


def open_wish(wishes: tuple[PersonWish, ...]) -> PersonWish | None:
    """The newest open wish, if any."""
    return next((w for w in reversed(wishes) if w.is_open), None)


def close_wishes(wishes: tuple[PersonWish, ...], at: datetime) -> tuple[PersonWish, ...]:
    """Every wish made at or before `at` closed at `at` (a casemanager took the case)."""
    return tuple(
        replace(w, closed_at=at) if w.is_open and w.requested_at <= at else w for w in wishes
    )
