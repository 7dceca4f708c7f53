"""Queued updates, the messages that carry them, their attempts and the sent log."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update

from voorportaal_notify.adapters.orm import (
    contact_points,
    delivery_attempts,
    messages,
    pending_updates,
    sent_log,
)
from voorportaal_notify.adapters.repositories._query import (
    DeliveryQueue,
    SessionRepository,
    all_rows,
    column,
    first_row,
    longest_waiting_cases,
    record,
    row_values,
    stored,
)
from voorportaal_notify.domain.messages import (
    OPEN_STATUSES,
    AttemptRecord,
    MessageStatus,
    OutgoingMessage,
    QueuedUpdate,
)
from voorportaal_notify.domain.policy import Priority, SentMessage


def _update(row: Mapping[Any, Any]) -> QueuedUpdate:
    return record(QueuedUpdate, row, {"priority": Priority}, fields=dict(row["fields"]))


def _message(row: Mapping[Any, Any]) -> OutgoingMessage:
    return record(
        OutgoingMessage,
        row,
        {"status": MessageStatus},
        update_ids=tuple(row["update_ids"]),
        channels_tried=tuple(row["channels_tried"]),
    )


class UpdatesRepository(SessionRepository):
    """Updates queued for a case's household, until a message carries them."""

    async def add(self, updates: Sequence[QueuedUpdate]) -> None:
        """Queue updates (one statement for all of them)."""
        await self._session.execute(
            insert(pending_updates),
            [row_values(u, fields=dict(u.fields)) for u in updates],
        )

    async def cases_waiting(self, limit: int) -> list[str]:
        """Cases with updates not yet in a message (oldest first), whose contact points arrived
        and whose citizen is not held for a confirmation (a held case's updates, and those of a
        case without contact points, wait without taking a place in the batch)."""
        u = pending_updates.c
        known = select(contact_points.c.case_id)
        not_held = select(contact_points.c.case_id).where(contact_points.c.held.is_(False))
        return await longest_waiting_cases(
            self._session,
            pending_updates,
            u.created_at,
            or_(
                and_(u.message_id.is_(None), u.case_id.in_(not_held)),
                and_(u.copy_wanted.is_(True), u.copy_message_id.is_(None)),
            ),
            u.case_id.in_(known),
            limit=limit,
        )

    async def unplanned(self, case_id: str) -> list[QueuedUpdate]:
        """The case's updates still missing the citizen's message or a representative's copy."""
        u = pending_updates.c
        rows = await all_rows(
            self._session,
            select(pending_updates)
            .where(u.case_id == case_id)
            .where(or_(u.message_id.is_(None), u.copy_message_id.is_(None)))
            .order_by(u.created_at, u.id),
        )
        return [_update(r) for r in rows]

    async def carried_by(self, ids: Sequence[str], message_id: str, *, copy: bool) -> None:
        """Mark updates as carried by the citizen's message (or the representative's copy)."""
        column = pending_updates.c.copy_message_id if copy else pending_updates.c.message_id
        await self._session.execute(
            update(pending_updates)
            .where(pending_updates.c.id.in_(ids))
            .values({column.name: message_id})
        )

    async def no_copies(self, ids: Sequence[str]) -> None:
        """These updates will never be copied to a representative."""
        await self._session.execute(
            update(pending_updates).where(pending_updates.c.id.in_(ids)).values(copy_wanted=False)
        )

    async def exists(self, update_id: str) -> bool:
        """Whether an update with this id was queued (a reminder queued by another replica)."""
        found = await self._session.scalar(
            select(pending_updates.c.id).where(pending_updates.c.id == update_id)
        )
        return found is not None

    async def recount(self, update_id: str, count: int, earliest: date | None) -> bool:
        """An update no message carries yet now counts `count` things by `earliest` (none: it
        goes); False when a message already carries it (what it said stands)."""
        u = pending_updates.c
        unplanned = [u.id == update_id, u.message_id.is_(None), u.copy_message_id.is_(None)]
        fields = await self._session.scalar(select(u.fields).where(*unplanned))
        if fields is None:
            return False
        if count == 0:
            await self._session.execute(delete(pending_updates).where(*unplanned))
        else:
            await self._session.execute(
                update(pending_updates)
                .where(*unplanned)
                .values(fields={**fields, "count": count, "date": _iso(earliest, fields)})
            )
        return True

    async def contents(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """What a message says: each update's template id and fields, oldest first."""
        u = pending_updates.c
        rows = (
            await self._session.execute(
                select(u.template_id, u.fields)
                .where(u.id.in_(list(ids)))
                .order_by(u.created_at, u.id)
            )
        ).all()
        return [{"template_id": r.template_id, **r.fields} for r in rows]


def _iso(day: date | None, fields: Mapping[str, Any]) -> Any:
    return day.isoformat() if day is not None else fields.get("date")


class MessagesRepository(DeliveryQueue):
    """Messages, one per recipient and bundle."""

    table = messages
    open_statuses = tuple(s.value for s in OPEN_STATUSES)

    async def add(self, message: OutgoingMessage) -> None:
        """Keep a planned message (its idempotency key is unique: a second planner fails)."""
        await self._session.execute(insert(messages).values(**row_values(message)))

    async def get(self, message_id: str) -> OutgoingMessage | None:
        """One message."""
        row = await first_row(self._session, select(messages).where(messages.c.id == message_id))
        return _message(row) if row is not None else None

    async def for_case(self, case_id: str) -> list[OutgoingMessage]:
        """Every message of a case, newest first."""
        m = messages.c
        rows = await all_rows(
            self._session,
            select(messages).where(m.case_id == case_id).order_by(m.created_at.desc(), m.id),
        )
        return [_message(r) for r in rows]

    async def waiting(
        self, case_id: str, recipient: str, now: datetime
    ) -> tuple[int, datetime | None]:
        """How many of the recipient's messages wait (pending or deferred) to go out after
        `now`, and the earliest time one of them goes out."""
        m = messages.c
        row = (
            await self._session.execute(
                select(func.count(), func.min(m.next_attempt_at)).where(
                    m.case_id == case_id,
                    m.recipient == recipient,
                    m.status.in_([MessageStatus.PENDING.value, MessageStatus.DEFERRED.value]),
                    m.next_attempt_at > now,
                )
            )
        ).one()
        return int(row[0]), row[1]

    async def change(self, message_id: str, **values: Any) -> None:
        """Change fields of one message (a status is kept as its value)."""
        await self._session.execute(
            update(messages).where(messages.c.id == message_id).values(**stored(values))
        )

    async def claim(self, message: OutgoingMessage, **values: Any) -> bool:
        """Compare-and-set on (status, attempts): True when this worker got the message."""
        return await self._claim(
            message.id, message.status.value, message.attempts, **stored(values)
        )

    async def release_held(self, case_id: str, now: datetime) -> None:
        """A channel is confirmed (again): the case's held messages go out now."""
        m = messages.c
        await self._session.execute(
            update(messages)
            .where(m.case_id == case_id, m.status == MessageStatus.HELD.value)
            .values(status=MessageStatus.PENDING.value, next_attempt_at=now, reason_code=None)
        )


class AttemptsRepository(SessionRepository):
    """Each try to hand a message to a provider."""

    async def start(self, message_id: str, attempt: int, channel: str, now: datetime) -> None:
        """An attempt begins (committed before the provider is called)."""
        await self._session.execute(
            insert(delivery_attempts).values(
                message_id=message_id,
                attempt=attempt,
                channel=channel,
                outcome="sending",
                started_at=now,
            )
        )

    async def interrupted(self, message_id: str, now: datetime) -> None:
        """The message's unfinished attempt never recorded an outcome (the process died)."""
        a = delivery_attempts.c
        await self._session.execute(
            update(delivery_attempts)
            .where(a.message_id == message_id, a.outcome == "sending")
            .values(outcome="interrupted", finished_at=now)
        )

    async def finish(
        self,
        message_id: str,
        attempt: int,
        outcome: str,
        now: datetime,
        *,
        reason_code: str | None = None,
        provider_message_id: str | None = None,
    ) -> None:
        """An attempt's outcome."""
        a = delivery_attempts.c
        values: dict[str, Any] = {"outcome": outcome, "finished_at": now}
        if provider_message_id is not None:
            values["provider_message_id"] = provider_message_id
        if reason_code is not None:
            values["reason_code"] = reason_code
        await self._session.execute(
            update(delivery_attempts)
            .where(a.message_id == message_id, a.attempt == attempt)
            .values(**values)
        )

    async def for_messages(self, ids: Sequence[str]) -> list[AttemptRecord]:
        """The attempts of these messages, in the order they began."""
        if not ids:
            return []
        a = delivery_attempts.c
        rows = await all_rows(
            self._session,
            select(delivery_attempts).where(a.message_id.in_(list(ids))).order_by(a.id),
        )
        return [record(AttemptRecord, r) for r in rows]


class SentLogRepository(SessionRepository):
    """What each household received: the rate limit and the contact-load meter."""

    async def add(self, message: OutgoingMessage, channel: str, now: datetime) -> None:
        """A message went out."""
        await self._session.execute(
            insert(sent_log).values(
                case_id=message.case_id,
                recipient=message.recipient,
                message_id=message.id,
                channel=channel,
                updates=message.updates,
                action_required=message.action_required,
                sent_at=now,
            )
        )

    async def sent_times(self, case_id: str, recipient: str, since: datetime) -> list[datetime]:
        """When a recipient of the case got a message after `since`."""
        s = sent_log.c
        return await column(
            self._session,
            select(s.sent_at).where(
                s.case_id == case_id, s.recipient == recipient, s.sent_at > since
            ),
        )

    async def received(self, case_id: str, recipient: str, since: datetime) -> list[SentMessage]:
        """What a recipient of the case received after `since`, oldest first."""
        s = sent_log.c
        rows = (
            await self._session.execute(
                select(s.sent_at, s.updates, s.action_required)
                .where(s.case_id == case_id, s.recipient == recipient, s.sent_at > since)
                .order_by(s.sent_at)
            )
        ).all()
        return [
            SentMessage(r.sent_at, updates=r.updates, action_required=r.action_required)
            for r in rows
        ]
