"""The copies of other services' access records (`dossier_access_elsewhere`): kept once per
record (service + record hash), read per case oldest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.events import PersonalDataAccessed
from voorportaal_dossier.adapters.orm import access_elsewhere


async def keep(session: AsyncSession, data: PersonalDataAccessed) -> None:
    """Keep one record (a second copy of the same record changes nothing)."""
    table = access_elsewhere
    known = await session.scalar(
        select(table.c.record_seq).where(
            table.c.service == data.service, table.c.record_hash == data.record_hash
        )
    )
    if known is not None:
        return
    await session.execute(
        insert(table).values(
            service=data.service,
            record_seq=data.record_seq,
            record_hash=data.record_hash,
            case_id=data.case_id,
            at=data.at,
            actor=data.actor,
            role=data.role,
            on_behalf_of=data.on_behalf_of,
            data_kind=data.data_kind,
            object_id=data.object_id,
            purpose=data.purpose,
            action=data.action,
            outcome=data.outcome,
            basis=data.basis,
        )
    )


async def for_case(session: AsyncSession, case_id: str, limit: int = 5000) -> list[dict[str, Any]]:
    """The other services' records about one case, oldest first, shaped as the dossier's
    access log entries with the recording `service` (and its record number as `seq`)."""
    table = access_elsewhere
    rows = (
        (
            await session.execute(
                select(table)
                .where(table.c.case_id == case_id)
                .order_by(table.c.at, table.c.service, table.c.record_seq)
                .limit(limit)
            )
        )
        .mappings()
        .all()
    )
    return [
        {
            "seq": r["record_seq"],
            "at": r["at"].isoformat(),
            "who": r["actor"],
            "role": r["role"],
            "on_behalf_of": r["on_behalf_of"],
            "case_id": r["case_id"],
            "data": r["data_kind"],
            "object_id": r["object_id"],
            "purpose": r["purpose"],
            "action": r["action"],
            "allowed": r["outcome"] == "allowed",
            "basis": r["basis"],
            "reason": "",
            "service": r["service"],
        }
        for r in rows
    ]
