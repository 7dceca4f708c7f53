"""Notices: one-time codes from `contact.verifications` and the "your contact details were
changed" notice to an old address, queued in the consumer's (or the request's) transaction and
sent by the delivery worker's round, outside bundling and quiet hours (the citizen is waiting
for a code; a hijack warning should not wait).

A code is rate-limited **per address** (`code_limit_per_hour`, `code_limit_per_day`), counted
over every case by a keyed hash of the address, so many intakes that name one phone cannot flood
it. Sending (`notice_sending`) follows the delivery worker's pattern. A notice that is done
(sent, failed, expired, rate-limited, cancelled) keeps no address and no code.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import ContactVerificationRequested, StaffNotificationRequested
from voorportaal_contracts.types import MessageChannel
from voorportaal_kit.clock import Clock
from voorportaal_kit.errors import PermanentError
from voorportaal_notify.adapters.repositories import NoticesRepository
from voorportaal_notify.domain.notices import (
    CODE_KINDS,
    NewNotice,
    NoticeKind,
    NoticeStatus,
    address_key,
    address_of,
    code_allowed,
)
from voorportaal_notify.service_layer.case_state import is_erased

log = structlog.get_logger(__name__)


class VerificationWithoutAddress(PermanentError):
    """A code request names a channel it gives no address for (dead-lettered)."""

    code = "verification_without_address"


@dataclass(frozen=True)
class CodeLimits:
    """How many codes one address may get."""

    per_hour: int = 3
    per_day: int = 10


@dataclass(frozen=True)
class NoticeQueue:
    """Queues notices; runs inside the caller's transaction."""

    clock: Clock
    key: bytes
    """Keys the hashes of addresses and codes."""
    limits: CodeLimits
    staff_emails: Mapping[str, str] = field(default_factory=dict)
    """Each staff member's e-mail address by staff id (`NotifySettings.staff_emails`)."""

    async def on_staff_notification(self, session: AsyncSession, incoming: Envelope) -> None:
        """Queue the e-mail a staff member chose for a console notification (a link only); a
        staff id without an address in the settings is logged by id and left (nothing to
        retry until an operator adds it)."""
        event = incoming.data
        if not isinstance(event, StaffNotificationRequested):
            raise TypeError(f"not a staff notification: {type(event).__name__}")
        address = self.staff_emails.get(event.staff_id)
        if address is None:
            log.warning("notify.staff_email_unknown", staff_id=event.staff_id)
            return
        now = self.clock.now()
        # One notice per notification, however often the fact is delivered.
        notice_id = uuid.uuid5(uuid.NAMESPACE_URL, f"staff-notice:{event.notification_id}").hex
        if await NoticesRepository(session).get(notice_id) is not None:
            return
        await NoticesRepository(session).add(
            NewNotice(
                id=notice_id,
                case_id=event.case_id,
                kind=NoticeKind.STAFF_NOTICE,
                channel=MessageChannel.EMAIL,
                language="nl",
                status=NoticeStatus.PENDING,
                created_at=now,
                address=address,
                next_attempt_at=now,
            )
        )
        log.info("notify.staff_notice_queued", case_id=event.case_id, staff_id=event.staff_id)

    async def on_verification_requested(self, session: AsyncSession, incoming: Envelope) -> None:
        """The intake asks for a code to be sent: queue it unless the address had enough."""
        event = incoming.data
        assert isinstance(event, ContactVerificationRequested)
        channel = MessageChannel(event.channel)
        address = address_of(channel, str(event.email) if event.email else None, event.phone)
        if address is None:
            raise VerificationWithoutAddress(f"no address for channel {channel.value}")
        if await NoticesRepository(session).exists(event.verification_id):
            return  # the same request again (the intake retried): one code is enough
        if await is_erased(session, event.case_id):
            log.info("notify.code_for_erased_case", case_id=event.case_id)
            return
        await self.queue_code(
            session,
            kind=NoticeKind.REPRESENTATIVE_CODE
            if event.for_representative
            else NoticeKind.VERIFICATION_CODE,
            notice_id=event.verification_id,
            case_id=event.case_id,
            channel=channel,
            address=address,
            code=event.code,
            language=event.language,
            expires_at=event.expires_at,
        )

    async def queue_code(
        self,
        session: AsyncSession,
        *,
        notice_id: str,
        case_id: str,
        channel: MessageChannel,
        address: str,
        code: str,
        language: str,
        expires_at: datetime,
        kind: NoticeKind = NoticeKind.VERIFICATION_CODE,
    ) -> NoticeStatus:
        """Queue a one-time code for `address`, unless it expired or the address had enough
        codes lately (counted over every case); returns the notice's status."""
        now = self.clock.now()
        repo = NoticesRepository(session)
        keyed = self.key_of(channel, address)
        refused = NewNotice(
            id=notice_id,
            case_id=case_id,
            kind=kind,
            channel=channel,
            language=language,
            status=NoticeStatus.EXPIRED,
            created_at=now,
            address_key=keyed,
            reason_code="expired",
            expires_at=expires_at,
        )
        if now >= expires_at:
            await repo.add(refused)
            return NoticeStatus.EXPIRED
        await repo.lock_address(keyed)
        earlier = await repo.code_times(keyed, CODE_KINDS, now - timedelta(days=1))
        if not code_allowed(
            earlier, now, per_hour=self.limits.per_hour, per_day=self.limits.per_day
        ):
            await repo.add(
                replace(
                    refused, status=NoticeStatus.RATE_LIMITED, reason_code="address_rate_limited"
                )
            )
            log.warning("notify.code_rate_limited", case_id=case_id, channel=channel.value)
            return NoticeStatus.RATE_LIMITED
        await repo.add(
            replace(
                refused,
                status=NoticeStatus.PENDING,
                reason_code=None,
                address=address,
                code=code,
                next_attempt_at=now,
            )
        )
        log.info("notify.code_queued", case_id=case_id, channel=channel.value)
        return NoticeStatus.PENDING

    def code_hash(self, confirmation_id: str, code: str) -> str:
        """The keyed hash a confirmation keeps instead of its code."""
        material = f"notify-confirmation|{confirmation_id}|{code}".encode()
        return hmac.new(self.key, material, hashlib.sha256).hexdigest()

    def key_of(self, channel: MessageChannel, address: str) -> str:
        """The keyed hash of an address (rate limits and confirmations match on it)."""
        return address_key(self.key, channel, address)

    async def contact_changed(
        self,
        session: AsyncSession,
        case_id: str,
        channel: MessageChannel,
        old_address: str,
        language: str,
    ) -> str:
        """Tell the old address that the contact details changed; returns the notice id."""
        now = self.clock.now()
        notice_id = uuid.uuid4().hex
        await NoticesRepository(session).add(
            NewNotice(
                id=notice_id,
                case_id=case_id,
                kind=NoticeKind.CONTACT_CHANGED,
                channel=channel,
                language=language,
                status=NoticeStatus.PENDING,
                created_at=now,
                address=old_address,
                next_attempt_at=now,
            )
        )
        log.info("notify.old_address_told", case_id=case_id, channel=channel.value)
        return notice_id
