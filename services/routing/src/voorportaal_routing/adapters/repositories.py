"""Routing's persistence: cases, referrals, their history, identities, answers, grants.

The service layer speaks entities (`domain/referral.py`) and asks these repositories; every
SQL statement and every dialect difference (PostgreSQL's advisory locks) lives here. A
`RoutingStore` wraps the one session of a request or a consumed message (the kit's
transaction, with its inbox and outbox rows), so everything it writes commits or rolls back
together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.types import ReferralMode
from voorportaal_kit.db import insert_rows
from voorportaal_routing.adapters import grants as grant_rows
from voorportaal_routing.adapters.orm import (
    answers,
    cases,
    directory_changes,
    identities,
    referrals,
    transitions,
)
from voorportaal_routing.domain.consent import Grant
from voorportaal_routing.domain.lifecycle import ActorKind, ReferralState
from voorportaal_routing.domain.referral import Case, Referral, Step

_REFERRAL_COLUMNS = tuple(c.name for c in referrals.columns)
_CASE_COLUMNS = tuple(c.name for c in cases.columns)
_STEP_FIELDS = tuple(f.name for f in fields(Step))


def _referral(row: Mapping[Any, Any]) -> Referral:
    values = dict(row)
    values["state"] = ReferralState(values["state"])
    values["mode"] = ReferralMode(values["mode"])
    return Referral(**values)


def _referral_row(referral: Referral) -> dict[str, Any]:
    row = {name: getattr(referral, name) for name in _REFERRAL_COLUMNS}
    row["state"] = referral.state.value
    row["mode"] = referral.mode.value
    return row


def _case(row: Mapping[Any, Any]) -> Case:
    values = dict(row)
    values["awaiting_confirmation"] = bool(values["awaiting_confirmation"])
    return Case(**values)


def _column_value(value: Any) -> Any:
    return value.value if isinstance(value, ReferralState | ReferralMode) else value


class SessionRepository:
    """A repository working in the caller's session (one transaction per consumed message,
    request or sweep step)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session


class CaseRepository(SessionRepository):
    """Cases as routing keeps them (`routing_cases`)."""

    async def lock(self, case_ids: Iterable[str]) -> None:
        """Serialise the handlers of these cases across consumer groups (PostgreSQL).

        An intake and its citizen's identity arrive on different topics and are applied by
        different consumers at the same time; without this each could miss the other's
        uncommitted rows, and an agency would get a warm handover without the citizen's name.
        Locks are taken in sorted order (no deadlock between batches) and held to commit.
        SQLite runs one writer at a time anyway.
        """
        if self._session.get_bind().dialect.name != "postgresql":
            return
        await self._session.execute(
            text(
                "SELECT pg_advisory_xact_lock(hashtext('routing-case'), hashtext(s.id)) "
                "FROM (SELECT id FROM unnest(CAST(:ids AS text[])) AS id ORDER BY id) AS s"
            ),
            {"ids": sorted(set(case_ids))},
        )

    async def get(self, case_id: str) -> Case | None:
        """The case, or None when routing has not seen its intake."""
        found = (
            (await self._session.execute(select(cases).where(cases.c.case_id == case_id)))
            .mappings()
            .first()
        )
        return _case(found) if found is not None else None

    async def known(self, case_ids: Sequence[str]) -> set[str]:
        """Which of these cases routing knows."""
        found = await self._session.scalars(
            select(cases.c.case_id).where(cases.c.case_id.in_(list(case_ids)))
        )
        return set(found.all())

    async def add(self, new: Sequence[Case]) -> None:
        """Store new cases, in one statement (a batch of intakes: bench/routing.py)."""
        await insert_rows(
            self._session,
            cases,
            [{name: getattr(case, name) for name in _CASE_COLUMNS} for case in new],
        )

    async def save(self, case: Case, *names: str) -> None:
        """Write these fields of the case."""
        await self._session.execute(
            update(cases)
            .where(cases.c.case_id == case.case_id)
            .values({name: getattr(case, name) for name in names})
        )

    async def name_buddy(self, case_id: str, name: str) -> None:
        """The buddy's name, shown to agencies in the handover (nothing when unknown)."""
        await self._session.execute(
            update(cases).where(cases.c.case_id == case_id).values(buddy_name=name)
        )


