"""The citizen's contact points from `contact.points`: the intake's full current set replaces
ours, and a tombstone purges what notify holds of the case's citizen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import ContactPointsUpdated
from voorportaal_kit.clock import Clock
from voorportaal_notify.adapters.repositories import Repositories
from voorportaal_notify.domain.contacts import ContactPoints, hhmm
from voorportaal_notify.domain.recipients import held_for_confirmation
from voorportaal_notify.service_layer.case_state import is_erased, purge_case

log = structlog.get_logger(__name__)


async def save_contact(repos: Repositories, contact: ContactPoints, now: datetime) -> None:
    """Keep the case's contact points; when a channel is confirmed (again), messages held for
    one go out now."""
    await repos.contacts.save(contact)
    if not contact.held:
        await repos.messages.release_held(contact.case_id, now)


@dataclass(frozen=True)
class ContactPointsFeed:
    """Applies `contact.points`: updates and tombstones."""

    clock: Clock

    async def on_contact_points(self, session: AsyncSession, incoming: Envelope) -> None:
        """The citizen's contact details and preferences (the full current set) replace ours."""
        event = incoming.data
        assert isinstance(event, ContactPointsUpdated)
        if await is_erased(session, event.case_id):
            log.info("notify.contact_points_for_erased_case", case_id=event.case_id)
            return
        now = self.clock.now()
        contact = ContactPoints(
            case_id=event.case_id,
            channels=tuple(c.value for c in event.channels),
            language=event.language,
            email=str(event.email) if event.email else None,
            phone=event.phone,
            quiet_from=hhmm(event.quiet_from),
            quiet_until=hhmm(event.quiet_until),
            representative=event.representative.model_dump(mode="json")
            if event.representative
            else None,
            changed_by="contact.points",
            updated_at=now,
            verified=tuple(sorted({c.value for c in event.verified})),
        )
        contact = contact.changed(held=held_for_confirmation(contact))
        await save_contact(Repositories(session), contact, now)
        log.info("notify.contact_points_updated", case_id=event.case_id)

    async def on_contact_erased(self, session: AsyncSession, case_id: str) -> None:
        """A tombstone on `contact.points`: purge what notify holds of the case's citizen."""
        await purge_case(session, case_id, self.clock.now(), reason="contact_erased")
        log.info("notify.contact_points_erased", case_id=case_id)
