"""Sharing grants and mandates: share a case with an agency, stop sharing, give a
representative a mandate and revoke it, with every link of theirs (rules in
`domain/sharing.py`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.events import CitizenLinkRevoked
from voorportaal_contracts.registry import Event
from voorportaal_contracts.types import Channel, RepresentativeRelation, SharingScope
from voorportaal_dossier.adapters import links
from voorportaal_dossier.domain import sharing
from voorportaal_dossier.domain.case_state import CaseState
from voorportaal_dossier.domain.sharing import DataKind
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.case_access import UseCase, new_id


@dataclass(frozen=True)
class Asked:
    """The terms of a grant or mandate as the caller asks for them: the scopes, from when
    (from now on when not given) until when, and the channel the citizen used (staff only)."""

    scopes: frozenset[SharingScope]
    valid_from: datetime | None
    valid_until: datetime
    channel: Channel | None

    def terms(self, actor: Actor, now: datetime) -> sharing.Terms:
        """The terms recorded by `actor` at `now`."""
        return sharing.Terms(
            self.scopes, self.valid_from or now, self.valid_until, now, actor.team, self.channel
        )


class Sharing(UseCase):
    """With whom a case is shared and who may act for the citizen (by the citizen, or a
    casemanager on their behalf)."""

    async def grant(self, actor: Actor, case_id: str, *, agency_code: str, asked: Asked) -> str:
        """Share the case with an agency (citizen, or a casemanager on their behalf)."""
        grant_id = new_id("grant")

        async def step(_s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], str]:
            _new, event = sharing.grant(
                case,
                actor.principal,
                grant_id=grant_id,
                agency_code=agency_code,
                terms=asked.terms(actor, self._cases.now()),
            )
            return case, [event], grant_id

        return await self._cases.change(
            actor, case_id, "grant", DataKind.SHARING, step, object_id=grant_id
        )

    async def revoke(
        self, actor: Actor, case_id: str, grant_id: str, *, channel: Channel | None
    ) -> None:
        """Stop sharing with an agency from now on."""

        async def step(_s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], None]:
            revoked, event = sharing.revoke(
                case,
                actor.principal,
                grant_id,
                now=self._cases.now(),
                team=actor.team,
                channel=channel,
            )
            grants = tuple(revoked if g.grant_id == grant_id else g for g in case.grants)
            return replace(case, grants=grants), [event] if event else [], None

        await self._cases.change(
            actor, case_id, "revoke", DataKind.SHARING, step, object_id=grant_id
        )

    async def grant_mandate(
        self,
        actor: Actor,
        case_id: str,
        *,
        holder_name: str,
        relation: RepresentativeRelation,
        asked: Asked,
    ) -> str:
        """Record a mandate for a representative (the name stays in the dossier)."""
        mandate_id = new_id("mandate")

        async def step(_s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], str]:
            new, event = sharing.grant_mandate(
                case,
                actor.principal,
                mandate_id=mandate_id,
                holder_name=holder_name,
                relation=relation,
                terms=asked.terms(actor, self._cases.now()),
            )
            return replace(case, mandates=(*case.mandates, new)), [event], mandate_id

        return await self._cases.change(
            actor, case_id, "mandate", DataKind.SHARING, step, object_id=mandate_id
        )

    async def revoke_mandate(
        self, actor: Actor, case_id: str, mandate_id: str, *, channel: Channel | None
    ) -> None:
        """Revoke a mandate from now on, and with it every link kept for it."""

        async def step(s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], None]:
            now = self._cases.now()
            _, event = sharing.revoke_mandate(
                case, actor.principal, mandate_id, now=now, team=actor.team, channel=channel
            )
            await links.revoke_holder(s, case_id, mandate_id, at=now, by=actor.audit_id)
            if event is None:  # revoked before: its links went then
                return case, [], None
            # Every link of the mandate goes with it, also in the services that open links.
            gone = CitizenLinkRevoked(case_id=case_id, holder=mandate_id, revoked_at=now)
            return case, [event, gone], None

        await self._cases.change(
            actor, case_id, "mandate_revoke", DataKind.SHARING, step, object_id=mandate_id
        )
