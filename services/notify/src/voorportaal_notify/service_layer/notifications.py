"""Notify use cases: events become pending updates, contact points are kept, staff read the
contact-load meter and the deliveries, and preferences change.

Nothing is sent here. A consumed event only records *that the citizen should hear about it*
(a pending update, safe fields only) in the consumer's transaction, so a redelivered event is a
no-op (inbox) and a slow mail server never holds up a Kafka consumer. The delivery worker
(`service_layer.delivery`) decides when the queue goes out, as one message.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import structlog
from pydantic import ValidationError
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import ContactPointsUpdated
from voorportaal_contracts.types import MessageChannel
from voorportaal_kit.audit import AuditAction
from voorportaal_kit.audit_log import AuditTrail
from voorportaal_kit.auth import Principal, Role
from voorportaal_kit.case_access import CaseAccessStore, audit_record
from voorportaal_kit.clock import Clock
from voorportaal_kit.errors import NotFound, PermanentError, ServiceError
from voorportaal_notify.adapters.orm import (
    confirmations,
    contact_points,
    delivery_attempts,
    messages,
    pending_updates,
    sent_log,
)
from voorportaal_notify.domain.access import (
    CONTACT_LOAD_KIND,
    DATA_KIND,
    MESSAGES_KIND,
    STAFF_REASONS,
    ChangeReason,
    may_change_contact,
    may_read_contact,
    may_read_contact_load,
    may_read_messages,
)
from voorportaal_notify.domain.notices import NoticeStatus
from voorportaal_notify.domain.policy import ContactLoad, SentMessage, contact_load
from voorportaal_notify.domain.render import BundleUpdate
from voorportaal_notify.domain.rules import RuleSet
from voorportaal_notify.service_layer.case_state import OPEN_STATUSES, is_erased, purge_case
from voorportaal_notify.service_layer.notices import NoticeQueue
from voorportaal_notify.service_layer.recipients import (
    RecipientKind,
    held_for_confirmation,
    mask_email,
    mask_phone,
)

log = structlog.get_logger(__name__)

"""Who reads a case's deliveries and contact load."""

__all__ = ["OPEN_STATUSES", "NotifyService", "PreferencesChange", "RuleMismatch"]

ADDRESS_CHANNELS = ((MessageChannel.EMAIL, "email"), (MessageChannel.SMS, "phone"))

MAX_CONFIRMATION_TRIES = 5
"""Wrong codes before a confirmation ends (a six-digit code is not guessed in five)."""


class RuleMismatch(PermanentError):
    """A rule maps a field the event lacks or that is not safe to print (dead-lettered)."""

    code = "rule_mismatch"


@dataclass(frozen=True)
class PreferencesChange:
    """A change of how a citizen is reached; None leaves a field as it is."""

    channels: Sequence[MessageChannel] | None = None
    language: str | None = None
    quiet_from: time | None = None
    quiet_until: time | None = None
    clear_quiet_hours: bool = False
    email: str | None = None
    phone: str | None = None
    representative_copies: bool | None = None


def _hhmm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