class ReferralRepository(SessionRepository):
    """Referrals (`referrals`) and their history (`referral_transitions`)."""

    async def get(self, referral_id: str, *, for_update: bool = False) -> Referral | None:
        """One referral (locked for this transaction when `for_update`)."""
        query = select(referrals).where(referrals.c.id == referral_id)
        if for_update:
            query = query.with_for_update()
        found = (await self._session.execute(query)).mappings().first()
        return _referral(found) if found is not None else None

    async def of_case(self, case_id: str) -> list[Referral]:
        """A case's referrals, oldest first."""
        rows = await self._session.execute(
            select(referrals)
            .where(referrals.c.case_id == case_id)
            .order_by(referrals.c.created_at, referrals.c.id)
        )
        return [_referral(row) for row in rows.mappings()]

    async def add(self, new: Sequence[Referral]) -> None:
        """Store new referrals, in one statement (a batch of intakes: bench/routing.py)."""
        if new:
            await insert_rows(self._session, referrals, [_referral_row(r) for r in new])

    async def save(self, referral: Referral, *names: str) -> None:
        """Write these fields of the referral."""
        await self._session.execute(
            update(referrals)
            .where(referrals.c.id == referral.id)
            .values({name: _column_value(getattr(referral, name)) for name in names})
        )

    async def remove(self, referral: Referral) -> None:
        """Forget a referral that was never announced (a plan that changed)."""
        await self._session.execute(delete(referrals).where(referrals.c.id == referral.id))

    async def held_after(self, referral_id: str) -> list[Referral]:
        """Held referrals waiting on this one (estafette)."""
        rows = await self._session.execute(
            select(referrals).where(
                referrals.c.waits_on == referral_id,
                referrals.c.state == ReferralState.HELD.value,
            )
        )
        return [_referral(row) for row in rows.mappings()]

    async def due_for_check(self, now: datetime, limit: int = 500) -> list[Referral]:
        """Referrals whose SLA clock is due, locked; ones another sweep holds are skipped."""
        rows = await self._session.execute(
            select(referrals)
            .where(referrals.c.next_check_at <= now)
            .order_by(referrals.c.next_check_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_referral(row) for row in rows.mappings()]

    async def cases_with_unreported_holds(self) -> list[str]:
        """Cases with a held referral whose stall was not reported yet."""
        found = await self._session.scalars(
            select(referrals.c.case_id)
            .where(
                referrals.c.state == ReferralState.HELD.value,
                referrals.c.stall_reported.is_(None),
            )
            .distinct()
        )
        return list(found.all())

    async def record(self, step: Step) -> None:
        """Add a lifecycle step to the referral's history."""
        await self._session.execute(
            insert(transitions).values({name: getattr(step, name) for name in _STEP_FIELDS})
        )

    async def last_agency_action(self, referral_id: str) -> str | None:
        """The last action the agency took on this referral."""
        return await self._session.scalar(
            select(transitions.c.action)
            .where(
                transitions.c.referral_id == referral_id,
                transitions.c.actor == ActorKind.AGENCY.value,
            )
            .order_by(transitions.c.id.desc())
            .limit(1)
        )

    async def history(self, referral_ids: Sequence[str]) -> list[Step]:
        """The steps of these referrals, in the order they happened."""
        rows = await self._session.execute(
            select(transitions)
            .where(transitions.c.referral_id.in_(list(referral_ids)))
            .order_by(transitions.c.id)
        )
        return [Step(**{name: row[name] for name in _STEP_FIELDS}) for row in rows.mappings()]

    async def erase_notes(self, referral_ids: Sequence[str]) -> None:
        """Drop the notes of these referrals' steps (they may name the citizen)."""
        if referral_ids:
            await self._session.execute(
                update(transitions)
                .where(transitions.c.referral_id.in_(list(referral_ids)))
                .values(note=None)
            )


class IdentityRepository(SessionRepository):
    """Who the citizen is (`routing_identities`): personal data, handed on only by grant."""

    async def get(self, case_id: str) -> dict[str, Any] | None:
        """The citizen's identity, if routing has it."""
        found: dict[str, Any] | None = await self._session.scalar(
            select(identities.c.identity).where(identities.c.case_id == case_id)
        )
        return found

    async def of_cases(self, case_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The identities of these cases that routing has, by case."""
        if not case_ids:
            return {}
        found = await self._session.execute(
            select(identities.c.case_id, identities.c.identity).where(
                identities.c.case_id.in_(list(case_ids))
            )
        )
        return {row.case_id: row.identity for row in found}

    async def put(self, case_id: str, identity: dict[str, Any], now: datetime) -> None:
        """Keep (or replace) the citizen's identity."""
        known = await self._session.scalar(
            select(identities.c.case_id).where(identities.c.case_id == case_id)
        )
        if known:
            await self._session.execute(
                update(identities)
                .where(identities.c.case_id == case_id)
                .values(identity=identity, updated_at=now)
            )
        else:
            await self._session.execute(
                insert(identities).values(case_id=case_id, identity=identity, updated_at=now)
            )

    async def forget(self, case_id: str) -> None:
        """Forget who the citizen is."""
        await self._session.execute(delete(identities).where(identities.c.case_id == case_id))


class AnswerRepository(SessionRepository):
    """Agencies' answers applied (`referral_answers`), so one sent again is applied once."""

    async def seen(self, referral_id: str, key: str) -> bool:
        """Whether this answer was applied before."""
        found = await self._session.scalar(
            select(answers.c.answer_key).where(
                answers.c.referral_id == referral_id, answers.c.answer_key == key
            )
        )
        return found is not None

    async def add(
        self, referral_id: str, key: str, response: str, responded_at: datetime, now: datetime
    ) -> None:
        """Remember an answer as applied."""
        await self._session.execute(
            insert(answers).values(
                referral_id=referral_id,
                answer_key=key,
                response=response,
                responded_at=responded_at,
                received_at=now,
            )
        )


class GrantRepository(SessionRepository):
    """The citizen's sharing grants (`adapters/grants.py` holds their rules of storage)."""

    async def of_case(self, case_id: str) -> list[Grant]:
        """The grants of one case."""
        return (await grant_rows.of_cases(self._session, [case_id])).get(case_id, [])

    async def of_cases(self, case_ids: Sequence[str]) -> dict[str, list[Grant]]:
        """The grants of these cases, by case."""
        return await grant_rows.of_cases(self._session, case_ids)

    async def seed(self, seeds: Sequence[Mapping[str, Any]], now: datetime) -> None:
        """The intake's grants that are not known yet."""
        await grant_rows.seed(self._session, seeds, now)

    async def put(self, terms: Mapping[str, Any], now: datetime) -> None:
        """A grant's terms from `ConsentGranted`."""
        await grant_rows.put(self._session, terms, now, seeded=False)

    async def revoke(
        self, *, case_id: str, grant_id: str, agency_code: str, revoked_at: datetime, now: datetime
    ) -> None:
        """A grant revoked (kept as revoked, whatever arrives later)."""
        await grant_rows.revoke(
            self._session,
            case_id=case_id,
            grant_id=grant_id,
            agency_code=agency_code,
            revoked_at=revoked_at,
            now=now,
        )

    async def cases_due(self, now: datetime) -> list[str]:
        """Cases with a grant that started or ended since the last sweep."""
        return await grant_rows.cases_due(self._session, now)

    async def take_due(self, case_id: str, now: datetime) -> set[str]:
        """The agencies of this case's grants that are due, marked as handled."""
        return await grant_rows.take_due(self._session, case_id, now)

    async def forget_case(self, case_id: str) -> None:
        """Drop every grant of the case (erasure)."""
        await grant_rows.forget_case(self._session, case_id)


@dataclass(frozen=True)
class DirectoryChange:
    """One recorded change of a service's referral settings."""

    service_id: str
    changes: dict[str, Any]
    note: str
    changed_by: str
    role: str
    changed_at: datetime


class DirectoryChanges(SessionRepository):
    """The changes made to the directory through the API (`directory_changes`)."""

    async def all(self) -> list[DirectoryChange]:
        """Every change, oldest first."""
        return await self._changes(select(directory_changes))

    async def of_service(self, service_id: str) -> list[DirectoryChange]:
        """The changes of one service, oldest first."""
        return await self._changes(
            select(directory_changes).where(directory_changes.c.service_id == service_id)
        )

    async def add(self, change: DirectoryChange) -> None:
        """Record a change."""
        await self._session.execute(
            insert(directory_changes).values(
                {f.name: getattr(change, f.name) for f in fields(DirectoryChange)}
            )
        )

    async def _changes(self, query: Any) -> list[DirectoryChange]:
        rows = (await self._session.execute(query.order_by(directory_changes.c.id))).all()
        return [
            DirectoryChange(r.service_id, r.changes, r.note, r.changed_by, r.role, r.changed_at)
            for r in rows
        ]


class RoutingStore:
    """The repositories over one session: one transaction per request or consumed message."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        """The transaction (the kit's outbox stages events in it)."""
        self.cases = CaseRepository(session)
        self.referrals = ReferralRepository(session)
        self.identities = IdentityRepository(session)
        self.answers = AnswerRepository(session)
        self.grants = GrantRepository(session)
        self.directory_changes = DirectoryChanges(session)
