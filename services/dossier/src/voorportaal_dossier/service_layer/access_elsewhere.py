"""Reads and changes of a case's personal data recorded by the other services.

Routing, intake and notify each keep their own hash-chained audit log (the kit's) and publish
every record as `PersonalDataAccessed` on `access.log`. The dossier keeps a copy per record,
keyed by service and the record's hash in that service's chain (a redelivery changes nothing,
and a chain started afresh in a new database does not collide with an old one), and shows them
beside its own records in the citizen's "who looked at my dossier", each with the service that
recorded it. The dossier's own chain holds only its own records; whether a copy is genuine is
checked against the recording service's chain (`python -m voorportaal_<service> audit-verify`,
and `record_hash`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import PersonalDataAccessed
from voorportaal_dossier.adapters.orm import access_elsewhere

OWN_SERVICE = "dossier"
"""The service name the dossier's own records carry in the citizen's view."""


async def on_accessed(session: AsyncSession, incoming: Envelope) -> None:
    """Keep one `PersonalDataAccessed` (the consumer's transaction; once per record)."""
    data = incoming.data
    assert isinstance(data, PersonalDataAccessed)
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
