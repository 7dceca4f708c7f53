"""The shared path of every dossier use case: one case read or changed in one transaction,
decided and written to the audit log either way.

One transaction per use case; the dossier's own facts are folded into the case and staged in
the outbox in that same transaction. Every read of personal data is decided by
`sharing.decide` and written to the audit log, allowed or refused; a refused read is committed
to the log first and then answered with 403. A case that does not exist is 404 only for staff
of the dossier (who may know which cases exist); anyone else gets the same 403 as a refusal.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime
from typing import TypeVar

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.registry import Event
from voorportaal_dossier.adapters import case_store
from voorportaal_dossier.domain import ownership, sharing
from voorportaal_dossier.domain.case_state import CaseState
from voorportaal_dossier.domain.documents import DocumentRefused
from voorportaal_dossier.domain.errors import Conflict as DomainConflict
from voorportaal_dossier.domain.errors import InvalidInput, NotAllowed
from voorportaal_dossier.domain.sharing import DataKind
from voorportaal_dossier.service_layer import audit_log
from voorportaal_dossier.service_layer.access import Actor, record
from voorportaal_kit.audit import AuditAction, AuditRecord
from voorportaal_kit.case_access import Decision
from voorportaal_kit.clock import Clock
from voorportaal_kit.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ServiceError,
    TooLarge,
    UnsupportedType,
    in_english,
)

log = structlog.get_logger(__name__)

_T = TypeVar("_T")
Step = Callable[[AsyncSession, CaseState], Awaitable[tuple[CaseState, list[Event], _T]]]
"""One change of a case: the case after it, the dossier's own facts, and the answer."""
CHANGE_BASES = frozenset({"owner", "team", "supervisor"})
"""Staff bases that may change a case (record contacts, promises, documents …)."""


class DocumentTooLarge(TooLarge):
    """An upload over the size limit (413)."""


class UnsupportedDocument(UnsupportedType):
    """An upload that is not an accepted document (415)."""

    code = "unsupported_media_type"


def new_id(prefix: str) -> str:
    """A fresh lowercase id (`grant-…`, `promise-…`): ids travel in audit bases and events."""
    return f"{prefix}-{uuid.uuid4().hex[:20]}"


@contextlib.contextmanager
def domain_errors() -> Iterator[None]:
    """Translate the domain's errors into the kit's domain errors (refused, conflict, bad
    input); the HTTP edge maps those to a status."""
    try:
        yield
    except NotAllowed as exc:
        raise Forbidden(str(exc)) from None
    except DomainConflict as exc:
        raise Conflict(str(exc)) from None
    except DocumentRefused as exc:
        if exc.code == "too_large":
            raise DocumentTooLarge(exc.reason, field=exc.field) from None
        if exc.code in {"unsupported_type", "type_mismatch"}:
            raise UnsupportedDocument(exc.reason, field=exc.field) from None
        raise ServiceError(exc.reason, field=exc.field) from None
    except InvalidInput as exc:
        raise ServiceError(exc.reason, field=exc.field) from None


async def _audit_one(
    session: AsyncSession,
    actor: Actor,
    case_id: str,
    kind: DataKind,
    purpose: str,
    action: AuditAction,
    decision: Decision,
    now: datetime,
    object_id: str | None,
) -> None:
    """The audit record of one read or change, in that read's or change's transaction."""
    entry = record(actor, case_id, kind.value, purpose, action, decision, now, object_id=object_id)
    await audit_log.append(session, [entry])


