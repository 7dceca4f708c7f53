"""The intake's persistence: intakes, their contact details and who the citizen is.

The use cases speak entities (`domain.intake`); this module is the only place that knows the
tables and their columns. Every method runs in the caller's session (its one transaction).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.types import Channel, CitizenLanguage, LifeEvent, MessageChannel
from voorportaal_intake.adapters.orm import (
    intake_citizens,
    intake_contacts,
    intake_verifications,
    intakes,
)
from voorportaal_intake.domain.intake import Citizen, ContactDetails, Details, Intake
from voorportaal_intake.domain.workflow import IntakeStatus
from voorportaal_kit.tables import outbox


def _intake(row: Mapping[Any, Any]) -> Intake:
    return Intake(
        id=row["id"],
        case_id=row["case_id"],
        content_version=row["content_version"],
        life_events=[LifeEvent(e) for e in row["life_events"]],
        channel=Channel(row["channel"]),
        started_by=row["started_by"],
        started_by_role=row["started_by_role"],
        answers=dict(row["answers"]),
        profile=dict(row["profile"]),
        status=IntakeStatus.stored(row["status"], bool(row["awaiting_confirmation"])),
        result=row["result"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        submitted_at=row["submitted_at"],
        revision=row["revision"],
        confirmed_by=row["confirmed_by"],
        confirmed_at=row["confirmed_at"],
        taken_in_by=row["taken_in_by"],
        erased_at=row["erased_at"],
        language=CitizenLanguage(row["language"]),
    )


def _changeable(intake: Intake) -> dict[str, Any]:
    """The columns a use case may change (the rest is fixed at the start)."""
    return {
        "answers": intake.answers,
        "profile": intake.profile,
        "status": intake.status.shown,
        "result": intake.result,
        "updated_at": intake.updated_at,
        "submitted_at": intake.submitted_at,
        "revision": intake.revision,
        "awaiting_confirmation": intake.awaiting_confirmation,
        "confirmed_by": intake.confirmed_by,
        "confirmed_at": intake.confirmed_at,
        "taken_in_by": intake.taken_in_by,
        "language": intake.language.value,
    }


def _contact(row: Mapping[Any, Any]) -> ContactDetails:
    found = _fields_of(ContactDetails, row)
    return ContactDetails(**{**found, "channels": [MessageChannel(c) for c in found["channels"]]})


def _citizen(row: Mapping[Any, Any]) -> Citizen:
    return Citizen(**_fields_of(Citizen, row))


def _fields_of(kind: type[Any], row: Mapping[Any, Any]) -> dict[str, Any]:
    """The columns of `row` named like the fields of the dataclass `kind`."""
    return {f.name: row[f.name] for f in fields(kind)}


class SessionRepository:
    """A repository working in the caller's session (the use case's one transaction)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session


