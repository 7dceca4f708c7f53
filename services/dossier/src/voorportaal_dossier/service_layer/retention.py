"""Closing and reopening a case, and the retention job that anonymises a closed case once its
retention period passed (`CaseAnonymised`, once; rules in `domain/retention.py`)."""

from __future__ import annotations

from datetime import timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.registry import Event
from voorportaal_dossier.adapters import case_store, links, repositories
from voorportaal_dossier.domain import retention
from voorportaal_dossier.domain.case_state import CaseState
from voorportaal_dossier.domain.sharing import DataKind
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.case_access import CaseAccess
from voorportaal_dossier.service_layer.documents import Documents

log = structlog.get_logger(__name__)

SWEEP_BATCH = 200
"""Cases anonymised per run of the retention job (the next run takes the rest)."""


class Retention:
    """A case's end: closed, reopened, and anonymised after the retention period."""

    def __init__(self, cases: CaseAccess, documents: Documents, *, period: timedelta) -> None:
        self._cases = cases
        self._documents = documents
        self._period = period

    async def close(self, actor: Actor, case_id: str, *, outcome: str) -> None:
        """Close a case; its retention period starts now."""

        async def step(_s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], None]:
            event = retention.close_case(
                case, actor.principal, at=self._cases.now(), team=actor.team, outcome=outcome
            )
            return case, [event], None

        await self._cases.change(actor, case_id, "close", DataKind.SUMMARY, step)

    async def reopen(self, actor: Actor, case_id: str) -> None:
        """Reopen a closed case that still has its data."""

        async def step(_s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], None]:
            event = retention.reopen_case(
                case, actor.principal, at=self._cases.now(), team=actor.team
            )
            return case, [event], None

        await self._cases.change(actor, case_id, "reopen", DataKind.SUMMARY, step)

    async def retention_sweep(self) -> int:
        """Anonymise closed cases past the retention period (`CaseAnonymised`, once)."""
        now = self._cases.now()
        async with self._cases.sessions.begin() as session:
            due = await repositories.closed_before(session, now - self._period, SWEEP_BATCH)
            done = 0
            hashes: set[str] = set()
            for case_id in due:
                before = await case_store.load(session, case_id, lock=True)
                if before is None or not retention.is_due(before, now, self._period):
                    continue
                event = retention.anonymisation_event(before, at=now, period=self._period)
                await case_store.commit_events(
                    session,
                    before,
                    before,
                    [event],
                    source=self._cases.source,
                    clock=self._cases.clock,
                )
                hashes |= await self.strip_rows(session, case_id)
                done += 1
                log.info("dossier.case_anonymised", case_id=case_id)
        # Only now that the rows' deletion is committed: a failed sweep leaves every file.
        await self._documents.remove_unreferenced(hashes)
        return done

    async def strip_rows(self, session: AsyncSession, case_id: str) -> set[str]:
        """Strip the personal texts of a case's rows and delete its documents' rows and link
        records; returns the documents' hashes (their files go once this commits)."""
        hashes = await repositories.strip_case(session, case_id)
        await links.forget_case(session, case_id)
        return hashes