class CaseAccess:
    """The dossier's database, clock and event source, and the audited read and change of a
    case that every use case goes through."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        source: str,
        teams: dict[str, str] | None = None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.source = source
        self._teams = dict(teams or {})

    def now(self) -> datetime:
        """The service's clock."""
        return self.clock.now()

    def team_of(self, subject: str) -> str | None:
        """A staff member's team from the settings' mapping."""
        return self._teams.get(subject)

    async def audit(self, records: list[AuditRecord]) -> None:
        """Append records to the access log in a transaction of their own."""
        async with self.sessions.begin() as session:
            await audit_log.append(session, records)

    def missing(self, actor: Actor) -> Exception:
        """What a caller hears of a case that does not exist (404 only for case staff)."""
        if actor.is_case_staff:
            return NotFound("No such case. / Deze zaak bestaat niet.")
        return Forbidden("No access to this case. / U hebt geen toegang tot deze zaak.")

    def refused(
        self, actor: Actor, case: CaseState | None, decision: Decision, dutch: str | None = None
    ) -> Exception:
        """What a refused caller hears (404 for staff where /cases/{id} would say so); `dutch`
        is the decision's reason in Dutch, where the use case words it."""
        if case is None and actor.link is None and actor.is_case_staff:
            return NotFound("No such case. / Deze zaak bestaat niet.")  # what /cases/{id} says
        return Forbidden(f"{decision.reason} / {dutch}" if dutch else decision.reason)

    def staff_basis(self, case: CaseState, actor: Actor) -> str:
        """Why `actor` may change the case (owner, team, supervisor); refused otherwise."""
        basis = ownership.visible_to(case.ownership, actor.principal, actor.team)
        if basis not in CHANGE_BASES:
            raise NotAllowed(
                "only the owner, their team or a supervisor may change this case / "
                "alleen de eigenaar, diens team of een supervisor kan deze zaak wijzigen"
            )
        return basis

    async def read(
        self,
        actor: Actor,
        case_id: str,
        kind: DataKind,
        purpose: str,
        *,
        object_id: str | None = None,
    ) -> CaseState:
        """The case if `actor` may read `kind` of it (audited either way), else 403/404."""
        now = self.clock.now()
        async with self.sessions.begin() as session:
            case = await case_store.load(session, case_id)
            decision = sharing.decide(
                actor.principal, case or CaseState.new(case_id), kind, now, team=actor.team
            )
            await _audit_one(
                session, actor, case_id, kind, purpose, AuditAction.READ, decision, now, object_id
            )
        if not decision.allowed:
            log.info("dossier.read_refused", case_id=case_id, data_kind=kind.value)
            raise Forbidden(decision.reason)
        if case is None:
            raise self.missing(actor)
        return case

    async def change(
        self,
        actor: Actor,
        case_id: str,
        purpose: str,
        kind: DataKind,
        step: Step[_T],
        *,
        object_id: str | None = None,
    ) -> _T:
        """Run one change of a case in one transaction with its events and audit record; a
        refused change is audited too (and answered with 403)."""
        now = self.clock.now()
        try:
            async with self.sessions.begin() as session:
                before = await case_store.load(session, case_id, lock=True)
                if before is None:
                    raise self.missing(actor)
                with domain_errors():
                    case, events, result = await step(session, before)
                await case_store.commit_events(
                    session, case, before, events, source=self.source, clock=self.clock
                )
                allowed = Decision(True, "the change was allowed", "case")
                await _audit_one(
                    session,
                    actor,
                    case_id,
                    kind,
                    purpose,
                    AuditAction.CHANGE,
                    allowed,
                    now,
                    object_id,
                )
        except Forbidden as refused:
            # The audit keeps the rule's fixed English text, not its Dutch half.
            decision = Decision(False, in_english(refused.detail)[0], "none")
            await self.audit(
                [record(actor, case_id, kind.value, purpose, AuditAction.CHANGE, decision, now)]
            )
            log.info("dossier.change_refused", case_id=case_id, purpose=purpose)
            raise
        log.info("dossier.changed", case_id=case_id, purpose=purpose, events=len(events))
        return result

    async def state(self, case_id: str) -> CaseState:
        """The case as stored now (404 when there is none)."""
        async with self.sessions() as session:
            case = await case_store.load(session, case_id)
        if case is None:
            raise NotFound("No such case. / Deze zaak bestaat niet.")
        return case

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A read-only session (tests, the demo)."""
        async with self.sessions() as session:
            yield session


class UseCase:
    """One part of the dossier's use cases: it reads and changes cases through `CaseAccess`."""

    def __init__(self, cases: CaseAccess) -> None:
        self._cases = cases
