"""Consumed facts: intake's, routing's, identity's, contact's and notify's events folded into
their cases, and the tombstones that erase who the citizen is or how to reach them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_dossier.adapters import case_store
from voorportaal_kit.clock import Clock

log = structlog.get_logger(__name__)


class Projection:
    """The dossier's consumers' use cases (each in the consumer's transaction)."""

    def __init__(self, clock: Clock, source: str = case_store.DOSSIER_SOURCE) -> None:
        self._clock = clock
        self._source = source

    async def on_event(self, session: AsyncSession, incoming: Envelope) -> None:
        """Fold an intake, routing, identity, contact or notify fact into its case."""
        await self.on_events(session, [incoming])

    async def on_events(self, session: AsyncSession, incoming: Sequence[Envelope]) -> None:
        """Fold a consumed batch of facts into their cases, each case locked, loaded and
        written once (the same outcome as `on_event` for each in turn)."""
        changed = await case_store.apply_incoming(session, incoming, self._clock, self._source)
        log.debug("dossier.projected", events=len(incoming), changed=changed)

    async def on_identity_erased(self, session: AsyncSession, case_id: str) -> None:
        """A tombstone on `citizen.identity`: forget who the citizen is."""
        await self._strip_citizen(
            session,
            case_id,
            name=None,
            bsn=None,
            date_of_birth=None,
            postcode=None,
            house_number=None,
            representative=None,
            household=(),
        )

    async def on_contact_erased(self, session: AsyncSession, case_id: str) -> None:
        """A tombstone on `contact.points`: forget how to reach the citizen."""
        await self._strip_citizen(session, case_id, email=None, phone=None, channels=())

    async def _strip_citizen(self, session: AsyncSession, case_id: str, **fields: Any) -> None:
        before = await case_store.load(session, case_id, lock=True)
        if before is None or before.citizen is None:
            return
        case = replace(before, citizen=replace(before.citizen, **fields))
        await case_store.save(session, case, before, self._clock)
        log.info("dossier.citizen_details_erased", case_id=case_id)
