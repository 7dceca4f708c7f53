"""Notify use cases: events become pending updates, contact points are kept, staff read the
contact-load meter and the deliveries, and preferences change.

Nothing is sent here. A consumed event only records *that the citizen should hear about it*
(a pending update, safe fields only) in the consumer's transaction, so a redelivered event is a
no-op (inbox) and a slow mail server never holds up a Kafka consumer. The delivery worker
(`service_layer.delivery`) decides when the queue goes out, as one message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

import structlog
from pydantic import ValidationError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import ContactPointsUpdated
from voorportaal_contracts.types import MessageChannel
from voorportaal_kit.auth import Principal, Role
from voorportaal_kit.clock import Clock
from voorportaal_kit.errors import PermanentError
from voorportaal_kit.http import Forbidden, NotFound, ServiceError
from voorportaal_notify.adapters.orm import (
    contact_points,
    delivery_attempts,
    messages,
    pending_updates,
    sent_log,
)
from voorportaal_notify.domain.policy import ContactLoad, SentMessage, contact_load
from voorportaal_notify.domain.render import BundleUpdate
from voorportaal_notify.domain.rules import RuleSet
from voorportaal_notify.service_layer.recipients import RecipientKind, mask_email, mask_phone

log = structlog.get_logger(__name__)

STAFF = (Role.CASEMANAGER, Role.SUPERVISOR)
"""Who reads a case's deliveries and contact load, and changes preferences for a citizen."""

OPEN_STATUSES = ("pending", "deferred", "sending")
"""A message in one of these may still be sent."""


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
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, rules: RuleSet
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._rules = rules

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
        values = {
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
        }
        await self._upsert_contact(session, event.case_id, values)
        log.info("notify.contact_points_updated", case_id=event.case_id)

    async def on_contact_erased(self, session: AsyncSession, case_id: str) -> None:
        """A tombstone: forget the addresses, and what can no longer be sent."""
        await session.execute(delete(contact_points).where(contact_points.c.case_id == case_id))
        await session.execute(
            delete(pending_updates).where(
                pending_updates.c.case_id == case_id,
                pending_updates.c.message_id.is_(None),
            )
        )
        await session.execute(
            update(messages)
            .where(messages.c.case_id == case_id, messages.c.status.in_(OPEN_STATUSES))
            .values(
                status="cancelled",
                reason_code="contact_erased",
                next_attempt_at=None,
                updated_at=self._clock.now(),
            )
        )
        log.info("notify.contact_points_erased", case_id=case_id)

    async def _upsert_contact(
        self, session: AsyncSession, case_id: str, values: Mapping[str, Any]
    ) -> None:
        changed = await session.execute(
            update(contact_points).where(contact_points.c.case_id == case_id).values(**values)
        )
        if changed.rowcount == 0:  # type: ignore[attr-defined]
            await session.execute(insert(contact_points).values(case_id=case_id, **values))

    # -- staff and citizen reads -------------------------------------------------------------

    async def contact_load(self, case_id: str, principal: Principal) -> ContactLoad:
        """What the household received in 24 hours, 7 and 30 days (staff)."""
        _require_staff(principal)
        now = self._clock.now()
        async with self._sessions() as session:
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
        """Every message of a case with its attempts, newest first (staff; no addresses)."""
        _require_staff(principal)
        async with self._sessions() as session:
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
        """How the citizen of a case is reached, with addresses masked (staff)."""
        _require_staff(principal)
        async with self._sessions() as session:
            return _masked(await _contact_row(session, case_id))

    async def change_preferences(
        self, case_id: str, change: PreferencesChange, principal: Principal
    ) -> dict[str, Any]:
        """Change how the citizen is reached: by a casemanager, or by the citizen's own link.

        A citizen changes channels, language and quiet hours; addresses only by a casemanager.
        The next `ContactPointsUpdated` from the intake replaces the whole set again.
        """
        is_citizen = principal.has_role(Role.CITIZEN)
        if is_citizen:
            if principal.case_id != case_id:
                raise Forbidden("not permitted for this case")
            if change.email is not None or change.phone is not None:
                raise Forbidden("addresses are changed with your contact person")
        else:
            _require_staff(principal)
        async with self._sessions.begin() as session:
            row = await _contact_row(session, case_id)
            values = _apply(row, change)
            values["changed_by"] = "citizen" if is_citizen else principal.subject
            values["updated_at"] = self._clock.now()
            await self._upsert_contact(session, case_id, values)
            log.info(
                "notify.preferences_changed",
                case_id=case_id,
                by="citizen" if is_citizen else principal.subject,
                fields=sorted(k for k in values if k not in ("changed_by", "updated_at")),
            )
            return _masked({**row, **values})


def _require_staff(principal: Principal) -> None:
    if principal.has_role(Role.CITIZEN) or not principal.has_role(*STAFF):
        raise Forbidden("casemanagers and supervisors only")


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
    }
