"""What notify keeps from `case.events` besides updates for the citizen: who owns the case (who
may change its contact details), the representatives' mandates (whose copy carries which link),
and the erasure of a case (`CaseAnonymised`), which purges everything personal notify holds.

These handlers run in their own consumer group (`notify.case-state`), which reads `case.events`
from the beginning, so a service that gains them learns the owners and mandates of cases it
already knew.
"""

from __future__ import annotations

from datetime import datetime

import structlog
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    BuddyAssigned,
    CaseAnonymised,
    CaseHandedOver,
    CaseReassigned,
    CaseReleased,
    MandateGranted,
    MandateRevoked,
)
from voorportaal_kit.clock import Clock
from voorportaal_notify.adapters.orm import (
    case_owners,
    confirmations,
    contact_points,
    erased_cases,
    mandates,
    messages,
    notices,
    pending_updates,
)
from voorportaal_notify.domain.access import CaseOwner
from voorportaal_notify.domain.notices import OPEN_NOTICE_STATUSES, NoticeStatus

log = structlog.get_logger(__name__)

OPEN_STATUSES = ("pending", "deferred", "sending")
"""A message in one of these may still be sent."""


class CaseState:
    """Owners, mandates and erasure, from `case.events`."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def on_owner_changed(self, session: AsyncSession, incoming: Envelope) -> None:
        """The buddy system's events: the case's owner and team now (none after a release)."""
        event = incoming.data
        owner: CaseOwner
        if isinstance(event, BuddyAssigned):
            owner = CaseOwner(event.casemanager_id, event.team)
        elif isinstance(event, CaseHandedOver | CaseReassigned):
            owner = CaseOwner(event.to_casemanager_id, event.to_team)
        elif isinstance(event, CaseReleased):
            owner = CaseOwner(None, None)
        else:  # pragma: no cover - the subscription maps only the types above
            raise TypeError(f"not an ownership event: {incoming.type}")
        values = {"owner_id": owner.owner_id, "team": owner.team, "updated_at": self._clock.now()}
        changed = await session.execute(
            update(case_owners).where(case_owners.c.case_id == incoming.subject).values(**values)
        )
        if changed.rowcount == 0:  # type: ignore[attr-defined]
            await session.execute(insert(case_owners).values(case_id=incoming.subject, **values))
        log.info("notify.owner_changed", case_id=incoming.subject, event_type=incoming.type)

    async def on_mandate_granted(self, session: AsyncSession, incoming: Envelope) -> None:
        """A representative may act for the citizen (under this mandate id)."""
        event = incoming.data
        assert isinstance(event, MandateGranted)
        values = {
            "case_id": event.case_id,
            "relation": event.relation.value,
            "valid_from": event.valid_from,
            "valid_until": event.valid_until,
            "granted_at": incoming.time,
        }
        changed = await session.execute(
            update(mandates).where(mandates.c.mandate_id == event.mandate_id).values(**values)
        )
        if changed.rowcount == 0:  # type: ignore[attr-defined]
            await session.execute(insert(mandates).values(mandate_id=event.mandate_id, **values))
        log.info("notify.mandate_granted", case_id=event.case_id, mandate_id=event.mandate_id)

    async def on_mandate_revoked(self, session: AsyncSession, incoming: Envelope) -> None:
        """A mandate ends: no copy carries its link any more."""
        event = incoming.data
        assert isinstance(event, MandateRevoked)
        await session.execute(
            update(mandates)
            .where(mandates.c.mandate_id == event.mandate_id, mandates.c.revoked_at.is_(None))
            .values(revoked_at=event.revoked_at)
        )
        log.info("notify.mandate_revoked", case_id=event.case_id, mandate_id=event.mandate_id)

    async def on_anonymised(self, session: AsyncSession, incoming: Envelope) -> None:
        """The case's retention passed: purge, and keep nothing that arrives for it later."""
        event = incoming.data
        assert isinstance(event, CaseAnonymised)
        await purge_case(session, event.case_id, self._clock.now(), reason="case_anonymised")
        await session.execute(delete(case_owners).where(case_owners.c.case_id == event.case_id))
        await session.execute(delete(mandates).where(mandates.c.case_id == event.case_id))
        exists = await session.scalar(
            select(erased_cases.c.case_id).where(erased_cases.c.case_id == event.case_id)
        )
        if exists is None:
            await session.execute(
                insert(erased_cases).values(case_id=event.case_id, erased_at=self._clock.now())
            )


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


async def owner_of(session: AsyncSession, case_id: str) -> CaseOwner | None:
    """The case's owner and team as the events said; None when notify has seen none."""
    row = (
        await session.execute(
            select(case_owners.c.owner_id, case_owners.c.team).where(
                case_owners.c.case_id == case_id
            )
        )
    ).first()
    return CaseOwner(row.owner_id, row.team) if row is not None else None


async def is_erased(session: AsyncSession, case_id: str) -> bool:
    """Whether the case was anonymised (what arrives for it later is not kept)."""
    found = await session.scalar(
        select(erased_cases.c.case_id).where(erased_cases.c.case_id == case_id)
    )
    return found is not None


async def current_mandate(
    session: AsyncSession, case_id: str, relation: str | None, now: datetime
) -> str | None:
    """The id of the case's current mandate for a representative with this relation.

    `ContactPointsUpdated.representative` names the relation but not the mandate; the
    dossier's `MandateGranted` names both. The newest current mandate with that relation is
    the representative's; without one, the representative receives no copy.
    """
    if relation is None:
        return None
    found = await session.scalar(
        select(mandates.c.mandate_id)
        .where(
            mandates.c.case_id == case_id,
            mandates.c.relation == relation,
            mandates.c.revoked_at.is_(None),
            mandates.c.valid_from <= now,
            mandates.c.valid_until > now,
        )
        .order_by(mandates.c.granted_at.desc(), mandates.c.mandate_id)
        .limit(1)
    )
    return str(found) if found is not None else None
