"""A staff member's notices (`GET /me/notifications`, `POST /me/notifications/{id}/read`):
each names a case and what happened on it, nothing personal. Both are audited as reads of
case data are: one record per case the answer names (or the notice marked read); anyone
but a casemanager or supervisor is refused, and that refusal is audited too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import structlog

from voorportaal_dossier.adapters import staff_notice_rows
from voorportaal_dossier.adapters.staff_notice_rows import NoticeRow
from voorportaal_dossier.service_layer import audit_log
from voorportaal_dossier.service_layer.access import Actor, record
from voorportaal_dossier.service_layer.case_access import UseCase
from voorportaal_dossier.service_layer.queue import audit_aggregate_read
from voorportaal_kit.audit import AuditAction
from voorportaal_kit.case_access import Decision
from voorportaal_kit.errors import Forbidden, NotFound

log = structlog.get_logger(__name__)

DATA_KIND = "staff_notices"
PURPOSE = "notifications"
_ADDRESSEE = Decision(True, "a staff member reads the notices addressed to them", "addressee")
_NOT_STAFF = Decision(False, "only casemanagers and supervisors have notices", "none")


@dataclass(frozen=True, slots=True)
class NoticeList:
    """The newest notices of one staff member, and how many of all theirs are unread."""

    unread: int
    items: list[NoticeRow]


class StaffNotices(UseCase):
    """Reading and marking one's own notices."""

    async def mine(self, actor: Actor, *, limit: int = 50) -> NoticeList:
        """The caller's newest notices and unread count (one audit record per case named)."""
        now = self._cases.now()
        await self._refuse_non_staff(actor, now)
        async with self._cases.sessions.begin() as session:
            items = await staff_notice_rows.newest(session, actor.subject, limit)
            unread = await staff_notice_rows.unread_count(session, actor.subject)
            case_ids = sorted({item.case_id for item in items})
            await audit_log.append(
                session,
                [
                    record(actor, case_id, DATA_KIND, PURPOSE, AuditAction.READ, _ADDRESSEE, now)
                    for case_id in case_ids
                ],
            )
        return NoticeList(unread=unread, items=items)

    async def mark_read(self, actor: Actor, notice_id: str) -> NoticeRow:
        """Mark one of the caller's notices read; someone else's is 404, as an unknown one."""
        now = self._cases.now()
        await self._refuse_non_staff(actor, now)
        async with self._cases.sessions.begin() as session:
            row = await staff_notice_rows.one(session, notice_id, actor.subject)
            if row is None:
                raise NotFound(
                    "You have no such notification. / U hebt deze melding niet.",
                    field="notification_id",
                )
            await staff_notice_rows.mark_read(session, notice_id, now)
            await audit_log.append(
                session,
                [
                    record(
                        actor,
                        row.case_id,
                        DATA_KIND,
                        PURPOSE,
                        AuditAction.CHANGE,
                        _ADDRESSEE,
                        now,
                        object_id=notice_id,
                    )
                ],
            )
        return NoticeRow(row.notice_id, row.case_id, row.kind, row.at, row.read_at or now)

    async def email_chosen(self, actor: Actor) -> bool:
        """Whether the caller chose an e-mail (a link only) for each new notice."""
        await self._refuse_non_staff(actor, self._cases.now())
        async with self._cases.sessions() as session:
            return actor.subject in await staff_notice_rows.email_wanted(session, {actor.subject})

    async def choose_email(self, actor: Actor, on: bool) -> bool:
        """Record the caller's choice (their address itself is in notify's configuration)."""
        now = self._cases.now()
        await self._refuse_non_staff(actor, now)
        async with self._cases.sessions.begin() as session:
            await staff_notice_rows.set_email(session, actor.subject, on, now)
        log.info("dossier.staff_email_choice", subject=actor.subject, email=on)
        return on

    async def _refuse_non_staff(self, actor: Actor, now: datetime) -> None:
        if actor.is_case_staff:
            return
        async with self._cases.sessions.begin() as session:
            await audit_aggregate_read(session, actor, DATA_KIND, PURPOSE, _NOT_STAFF, now)
        # Raised outside the transaction, so the refusal stays in the audit log.
        raise Forbidden(_NOT_STAFF.reason)
