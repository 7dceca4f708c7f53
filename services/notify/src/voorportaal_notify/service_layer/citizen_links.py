"""Who a personal link speaks for: the citizen, or a representative under their mandate. A link
the dossier revoked (the link itself, or the mandate a representative's link acts under) speaks
for nobody."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.citizen_links import (
    InvalidLink,
    LinkClaims,
    short_link_id,
    verify_link_token,
)
from voorportaal_kit.auth import Principal, Role
from voorportaal_kit.case_access import REPRESENTATIVE_PREFIX, CaseAccessStore
from voorportaal_kit.clock import Clock
from voorportaal_notify.adapters.repositories import CasesRepository


class LinkRefused(Exception):
    """The link is not valid, expired, or was revoked (the caller answers 401)."""


@dataclass(frozen=True)
class CitizenLinks:
    """Verifies personal links against their signature, expiry and revocations."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    link_key: bytes
    access: CaseAccessStore

    async def principal_for(self, token: str) -> tuple[Principal, LinkClaims]:
        """The citizen (or a representative) the link speaks for; `LinkRefused` when it is not
        one, or when the dossier revoked it."""
        try:
            claims = verify_link_token(self.link_key, token, now=self.clock.now())
        except InvalidLink as exc:
            raise LinkRefused(str(exc)) from None
        async with self.sessions() as session:
            if await self._revoked(session, token, claims):
                raise LinkRefused("the link was revoked")
        # A representative's link acts as `representative:<mandate id>` (the kit's convention).
        subject = (
            f"{REPRESENTATIVE_PREFIX}{claims.holder}"
            if claims.holder
            else f"citizen:{claims.case_id}"
        )
        citizen = Principal(
            subject=subject, roles=frozenset({Role.CITIZEN}), case_id=claims.case_id
        )
        return citizen, claims

    async def _revoked(self, session: AsyncSession, token: str, claims: LinkClaims) -> bool:
        cases = CasesRepository(session)
        if await cases.link_revoked(claims.case_id, short_link_id(token), claims.holder):
            return True
        if claims.holder is None:
            return False
        case = await self.access.get(session, claims.case_id)
        mandate = next((m for m in case.mandates if m.permit_id == claims.holder), None)
        return claims.holder in case.revoked or (
            mandate is not None and mandate.revoked_at is not None
        )
