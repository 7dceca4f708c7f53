"""Consumed events become updates queued for the household (per the rules as data).

Nothing is sent here. A consumed event only records *that the citizen should hear about it*
(an update, safe fields only) in the consumer's transaction, so a redelivered event is a no-op
(inbox) and a slow mail server never holds up a Kafka consumer. The delivery worker
(`service_layer.delivery`) decides when the queue goes out, as one message.
"""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_kit.clock import Clock
from voorportaal_kit.errors import PermanentError
from voorportaal_notify.adapters.repositories import UpdatesRepository
from voorportaal_notify.domain.messages import QueuedUpdate
from voorportaal_notify.domain.render import BundleUpdate
from voorportaal_notify.domain.rules import RuleSet

log = structlog.get_logger(__name__)


class RuleMismatch(PermanentError):
    """A rule maps a field the event lacks or that is not safe to print (dead-lettered)."""

    code = "rule_mismatch"


@dataclass(frozen=True)
class UpdateQueue:
    """Queues an update per rule that matches a consumed event."""

    clock: Clock
    rules: RuleSet

    async def on_event(self, session: AsyncSession, incoming: Envelope) -> None:
        """An event the citizen may hear about: queue an update per matching rule."""
        payload = incoming.data.model_dump(mode="json")
        now = self.clock.now()
        queued: list[QueuedUpdate] = []
        for index, rule in enumerate(self.rules.rules_for(incoming.type, payload)):
            try:
                fields = rule.context_from(payload)
                # Validate now, so an unprintable field is dead-lettered with the event instead
                # of failing a message later.
                safe = BundleUpdate.model_validate({"template_id": rule.template, **fields})
            except (KeyError, TypeError, ValueError, ValidationError) as exc:
                raise RuleMismatch(f"{incoming.type}: {type(exc).__name__}") from exc
            queued.append(
                QueuedUpdate(
                    id=f"{incoming.id.hex}-{index}",
                    case_id=incoming.subject,
                    event_id=str(incoming.id),
                    event_type=incoming.type,
                    template_id=rule.template,
                    fields=safe.model_dump(mode="json", exclude={"template_id"}, exclude_none=True),
                    priority=rule.priority,
                    ignore_quiet_hours=rule.ignore_quiet_hours,
                    action_required=rule.action_required,
                    link_page=rule.link_page,
                    copy_wanted=rule.representative_copy,
                    created_at=now,
                )
            )
        if queued:
            await UpdatesRepository(session).add(queued)
            log.info(
                "notify.update_queued",
                case_id=incoming.subject,
                event_id=str(incoming.id),
                templates=[u.template_id for u in queued],
            )
