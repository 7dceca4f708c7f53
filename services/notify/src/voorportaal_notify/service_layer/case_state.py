"""What notify keeps from `case.events` besides updates for the citizen: the case's access facts
(owner, team, queue, mandates — the kit's `CaseAccessStore`, which decides who may change
contact details and which mandate a representative's copy acts under) and the erasure of a case
(`CaseAnonymised`), which purges everything personal notify holds.

Both run in their own consumer group (`notify.case-state`), which reads `case.events` from the
beginning, so a service that gains them learns the owners and mandates of cases it already knew.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import CaseAnonymised, CitizenLinkRevoked
from voorportaal_kit.clock import Clock
from voorportaal_notify.adapters.repositories import CasesRepository

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class CaseState:
    """The erasure of a case and its revoked links, from `case.events` (who owns it and its
    mandates are the kit's `CaseAccessStore`, folded in the same consumer group)."""

    clock: Clock

    async def on_anonymised(self, session: AsyncSession, incoming: Envelope) -> None:
        """The case's retention passed: purge, and keep nothing that arrives for it later."""
        event = incoming.data
        assert isinstance(event, CaseAnonymised)
        await purge_case(session, event.case_id, self.clock.now(), reason="case_anonymised")
        await CasesRepository(session).mark_erased(event.case_id, self.clock.now())

    async def on_link_revoked(self, session: AsyncSession, incoming: Envelope) -> None:
        """Keep a link (or every link of a mandate) the dossier revoked (idempotent)."""
        event = incoming.data
        assert isinstance(event, CitizenLinkRevoked)
        await CasesRepository(session).add_revoked_link(
            event.case_id, event.link_id, event.holder, event.revoked_at
        )


async def purge_case(session: AsyncSession, case_id: str, now: datetime, *, reason: str) -> None:
    """Remove every personal detail notify holds for a case (`CasesRepository.purge`: contact
    points, open updates' fields, open messages and notices, addresses and codes)."""
    await CasesRepository(session).purge(case_id, now, reason)
    log.info("notify.case_purged", case_id=case_id, reason=reason)


async def is_erased(session: AsyncSession, case_id: str) -> bool:
    """Whether the case was anonymised (what arrives for it later is not kept)."""
    return await CasesRepository(session).is_erased(case_id)
