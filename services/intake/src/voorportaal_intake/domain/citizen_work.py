"""Rules of the citizen's own work at the intake: when a person answers a wish to talk, when
an item counts as overdue, and in which role a mark was made."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Final, Literal
from zoneinfo import ZoneInfo

from voorportaal_kit.auth import Principal, Role
from voorportaal_kit.dutch_calendar import add_working_days

AMSTERDAM: Final = ZoneInfo("Europe/Amsterdam")
"""Deadlines and the end of a working day are Dutch."""

ANSWER_WORKING_DAYS: Final = 2
"""A person contacts a citizen who asked for one within two Dutch working days …"""

ANSWER_AT: Final = time(17, 0)
"""… by the end of that working day (17:00 in Amsterdam)."""

MarkRole = Literal["citizen", "representative", "staff"]


def answer_by(requested_at: datetime) -> datetime:
    """When a person must have contacted a citizen who asks at `requested_at`: two Dutch
    working days later (weekends and public holidays do not count), at 17:00 Amsterdam."""
    today = requested_at.astimezone(AMSTERDAM).date()
    day = add_working_days(today, ANSWER_WORKING_DAYS)
    return datetime.combine(day, ANSWER_AT, tzinfo=AMSTERDAM)


def amsterdam_today(now: datetime) -> date:
    """The day it is in the Netherlands (a deadline passes at the end of a Dutch day)."""
    return now.astimezone(AMSTERDAM).date()


def is_overdue(due_on: date, now: datetime) -> bool:
    """Whether a deadline passed: its Dutch day has ended."""
    return due_on < amsterdam_today(now)


def mark_role(actor: Principal) -> MarkRole:
    """The role a checklist mark is recorded under: the citizen's own token, or staff."""
    return "citizen" if actor.has_role(Role.CITIZEN) else "staff"
