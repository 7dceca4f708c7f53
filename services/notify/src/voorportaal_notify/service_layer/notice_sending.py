"""Sending due notices, in the delivery worker's round and after its pattern: claim (status
`sending`, a lease) and commit, call the provider with an idempotency key derived from the
notice id, record the outcome (sent; a retry with backoff for a transient failure; failed).
A notice that is done keeps no address and no code."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.types import MessageChannel
from voorportaal_kit.clock import Clock
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
    LINK_KINDS,
    OPEN_NOTICE_STATUSES,
    NoticeCatalogue,
    NoticeKind,
    NoticeStatus,
)
from voorportaal_notify.service_layer.channels import Channels

log = structlog.get_logger(__name__)


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
    console_url: str = field(default="http://localhost:3000", kw_only=True)
    """The buddy console, for the link of a staff notice (`<console_url>/zaak/<case id>`)."""
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
        link = (
            f"{self.console_url.rstrip('/')}/zaak/{claim.case_id}"
            if claim.kind in LINK_KINDS
            else None
        )
        message = self.catalogue.render(claim.kind, claim.language, code=claim.code, link=link)
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
