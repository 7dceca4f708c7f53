"""Rate-limit counters in the intake's database, so every replica counts the same hits.

One row per subject and window; a hit is one `INSERT … ON CONFLICT DO UPDATE … RETURNING`,
atomic on PostgreSQL (the row is locked until the request's transaction ends) and on SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from prometheus_client import Counter
from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_intake.adapters.orm import rate_limit_hits
from voorportaal_intake.domain.rate_limits import Limit, retry_after_s
from voorportaal_kit.metrics import REGISTRY

REFUSED = Counter(
    "voorportaal_intake_rate_limited_total",
    "Requests refused by a rate limit of the public intake, by limit (kind and period)",
    ["kind", "period_s"],
    registry=REGISTRY,
)


@dataclass(frozen=True)
class Exceeded:
    """A limit that a hit went over, and when its window ends."""

    limit: Limit
    retry_after_s: int


async def hit(
    session: AsyncSession, subject: str, limits: Sequence[Limit], now: datetime
) -> Exceeded | None:
    """Count one hit of `subject` against each limit (in the caller's transaction); the limit
    it went over, if any (the longest wait first)."""
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    worst: Exceeded | None = None
    for limit in limits:
        start, end = limit.window(now)
        values = dialect_insert(rate_limit_hits).values(
            subject=subject, period_s=limit.period_s, window_start=start, hits=1, expires_at=end
        )
        statement = values.on_conflict_do_update(
            index_elements=["subject", "period_s", "window_start"],
            set_={"hits": rate_limit_hits.c.hits + 1},
        ).returning(rate_limit_hits.c.hits)
        hits = int((await session.execute(statement)).scalar_one())
        if hits > limit.hits:
            REFUSED.labels(limit.kind, str(limit.period_s)).inc()
            wait = retry_after_s(end, now)
            if worst is None or wait > worst.retry_after_s:
                worst = Exceeded(limit, wait)
    return worst


async def forget_expired(session: AsyncSession, now: datetime) -> int:
    """Delete the counters of windows that ended; how many."""
    result = await session.execute(
        delete(rate_limit_hits).where(rate_limit_hits.c.expires_at < now)
    )
    return int(getattr(result, "rowcount", 0) or 0)