class NotifyService:
    """Pending updates from events, contact points, and what staff may read and change."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        rules: RuleSet,
        notices: NoticeQueue,
        audit: AuditTrail,
        access: CaseAccessStore,
        *,
        confirmation_ttl: timedelta = timedelta(minutes=30),
    ) -> None:
        self._confirmation_ttl = confirmation_ttl
        self._sessions = sessions
        self._clock = clock
        self._rules = rules
        self._notices = notices
        self._audit = audit
        self._access = access

    # -- consumed events -------------------------------------------------------------------

    async def on_event(self, session: AsyncSession, incoming: Envelope) -> None:
        """An event the citizen may hear about: queue an update per matching rule."""
        payload = incoming.data.model_dump(mode="json")
        rows: list[dict[str, Any]] = []
        now = self._clock.now()
        for index, rule in enumerate(self._rules.rules_for(incoming.type, payload)):
            try:
                fields = rule.context_from(payload)
                # Validate now, so an unprintable field is dead-lettered with the event instead
                # of failing a message later.
                safe = BundleUpdate.model_validate({"template_id": rule.template, **fields})
            except (KeyError, TypeError, ValueError, ValidationError) as exc:
                raise RuleMismatch(f"{incoming.type}: {type(exc).__name__}") from exc
            rows.append(
                {
                    "id": f"{incoming.id.hex}-{index}",
                    "case_id": incoming.subject,
                    "event_id": str(incoming.id),
                    "event_type": incoming.type,
                    "template_id": rule.template,
                    "fields": safe.model_dump(
                        mode="json", exclude={"template_id"}, exclude_none=True
                    ),
                    "priority": rule.priority.value,
                    "ignore_quiet_hours": rule.ignore_quiet_hours,
                    "action_required": rule.action_required,
                    "link_page": rule.link_page,
                    "copy_wanted": rule.representative_copy,
                    "message_id": None,
                    "copy_message_id": None,
                    "created_at": now,
                }
            )
        if rows:
            await session.execute(insert(pending_updates), rows)
            log.info(
                "notify.update_queued",
                case_id=incoming.subject,
                event_id=str(incoming.id),
                templates=[r["template_id"] for r in rows],
            )

    async def on_contact_points(self, session: AsyncSession, incoming: Envelope) -> None:
        """The citizen's contact details and preferences (the full current set) replace ours."""
        event = incoming.data
        assert isinstance(event, ContactPointsUpdated)
        if await is_erased(session, event.case_id):
            log.info("notify.contact_points_for_erased_case", case_id=event.case_id)
            return
        values: dict[str, Any] = {
            "channels": [c.value for c in event.channels],
            "language": event.language,
            "email": str(event.email) if event.email else None,
            "phone": event.phone,
            "quiet_from": _hhmm(event.quiet_from),
            "quiet_until": _hhmm(event.quiet_until),
            "representative": event.representative.model_dump(mode="json")
            if event.representative
            else None,
            "changed_by": "contact.points",
            "updated_at": self._clock.now(),
            "verified": sorted({c.value for c in event.verified}),
        }
        values["held"] = held_for_confirmation(values)
        await self._upsert_contact(session, event.case_id, values)
        log.info("notify.contact_points_updated", case_id=event.case_id)

    async def on_contact_erased(self, session: AsyncSession, case_id: str) -> None:
        """A tombstone on `contact.points`: purge what notify holds of the case's citizen."""
        await purge_case(session, case_id, self._clock.now(), reason="contact_erased")
        log.info("notify.contact_points_erased", case_id=case_id)

    async def _upsert_contact(
        self, session: AsyncSession, case_id: str, values: Mapping[str, Any]
    ) -> None:
        changed = await session.execute(
            update(contact_points).where(contact_points.c.case_id == case_id).values(**values)
        )
        if changed.rowcount == 0:  # type: ignore[attr-defined]
            await session.execute(insert(contact_points).values(case_id=case_id, **values))
        if values.get("held") is False:
            # A channel is confirmed (again): messages held for it go out now.
            await session.execute(
                update(messages)
                .where(messages.c.case_id == case_id, messages.c.status == "held")
                .values(status="pending", next_attempt_at=self._clock.now(), reason_code=None)
            )

    # -- staff and citizen reads -------------------------------------------------------------

    async def contact_load(self, case_id: str, principal: Principal) -> ContactLoad:
        """What the household received in 24 hours, 7 and 30 days: staff who may see the
        case (`domain.access.may_read_contact_load`); audited, allowed or refused."""
        now = self._clock.now()
        async with self._audit.transaction(self._sessions) as session:
            decision = may_read_contact_load(
                principal, await self._access.get(session, case_id), now
            )
            await self._audit.check(
                session,
                audit_record(
                    principal,
                    case_id,
                    CONTACT_LOAD_KIND,
                    "contact_load",
                    AuditAction.READ,
                    decision,
                    now,
                ),
                allowed=decision.allowed,
            )
            rows = (
                await session.execute(
                    select(sent_log.c.sent_at, sent_log.c.updates, sent_log.c.action_required)
                    .where(
                        sent_log.c.case_id == case_id,
                        # A representative's copy is the same news, not more load on the citizen.
                        sent_log.c.recipient == RecipientKind.CITIZEN.value,
                        sent_log.c.sent_at > now - timedelta(days=30),
                    )
                    .order_by(sent_log.c.sent_at)
                )
            ).all()
        return contact_load(
            [
                SentMessage(r.sent_at, updates=r.updates, action_required=r.action_required)
                for r in rows
            ],
            now,
        )

    async def deliveries(self, case_id: str, principal: Principal) -> list[dict[str, Any]]:
        """Every message of a case with its attempts, newest first (no addresses): staff who
        may see the case (`domain.access.may_read_messages`); audited, allowed or refused."""
        now = self._clock.now()
        async with self._audit.transaction(self._sessions) as session:
            decision = may_read_messages(principal, await self._access.get(session, case_id), now)
            await self._audit.check(
                session,
                audit_record(
                    principal,
                    case_id,
                    MESSAGES_KIND,
                    "deliveries",
                    AuditAction.READ,
                    decision,
                    now,
                ),
                allowed=decision.allowed,
            )
            found = (
                (
                    await session.execute(
                        select(messages)
                        .where(messages.c.case_id == case_id)
                        .order_by(messages.c.created_at.desc(), messages.c.id)
                    )
                )
                .mappings()
                .all()
            )
            ids = [m["id"] for m in found]
            attempts = (
                (
                    await session.execute(
                        select(delivery_attempts)
                        .where(delivery_attempts.c.message_id.in_(ids))
                        .order_by(delivery_attempts.c.id)
                    )
                )
                .mappings()
                .all()
                if ids
                else []
            )
        by_message: dict[str, list[dict[str, Any]]] = {}
        for attempt in attempts:
            by_message.setdefault(attempt["message_id"], []).append(dict(attempt))
        return [{**dict(m), "attempts": by_message.get(m["id"], [])} for m in found]

    async def preferences(self, case_id: str, principal: Principal) -> dict[str, Any]:
        """How the citizen of a case is reached, with addresses masked: staff who may see the
        case's identity (the dossier's rule: supervisor, owner, team, a handover's colleague);
        audited, allowed or refused."""
        now = self._clock.now()
        async with self._audit.transaction(self._sessions) as session:
            decision = may_read_contact(principal, await self._access.get(session, case_id), now)
            await self._audit.check(
                session,
                audit_record(
                    principal,
                    case_id,
                    DATA_KIND,
                    "contact_preferences",
                    AuditAction.READ,
                    decision,
                    now,
                ),
                allowed=decision.allowed,
            )
            return _masked(await _contact_row(session, case_id))

    async def change_preferences(
        self,
        case_id: str,
        change: PreferencesChange,
        principal: Principal,
        *,
        reason: ChangeReason,
    ) -> dict[str, Any]:
        """Change how the citizen is reached: by the citizen's own link, the case's owner or
        team, or a supervisor (`domain.access`); every attempt is audited, allowed or refused.

        A citizen changes channels, language and quiet hours; addresses only staff. A changed
        address is not confirmed: notify sends it a code (`confirm_address` takes it back), and
        nothing else goes to it until then; the old one, when it was confirmed, is told that
        the details changed. The next `ContactPointsUpdated` from the intake replaces the whole
        set again.
        """
        now = self._clock.now()
        is_citizen = principal.has_role(Role.CITIZEN)
        addresses = change.email is not None or change.phone is not None
        kind = DATA_KIND if addresses else "contact_preferences"
        async with self._audit.transaction(self._sessions) as session:
            case = await self._access.get(session, case_id)
            decision = may_change_contact(principal, case, now, addresses=addresses)
            if decision.allowed and (reason in STAFF_REASONS) == is_citizen:
                raise ServiceError(
                    "Give why the details change (citizen_request, representative_request, "
                    "undeliverable, correction)."
                    if not is_citizen
                    else "A citizen's own change has the reason own_choice.",
                    field="reason",
                )
            await self._audit.check(
                session,
                audit_record(
                    principal, case_id, kind, reason.value, AuditAction.CHANGE, decision, now
                ),
                allowed=decision.allowed,
            )
            row = await _contact_row(session, case_id)
            values = _apply(row, change)
            verified = set(row.get("verified") or ())
            for channel, column in ADDRESS_CHANNELS:
                if column not in values:
                    continue
                if values[column] == row.get(column):
                    del values[column]  # the same address again: still confirmed, nobody told
                    continue
                old = row.get(column)
                language = values.get("language", row["language"])
                if old and channel.value in verified:
                    await self._notices.contact_changed(session, case_id, channel, old, language)
                verified.discard(channel.value)
                if values[column]:
                    await self._send_confirmation(
                        session, case_id, channel, values[column], language, now
                    )
            values["verified"] = sorted(verified)
            values["held"] = held_for_confirmation({**row, **values})
            values["changed_by"] = "citizen" if is_citizen else principal.subject
            values["updated_at"] = now
            await self._upsert_contact(session, case_id, values)
            log.info(
                "notify.preferences_changed",
                case_id=case_id,
                by="citizen" if is_citizen else principal.subject,
                basis=decision.basis,
                reason=reason.value,
                fields=sorted(
                    k for k in values if k not in ("changed_by", "updated_at", "verified", "held")
                ),
            )
            return _masked({**row, **values})

    async def confirm_address(
        self,
        case_id: str,
        channel: MessageChannel,
        code: str,
        principal: Principal,
    ) -> dict[str, Any]:
        """Confirm an address changed here with the code notify sent to it (typed in by the
        citizen through their link, or at the desk by the owner, team or a supervisor).

        Five wrong tries end the code; a new one comes with the next change of the address.
        """
        now = self._clock.now()
        async with self._audit.transaction(self._sessions) as session:
            decision = may_change_contact(principal, await self._access.get(session, case_id), now)
            record = audit_record(
                principal, case_id, DATA_KIND, "confirm_address", AuditAction.CHANGE, decision, now
            )
            if not decision.allowed:
                await self._audit.check(session, record, allowed=False)
            row = await _contact_row(session, case_id)
            column = dict((c, col) for c, col in ADDRESS_CHANNELS).get(channel)
            address = row.get(column) if column else None
            waiting = (
                (
                    await session.execute(
                        select(confirmations)
                        .where(
                            confirmations.c.case_id == case_id,
                            confirmations.c.channel == channel.value,
                            confirmations.c.status == "open",
                        )
                        .order_by(confirmations.c.created_at.desc())
                        .limit(1)
                    )
                )
                .mappings()
                .first()
            )
            if (
                waiting is None
                or address is None
                or now >= waiting["expires_at"]
                or waiting["address_key"] != self._notices.key_of(channel, address)
            ):
                raise ServiceError(
                    "No code is waiting for this address; change it again for a new code.",
                    field="code",
                )
            expected = self._notices.code_hash(waiting["id"], code)
            right = hmac.compare_digest(expected, waiting["code_hash"])
            tries = waiting["tries"] + (0 if right else 1)
            status = "confirmed" if right else "open"
            if tries >= MAX_CONFIRMATION_TRIES and not right:
                status = "failed"
            await session.execute(
                update(confirmations)
                .where(confirmations.c.id == waiting["id"])
                .values(tries=tries, status=status, updated_at=now)
            )
            values: dict[str, Any] = {}
            if right:
                values["verified"] = sorted({*(row.get("verified") or ()), channel.value})
                values["held"] = held_for_confirmation({**row, **values})
                values["updated_at"] = now
                await self._upsert_contact(session, case_id, values)
                await self._audit.write(session, [record])
        if not right:
            # Raised after the commit: the wrong try counts.
            log.info("notify.confirmation_wrong_code", case_id=case_id, tries=tries)
            raise ServiceError("The code is not right.", field="code")
        log.info("notify.address_confirmed", case_id=case_id, channel=channel.value)
        return _masked({**row, **values})

    async def _send_confirmation(
        self,
        session: AsyncSession,
        case_id: str,
        channel: MessageChannel,
        address: str,
        language: str,
        now: datetime,
    ) -> None:
        """A code for an address changed here, so it can be confirmed (rate-limited like any)."""
        await session.execute(
            update(confirmations)
            .where(
                confirmations.c.case_id == case_id,
                confirmations.c.channel == channel.value,
                confirmations.c.status == "open",
            )
            .values(status="superseded", updated_at=now)
        )
        confirmation_id = uuid.uuid4().hex
        code = f"{secrets.randbelow(10**6):06d}"
        expires_at = now + self._confirmation_ttl
        status = await self._notices.queue_code(
            session,
            notice_id=confirmation_id,
            case_id=case_id,
            channel=channel,
            address=address,
            code=code,
            language=language,
            expires_at=expires_at,
        )
        if status is not NoticeStatus.PENDING:
            return  # no code went out (the address had enough lately): nothing to confirm
        await session.execute(
            insert(confirmations).values(
                id=confirmation_id,
                case_id=case_id,
                channel=channel.value,
                address_key=self._notices.key_of(channel, address),
                code_hash=self._notices.code_hash(confirmation_id, code),
                tries=0,
                status="open",
                expires_at=expires_at,
                created_at=now,
                updated_at=now,
            )
        )