class IntakeRepository(SessionRepository):
    """Intakes and their personal details in one session."""

    async def add(self, intake: Intake) -> None:
        """A new intake."""
        await self._session.execute(
            insert(intakes).values(
                id=intake.id,
                case_id=intake.case_id,
                content_version=intake.content_version,
                life_events=[e.value for e in intake.life_events],
                channel=intake.channel.value,
                started_by=intake.started_by,
                started_by_role=intake.started_by_role,
                created_at=intake.created_at,
                erased_at=intake.erased_at,
                **_changeable(intake),
            )
        )

    async def get(self, intake_id: UUID, *, for_update: bool = False) -> Intake | None:
        """The intake, or None; locked until the transaction ends with `for_update`."""
        query = select(intakes).where(intakes.c.id == intake_id)
        if for_update:
            query = query.with_for_update()
        found = (await self._session.execute(query)).mappings().first()
        return _intake(found) if found else None

    async def get_details(self, intake_id: UUID) -> Details | None:
        """The intake (locked), its contact details and who the citizen is: one round trip
        (submit's hot path, `bench/intake_submit.py`)."""
        contact_cols = [c.label(f"contact__{c.name}") for c in intake_contacts.c]
        citizen_cols = [c.label(f"citizen__{c.name}") for c in intake_citizens.c]
        query = (
            select(intakes, *contact_cols, *citizen_cols)
            .select_from(
                intakes.outerjoin(
                    intake_contacts, intake_contacts.c.intake_id == intakes.c.id
                ).outerjoin(intake_citizens, intake_citizens.c.intake_id == intakes.c.id)
            )
            .where(intakes.c.id == intake_id)
            .with_for_update(of=intakes)
        )
        found = (await self._session.execute(query)).mappings().first()
        if found is None:
            return None
        parts: dict[str, dict[str, Any]] = {"": {}, "contact": {}, "citizen": {}}
        for key, value in found.items():
            prefix, _, name = str(key).rpartition("__")
            parts[prefix][name] = value
        contact = parts["contact"]
        citizen = parts["citizen"]
        return Details(
            _intake(parts[""]),
            _contact(contact) if contact["intake_id"] is not None else None,
            _citizen(citizen) if citizen["intake_id"] is not None else None,
        )

    async def of_case(self, case_id: str) -> Intake | None:
        """The intake of a case, locked (for its erasure), or None."""
        query = select(intakes).where(intakes.c.case_id == case_id).with_for_update()
        found = (await self._session.execute(query)).mappings().first()
        return _intake(found) if found else None

    async def save(self, intake: Intake) -> None:
        """Write what a use case changed."""
        await self._session.execute(
            update(intakes).where(intakes.c.id == intake.id).values(**_changeable(intake))
        )

    async def contact(self, intake_id: UUID) -> ContactDetails | None:
        """The citizen's contact details, if given."""
        found = await self._one(intake_contacts, intake_id)
        return _contact(found) if found else None

    async def save_contact(self, intake_id: UUID, contact: ContactDetails, now: datetime) -> None:
        """Give or replace the contact details."""
        await self._upsert(intake_contacts, intake_id, {**asdict(contact), "updated_at": now})

    async def citizen(self, intake_id: UUID) -> Citizen | None:
        """Who the citizen is, if said."""
        found = await self._one(intake_citizens, intake_id)
        return _citizen(found) if found else None

    async def save_citizen(self, intake_id: UUID, citizen: Citizen, now: datetime) -> None:
        """Give or replace who the citizen is."""
        await self._upsert(intake_citizens, intake_id, {**asdict(citizen), "updated_at": now})

    async def erase(
        self,
        intake: Intake,
        *,
        answers: dict[str, Any],
        profile: dict[str, Any],
        topics: Sequence[str],
        now: datetime,
    ) -> None:
        """Delete identity, contact details and codes; keep the blanked answers; drop the case's
        records for `topics` still in the outbox (sent or not: a tombstone follows); mark the
        intake erased."""
        for table in (intake_contacts, intake_citizens, intake_verifications):
            await self._session.execute(delete(table).where(table.c.intake_id == intake.id))
        await self._session.execute(
            delete(outbox).where(
                outbox.c.message_key == intake.case_id, outbox.c.topic.in_(list(topics))
            )
        )
        await self._session.execute(
            update(intakes)
            .where(intakes.c.id == intake.id)
            .values(answers=answers, profile=profile, erased_at=now, updated_at=now)
        )
        intake.answers, intake.profile, intake.erased_at, intake.updated_at = (
            answers,
            profile,
            now,
            now,
        )

    async def _one(self, table: Table, intake_id: UUID) -> dict[str, Any] | None:
        found = (
            (await self._session.execute(select(table).where(table.c.intake_id == intake_id)))
            .mappings()
            .first()
        )
        return dict(found) if found else None

    async def _upsert(self, table: Table, intake_id: UUID, values: dict[str, Any]) -> None:
        exists = await self._session.scalar(
            select(table.c.intake_id).where(table.c.intake_id == intake_id)
        )
        if exists:
            await self._session.execute(
                update(table).where(table.c.intake_id == intake_id).values(**values)
            )
        else:
            await self._session.execute(insert(table).values(intake_id=intake_id, **values))
