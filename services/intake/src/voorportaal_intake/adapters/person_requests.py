"""Wishes to talk to a person, as the intake keeps them (one open wish per intake)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import insert, select

from voorportaal_intake.adapters.orm import person_requests
from voorportaal_intake.adapters.repositories import SessionRepository


@dataclass(frozen=True)
class PersonRequest:
    """'I want to talk to a person': how, when, and by when a person answers."""

    id: str
    intake_id: UUID
    case_id: str
    channel: str
    preferred_time: str
    language: str
    requested_at: datetime
    answer_by: datetime


class PersonRequestRepository(SessionRepository):
    """The intake's person requests in one session."""

    async def open_one(self, intake_id: UUID, now: datetime) -> PersonRequest | None:
        """The intake's request whose answer time has not passed, if any (the newest)."""
        found = (
            (
                await self._session.execute(
                    select(person_requests)
                    .where(
                        person_requests.c.intake_id == intake_id,
                        person_requests.c.answer_by > now,
                    )
                    .order_by(person_requests.c.requested_at.desc())
                    .limit(1)
                )
            )
            .mappings()
            .first()
        )
        return PersonRequest(**dict(found)) if found else None

    async def add(self, request: PersonRequest) -> None:
        """A new request."""
        await self._session.execute(insert(person_requests).values(**asdict(request)))
