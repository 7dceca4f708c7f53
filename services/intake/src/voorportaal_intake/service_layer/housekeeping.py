"""Housekeeping on a timer: one-time codes out of the outbox, ended rate-limit windows, overdue
checklist items announced."""

from __future__ import annotations

from voorportaal_intake.adapters import verifications
from voorportaal_intake.adapters.rate_limits import forget_expired
from voorportaal_intake.service_layer.checklist import sweep_overdue
from voorportaal_intake.service_layer.context import UseCase


class Housekeeping(UseCase):
    """The intake's periodic jobs (safe to run on every replica at once)."""

    async def forget_sent_codes(self) -> int:
        """Delete published code requests from the outbox (they hold a code in plain text; the
        relay would keep them an hour for inspection); how many."""
        async with self._ctx.sessions.begin() as session:
            return await verifications.forget_published(session)

    async def forget_expired_limits(self) -> int:
        """Delete rate-limit counters whose window ended; how many."""
        async with self._ctx.sessions.begin() as session:
            return await forget_expired(session, self._ctx.now())

    async def announce_overdue(self) -> int:
        """`ChecklistItemOverdue` for each item whose deadline passed, once per item and due
        date; how many."""
        return await sweep_overdue(self._ctx, self._ctx.clock)
