"""The citizen's sharing grants as routing keeps them (`routing_grants`).

A grant is known by its case and id. Its terms come from `ConsentGranted` (or, first, from the
intake's `share_with`, seeded with the intake's own grant id and terms); a `ConsentRevoked`
marks it revoked whether or not its terms arrived yet, and nothing unmarks it. `next_check_at`
is when the grant starts or ends, so the sweep can bring agencies in line then.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.types import SharingScope
from voorportaal_kit.db import insert_rows
from voorportaal_routing.adapters.orm import grants
from voorportaal_routing.domain.consent import Grant


def as_grant(row: Any) -> Grant:
    """A stored grant (a row mapping or a dict) as the domain's `Grant`."""
    return Grant(
        grant_id=row["grant_id"],
        agency_code=row["agency_code"],
        scopes=frozenset(SharingScope(s) for s in row["scopes"]),
        valid_from=row["valid_from"],
        valid_until=row["valid_until"],
        revoked=row["revoked_at"] is not None,
    )


async def of_cases(session: AsyncSession, case_ids: Iterable[str]) -> dict[str, list[Grant]]:
    """The grants of these cases, by case."""
    found: dict[str, list[Grant]] = defaultdict(list)
    rows = await session.execute(select(grants).where(grants.c.case_id.in_(list(case_ids))))
    for row in rows.mappings():
        found[row["case_id"]].append(as_grant(row))
    return dict(found)


async def put(
    session: AsyncSession, terms: Mapping[str, Any], now: datetime, *, seeded: bool
) -> None:
    """Store a grant's terms (`case_id`, `grant_id`, `agency_code`, `scopes`, `valid_from`,
    `valid_until`). A revocation already known keeps it revoked; a seed (the intake's copy)
    never overwrites terms already known."""
    where = (grants.c.case_id == terms["case_id"], grants.c.grant_id == terms["grant_id"])
    found = (await session.execute(select(grants).where(*where))).mappings().first()
    if found is not None and seeded and found["scopes"]:
        return
    values = {
        "agency_code": terms["agency_code"],
        "scopes": list(terms["scopes"]),
        "valid_from": terms["valid_from"],
        "valid_until": terms["valid_until"],
        "updated_at": now,
    }
    revoked_at = found["revoked_at"] if found is not None else None
    grant = as_grant({**values, "grant_id": terms["grant_id"], "revoked_at": revoked_at})
    values["next_check_at"] = grant.next_change(now)
    if found is None:
        await session.execute(
            insert(grants).values(case_id=terms["case_id"], grant_id=terms["grant_id"], **values)
        )
    else:
        await session.execute(update(grants).where(*where).values(**values))


async def seed(session: AsyncSession, seeds: Sequence[Mapping[str, Any]], now: datetime) -> None:
    """Store the intake's grants that are not known yet, in one statement (the intake path
    is the busy one: bench/routing.py); a grant of which only the revocation is known gets
    its terms."""
    if not seeds:
        return
    by_ids = {(s["case_id"], s["grant_id"]): s for s in seeds}
    known = {
        (row.case_id, row.grant_id): row.scopes
        for row in await session.execute(
            select(grants.c.case_id, grants.c.grant_id, grants.c.scopes).where(
                grants.c.case_id.in_({case_id for case_id, _ in by_ids}),
                grants.c.grant_id.in_({grant_id for _, grant_id in by_ids}),
            )
        )
    }
    fresh = []
    for ids, terms in by_ids.items():
        if ids in known:
            continue
        valid_until = terms["valid_until"]
        fresh.append(
            {
                "case_id": terms["case_id"],
                "grant_id": terms["grant_id"],
                "agency_code": terms["agency_code"],
                "scopes": list(terms["scopes"]),
                "valid_from": terms["valid_from"],
                "valid_until": valid_until,
                "revoked_at": None,
                "next_check_at": as_grant({**terms, "revoked_at": None}).next_change(now),
                "updated_at": now,
            }
        )
    if fresh:
        await insert_rows(session, grants, fresh)
    for ids, scopes in known.items():
        if ids in by_ids and not scopes:  # only its revocation was known
            await put(session, by_ids[ids], now, seeded=True)


async def revoke(
    session: AsyncSession,
    *,
    case_id: str,
    grant_id: str,
    agency_code: str,
    revoked_at: datetime,
    now: datetime,
) -> None:
    """Mark a grant revoked; one not seen yet is remembered as revoked, so its terms arriving
    later change nothing."""
    where = (grants.c.case_id == case_id, grants.c.grant_id == grant_id)
    known = await session.scalar(select(grants.c.grant_id).where(*where))
    if known is None:
        await session.execute(
            insert(grants).values(
                case_id=case_id,
                grant_id=grant_id,
                agency_code=agency_code,
                scopes=[],
                revoked_at=revoked_at,
                updated_at=now,
            )
        )
    else:
        await session.execute(
            update(grants)
            .where(*where)
            .values(revoked_at=revoked_at, next_check_at=None, updated_at=now)
        )


async def cases_due(session: AsyncSession, now: datetime, limit: int = 500) -> list[str]:
    """Cases with a grant that started or ended by `now` and was not looked at since."""
    found = await session.scalars(
        select(grants.c.case_id).where(grants.c.next_check_at <= now).distinct().limit(limit)
    )
    return sorted(found.all())


async def take_due(session: AsyncSession, case_id: str, now: datetime) -> set[str]:
    """The agencies of the case's grants due at `now`, each grant set to its next change
    (call with the case locked: a grant another sweep took meanwhile is no longer due)."""
    due = (
        (
            await session.execute(
                select(grants).where(grants.c.case_id == case_id, grants.c.next_check_at <= now)
            )
        )
        .mappings()
        .all()
    )
    for row in due:
        await session.execute(
            update(grants)
            .where(grants.c.case_id == case_id, grants.c.grant_id == row["grant_id"])
            .values(next_check_at=as_grant(row).next_change(now), updated_at=now)
        )
    return {row["agency_code"] for row in due}


async def forget_case(session: AsyncSession, case_id: str) -> None:
    """Drop a case's grants (the case was anonymised: nothing is handed on any more)."""
    await session.execute(delete(grants).where(grants.c.case_id == case_id))
