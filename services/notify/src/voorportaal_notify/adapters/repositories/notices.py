"""Notices (one-time codes, the notice to an old address) and their sending."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text, update

from voorportaal_contracts.types import MessageChannel
from voorportaal_notify.adapters.orm import notices
from voorportaal_notify.adapters.repositories._query import (
    DeliveryQueue,
    column,
    first_row,
    record,
    row_values,
)
from voorportaal_notify.domain.notices import (
    OPEN_NOTICE_STATUSES,
    NewNotice,
    NoticeKind,
    NoticeRecord,
    NoticeStatus,
)


def _final(status: NoticeStatus, reason: str | None, now: datetime) -> dict[str, Any]:
    """A notice's last state: no address and no code are kept."""
    return {
        "status": status.value,
        "reason_code": reason,
        "next_attempt_at": None,
        "address": None,
        "code": None,
        "updated_at": now,
    }


class NoticesRepository(DeliveryQueue):
    """Notices by id, due ones, and the codes an address got lately."""

    table = notices
    open_statuses = OPEN_NOTICE_STATUSES

    async def exists(self, notice_id: str) -> bool:
        """Whether a notice with this id was queued (whatever became of it)."""
        found = await self._session.scalar(select(notices.c.id).where(notices.c.id == notice_id))
        return found is not None

    async def add(self, notice: NewNotice) -> None:
        """Queue a notice."""
        values = row_values(notice, attempts=0, updated_at=notice.created_at, sent_at=None)
        await self._session.execute(insert(notices).values(**values))

    async def lock_address(self, address_key: str) -> None:
        """Serialise code decisions for one address until the transaction ends.

        PostgreSQL only: two cases naming one address may be applied at once by different
        consumers. SQLite allows one writer at a time, so the transaction is already alone.
        """
        if self._session.get_bind().dialect.name == "postgresql":
            await self._session.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                {"k": f"notify-code:{address_key}"},
            )

    async def code_times(
        self, address_key: str, kinds: Collection[NoticeKind], since: datetime
    ) -> list[datetime]:
        """When codes that count against the address's limit were queued after `since`."""
        n = notices.c
        counted = [*OPEN_NOTICE_STATUSES, NoticeStatus.SENT.value, NoticeStatus.FAILED.value]
        return await column(
            self._session,
            select(n.created_at).where(
                n.address_key == address_key,
                n.kind.in_([k.value for k in kinds]),
                n.status.in_(counted),
                n.created_at > since,
            ),
        )

    async def get(self, notice_id: str) -> NoticeRecord | None:
        """One notice."""
        row = await first_row(self._session, select(notices).where(notices.c.id == notice_id))
        if row is None:
            return None
        return record(
            NoticeRecord,
            row,
            {"kind": NoticeKind, "channel": MessageChannel, "status": NoticeStatus},
        )

    async def close(
        self,
        notice_id: str,
        status: NoticeStatus,
        reason: str | None,
        now: datetime,
        *,
        provider_message_id: str | None = None,
    ) -> None:
        """A notice is done (sent, failed, expired): its address and code are blanked."""
        values = _final(status, reason, now)
        if status is NoticeStatus.SENT:
            values.update(sent_at=now, provider_message_id=provider_message_id)
        await self._session.execute(
            update(notices).where(notices.c.id == notice_id).values(**values)
        )

    async def retry_later(self, notice_id: str, at: datetime, reason: str, now: datetime) -> None:
        """Another attempt at `at`."""
        await self._session.execute(
            update(notices)
            .where(notices.c.id == notice_id)
            .values(
                status=NoticeStatus.PENDING.value,
                next_attempt_at=at,
                reason_code=reason,
                updated_at=now,
            )
        )

    async def claim(self, notice: NoticeRecord, lease_until: datetime, now: datetime) -> bool:
        """Compare-and-set on (status, attempts) to `sending` with one more attempt: True when
        this worker got the notice."""
        return await self._claim(
            notice.id,
            notice.status.value,
            notice.attempts,
            status=NoticeStatus.SENDING.value,
            attempts=notice.attempts + 1,
            next_attempt_at=lease_until,
            updated_at=now,
        )