async def _contact_row(session: AsyncSession, case_id: str) -> dict[str, Any]:
    row = (
        (await session.execute(select(contact_points).where(contact_points.c.case_id == case_id)))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"No contact points for case {case_id!r}.")
    return dict(row)


def _apply(row: Mapping[str, Any], change: PreferencesChange) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if change.channels is not None:
        if not change.channels:
            raise ServiceError("Name at least one channel.", field="channels")
        values["channels"] = list(dict.fromkeys(c.value for c in change.channels))
    if change.language is not None:
        values["language"] = change.language
    if change.clear_quiet_hours:
        values["quiet_from"] = values["quiet_until"] = None
    elif (change.quiet_from is None) != (change.quiet_until is None):
        raise ServiceError("Give both the start and the end of quiet hours.", field="quiet_from")
    elif change.quiet_from is not None:
        values["quiet_from"], values["quiet_until"] = (
            _hhmm(change.quiet_from),
            _hhmm(change.quiet_until),
        )
    if change.email is not None:
        values["email"] = change.email
    if change.phone is not None:
        values["phone"] = change.phone
    if change.representative_copies is not None:
        rep = row.get("representative")
        if not rep:
            raise ServiceError("This citizen has no representative.", field="representative_copies")
        values["representative"] = {**rep, "receives_copies": change.representative_copies}
    if not values:
        raise ServiceError("Nothing to change.")
    return values


def _masked(row: Mapping[str, Any]) -> dict[str, Any]:
    rep = row.get("representative")
    return {
        "case_id": row["case_id"],
        "channels": list(row["channels"]),
        "language": row["language"],
        "email": mask_email(row.get("email")),
        "phone": mask_phone(row.get("phone")),
        "quiet_from": row.get("quiet_from"),
        "quiet_until": row.get("quiet_until"),
        "representative": (
            {"relation": rep.get("relation"), "receives_copies": rep.get("receives_copies", True)}
            if rep
            else None
        ),
        "changed_by": row["changed_by"],
        "updated_at": row["updated_at"],
        "verified": sorted(row.get("verified") or ()),
    }
