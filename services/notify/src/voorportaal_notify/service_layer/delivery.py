"""The delivery worker: plans messages from pending updates and hands them to SMTP or SMS.

It runs as a periodic job (`worker_interval_s`, 1 s by default) in every replica, in two steps.

**Plan.** For each case with updates not yet in a message, and each recipient (the citizen, and a
representative who receives copies), `domain.policy.plan_send` decides when the queue goes out
(bundling window, quiet hours, rate limit). When it is due, one `messages` row is written that
carries every queued update; its idempotency key is a hash of the case, the recipient and the
update ids, unique in the table, so two replicas planning at once cannot make two messages.

**Send: exactly once as far as the citizen can tell.**

1. *Intention, committed before the provider is called.* In its own transaction the worker
   claims a due message with a compare-and-set on (status, attempts), marks it `sending`, sets
   `next_attempt_at` to now + `send_lease_s`, and records a `delivery_attempts` row — then
   commits.
2. *The call.* SMTP with a Message-ID derived from the idempotency key; the SMS gateway with the
   key in its `Idempotency-Key` header. The rendered text is deterministic for a message (the
   language is fixed at the first attempt, the link's expiry derives from the message's creation
   time), so a resend is the same request.
3. *The outcome, in a second transaction*: `sent` with the provider's id, a line in the sent log
   and `NotificationSent` (outbox); or, per `domain.delivery.after_failure`, a retry with backoff
   (`deferred`), failover to the citizen's next allowed channel, or `failed` with
   `NotificationFailed` (outbox).

If the process dies between 1 and 3, the message stays `sending`; when its lease has passed, a
worker (after a restart, or another replica) sends it again **with the same idempotency key**
and marks the earlier attempt `interrupted`. For SMS the gateway recognises the key and answers
with the first message's id: the citizen gets one SMS. **The remaining edge is e-mail:** SMTP has
no idempotency, so a crash after the mail server accepted the message and before the outcome was
committed sends the e-mail a second time. Both copies carry the same Message-ID, so mail clients
that thread or deduplicate on it show one message; others show two identical e-mails. The window
is the few milliseconds between the server's `250` and our commit. A lease shorter than a slow
send could also let a second replica resend while the first is still talking to the server; the
lease (120 s) is far above the SMTP and gateway timeouts (10 s) for that reason.

**Confirmed addresses, own links.** The citizen's updates are planned only while they have a
confirmed channel (`recipients.held_for_confirmation`); a message whose channel lost its
confirmation before it went out is `held` until one is confirmed again. A representative's copy
is planned only under a current mandate (`MandateGranted` on `case.events`, matched by the
representative's relation), and its link names that mandate (`holder`): never the citizen's own
link. One-time codes and the notice to an old address go out in the same round
(`service_layer.notices`).

Outcome events are published for the citizen's messages only: a representative's copy that
fails is recorded in the deliveries but does not tell the casemanager "we could not reach this
citizen".
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.citizen_links import citizen_link, sign_link_token
from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import NotificationFailed, NotificationSent
from voorportaal_contracts.types import MessageChannel
from voorportaal_kit.case_access import CaseAccessStore
from voorportaal_kit.clock import Clock
from voorportaal_kit.outbox import add_events
from voorportaal_notify.adapters.orm import (
    contact_points,
    delivery_attempts,
    messages,
    pending_updates,
    sent_log,
)
from voorportaal_notify.adapters.senders import EmailSender, SmsGateway
from voorportaal_notify.domain.access import current_mandate
from voorportaal_notify.domain.delivery import (
    AttemptOutcome,
    DeliveryError,
    RetryPolicy,
    after_failure,
    classify,
    failover_channel,
    first_channel,
)
from voorportaal_notify.domain.policy import (
    ContactPolicy,
    PendingUpdate,
    Priority,
    QuietHours,
    due,
    plan_send,
)
from voorportaal_notify.domain.render import Message, Renderer, RenderError
from voorportaal_notify.domain.templates import BUNDLE_TEMPLATE
from voorportaal_notify.service_layer.case_state import OPEN_STATUSES
from voorportaal_notify.service_layer.notices import NoticeSender
from voorportaal_notify.service_layer.recipients import (
    Recipient,
    RecipientKind,
    citizen_of,
    held_for_confirmation,
    recipient_of,
    representative_of,
)

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class DeliveryConfig:
    """What the worker needs from the settings."""

    policy: ContactPolicy
    """Bundling window, rate limit and the default quiet hours."""
    retry: RetryPolicy
    link_key: bytes
    link_base_url: str
    link_ttl: timedelta = timedelta(days=30)
    send_lease: timedelta = timedelta(seconds=120)
    batch_size: int = 100
    source: str = "/voorportaal/notify"


@dataclass(frozen=True)
class RoundResult:
    """What one worker round did."""

    planned: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    notices: int = 0
    """One-time codes and old-address notices sent."""


@dataclass(frozen=True)
class _Claim:
    """A message claimed for one attempt, rendered and ready for the provider."""

    message_id: str
    case_id: str
    recipient: Recipient
    channel: MessageChannel
    attempt: int
    idempotency_key: str
    rendered: Message
    holder: str | None = None


def idempotency_key(case_id: str, recipient: str, update_ids: Sequence[str]) -> str:
    """The key of the message carrying these updates: the same whoever plans it, however often."""
    material = "|".join([case_id, recipient, *sorted(update_ids)])
    return hashlib.sha256(material.encode()).hexdigest()[:40]


def _reason(error: BaseException) -> str:
    if isinstance(error, DeliveryError):
        return error.reason_code[:64]
    return type(error).__name__.lower()[:64]


class DeliveryWorker:
    """Plans and sends; `run_once` is the periodic job."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        config: DeliveryConfig,
        renderer: Renderer,
        email: EmailSender,
        sms: SmsGateway,
        rng: random.Random | None = None,
        notices: NoticeSender | None = None,
        access: CaseAccessStore | None = None,
    ) -> None:
        self._notices = notices
        self._access = access
        self._sessions = sessions
        self._clock = clock
        self._config = config
        self._renderer = renderer
        self._email = email
        self._sms = sms
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not a secret

    async def run_once(self) -> RoundResult:
        """Plan what is due, then send what is due; one round of the periodic job."""
        notices = await self._notices.run_once() if self._notices is not None else 0
        planned = await self.plan()
        sent = retried = failed = 0
        for message_id in await self._due_messages():
            outcome = await self.deliver(message_id)
            if outcome is AttemptOutcome.SENT:
                sent += 1
            elif outcome is AttemptOutcome.FAILED:
                failed += 1
            elif outcome is not None:
                retried += 1
        return RoundResult(planned, sent, retried, failed, notices)

    # -- planning ----------------------------------------------------------------------------

    async def plan(self) -> int:
        """Turn due queues of pending updates into messages; returns messages planned."""
        async with self._sessions() as session:
            case_ids = (
                (
                    await session.execute(
                        select(pending_updates.c.case_id)
                        .where(
                            or_(
                                and_(
                                    pending_updates.c.message_id.is_(None),
                                    # Held for a confirmed address: they wait without taking
                                    # a place in the batch.
                                    pending_updates.c.case_id.in_(
                                        select(contact_points.c.case_id).where(
                                            contact_points.c.held.is_(False)
                                        )
                                    ),
                                ),
                                and_(
                                    pending_updates.c.copy_wanted.is_(True),
                                    pending_updates.c.copy_message_id.is_(None),
                                ),
                            ),
                            # Updates of a case whose contact points have not arrived wait
                            # without taking a place in the batch.
                            pending_updates.c.case_id.in_(select(contact_points.c.case_id)),
                        )
                        .group_by(pending_updates.c.case_id)
                        .order_by(func.min(pending_updates.c.created_at))
                        .limit(self._config.batch_size)
                    )
                )
                .scalars()
                .all()
            )
        planned = 0
        for case_id in case_ids:
            try:
                async with self._sessions.begin() as session:
                    planned += await self._plan_case(session, case_id)
            except IntegrityError:
                # Another replica planned the same updates (same idempotency key): its message
                # stands, ours is rolled back.
                log.info("notify.plan_raced", case_id=case_id)
        return planned

    async def _plan_case(self, session: AsyncSession, case_id: str) -> int:
        now = self._clock.now()
        contact = (
            (
                await session.execute(
                    select(contact_points).where(contact_points.c.case_id == case_id)
                )
            )
            .mappings()
            .first()
        )
        if contact is None:
            return 0  # the contact points have not arrived yet: the updates wait for them
        updates = (
            (
                await session.execute(
                    select(pending_updates)
                    .where(pending_updates.c.case_id == case_id)
                    .where(
                        or_(
                            pending_updates.c.message_id.is_(None),
                            pending_updates.c.copy_message_id.is_(None),
                        )
                    )
                    .order_by(pending_updates.c.created_at, pending_updates.c.id)
                )
            )
            .mappings()
            .all()
        )
        planned = 0
        citizen = citizen_of(contact)
        for_citizen = [u for u in updates if u["message_id"] is None]
        if for_citizen and not held_for_confirmation(contact):
            planned += await self._plan_for(session, case_id, citizen, for_citizen, now)
        copies = [u for u in updates if u["copy_wanted"] and u["copy_message_id"] is None]
        if not copies:
            return planned
        representative = representative_of(contact)
        holder = (
            await self._mandate(session, case_id, representative.relation, now)
            if representative is not None
            else None
        )
        if representative is None or holder is None:
            # Nobody receives copies (now), or nobody under a current mandate: these updates
            # will never be copied.
            await session.execute(
                update(pending_updates)
                .where(pending_updates.c.id.in_([u["id"] for u in copies]))
                .values(copy_wanted=False)
            )
            if representative is not None:
                log.info("notify.copy_without_mandate", case_id=case_id, updates=len(copies))
        else:
            planned += await self._plan_for(
                session, case_id, representative, copies, now, holder=holder
            )
        return planned

    async def _mandate(
        self, session: AsyncSession, case_id: str, relation: str | None, now: datetime
    ) -> str | None:
        """The current mandate a representative's copy acts under (None: no copy)."""
        if self._access is None:
            return None
        return current_mandate(await self._access.get(session, case_id), relation, now)

    def _policy(self, recipient: Recipient) -> ContactPolicy:
        base = self._config.policy
        if recipient.quiet_hours is None:
            return base
        return ContactPolicy(
            bundle_window=base.bundle_window,
            max_messages=base.max_messages,
            rate_window=base.rate_window,
            quiet_hours=recipient.quiet_hours,
        )

    async def _plan_for(
        self,
        session: AsyncSession,
        case_id: str,
        recipient: Recipient,
        updates: Sequence[Mapping[Any, Any]],
        now: datetime,
        *,
        holder: str | None = None,
    ) -> bool:
        policy = self._policy(recipient)
        sent_at = (
            (
                await session.execute(
                    select(sent_log.c.sent_at).where(
                        sent_log.c.case_id == case_id,
                        sent_log.c.recipient == recipient.kind.value,
                        sent_log.c.sent_at > now - policy.rate_window,
                    )
                )
            )
            .scalars()
            .all()
        )
        pending = [
            PendingUpdate(
                u["id"], u["created_at"], Priority(u["priority"]), u["ignore_quiet_hours"]
            )
            for u in updates
        ]
        plan = plan_send(pending, list(sent_at), policy, now)
        if plan is None or not due(plan, now):
            return False
        ids = [u.update_id for u in plan.updates]
        chosen = [u for u in updates if u["id"] in set(ids)]
        pages = {u["link_page"] for u in chosen}
        channel = first_channel(recipient.prefs)
        message_id = uuid.uuid4().hex
        status, reason = ("pending", None) if channel is not None else ("skipped", "no_channel")
        if channel is None and recipient.unconfirmed:
            reason = "unconfirmed"  # a representative's address is not confirmed: no copy
        await session.execute(
            insert(messages).values(
                id=message_id,
                case_id=case_id,
                recipient=recipient.kind.value,
                idempotency_key=idempotency_key(case_id, recipient.kind.value, ids),
                update_ids=ids,
                template_id=chosen[0]["template_id"] if len(chosen) == 1 else BUNDLE_TEMPLATE,
                updates=len(chosen),
                action_required=any(u["action_required"] for u in chosen),
                link_page=pages.pop() if len(pages) == 1 else "overview",
                language=None,
                status=status,
                channel=channel.value if channel is not None else None,
                channels_tried=[],
                attempts=0,
                retries_on_channel=0,
                next_attempt_at=now if channel is not None else None,
                provider_message_id=None,
                reason_code=reason,
                created_at=now,
                updated_at=now,
                sent_at=None,
                holder=holder,
            )
        )
        column = (
            pending_updates.c.message_id
            if recipient.kind is RecipientKind.CITIZEN
            else pending_updates.c.copy_message_id
        )
        await session.execute(
            update(pending_updates)
            .where(pending_updates.c.id.in_(ids))
            .values({column.name: message_id})
        )
        log.info(
            "notify.message_planned",
            case_id=case_id,
            message_id=message_id,
            recipient=recipient.kind.value,
            updates=len(ids),
            status=status,
        )
        return True

    # -- sending -----------------------------------------------------------------------------

    async def _due_messages(self) -> list[str]:
        now = self._clock.now()
        async with self._sessions() as session:
            return list(
                (
                    await session.execute(
                        select(messages.c.id)
                        .where(
                            messages.c.status.in_(OPEN_STATUSES),
                            messages.c.next_attempt_at <= now,
                        )
                        .order_by(messages.c.next_attempt_at)
                        .limit(self._config.batch_size)
                    )
                )
                .scalars()
                .all()
            )

    async def deliver(self, message_id: str) -> AttemptOutcome | None:
        """One attempt for one message; None when it was not due or another worker has it."""
        claim = await self._claim(message_id)
        if claim is None:
            return None
        error: Exception | None = None
        provider_id = ""
        try:
            provider_id = await self._hand_over(claim)
        except Exception as exc:  # noqa: BLE001 - every failure is classified and recorded
            error = exc
        return await self._record(claim, provider_id, error)

    async def _claim(self, message_id: str) -> _Claim | None:
        now = self._clock.now()
        async with self._sessions.begin() as session:
            row = (
                (await session.execute(select(messages).where(messages.c.id == message_id)))
                .mappings()
                .first()
            )
            if row is None or row["status"] not in OPEN_STATUSES:
                return None
            if row["next_attempt_at"] is None or row["next_attempt_at"] > now:
                return None
            contact = (
                (
                    await session.execute(
                        select(contact_points).where(contact_points.c.case_id == row["case_id"])
                    )
                )
                .mappings()
                .first()
            )
            recipient = recipient_of(contact, row["recipient"]) if contact else None
            channel = self._channel_for(row, recipient)
            if (
                contact is not None
                and recipient is not None
                and channel is None
                and recipient.kind is RecipientKind.CITIZEN
                and held_for_confirmation(contact)
            ):
                # The address lost its confirmation before the message went out: the message
                # is held until a channel is confirmed again (`NotifyService` releases it).
                await session.execute(
                    update(messages)
                    .where(messages.c.id == message_id)
                    .values(
                        status="held",
                        reason_code="unconfirmed",
                        next_attempt_at=None,
                        updated_at=now,
                    )
                )
                return None
            if recipient is not None and recipient.kind is RecipientKind.REPRESENTATIVE:
                mandate = await self._mandate(session, row["case_id"], recipient.relation, now)
                if row["holder"] is None or mandate != row["holder"]:
                    # The mandate ended (or changed) since the copy was planned: its link
                    # would open nothing, and the citizen's link never goes to a copy.
                    await self._finish(session, row, now, "cancelled", "no_mandate", stage=False)
                    return None
            if recipient is None or channel is None:
                await self._finish(session, row, now, "cancelled", "no_channel", stage=False)
                return None
            try:
                rendered = await self._render(session, row, recipient)
            except RenderError:
                # No traceback: the context it quotes holds the personal link, a credential.
                log.error(  # noqa: TRY400
                    "notify.render_failed", case_id=row["case_id"], message_id=message_id
                )
                await self._finish(session, row, now, "failed", "render_error", stage=True)
                return None
            attempt = row["attempts"] + 1
            tried = list(row["channels_tried"])
            if channel.value not in tried:
                tried.append(channel.value)
            claimed = await session.execute(
                update(messages)
                .where(
                    messages.c.id == message_id,
                    messages.c.status == row["status"],
                    messages.c.attempts == row["attempts"],
                )
                .values(
                    status="sending",
                    attempts=attempt,
                    channel=channel.value,
                    channels_tried=tried,
                    language=rendered.language,
                    next_attempt_at=now + self._config.send_lease,
                    updated_at=now,
                )
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                return None  # another worker claimed it first
            if row["status"] == "sending":
                # The previous attempt never recorded an outcome (the process died mid-send).
                await session.execute(
                    update(delivery_attempts)
                    .where(
                        delivery_attempts.c.message_id == message_id,
                        delivery_attempts.c.outcome == "sending",
                    )
                    .values(outcome="interrupted", finished_at=now)
                )
                log.warning("notify.resend_after_interruption", message_id=message_id)
            await session.execute(
                insert(delivery_attempts).values(
                    message_id=message_id,
                    attempt=attempt,
                    channel=channel.value,
                    outcome="sending",
                    started_at=now,
                )
            )
        return _Claim(
            message_id,
            row["case_id"],
            recipient,
            channel,
            attempt,
            row["idempotency_key"],
            rendered,
            row["holder"],
        )

    @staticmethod
    def _channel_for(row: Mapping[Any, Any], recipient: Recipient | None) -> MessageChannel | None:
        if recipient is None:
            return None
        current = MessageChannel(row["channel"]) if row["channel"] else None
        if current is not None and recipient.prefs.address(current):
            return current
        # The preferences changed since the message was planned: the next allowed channel.
        return failover_channel(recipient.prefs, [MessageChannel(c) for c in row["channels_tried"]])

    async def _render(
        self, session: AsyncSession, row: Mapping[Any, Any], recipient: Recipient
    ) -> Message:
        updates = (
            (
                await session.execute(
                    select(pending_updates.c.template_id, pending_updates.c.fields)
                    .where(pending_updates.c.id.in_(row["update_ids"]))
                    .order_by(pending_updates.c.created_at, pending_updates.c.id)
                )
            )
            .mappings()
            .all()
        )
        if not updates:
            raise RenderError("the message's updates are gone")
        # The expiry derives from the message, not the attempt: a resend is the same text.
        holder = None
        if recipient.kind is RecipientKind.REPRESENTATIVE:
            holder = row["holder"]
            if holder is None:
                raise RenderError("a representative's copy needs their mandate's link")
        token = sign_link_token(
            self._config.link_key,
            case_id=row["case_id"],
            page=row["link_page"],
            expires_at=row["created_at"].replace(microsecond=0) + self._config.link_ttl,
            holder=holder,
        )
        context = {
            "link": citizen_link(self._config.link_base_url, token),
            "recipient": recipient.kind.value,
        }
        language = row["language"] or recipient.language
        return self._renderer.render_updates(
            language, context, [{"template_id": u["template_id"], **u["fields"]} for u in updates]
        )

    async def _hand_over(self, claim: _Claim) -> str:
        prefs = claim.recipient.prefs
        address = prefs.address(claim.channel)
        assert address is not None  # _channel_for only picks channels with an address
        if claim.channel is MessageChannel.EMAIL:
            mail = await self._email.send(
                to=address, message=claim.rendered, idempotency_key=claim.idempotency_key
            )
            return mail.message_id
        sms = await self._sms.send(
            to=address,
            text=claim.rendered.sms,
            reference=claim.message_id,
            idempotency_key=claim.idempotency_key,
        )
        if sms.duplicate:
            log.info("notify.sms_already_accepted", message_id=claim.message_id)
        return sms.message_id

    async def _record(
        self, claim: _Claim, provider_id: str, error: Exception | None
    ) -> AttemptOutcome | None:
        now = self._clock.now()
        async with self._sessions.begin() as session:
            row = (
                (await session.execute(select(messages).where(messages.c.id == claim.message_id)))
                .mappings()
                .first()
            )
            attempt_row = and_(
                delivery_attempts.c.message_id == claim.message_id,
                delivery_attempts.c.attempt == claim.attempt,
            )
            if error is None:
                await session.execute(
                    update(delivery_attempts)
                    .where(attempt_row)
                    .values(outcome="sent", provider_message_id=provider_id[:128], finished_at=now)
                )
            else:
                await session.execute(
                    update(delivery_attempts)
                    .where(attempt_row)
                    .values(
                        outcome=classify(error).value, reason_code=_reason(error), finished_at=now
                    )
                )
            if row is None or row["status"] != "sending" or row["attempts"] != claim.attempt:
                # Erased meanwhile, or the lease ran out and another attempt took over.
                return None
            if error is None:
                return await self._sent(session, row, claim, provider_id, now)
            return await self._failed(session, row, claim, error, now)

    async def _sent(
        self,
        session: AsyncSession,
        row: Mapping[Any, Any],
        claim: _Claim,
        provider_id: str,
        now: datetime,
    ) -> AttemptOutcome:
        await session.execute(
            update(messages)
            .where(messages.c.id == claim.message_id)
            .values(
                status="sent",
                provider_message_id=provider_id[:128],
                sent_at=now,
                next_attempt_at=None,
                reason_code=None,
                updated_at=now,
            )
        )
        await session.execute(
            insert(sent_log).values(
                case_id=claim.case_id,
                recipient=row["recipient"],
                message_id=claim.message_id,
                channel=claim.channel.value,
                updates=row["updates"],
                action_required=row["action_required"],
                sent_at=now,
            )
        )
        if row["recipient"] == RecipientKind.CITIZEN.value:
            sent = NotificationSent(
                case_id=claim.case_id,
                notification_id=claim.message_id,
                channel=claim.channel,
                sent_at=now,
            )
            await add_events(
                session,
                [Envelope(sent, source=self._config.source, time=now)],
                clock=self._clock,
            )
        log.info(
            "notify.message_sent",
            case_id=claim.case_id,
            message_id=claim.message_id,
            channel=claim.channel.value,
            attempt=claim.attempt,
        )
        return AttemptOutcome.SENT

    async def _failed(
        self,
        session: AsyncSession,
        row: Mapping[Any, Any],
        claim: _Claim,
        error: Exception,
        now: datetime,
    ) -> AttemptOutcome:
        tried = [MessageChannel(c) for c in row["channels_tried"]]
        step = after_failure(
            error,
            channel=claim.channel,
            retries_done=row["retries_on_channel"],
            tried=tried,
            prefs=claim.recipient.prefs,
            policy=self._config.retry,
            now=now,
            rng=self._rng,
        )
        reason = _reason(error)
        log.warning(
            "notify.attempt_failed",
            case_id=claim.case_id,
            message_id=claim.message_id,
            channel=claim.channel.value,
            reason_code=reason,
            error_class=classify(error).value,
            next_step=step.outcome.value,
        )
        quiet = self._policy(claim.recipient).quiet_hours
        if step.outcome is AttemptOutcome.RETRY and step.retry_at is not None:
            await self._reschedule(
                session,
                row,
                now,
                "deferred",
                _defer(quiet, step.retry_at),
                reason,
                retries=row["retries_on_channel"] + 1,
            )
        elif step.outcome is AttemptOutcome.FAILOVER and step.channel is not None:
            await self._reschedule(
                session,
                row,
                now,
                "pending",
                _defer(quiet, now),
                reason,
                retries=0,
                channel=step.channel,
            )
        else:
            await self._finish(session, row, now, "failed", reason, stage=True)
        return step.outcome

    async def _reschedule(
        self,
        session: AsyncSession,
        row: Mapping[Any, Any],
        now: datetime,
        status: str,
        at: datetime,
        reason: str,
        *,
        retries: int,
        channel: MessageChannel | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "status": status,
            "next_attempt_at": at,
            "reason_code": reason,
            "retries_on_channel": retries,
            "updated_at": now,
        }
        if channel is not None:
            values["channel"] = channel.value
        await session.execute(update(messages).where(messages.c.id == row["id"]).values(**values))

    async def _finish(
        self,
        session: AsyncSession,
        row: Mapping[Any, Any],
        now: datetime,
        status: str,
        reason: str,
        *,
        stage: bool,
    ) -> None:
        await session.execute(
            update(messages)
            .where(messages.c.id == row["id"])
            .values(status=status, reason_code=reason, next_attempt_at=None, updated_at=now)
        )
        if stage and row["recipient"] == RecipientKind.CITIZEN.value:
            tried = [MessageChannel(c) for c in row["channels_tried"]] or (
                [MessageChannel(row["channel"])] if row["channel"] else [MessageChannel.POST]
            )
            failed = NotificationFailed(
                case_id=row["case_id"],
                notification_id=row["id"],
                channels_tried=tried,
                reason_code=reason,
                failed_at=now,
            )
            await add_events(
                session,
                [Envelope(failed, source=self._config.source, time=now)],
                clock=self._clock,
            )
            log.warning(
                "notify.citizen_not_reached",
                case_id=row["case_id"],
                message_id=row["id"],
                reason_code=reason,
            )


def _defer(quiet: QuietHours, at: datetime) -> datetime:
    """No retry or failover lands in the recipient's quiet hours either."""
    return quiet.defer(at)
