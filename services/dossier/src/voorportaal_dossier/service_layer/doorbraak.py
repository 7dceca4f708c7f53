"""Doorbraak: a casemanager proposes to override a rule that stands in the way, and a second
person, a supervisor, signs it off (`OverrideDecided`) or rejects it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.events import OverrideDecided
from voorportaal_contracts.registry import Event
from voorportaal_dossier.adapters import repositories
from voorportaal_dossier.domain.case_state import CaseState
from voorportaal_dossier.domain.errors import Conflict as DomainConflict
from voorportaal_dossier.domain.errors import InvalidInput, NotAllowed
from voorportaal_dossier.domain.records import Override
from voorportaal_dossier.domain.sharing import DataKind
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.case_access import UseCase, new_id
from voorportaal_kit.auth import Role


class Doorbraak(UseCase):
    """Proposed and decided doorbraak on a case."""

    async def propose_override(
        self, actor: Actor, case_id: str, *, reason_code: str, note: str
    ) -> str:
        """A casemanager proposes a doorbraak (a supervisor must approve it)."""
        override_id = new_id("override")

        async def step(s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], str]:
            if not actor.principal.has_role(Role.CASEMANAGER):
                raise NotAllowed(
                    "only a casemanager proposes a doorbraak / "
                    "alleen een casemanager kan een doorbraak voorstellen"
                )
            self._cases.staff_basis(case, actor)
            proposal = Override(
                id=override_id,
                case_id=case_id,
                reason_code=reason_code,
                note=note,
                status="proposed",
                proposed_by=actor.subject,
                decided_by=None,
                proposed_at=self._cases.now(),
                decided_at=None,
            )
            await repositories.add_override(s, proposal)
            return case, [], override_id

        return await self._cases.change(
            actor, case_id, "doorbraak_propose", DataKind.SUMMARY, step, object_id=override_id
        )

    async def decide_override(
        self, actor: Actor, case_id: str, override_id: str, *, approve: bool
    ) -> None:
        """A supervisor approves (→ `OverrideDecided`) or rejects a proposed doorbraak."""

        async def step(s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], None]:
            if not actor.principal.has_role(Role.SUPERVISOR):
                raise NotAllowed(
                    "only a supervisor signs off a doorbraak / "
                    "alleen een supervisor kan een doorbraak aftekenen"
                )
            found = await repositories.find_override(s, case_id, override_id)
            if found is None:
                raise InvalidInput(
                    "override_id",
                    "no such doorbraak on this case / deze zaak heeft die doorbraak niet",
                )
            if found.status != "proposed":
                raise DomainConflict(
                    "the doorbraak was decided already / over de doorbraak is al besloten"
                )
            if found.proposed_by == actor.subject:
                raise NotAllowed(
                    "a doorbraak needs a second person to sign it off / "
                    "een doorbraak moet door een tweede persoon worden afgetekend"
                )
            now = self._cases.now()
            await repositories.decide_override(
                s,
                override_id,
                status="approved" if approve else "rejected",
                by=actor.subject,
                at=now,
            )
            events: list[Event] = []
            if approve:
                events.append(
                    OverrideDecided(
                        case_id=case_id,
                        override_id=override_id,
                        proposed_by=found.proposed_by,
                        approved_by=actor.subject,
                        reason_code=found.reason_code,
                        decided_at=now,
                    )
                )
            return case, events, None

        await self._cases.change(
            actor, case_id, "doorbraak_decide", DataKind.SUMMARY, step, object_id=override_id
        )
