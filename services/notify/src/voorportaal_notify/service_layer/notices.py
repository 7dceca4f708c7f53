"""Notices: one-time codes from `contact.verifications` and the "your contact details were
changed" notice to an old address, queued in the consumer's (or the request's) transaction and
sent by the delivery worker's round, outside bundling and quiet hours (the citizen is waiting
for a code; a hijack warning should not wait).

A code is rate-limited **per address** (`code_limit_per_hour`, `code_limit_per_day`), counted
over every case by a keyed hash of the address, so many intakes that name one phone cannot flood
it. Sending follows the delivery worker's pattern: claim (status `sending`, a lease) and commit,
call the provider with an idempotency key derived from the notice id, record the outcome. A
notice that is done (sent, failed, expired, rate-limited, cancelled) keeps no address and no code.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import ContactVerificationRequested
from voorportaal_contracts.types import MessageChannel
from voorportaal_kit.clock import Clock
from voorportaal_kit.errors import PermanentError
from voorportaal_notify.adapters.repositories import NoticesRepository
from voorportaal_notify.adapters.senders import EmailSender, SmsGateway
from voorportaal_notify.domain.delivery import (
    ErrorClass,
    RetryPolicy,
    TransientDeliveryError,
    classify,
    reason_code_of,
)
from voorportaal_notify.domain.notices import (
    CODE_KINDS,
    OPEN_NOTICE_STATUSES,
    NewNotice,
    NoticeCatalogue,
    NoticeKind,
    NoticeStatus,
    address_key,
    address_of,
    code_allowed,
)
from voorportaal_notify.service_layer.case_state import is_erased
from voorportaal_notify.service_layer.channels import Channels

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


@dataclass(frozen=True)
class _NoticeClaim:
    notice_id: str
    case_id: str
    kind: NoticeKind
    channel: MessageChannel
    address: str
    code: str | None
    language: str
    attempt: int


@dataclass(frozen=True)
class NoticeSender:
    """Sends due notices; `run_once` is part of the delivery worker's round."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    catalogue: NoticeCatalogue
    email: EmailSender
    sms: SmsGateway
    retry: RetryPolicy
    lease: timedelta = field(default=timedelta(seconds=120), kw_only=True)
    """How long a claim holds before another worker may resend."""
    batch_size: int = field(default=100, kw_only=True)
    rng: random.Random = field(default_factory=random.Random, kw_only=True)
    """Jitter of the retry backoff."""

    async def run_once(self) -> int:
        """Send every due notice once; returns how many went out."""
        async with self.sessions() as session:
            due = await NoticesRepository(session).due(self.clock.now(), self.batch_size)
        sent = 0
        for notice_id in due:
            sent += await self.deliver(notice_id)
        return sent

    async def deliver(self, notice_id: str) -> int:
        """One attempt for one notice: 1 when it went out, else 0."""
        claim = await self._claim(notice_id)
        if claim is None:
            return 0
        message = self.catalogue.render(claim.kind, claim.language, code=claim.code)
        key = hashlib.sha256(f"notice|{claim.notice_id}".encode()).hexdigest()[:40]
        error: Exception | None = None
        provider_id = ""
        try:
            provider_id = await Channels(self.email, self.sms).send(
                claim.channel, claim.address, message, claim.notice_id, key
            )
        except Exception as exc:  # noqa: BLE001 - every failure is classified and recorded
            error = exc
        return await self._record(claim, provider_id, error)

    async def _claim(self, notice_id: str) -> _NoticeClaim | None:
        now = self.clock.now()
        async with self.sessions.begin() as session:
            repo = NoticesRepository(session)
            notice = await repo.get(notice_id)
            if notice is None or notice.status.value not in OPEN_NOTICE_STATUSES:
                return None
            if notice.next_attempt_at is None or notice.next_attempt_at > now:
                return None
            if notice.expires_at is not None and now >= notice.expires_at:
                await repo.close(notice_id, NoticeStatus.EXPIRED, "expired", now)
                return None
            if not await repo.claim(notice, now + self.lease, now):
                return None
        if notice.address is None:
            return None  # unreachable: an open notice keeps its address until it is done
        return _NoticeClaim(
            notice_id,
            notice.case_id,
            notice.kind,
            MessageChannel(notice.channel),
            notice.address,
            notice.code,
            notice.language,
            notice.attempts + 1,
        )

    async def _record(self, claim: _NoticeClaim, provider_id: str, error: Exception | None) -> int:
        now = self.clock.now()
        async with self.sessions.begin() as session:
            repo = NoticesRepository(session)
            current = await repo.get(claim.notice_id)
            if (
                current is None
                or current.status is not NoticeStatus.SENDING
                or current.attempts != claim.attempt
            ):
                return 0  # purged meanwhile, or another attempt took over after the lease
            if error is None:
                await repo.close(
                    claim.notice_id,
                    NoticeStatus.SENT,
                    None,
                    now,
                    provider_message_id=provider_id[:128],
                )
                log.info(
                    "notify.notice_sent",
                    case_id=claim.case_id,
                    kind=claim.kind.value,
                    channel=claim.channel.value,
                )
                return 1
            reason = reason_code_of(error)
            retry_at = None
            if classify(error) is ErrorClass.TRANSIENT:
                after = error.retry_after if isinstance(error, TransientDeliveryError) else None
                retry_at = self.retry.next_attempt_at(claim.attempt, now, self.rng, after)
            if retry_at is not None:
                await repo.retry_later(claim.notice_id, retry_at, reason, now)
            else:
                await repo.close(claim.notice_id, NoticeStatus.FAILED, reason, now)
            log.warning(
                "notify.notice_failed",
                case_id=claim.case_id,
                kind=claim.kind.value,
                channel=claim.channel.value,
                reason_code=reason,
                retry=retry_at is not None,
            )
            return 0
