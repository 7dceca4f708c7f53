"""What every intake use case shares: sessions, clock, limits, topics, and the audited load.

A use case runs in one transaction (`IntakeContext.transaction`): it loads the intake through
`load`/`load_details`, which ask the case's access decision and audit it, changes the entity,
saves it through the repository, and stages its events in the outbox (`stage`) before the
transaction commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.registry import Event
from voorportaal_contracts.topics import CITIZEN_IDENTITY, CONTACT_POINTS
from voorportaal_contracts.types import SharingScope
from voorportaal_intake.adapters.orm import audit_log, case_access
from voorportaal_intake.adapters.repositories import IntakeRepository
from voorportaal_intake.domain.intake import Details, Intake
from voorportaal_intake.domain.rate_limits import Limit
from voorportaal_intake.service_layer.codes import CodeIssuer, CodePolicy
from voorportaal_kit.audit import AuditAction
from voorportaal_kit.audit_log import AuditLog, AuditTrail
from voorportaal_kit.auth import Principal
from voorportaal_kit.case_access import CaseAccessStore, audit_record, decide
from voorportaal_kit.clock import Clock
from voorportaal_kit.errors import NotFound
from voorportaal_kit.outbox import add_events

ANSWERS = "intake_answers"
"""The intake's answers, triage and checklist+: read with the `summary` scope."""
IDENTITY = "identity"
"""Who the citizen is and how to reach them: read with the `identity` scope."""
_SCOPE = {ANSWERS: SharingScope.SUMMARY, IDENTITY: SharingScope.IDENTITY}


@dataclass(frozen=True)
class PersonalTopics:
    """Where the intake puts contact details and identities (compacted topics; tests of the
    log cleaner give topics of their own)."""

    contact_points: str = CONTACT_POINTS
    citizen_identity: str = CITIZEN_IDENTITY


@dataclass(frozen=True)
class Safeguards:
    """The limits on the public intake: starts per client, and one-time codes."""

    start_limits: Sequence[Limit] = field(
        default_factory=lambda: (Limit("starts", 3600, 10), Limit("starts", 86400, 30))
    )
    codes: CodePolicy = field(default_factory=CodePolicy)


class IntakeContext:
    """The collaborators of the intake's use cases (one per service, shared by all of them)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        source: str,
        *,
        safeguards: Safeguards | None = None,
        topics: PersonalTopics | None = None,
        access: CaseAccessStore | None = None,
        audit: AuditTrail | None = None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.source = source
        """The `ce_source` of the intake's events."""
        self.safeguards = safeguards or Safeguards()
        self.topics = topics or PersonalTopics()
        self.access = access or CaseAccessStore(case_access)
        """Who may see each case (owner, team, queue, grants), from `case.events`."""
        self.audit = audit or AuditTrail(
            AuditLog(audit_log), clock, source=source, service="intake"
        )
        """Every read and change of an intake by a person, allowed or refused."""

    def now(self) -> datetime:
        """The time of the injected clock."""
        return self.clock.now()

    def transaction(self) -> AbstractAsyncContextManager[AsyncSession]:
        """One use case's audited transaction (a refusal is rolled back, audited, and 403)."""
        return self.audit.transaction(self.sessions)

    def envelope(self, event: Event, now: datetime | None = None) -> Envelope:
        """An event of this service, at `now` (the clock's time by default)."""
        return Envelope(event, source=self.source, time=now or self.now())

    def codes(self, session: AsyncSession, intake: Intake) -> CodeIssuer:
        """What issues the intake's one-time codes in this transaction (at the clock's now)."""
        return CodeIssuer(
            session, intake.id, intake.case_id, self.safeguards.codes, self.now(), self.source
        )

    async def load(
        self,
        session: AsyncSession,
        intake_id: UUID,
        actor: Principal,
        *,
        for_update: bool = False,
        purpose: str = "change_intake",
        action: AuditAction = AuditAction.CHANGE,
        kind: str = ANSWERS,
    ) -> Intake:
        """The intake, if `actor` may read or change it (`check_access`, audited); one loaded
        for update must not be erased."""
        intake = await IntakeRepository(session).get(intake_id, for_update=for_update)
        if intake is None:
            raise NotFound("No such intake.")
        await self.check_access(session, intake, actor, purpose, action, kind)
        if for_update:
            intake.ensure_not_erased()
        return intake

    async def load_details(
        self,
        session: AsyncSession,
        intake_id: UUID,
        actor: Principal,
        *,
        purpose: str = "submit",
        kind: str = ANSWERS,
        staff_only: bool = False,
    ) -> Details:
        """The intake (locked), its contact details and who the citizen is, if `actor` may
        change it (audited). Erasure is the caller's to check (submit answers an erased
        submitted intake as it stands)."""
        found = await IntakeRepository(session).get_details(intake_id)
        if found is None:
            raise NotFound("No such intake.")
        await self.check_access(
            session,
            found.intake,
            actor,
            purpose,
            AuditAction.CHANGE,
            kind,
            staff_only=staff_only,
        )
        return found

    async def check_access(
        self,
        session: AsyncSession,
        intake: Intake,
        actor: Principal,
        purpose: str,
        action: AuditAction,
        kind: str,
        *,
        staff_only: bool = False,
    ) -> None:
        """The dossier's decision on this case (its citizen or their representative, owner,
        team, supervisor, an agency with a grant to read) plus whoever started the intake for
        the citizen: allowed, it is audited in this transaction; refused, the transaction is
        rolled back, the refusal audited on its own, and the caller gets 403."""
        now = self.now()
        decision = decide(
            actor,
            await self.access.get(session, intake.case_id),
            _SCOPE[kind],
            now,
            data_kind=kind,
            change=action is AuditAction.CHANGE,
            staff_only=staff_only,
            starter=intake.started_by,
        )
        record = audit_record(
            actor, intake.case_id, kind, purpose, action, decision, now, object_id=str(intake.id)
        )
        await self.audit.check(session, record, allowed=decision.allowed)

    async def stage(self, session: AsyncSession, staged: Sequence[Envelope]) -> None:
        """Stage events in the outbox; contact details and identities go to the (configured)
        personal topics."""
        personal = {
            CONTACT_POINTS: self.topics.contact_points,
            CITIZEN_IDENTITY: self.topics.citizen_identity,
        }
        await add_events(
            session,
            staged,
            clock=self.clock,
            topics=[personal.get(e.topic) for e in staged],
        )


class UseCase:
    """An intake use case: it works through the service's one `IntakeContext`."""

    def __init__(self, ctx: IntakeContext) -> None:
        self._ctx = ctx
