"""Which mandate a representative's copy acts under (the kit's fold of `case.events`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_kit.case_access import CaseAccessStore
from voorportaal_notify.domain.access import current_mandate


@dataclass(frozen=True)
class Mandates:
    """The current mandate of a case's representative, by their relation to the citizen."""

    access: CaseAccessStore | None
    """None: no mandates known, so no copies."""

    async def current(
        self, session: AsyncSession, case_id: str, relation: str | None, now: datetime
    ) -> str | None:
        """The mandate id a representative's copy acts under (None: no copy)."""
        if self.access is None:
            return None
        return current_mandate(await self.access.get(session, case_id), relation, now)
