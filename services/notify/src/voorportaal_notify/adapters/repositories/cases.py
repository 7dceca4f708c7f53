"""What notify keeps about a case beyond its messages: whether it was erased, which citizen
links the dossier revoked, and the purge of everything personal when it is erased."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update

from voorportaal_notify.adapters.orm import (
    case_access,
    checklist_reminders,
    confirmations,
    contact_points,
    erased_cases,
    messages,
    notices,
    pending_updates,
    revoked_links,
)
from voorportaal_notify.adapters.repositories._query import SessionRepository
from voorportaal_notify.domain.messages import OPEN_STATUSES, MessageStatus
from voorportaal_notify.domain.notices import OPEN_NOTICE_STATUSES, NoticeStatus


class CasesRepository(SessionRepository):
    """Erased cases and revoked links."""

    async def is_erased(self, case_id: str) -> bool:
        """Whether the case was anonymised."""
        found = await self._session.scalar(
            select(erased_cases.c.case_id).where(erased_cases.c.case_id == case_id)
        )
        return found is not None

    async def mark_erased(self, case_id: str, now: datetime) -> None:
        """Remember the case was anonymised (once) and forget who had access to it."""
        await self._session.execute(delete(case_access).where(case_access.c.case_id == case_id))
        if not await self.is_erased(case_id):
            await self._session.execute(insert(erased_cases).values(case_id=case_id, erased_at=now))

    async def add_revoked_link(
        self, case_id: str, link_id: str | None, holder: str | None, revoked_at: datetime
    ) -> None:
        """Keep a revoked link, or every link of a mandate (idempotent)."""
        t = revoked_links.c
        exists = await self._session.scalar(
            select(t.id).where(
                t.case_id == case_id,
                t.link_id.is_(None) if link_id is None else t.link_id == link_id,
                t.holder.is_(None) if holder is None else t.holder == holder,
            )
        )
        if exists is None:
            await self._session.execute(
                insert(revoked_links).values(
                    case_id=case_id, link_id=link_id, holder=holder, revoked_at=revoked_at
                )
            )

    async def link_revoked(self, case_id: str, link_id: str, holder: str | None) -> bool:
        """Whether the dossier revoked this link: by its id, or all links of its mandate."""
        t = revoked_links.c
        which = t.link_id == link_id
        if holder is not None:
            which = which | (t.holder == holder)
        found = await self._session.scalar(select(t.id).where(t.case_id == case_id, which).limit(1))
        return found is not None

    async def purge(self, case_id: str, now: datetime, reason: str) -> None:
        """Remove every personal detail kept for a case, keeping ids, times and statuses.

        Contact points and checklist reminders go; updates not yet in a message go, the others
        lose their fields (a staff name, a date); open messages and notices are cancelled;
        notices lose their address and code. The sent log, message statuses and attempts stay
        for the contact-load figures.
        """
        s = self._session
        await s.execute(delete(contact_points).where(contact_points.c.case_id == case_id))
        await s.execute(delete(confirmations).where(confirmations.c.case_id == case_id))
        r = checklist_reminders.c
        await s.execute(delete(checklist_reminders).where(r.case_id == case_id))
        u = pending_updates.c
        await s.execute(delete(pending_updates).where(u.case_id == case_id, u.message_id.is_(None)))
        await s.execute(update(pending_updates).where(u.case_id == case_id).values(fields={}))
        cancellable = [st.value for st in (*OPEN_STATUSES, MessageStatus.HELD)]
        await s.execute(
            update(messages)
            .where(messages.c.case_id == case_id, messages.c.status.in_(cancellable))
            .values(
                status=MessageStatus.CANCELLED.value,
                reason_code=reason,
                next_attempt_at=None,
                updated_at=now,
            )
        )
        n = notices.c
        await s.execute(
            update(notices)
            .where(n.case_id == case_id, n.status.in_(OPEN_NOTICE_STATUSES))
            .values(status=NoticeStatus.CANCELLED.value, reason_code=reason, next_attempt_at=None)
        )
        await s.execute(
            update(notices)
            .where(n.case_id == case_id)
            .values(address=None, code=None, address_key=None, updated_at=now)
        )
