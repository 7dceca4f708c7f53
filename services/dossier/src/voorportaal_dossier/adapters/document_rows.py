"""Which stored files the document rows still refer to, and the lock that keeps an upload and
the removal of a file by the same hash from crossing.

A file is stored once per content hash, however many cases hold it. An upload inserts its row
and stores the file under the hash's lock; removing a file takes the same lock after the rows
were deleted and committed, and removes it only when no row refers to the hash any more. So a
file is never removed while a committed or in-flight upload still needs it.
"""

from __future__ import annotations

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_dossier.adapters.orm import documents

_LOCK_SPACE = 0x646F63  # "doc": the two-key advisory locks of document hashes


async def lock_hash(session: AsyncSession, sha256: str) -> None:
    """Hold the hash's lock to the end of the transaction (PostgreSQL: an advisory lock per
    hash; SQLite: the database's one write lock, taken by a write that changes nothing)."""
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(bytes.fromhex(sha256)[:4], "big", signed=True)
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:space, :key)"), {"space": _LOCK_SPACE, "key": key}
        )
        return
    await session.execute(
        update(documents).where(documents.c.sha256 == sha256).values(sha256=documents.c.sha256)
    )


async def referenced(session: AsyncSession, sha256: str) -> bool:
    """Whether any document row still refers to the hash."""
    found = await session.scalar(
        select(documents.c.id).where(documents.c.sha256 == sha256).limit(1)
    )
    return found is not None
