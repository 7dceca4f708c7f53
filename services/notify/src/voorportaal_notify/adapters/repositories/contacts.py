"""Contact points and the confirmations of addresses changed here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from voorportaal_notify.adapters.orm import confirmations, contact_points
from voorportaal_notify.adapters.repositories._query import (
    SessionRepository,
    first_row,
    record,
    row_values,
)
from voorportaal_notify.domain.confirmations import Confirmation, ConfirmationStatus
from voorportaal_notify.domain.contacts import ContactPoints


def _contact(row: Mapping[Any, Any]) -> ContactPoints:
    return record(
        ContactPoints,
        row,
        channels=tuple(row["channels"]),
        verified=tuple(row["verified"] or ()),
        held=bool(row["held"]),
    )


def _values(contact: ContactPoints) -> dict[str, Any]:
    return {
        "channels": list(contact.channels),
        "language": contact.language,
        "email": contact.email,
        "phone": contact.phone,
        "quiet_from": contact.quiet_from,
        "quiet_until": contact.quiet_until,
        "representative": dict(contact.representative) if contact.representative else None,
        "changed_by": contact.changed_by,
        "updated_at": contact.updated_at,
        "verified": sorted(contact.verified),
        "held": contact.held,
    }


class ContactPointsRepository(SessionRepository):
    """The contact points of each case (one row per case)."""

    async def get(self, case_id: str) -> ContactPoints | None:
        """The case's contact points, or None when none arrived (or they were erased)."""
        row = await first_row(
            self._session, select(contact_points).where(contact_points.c.case_id == case_id)
        )
        return _contact(row) if row is not None else None

    async def save(self, contact: ContactPoints) -> None:
        """Store the case's contact points, replacing what was kept."""
        values = _values(contact)
        changed = await self._session.execute(
            update(contact_points)
            .where(contact_points.c.case_id == contact.case_id)
            .values(**values)
        )
        if changed.rowcount == 0:  # type: ignore[attr-defined]
            await self._session.execute(
                insert(contact_points).values(case_id=contact.case_id, **values)
            )


class ConfirmationsRepository(SessionRepository):
    """Codes sent to addresses changed here, by keyed hash."""

    async def supersede_open(self, case_id: str, channel: str, now: datetime) -> None:
        """End the open confirmation of a case's channel (a new address gets a new code)."""
        c = confirmations.c
        await self._session.execute(
            update(confirmations)
            .where(
                c.case_id == case_id,
                c.channel == channel,
                c.status == ConfirmationStatus.OPEN.value,
            )
            .values(status=ConfirmationStatus.SUPERSEDED.value, updated_at=now)
        )

    async def add(self, confirmation: Confirmation, now: datetime) -> None:
        """Keep a new confirmation."""
        await self._session.execute(
            insert(confirmations).values(row_values(confirmation, created_at=now, updated_at=now))
        )

    async def latest_open(self, case_id: str, channel: str) -> Confirmation | None:
        """The newest open confirmation of a case's channel."""
        c = confirmations.c
        row = await first_row(
            self._session,
            select(confirmations)
            .where(
                c.case_id == case_id,
                c.channel == channel,
                c.status == ConfirmationStatus.OPEN.value,
            )
            .order_by(c.created_at.desc())
            .limit(1),
        )
        if row is None:
            return None
        return record(Confirmation, row, {"status": ConfirmationStatus})

    async def record_try(
        self, confirmation_id: str, tries: int, status: ConfirmationStatus, now: datetime
    ) -> None:
        """The tries and status after a typed code."""
        await self._session.execute(
            update(confirmations)
            .where(confirmations.c.id == confirmation_id)
            .values(tries=tries, status=status.value, updated_at=now)
        )
