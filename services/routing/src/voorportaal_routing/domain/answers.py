"""Rules for agencies' answers that do not depend on the referral: when an answer is the same
answer again, and when its `responded_at` is too far from now to be believed.

An agency's client retries (a lost acknowledgement, a restart) and may build the message again
with a new event id; a replay re-sends an old one. Either way the referral must move once and a
promise must be recorded once, so an answer is known by what it says, not by its event id:
- a promise by its referral, its text and its due date (restated, it is the same promise);
- any other answer by its referral, its kind and `responded_at`.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from voorportaal_contracts.events import ReferralResponded
from voorportaal_contracts.types import ReferralResponseKind


def answer_key(response: ReferralResponded) -> str:
    """What makes two answers the same answer, as 64 hex digits."""
    parts: tuple[str, ...]
    if response.response is ReferralResponseKind.PROMISE_MADE:
        due = response.promise_due_at.astimezone(UTC).isoformat() if response.promise_due_at else ""
        parts = ("promise", response.referral_id, response.promise or "", due)
    else:
        at = response.responded_at.astimezone(UTC).isoformat()
        parts = (response.response.value, response.referral_id, at)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def promise_id(key: str) -> str:
    """The promise id of a promise answer: the same promise always gets the same id."""
    return f"pr-{key[:20]}"


def answer_time_problem(
    responded_at: datetime, now: datetime, *, max_age: timedelta, max_ahead: timedelta
) -> str | None:
    """Why `responded_at` cannot be accepted at `now` (None: it can)."""
    if responded_at < now - max_age:
        return (
            f"responded_at {responded_at.isoformat()} is more than {_hours(max_age)} before "
            f"now ({now.isoformat()}): a replayed or held-back answer is not applied"
        )
    if responded_at > now + max_ahead:
        return (
            f"responded_at {responded_at.isoformat()} is more than "
            f"{int(max_ahead.total_seconds())} s after now ({now.isoformat()}): check the "
            "sender's clock"
        )
    return None


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:g} h"
