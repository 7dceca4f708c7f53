"""The citizen's and representatives' links the dossier issued or saw (`dossier_citizen_links`):
ids, holders and dates only, so that the citizen can list and revoke them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_dossier.adapters.orm import citizen_links
from voorportaal_dossier.domain.records import KeptLink
from voorportaal_kit.db import insert_new_rows


async def record(
    session: AsyncSession,
    *,
    link_id: str,
    case_id: str,
    holder: str | None,
    kind: str,
    expires_at: datetime,
    at: datetime,
) -> None:
    """Keep a link the first time it is issued or seen (a second time changes nothing)."""
    row = {
        "id": link_id,
        "case_id": case_id,
        "holder": holder,
        "kind": kind,
        "expires_at": expires_at,
        "seen_at": at,
        "revoked_at": None,
        "revoked_by": None,
    }
    await insert_new_rows(session, citizen_links, [row])


async def find(session: AsyncSession, link_id: str) -> KeptLink | None:
    """The record of one link, or None."""
    found = (
        (await session.execute(select(citizen_links).where(citizen_links.c.id == link_id)))
        .mappings()
        .first()
    )
    return KeptLink(**found) if found is not None else None


async def of_case(session: AsyncSession, case_id: str) -> list[KeptLink]:
    """Every link kept for a case, oldest first."""
    rows = await session.execute(
        select(citizen_links)
        .where(citizen_links.c.case_id == case_id)
        .order_by(citizen_links.c.seen_at, citizen_links.c.id)
    )
    return [KeptLink(**r) for r in rows.mappings().all()]


async def revoke(session: AsyncSession, link_id: str, *, at: datetime, by: str) -> None:
    """Refuse a link from `at` on (revoking it again keeps the first moment)."""
    await session.execute(
        update(citizen_links)
        .where(citizen_links.c.id == link_id, citizen_links.c.revoked_at.is_(None))
        .values(revoked_at=at, revoked_by=by)
    )


async def revoke_holder(
    session: AsyncSession, case_id: str, holder: str, *, at: datetime, by: str
) -> None:
    """Revoke every kept link of a mandate (the mandate itself was revoked)."""
    await session.execute(
        update(citizen_links)
        .where(
            citizen_links.c.case_id == case_id,
            citizen_links.c.holder == holder,
            citizen_links.c.revoked_at.is_(None),
        )
        .values(revoked_at=at, revoked_by=by)
    )


async def forget_case(session: AsyncSession, case_id: str) -> None:
    """Drop every link record of an anonymised case."""
    await session.execute(delete(citizen_links).where(citizen_links.c.case_id == case_id))
