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

from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import PersonalDataAccessed
from voorportaal_dossier.adapters import access_elsewhere as copies

OWN_SERVICE = "dossier"
"""The service name the dossier's own records carry in the citizen's view."""


async def on_accessed(session: AsyncSession, incoming: Envelope) -> None:
    """Keep one `PersonalDataAccessed` (the consumer's transaction; once per record)."""
    data = incoming.data
    assert isinstance(data, PersonalDataAccessed)
    await copies.keep(session, data)


async def for_case(session: AsyncSession, case_id: str, limit: int = 5000) -> list[dict[str, Any]]:
    """The other services' records about one case, oldest first, shaped as the dossier's
    access log entries with the recording `service` (and its record number as `seq`)."""
    return await copies.for_case(session, case_id, limit)
