"""What notify keeps from `case.events` besides updates for the citizen: the case's access facts
(owner, team, queue, mandates — the kit's `CaseAccessStore`, which decides who may change
contact details and which mandate a representative's copy acts under) and the erasure of a case
(`CaseAnonymised`), which purges everything personal notify holds.

Both run in their own consumer group (`notify.case-state`), which reads `case.events` from the
beginning, so a service that gains them learns the owners and mandates of cases it already knew.
"""

from __future__ import annotations

from datetime import datetime

import structlog
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.citizen_links import LinkClaims, short_link_id
from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import CaseAnonymised, CitizenLinkRevoked
from voorportaal_kit.clock import Clock
from voorportaal_notify.adapters.orm import (
    case_access,
    confirmations,
    contact_points,
    erased_cases,
    messages,
    notices,
    pending_updates,
    revoked_links,
)
from voorportaal_notify.domain.notices import OPEN_NOTICE_STATUSES, NoticeStatus

log = structlog.get_logger(__name__)

OPEN_STATUSES = ("pending", "deferred", "sending")
"""A message in one of these may still be sent."""


class CaseState:
    """The erasure of a case, from `case.events` (who owns it and its mandates are the kit's
    `CaseAccessStore`, folded in the same consumer group)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def on_anonymised(self, session: AsyncSession, incoming: Envelope) -> None:
        """The case's retention passed: purge, and keep nothing that arrives for it later."""
        event = incoming.data
        assert isinstance(event, CaseAnonymised)
        await purge_case(session, event.case_id, self._clock.now(), reason="case_anonymised")
        await session.execute(delete(case_access).where(case_access.c.case_id == event.case_id))
        exists = await session.scalar(
            select(erased_cases.c.case_id).where(erased_cases.c.case_id == event.case_id)
        )
        if exists is None:
            await session.execute(
                insert(erased_cases).values(case_id=event.case_id, erased_at=self._clock.now())
            )

    async def on_link_revoked(self, session: AsyncSession, incoming: Envelope) -> None:
        """Keep a link (or every link of a mandate) the dossier revoked (idempotent)."""
        event = incoming.data
        assert isinstance(event, CitizenLinkRevoked)
        t = revoked_links.c
        exists = await session.scalar(
            select(t.id).where(
                t.case_id == event.case_id,
                t.link_id.is_(None) if event.link_id is None else t.link_id == event.link_id,
                t.holder.is_(None) if event.holder is None else t.holder == event.holder,
            )
        )
        if exists is None:
            await session.execute(
                insert(revoked_links).values(
                    case_id=event.case_id,
                    link_id=event.link_id,
                    holder=event.holder,
                    revoked_at=event.revoked_at,
                )
            )


async def link_revoked(session: AsyncSession, token: str, claims: LinkClaims) -> bool:
    """Whether the dossier revoked this link: by its id, or all links of its mandate."""
    t = revoked_links.c
    which = t.link_id == short_link_id(token)
    if claims.holder is not None:
        which = which | (t.holder == claims.holder)
    found = await session.scalar(select(t.id).where(t.case_id == claims.case_id, which).limit(1))
    return found is not None


async def purge_case(session: AsyncSession, case_id: str, now: datetime, *, reason: str) -> None:
    """Remove every personal detail notify holds for a case, keeping ids, times and statuses.

    Contact points go; updates not yet in a message go, the others lose their fields (a staff
    name, a date); open messages and notices are cancelled; notices lose their address and
    code. The sent log, message statuses and attempts stay for the contact-load figures.
    """
    await session.execute(delete(contact_points).where(contact_points.c.case_id == case_id))
    await session.execute(delete(confirmations).where(confirmations.c.case_id == case_id))
    await session.execute(
        delete(pending_updates).where(
            pending_updates.c.case_id == case_id, pending_updates.c.message_id.is_(None)
        )
    )
    await session.execute(
        update(pending_updates).where(pending_updates.c.case_id == case_id).values(fields={})
    )
    await session.execute(
        update(messages)
        .where(messages.c.case_id == case_id, messages.c.status.in_((*OPEN_STATUSES, "held")))
        .values(status="cancelled", reason_code=reason, next_attempt_at=None, updated_at=now)
    )
    await session.execute(
        update(notices)
        .where(notices.c.case_id == case_id, notices.c.status.in_(OPEN_NOTICE_STATUSES))
        .values(status=NoticeStatus.CANCELLED.value, reason_code=reason, next_attempt_at=None)
    )
    await session.execute(
        update(notices)
        .where(notices.c.case_id == case_id)
        .values(address=None, code=None, address_key=None, updated_at=now)
    )
    log.info("notify.case_purged", case_id=case_id, reason=reason)


async def is_erased(session: AsyncSession, case_id: str) -> bool:
    """Whether the case was anonymised (what arrives for it later is not kept)."""
    found = await session.scalar(
        select(erased_cases.c.case_id).where(erased_cases.c.case_id == case_id)
    )
    return found is not None
