"""What every routing use case shares: the clock, the event source, and staging events.

Use cases collect the events they cause as `Staged` (each with its topic) and stage them in
the transaction that changes the state (the kit's outbox), so both commit or neither does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.registry import Event
from voorportaal_contracts.types import SharingScope
from voorportaal_kit.clock import Clock
from voorportaal_kit.errors import PermanentError
from voorportaal_kit.outbox import add_events
from voorportaal_routing.adapters.repositories import RoutingStore
from voorportaal_routing.domain.consent import Grant, handed_on

Staged = list[tuple[Envelope, str | None]]
"""Events to stage, each with the topic it goes to (None: its type's own topic)."""


class ResponseRejected(PermanentError):
    """An agency's response that may not be applied (dead-lettered with this reason)."""

    code = "response_rejected"


class ConfirmationRejected(PermanentError):
    """An `IntakeConfirmed` that names another intake than the case's (dead-lettered)."""

    code = "confirmation_rejected"


@dataclass(frozen=True)
class Context:
    """The clock and the name routing's events go out under."""

    clock: Clock
    source: str

    def new(self, data: Event, incoming: Envelope | None) -> Envelope:
        """An event caused by `incoming` (its trace and subject follow), or by routing itself."""
        now = self.clock.now()
        if incoming is not None:
            return incoming.follow_up(data, self.source, time=now)
        return Envelope(data, source=self.source, time=now)

    async def stage(self, store: RoutingStore, staged: Staged) -> None:
        """Stage the events in order, in one statement, in the store's transaction."""
        await add_events(
            store.session,
            [envelope for envelope, _ in staged],
            clock=self.clock,
            topics=[topic for _, topic in staged],
        )

    async def identity_if_shared(
        self,
        store: RoutingStore,
        case_id: str,
        case_grants: Sequence[Grant],
        agency_code: str | None = None,
    ) -> dict[str, Any] | None:
        """What the citizen told about themselves, read only when a grant (for `agency_code`,
        or any) shares who they are (`identity`) or their own words (`summary`); the handover
        takes from it only what each agency's scopes allow."""
        now = self.clock.now()
        agencies = {agency_code} if agency_code else {g.agency_code for g in case_grants}
        wanted = {SharingScope.IDENTITY, SharingScope.SUMMARY}
        if not any(wanted & handed_on(case_grants, a, now) for a in agencies):
            return None
        return await store.identities.get(case_id)


class UseCase:
    """A routing use case: it works through the service's one `Context`."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
