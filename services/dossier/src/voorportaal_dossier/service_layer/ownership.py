"""The buddy system: claim a case, hand it over warmly, answer or cancel a handover, release
it, and a supervisor's reassignment (rules in `domain/ownership.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.registry import Event
from voorportaal_dossier.domain import ownership
from voorportaal_dossier.domain.case_state import CaseState
from voorportaal_dossier.domain.sharing import DataKind
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.case_access import UseCase

Transition = Callable[[ownership.Ownership, datetime], ownership.Transition]
"""A step of `domain/ownership.py` from the case's ownership at a moment."""


class Ownership(UseCase):
    """Who owns a case; each step one transition of the ownership state machine."""

    async def claim(self, actor: Actor, case_id: str) -> CaseState:
        """Take ownership; of two claims at once exactly one wins (the row is locked)."""
        return await self._step(
            actor,
            case_id,
            "claim",
            lambda state, at: ownership.claim(state, actor.principal, team=actor.team, at=at),
        )

    async def request_handover(
        self, actor: Actor, case_id: str, *, to_id: str, to_name: str, note: str
    ) -> CaseState:
        """Ask a named colleague to take over, with a note that stays in the dossier."""
        to = ownership.StaffMember(to_id, to_name, self._cases.team_of(to_id))
        return await self._step(
            actor,
            case_id,
            "handover_request",
            lambda state, at: ownership.request_handover(
                state, actor.principal, to=to, note=note, at=at
            ),
        )

    async def ownership_step(self, actor: Actor, case_id: str, action: str) -> CaseState:
        """Accept, decline or cancel a handover, or release the case."""

        def run(state: ownership.Ownership, at: datetime) -> ownership.Transition:
            if action == "accept":
                return ownership.accept_handover(state, actor.principal, team=actor.team, at=at)
            if action == "decline":
                return ownership.decline_handover(state, actor.principal, at=at)
            if action == "cancel":
                return ownership.cancel_handover(state, actor.principal, at=at)
            return ownership.release(state, actor.principal, at=at)

        return await self._step(actor, case_id, f"handover_{action}", run)

    async def reassign(self, actor: Actor, case_id: str, *, to_id: str, to_name: str) -> CaseState:
        """A supervisor gives the case to a casemanager."""
        to = ownership.StaffMember(to_id, to_name, self._cases.team_of(to_id))
        return await self._step(
            actor,
            case_id,
            "reassign",
            lambda state, at: ownership.reassign(state, actor.principal, to=to, at=at),
        )

    async def _step(
        self, actor: Actor, case_id: str, purpose: str, transition: Transition
    ) -> CaseState:
        """One ownership transition as an audited change; the case as it stands after it."""

        async def step(_s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], None]:
            t = transition(case.ownership, self._cases.now())
            return replace(case, ownership=t.state), list(t.events), None

        await self._cases.change(actor, case_id, purpose, DataKind.SUMMARY, step)
        return await self._cases.state(case_id)
