"""Dossier use cases: the projection, the buddy system, contact moments, the promise ledger,
sharing and mandates, documents, the citizen's view, doorbraak, closing and retention.

One transaction per use case; the dossier's own facts are folded into the case and staged in
the outbox in that same transaction. Every read of personal data is decided by
`sharing.decide` and written to the audit log, allowed or refused; a refused read is committed
to the log first and then answered with 403. A case that does not exist is 404 only for staff
of the dossier (who may know which cases exist); anyone else gets the same 403 as a refusal.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

import structlog
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts import citizen_links as short_links
from voorportaal_contracts.citizen_links import short_link_id
from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    ActionRequested,
    CitizenLinkRevoked,
    CitizenMessageRequested,
    ContactRecorded,
    OverrideDecided,
    PromiseDueSoon,
)
from voorportaal_contracts.registry import Event
from voorportaal_contracts.types import Channel, RepresentativeRelation, SharingScope
from voorportaal_dossier.adapters import document_rows, links
from voorportaal_dossier.adapters.filestore import DocumentStore
from voorportaal_dossier.adapters.orm import (
    cases,
    citizen_items,
    contacts,
    documents,
    overrides,
    promise_clock,
)
from voorportaal_dossier.domain import citizen_link, ownership, promises, retention, sharing
from voorportaal_dossier.domain.documents import DocumentRefused, check_upload
from voorportaal_dossier.domain.errors import Conflict as DomainConflict
from voorportaal_dossier.domain.errors import InvalidInput, NotAllowed
from voorportaal_dossier.domain.figures import supervisor_figures
from voorportaal_dossier.domain.projection import CaseState, load_case
from voorportaal_dossier.domain.promises import MadeBy
from voorportaal_dossier.domain.sharing import DataKind
from voorportaal_dossier.service_layer import access_elsewhere, audit_log, store
from voorportaal_dossier.service_layer.access import Actor, LinkUse, record
from voorportaal_kit.audit import AuditAction, AuditRecord
from voorportaal_kit.audit_log import AnchorStore
from voorportaal_kit.auth import Principal, Role
from voorportaal_kit.case_access import Decision
from voorportaal_kit.clock import Clock
from voorportaal_kit.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ServiceError,
    TooLarge,
    UnsupportedType,
)

log = structlog.get_logger(__name__)

_T = TypeVar("_T")
CHANGE_BASES = frozenset({"owner", "team", "supervisor"})
"""Staff bases that may change a case (record contacts, promises, documents …)."""
AGGREGATE_CASE_ID = "all-cases"
"""The audit record's case id for a read of figures over every case (no case's data)."""
MAX_FIGURE_CASES = 50_000
"""The figures are computed over at most this many stored cases (the newest)."""
CASE_PAGE_KINDS = (
    DataKind.SUMMARY,
    DataKind.IDENTITY,
    DataKind.TIMELINE,
    DataKind.REFERRALS,
    DataKind.PROMISES,
    DataKind.CONTACT_MOMENTS,
    DataKind.DOCUMENTS,
    DataKind.SHARING,
)
NOT_A_LINK = (
    "the citizen's pages open only with the citizen's own link or a representative's link; "
    "staff and agencies read the case at /cases/{id}"
)
"""Why a staff, agency or any other token is refused on the citizen's pages."""
UPLOAD_REFUSED = (
    "only the owner, their team or a supervisor adds documents to a case "
    "(the citizen and a representative with the documents scope: with their link)"
)


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
    """Translate the domain's errors into the kit's HTTP errors (403, 409, 400)."""
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


class DossierService:
    """The dossier's use cases over its own database and outbox."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        source: str,
        *,
        documents: DocumentStore,
        link_key: bytes,
        link_ttl: timedelta,
        retention: timedelta,
        max_upload_bytes: int,
        teams: dict[str, str] | None = None,
        anchors: AnchorStore | None = None,
        anchor_key: bytes | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._source = source
        self._documents = documents
        self._link_key = link_key
        self._link_ttl = link_ttl
        self._retention = retention
        self.max_upload_bytes = max_upload_bytes
        self._teams = dict(teams or {})
        self._anchors = anchors
        self._anchor_key = anchor_key
        self._anchored_seq: int | None = None

    def team_of(self, subject: str) -> str | None:
        """A staff member's team from the settings' mapping."""
        return self._teams.get(subject)

    # -- consumed events -------------------------------------------------------------------

    async def on_event(self, session: AsyncSession, incoming: Envelope) -> None:
        """Fold an intake, routing, identity, contact or notify fact into its case."""
        await self.on_events(session, [incoming])

    async def on_events(self, session: AsyncSession, incoming: Sequence[Envelope]) -> None:
        """Fold a consumed batch of facts into their cases, each case locked, loaded and
        written once (the same outcome as `on_event` for each in turn)."""
        changed = await store.apply_incoming(session, incoming, self._clock)
        log.debug("dossier.projected", events=len(incoming), changed=changed)

    async def on_identity_erased(self, session: AsyncSession, case_id: str) -> None:
        """A tombstone on `citizen.identity`: forget who the citizen is."""
        await self._strip_citizen(
            session,
            case_id,
            name=None,
            bsn=None,
            date_of_birth=None,
            postcode=None,
            house_number=None,
            representative=None,
            household=(),
        )

    async def on_contact_erased(self, session: AsyncSession, case_id: str) -> None:
        """A tombstone on `contact.points`: forget how to reach the citizen."""
        await self._strip_citizen(session, case_id, email=None, phone=None, channels=())

    async def _strip_citizen(self, session: AsyncSession, case_id: str, **fields: Any) -> None:
        before = await store.load(session, case_id, lock=True)
        if before is None or before.citizen is None:
            return
        case = replace(before, citizen=replace(before.citizen, **fields))
        await store.save(session, case, before, self._clock)
        log.info("dossier.citizen_details_erased", case_id=case_id)

    # -- audited access ----------------------------------------------------------------------

    async def anchor_audit(self) -> int | None:
        """Checkpoint the audit chain's head outside the database when it moved (the periodic
        job); returns the anchored record's number, or None when nothing was new."""
        if self._anchors is None or self._anchor_key is None:
            return None
        async with self._sessions() as session:
            checkpoint = await audit_log.anchor(
                session,
                self._anchors,
                self._anchor_key,
                self._clock.now(),
                anchored_seq=self._anchored_seq,
            )
        if checkpoint is None:
            return None
        self._anchored_seq = checkpoint.seq
        log.info("dossier.audit_anchored", seq=checkpoint.seq)
        return checkpoint.seq

    async def _audit(self, records: list[AuditRecord]) -> None:
        async with self._sessions.begin() as session:
            await audit_log.append(session, records)

    def _missing(self, actor: Actor) -> Exception:
        if actor.is_case_staff:
            return NotFound("No such case.")
        return Forbidden("No access to this case.")

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
        now = self._clock.now()
        async with self._sessions.begin() as session:
            case = await store.load(session, case_id)
            decision = sharing.decide(
                actor.principal, case or CaseState.new(case_id), kind, now, team=actor.team
            )
            await audit_log.append(
                session,
                [
                    record(
                        actor,
                        case_id,
                        kind.value,
                        purpose,
                        AuditAction.READ,
                        decision,
                        now,
                        object_id=object_id,
                    )
                ],
            )
        if not decision.allowed:
            log.info("dossier.read_refused", case_id=case_id, data_kind=kind.value)
            raise Forbidden(decision.reason)
        if case is None:
            raise self._missing(actor)
        return case

    async def change(
        self,
        actor: Actor,
        case_id: str,
        purpose: str,
        kind: DataKind,
        step: Callable[[AsyncSession, CaseState], Awaitable[tuple[CaseState, list[Event], _T]]],
        *,
        object_id: str | None = None,
    ) -> _T:
        """Run one change of a case in one transaction with its events and audit record; a
        refused change is audited too (and answered with 403)."""
        now = self._clock.now()
        try:
            async with self._sessions.begin() as session:
                before = await store.load(session, case_id, lock=True)
                if before is None:
                    raise self._missing(actor)
                with domain_errors():
                    case, events, result = await step(session, before)
                await store.commit_events(
                    session, case, before, events, source=self._source, clock=self._clock
                )
                allowed = Decision(True, "the change was allowed", "case")
                await audit_log.append(
                    session,
                    [
                        record(
                            actor,
                            case_id,
                            kind.value,
                            purpose,
                            AuditAction.CHANGE,
                            allowed,
                            now,
                            object_id=object_id,
                        )
                    ],
                )
        except Forbidden as refused:
            decision = Decision(False, refused.detail, "none")
            await self._audit(
                [record(actor, case_id, kind.value, purpose, AuditAction.CHANGE, decision, now)]
            )
            log.info("dossier.change_refused", case_id=case_id, purpose=purpose)
            raise
        log.info("dossier.changed", case_id=case_id, purpose=purpose, events=len(events))
        return result

    def _staff_basis(self, case: CaseState, actor: Actor) -> str:
        basis = ownership.visible_to(case.ownership, actor.principal, actor.team)
        if basis not in CHANGE_BASES:
            raise NotAllowed("only the owner, their team or a supervisor may change this case")
        return basis

    # -- the work queue and the case page ----------------------------------------------------

    async def queue(
        self,
        actor: Actor,
        *,
        view: str,
        sort: str,
        life_event: str | None = None,
        agency: str | None = None,
        municipality: str | None = None,
        state: str | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        """Cases for the console: recommended for a buddy, mine, or my team's (ids and codes
        only: no personal data, so no audit record per row)."""
        if not actor.is_case_staff:
            raise Forbidden("Only casemanagers and supervisors see the work queue.")
        stmt = select(cases).where(cases.c.anonymised_at.is_(None))
        if view == "recommended":
            stmt = stmt.where(
                cases.c.ownership_status.in_([s.value for s in ownership.QUEUE_STATES]),
                cases.c.closed_at.is_(None),
            )
        elif view == "mine":
            stmt = stmt.where(cases.c.owner_id == actor.subject)
        elif view == "team":
            if actor.team is None:
                return []
            stmt = stmt.where(cases.c.team == actor.team)
        elif view == "all" and not actor.principal.has_role(Role.SUPERVISOR):
            raise Forbidden("Only a supervisor sees every case.")
        if municipality is not None:
            stmt = stmt.where(cases.c.municipality_code == municipality)
        if state is not None:
            stmt = stmt.where(cases.c.ownership_status == state)
        if sort == "overdue":
            stmt = stmt.order_by(
                cases.c.overdue_count.desc(), cases.c.urgency_rank, cases.c.case_id
            )
        else:
            stmt = stmt.order_by(
                cases.c.urgency_rank, cases.c.overdue_count.desc(), cases.c.case_id
            )
        async with self._sessions() as session:
            rows = (await session.execute(stmt.limit(1000))).mappings().all()
        out = []
        for row in rows:
            if life_event is not None and life_event not in row["life_events"]:
                continue
            if agency is not None and agency not in row["agency_codes"]:
                continue
            out.append(
                {
                    "case_id": row["case_id"],
                    "ownership_status": row["ownership_status"],
                    "owner_id": row["owner_id"],
                    "team": row["team"],
                    "urgency": row["urgency"],
                    "municipality_code": row["municipality_code"],
                    "life_events": row["life_events"],
                    "agencies": row["agency_codes"],
                    "overdue": row["overdue_count"],
                    "handover_to": _handover_to(row),
                    "closed": row["closed_at"] is not None,
                    "opened_at": row["opened_at"],
                }
            )
            if len(out) >= limit:
                break
        return out

    async def figures(self, actor: Actor) -> dict[str, Any]:
        """The supervisor's figures over the stored cases (counts and rates only), audited as
        one aggregate read; anyone else is refused (and audited)."""
        now = self._clock.now()
        allowed = actor.principal.has_role(Role.SUPERVISOR)
        decision = (
            Decision(True, "supervisors see aggregate figures", "supervisor")
            if allowed
            else Decision(False, "only a supervisor sees the figures", "none")
        )
        async with self._sessions.begin() as session:
            await audit_log.append(
                session,
                [
                    record(
                        actor,
                        AGGREGATE_CASE_ID,
                        "aggregate_figures",
                        "supervisor_figures",
                        AuditAction.READ,
                        decision,
                        now,
                    )
                ],
            )
            if not allowed:
                raws: Sequence[Any] = []
            else:
                raws = (
                    (
                        await session.execute(
                            select(cases.c.state)
                            .where(cases.c.anonymised_at.is_(None))
                            .order_by(cases.c.updated_at.desc())
                            .limit(MAX_FIGURE_CASES)
                        )
                    )
                    .scalars()
                    .all()
                )
        if not allowed:
            # Raised outside the transaction, so the refusal stays in the audit log.
            raise Forbidden(decision.reason)
        return supervisor_figures((load_case(raw) for raw in raws), now)

    async def case_page(self, actor: Actor, case_id: str) -> dict[str, Any]:
        """Everything the console shows of a case, each part decided and audited on its own;
        a part the caller may not read says so instead of its content."""
        now = self._clock.now()
        async with self._sessions.begin() as session:
            case = await store.load(session, case_id)
            subject = case or CaseState.new(case_id)
            decisions = {
                kind: sharing.decide(actor.principal, subject, kind, now, team=actor.team)
                for kind in CASE_PAGE_KINDS
            }
            await audit_log.append(
                session,
                [
                    record(actor, case_id, k.value, "case_page", AuditAction.READ, d, now)
                    for k, d in decisions.items()
                ],
            )
            extra = await self._case_rows(session, case_id) if case is not None else {}
        if not any(d.allowed for d in decisions.values()):
            raise Forbidden(decisions[DataKind.SUMMARY].reason)
        if case is None:
            raise self._missing(actor)
        parts = _case_parts(case, extra, actor)
        page: dict[str, Any] = {"case_id": case_id, "refused": {}}
        for kind, decision in decisions.items():
            if decision.allowed:
                page[kind.value] = parts[kind]
            else:
                page["refused"][kind.value] = decision.reason
        return page

    async def _case_rows(self, session: AsyncSession, case_id: str) -> dict[str, Any]:
        async def rows(table: Any, order: Any) -> list[dict[str, Any]]:
            result = await session.execute(
                select(table).where(table.c.case_id == case_id).order_by(order)
            )
            return [dict(r) for r in result.mappings().all()]

        return {
            "contacts": await rows(contacts, contacts.c.at),
            "documents": await rows(documents, documents.c.uploaded_at),
            "citizen_items": await rows(citizen_items, citizen_items.c.at),
            "overrides": await rows(overrides, overrides.c.proposed_at),
        }

    # -- the buddy system ------------------------------------------------------------------

    async def claim(self, actor: Actor, case_id: str) -> CaseState:
        """Take ownership; of two claims at once exactly one wins (the row is locked)."""

        async def step(_s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], Any]:
            t = ownership.claim(case.ownership, actor.principal, team=actor.team, at=self._now())
            return replace(case, ownership=t.state), list(t.events), None

        await self.change(actor, case_id, "claim", DataKind.SUMMARY, step)
        return await self._state(case_id)

    async def request_handover(
        self, actor: Actor, case_id: str, *, to_id: str, to_name: str, note: str
    ) -> CaseState:
        """Ask a named colleague to take over, with a note that stays in the dossier."""
        to = ownership.StaffMember(to_id, to_name, self.team_of(to_id))

        async def step(_s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], Any]:
            t = ownership.request_handover(
                case.ownership, actor.principal, to=to, note=note, at=self._now()
            )
            return replace(case, ownership=t.state), list(t.events), None

        await self.change(actor, case_id, "handover_request", DataKind.SUMMARY, step)
        return await self._state(case_id)

    async def ownership_step(self, actor: Actor, case_id: str, action: str) -> CaseState:
        """Accept, decline or cancel a handover, or release the case."""

        def run(state: ownership.Ownership) -> ownership.Transition:
            at = self._now()
            if action == "accept":
                return ownership.accept_handover(state, actor.principal, team=actor.team, at=at)
            if action == "decline":
                return ownership.decline_handover(state, actor.principal, at=at)
            if action == "cancel":
                return ownership.cancel_handover(state, actor.principal, at=at)
            return ownership.release(state, actor.principal, at=at)

        async def step(_s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], Any]:
            t = run(case.ownership)
            return replace(case, ownership=t.state), list(t.events), None

        await self.change(actor, case_id, f"handover_{action}", DataKind.SUMMARY, step)
        return await self._state(case_id)

    async def reassign(self, actor: Actor, case_id: str, *, to_id: str, to_name: str) -> CaseState:
        """A supervisor gives the case to a casemanager."""
        to = ownership.StaffMember(to_id, to_name, self.team_of(to_id))

        async def step(_s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], Any]:
            t = ownership.reassign(case.ownership, actor.principal, to=to, at=self._now())
            return replace(case, ownership=t.state), list(t.events), None

        await self.change(actor, case_id, "reassign", DataKind.SUMMARY, step)
        return await self._state(case_id)

    # -- contact moments, messages, actions --------------------------------------------------

    async def record_contact(
        self,
        actor: Actor,
        case_id: str,
        *,
        channel: Channel,
        summary: str,
        next_steps: str | None,
        send_confirmation: bool,
    ) -> str:
        """Record a contact moment; notify sends a written confirmation when asked."""
        contact_id = new_id("contact")

        async def step(s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], str]:
            self._staff_basis(case, actor)
            now = self._now()
            await s.execute(
                insert(contacts).values(
                    id=contact_id,
                    case_id=case_id,
                    channel=channel.value,
                    by=actor.subject,
                    summary=summary,
                    next_steps=next_steps,
                    confirmation_requested=send_confirmation,
                    at=now,
                )
            )
            event = ContactRecorded(
                case_id=case_id,
                contact_id=contact_id,
                channel=channel,
                by=actor.subject,
                confirmation_requested=send_confirmation,
                recorded_at=now,
            )
            return case, [event], contact_id

        return await self.change(
            actor, case_id, "contact_moment", DataKind.CONTACT_MOMENTS, step, object_id=contact_id
        )

    async def citizen_item(
        self, actor: Actor, case_id: str, *, kind: str, text: str, due_at: datetime | None
    ) -> str:
        """A message for the citizen, or something they must do; notify says there is news."""
        item_id = new_id("message" if kind == "message" else "action")

        async def step(s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], str]:
            self._staff_basis(case, actor)
            now = self._now()
            if due_at is not None and due_at <= now:
                raise InvalidInput("due_at", "must lie in the future")
            await s.execute(
                insert(citizen_items).values(
                    id=item_id,
                    case_id=case_id,
                    kind=kind,
                    text=text,
                    due_at=due_at,
                    by=actor.subject,
                    at=now,
                )
            )
            event: Event
            if kind == "message":
                event = CitizenMessageRequested(
                    case_id=case_id, message_id=item_id, by=actor.subject, requested_at=now
                )
            else:
                event = ActionRequested(
                    case_id=case_id,
                    action_id=item_id,
                    due_at=due_at,
                    requested_by=actor.subject,
                    requested_at=now,
                )
            return case, [event], item_id

        return await self.change(actor, case_id, kind, DataKind.SUMMARY, step, object_id=item_id)

    # -- the promise ledger ------------------------------------------------------------------

    async def record_promise(
        self,
        actor: Actor,
        case_id: str,
        *,
        made_by_kind: MadeBy,
        made_by: str | None,
        what: str,
        due_at: datetime,
        referral_id: str | None,
    ) -> str:
        """Record a promise (agency, casemanager) or a term the citizen set."""
        promise_id = new_id("promise")

        async def step(_s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], str]:
            self._staff_basis(case, actor)
            who = made_by or (actor.subject if made_by_kind is MadeBy.CASEMANAGER else "")
            if referral_id is not None and case.referral(referral_id) is None:
                raise InvalidInput("referral_id", "no such referral on this case")
            promise, event = promises.record(
                case_id,
                promise_id,
                made_by_kind=made_by_kind,
                made_by=who,
                what=what,
                due_at=due_at,
                recorded_at=self._now(),
                referral_id=referral_id,
            )
            case = replace(case, promises=(*case.promises, promise))
            return case, [event], promise_id

        return await self.change(
            actor, case_id, "promise", DataKind.PROMISES, step, object_id=promise_id
        )

    async def fulfil_promise(self, actor: Actor, case_id: str, promise_id: str) -> None:
        """Mark a promise kept (late when it was broken already)."""

        async def step(_s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], None]:
            self._staff_basis(case, actor)
            found = next((p for p in case.promises if p.promise_id == promise_id), None)
            if found is None:
                raise InvalidInput("promise_id", "no such promise on this case")
            _kept, event = promises.fulfil(case_id, found, at=self._now())
            return case, [event], None

        await self.change(
            actor, case_id, "promise_fulfil", DataKind.PROMISES, step, object_id=promise_id
        )

    async def promise_sweep(self) -> int:
        """Publish `PromiseDueSoon` a day before and `PromiseBroken` once the due date passed
        (each once: the clock row and the case say it was done)."""
        now = self._clock.now()
        published = 0
        async with self._sessions.begin() as session:
            stmt = (
                select(promise_clock)
                .where(
                    promise_clock.c.open.is_(True),
                    promise_clock.c.due_at <= now + timedelta(days=1),
                )
                .order_by(promise_clock.c.due_at)
                .limit(500)
            )
            if session.get_bind().dialect.name == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True)
            rows = [dict(r) for r in (await session.execute(stmt)).mappings().all()]
            for row in rows:
                before = await store.load(session, row["case_id"], lock=True)
                if before is None:
                    continue
                promise = next(
                    (p for p in before.promises if p.promise_id == row["promise_id"]), None
                )
                if promise is None:
                    continue
                events: list[Event] = []
                if promises.is_due_for_breaking(promise, now):
                    _, broken = promises.mark_broken(before.case_id, promise, at=now)
                    if broken is not None:
                        events.append(broken)
                elif not row["due_soon_sent"] and promise.status is promises.PromiseStatus.OPEN:
                    events.append(
                        PromiseDueSoon(
                            case_id=before.case_id,
                            promise_id=promise.promise_id,
                            made_by=promise.made_by,
                            due_at=promise.due_at,
                        )
                    )
                    await session.execute(
                        update(promise_clock)
                        .where(promise_clock.c.promise_id == promise.promise_id)
                        .values(due_soon_sent=True)
                    )
                if events:
                    await store.commit_events(
                        session, before, before, events, source=self._source, clock=self._clock
                    )
                    published += len(events)
        if published:
            log.info("dossier.promise_sweep", published=published)
        return published

    # -- sharing and mandates ----------------------------------------------------------------

    async def grant(
        self,
        actor: Actor,
        case_id: str,
        *,
        agency_code: str,
        scopes: frozenset[SharingScope],
        valid_from: datetime | None,
        valid_until: datetime,
        channel: Channel | None,
    ) -> str:
        """Share the case with an agency (citizen, or a casemanager on their behalf)."""
        grant_id = new_id("grant")

        async def step(_s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], str]:
            now = self._now()
            _new, event = sharing.grant(
                case,
                actor.principal,
                grant_id=grant_id,
                agency_code=agency_code,
                scopes=scopes,
                valid_from=valid_from or now,
                valid_until=valid_until,
                now=now,
                team=actor.team,
                channel=channel,
            )
            return case, [event], grant_id

        return await self.change(
            actor, case_id, "grant", DataKind.SHARING, step, object_id=grant_id
        )

    async def revoke(
        self, actor: Actor, case_id: str, grant_id: str, *, channel: Channel | None
    ) -> None:
        """Stop sharing with an agency from now on."""

        async def step(_s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], None]:
            revoked, event = sharing.revoke(
                case, actor.principal, grant_id, now=self._now(), team=actor.team, channel=channel
            )
            grants = tuple(revoked if g.grant_id == grant_id else g for g in case.grants)
            return replace(case, grants=grants), [event] if event else [], None

        await self.change(actor, case_id, "revoke", DataKind.SHARING, step, object_id=grant_id)

    async def grant_mandate(
        self,
        actor: Actor,
        case_id: str,
        *,
        holder_name: str,
        relation: RepresentativeRelation,
        scopes: frozenset[SharingScope],
        valid_from: datetime | None,
        valid_until: datetime,
        channel: Channel | None,
    ) -> str:
        """Record a mandate for a representative (the name stays in the dossier)."""
        mandate_id = new_id("mandate")

        async def step(_s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], str]:
            now = self._now()
            new, event = sharing.grant_mandate(
                case,
                actor.principal,
                mandate_id=mandate_id,
                holder_name=holder_name,
                relation=relation,
                scopes=scopes,
                valid_from=valid_from or now,
                valid_until=valid_until,
                now=now,
                team=actor.team,
                channel=channel,
            )
            return replace(case, mandates=(*case.mandates, new)), [event], mandate_id

        return await self.change(
            actor, case_id, "mandate", DataKind.SHARING, step, object_id=mandate_id
        )

    async def revoke_mandate(
        self, actor: Actor, case_id: str, mandate_id: str, *, channel: Channel | None
    ) -> None:
        """Revoke a mandate from now on, and with it every link kept for it."""

        async def step(s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], None]:
            now = self._now()
            _, event = sharing.revoke_mandate(
                case, actor.principal, mandate_id, now=now, team=actor.team, channel=channel
            )
            await links.revoke_holder(s, case_id, mandate_id, at=now, by=actor.audit_id)
            if event is None:  # revoked before: its links went then
                return case, [], None
            # Every link of the mandate goes with it, also in the services that open links.
            gone = CitizenLinkRevoked(case_id=case_id, holder=mandate_id, revoked_at=now)
            return case, [event, gone], None

        await self.change(
            actor, case_id, "mandate_revoke", DataKind.SHARING, step, object_id=mandate_id
        )

    # -- documents ---------------------------------------------------------------------------

    async def upload(
        self,
        actor: Actor,
        case_id: str,
        *,
        content: bytes,
        filename: str | None,
        title: str | None,
        shared_with: list[str],
    ) -> dict[str, Any]:
        """Check a document by its content and size, store it by hash, keep its metadata."""
        with domain_errors():
            checked = check_upload(content, filename=filename, max_bytes=self.max_upload_bytes)
        document_id = new_id("doc")

        async def step(s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], Any]:
            if actor.link is None:
                self._staff_basis(case, actor)
            else:
                decision = sharing.decide(actor.principal, case, DataKind.DOCUMENTS, self._now())
                if not decision.allowed:
                    raise NotAllowed(decision.reason)
            # Under the hash's lock, so a removal of the same file waits for this transaction
            # and then finds its row (see `adapters/document_rows.py`).
            await document_rows.lock_hash(s, checked.sha256)
            self._documents.put(checked.sha256, content)
            row = {
                "id": document_id,
                "case_id": case_id,
                "sha256": checked.sha256,
                "media_type": checked.media_type,
                "size": checked.size,
                "title": title,
                "shared_with": sorted(set(shared_with)),
                "uploaded_by": actor.subject,
                "uploaded_at": self._now(),
            }
            await s.execute(insert(documents).values(**row))
            return case, [], row

        try:
            row: dict[str, Any] = await self.change(
                actor, case_id, "upload", DataKind.DOCUMENTS, step, object_id=checked.sha256
            )
        except BaseException:
            # The file may be stored with no committed row to keep it: remove it unless
            # another row refers to it.
            await self._remove_unreferenced({checked.sha256})
            raise
        return _document_out(row)

    async def may_upload(self, actor: Actor, case_id: str, *, citizen_page: bool = False) -> None:
        """Before an upload's body is read: the owner, their team or a supervisor (a staff
        token), or on the citizen's page the case's citizen or a representative whose mandate
        covers documents (a link); anyone else is refused here, audited, and their body is
        never read."""
        now = self._clock.now()
        async with self._sessions.begin() as session:
            case = await store.load(session, case_id)
            subject = case or CaseState.new(case_id)
            if citizen_page or actor.link is not None:
                decision = await self._link_refusal(session, actor, case_id, now) or sharing.decide(
                    actor.principal, subject, DataKind.DOCUMENTS, now
                )
            else:
                basis = ownership.visible_to(subject.ownership, actor.principal, actor.team)
                decision = (
                    Decision(True, "staff of the case add documents", basis or "none")
                    if basis in CHANGE_BASES and not actor.principal.has_role(Role.CITIZEN)
                    else Decision(False, UPLOAD_REFUSED, "none")
                )
            if not decision.allowed:
                await audit_log.append(
                    session,
                    [
                        record(
                            actor,
                            case_id,
                            DataKind.DOCUMENTS.value,
                            "upload",
                            AuditAction.CHANGE,
                            decision,
                            now,
                        )
                    ],
                )
        if not decision.allowed:
            log.info("dossier.upload_refused", case_id=case_id)
            raise self._refused(actor, case, decision)
        if case is None:
            raise self._missing(actor)

    async def download(
        self, actor: Actor, case_id: str, document_id: str
    ) -> tuple[dict[str, Any], bytes]:
        """A document's metadata and content, if the caller may see it (audited)."""
        async with self._sessions() as session:
            found = (
                (
                    await session.execute(
                        select(documents).where(
                            documents.c.id == document_id, documents.c.case_id == case_id
                        )
                    )
                )
                .mappings()
                .first()
            )
        object_id = str(found["sha256"]) if found else None
        await self.read(actor, case_id, DataKind.DOCUMENTS, "download", object_id=object_id)
        if found is None:
            raise NotFound("No such document.")
        row = dict(found)
        if not _document_visible(row, actor):
            await self._audit(
                [
                    record(
                        actor,
                        case_id,
                        DataKind.DOCUMENTS.value,
                        "download",
                        AuditAction.READ,
                        Decision(False, "the document is not shared with the agency", "none"),
                        self._now(),
                        object_id=object_id,
                    )
                ]
            )
            raise Forbidden("The document is not shared with your agency.")
        content = self._documents.get(row["sha256"])
        if content is None:
            raise NotFound("The document's content is no longer stored.")
        return _document_out(row), content

    # -- doorbraak ---------------------------------------------------------------------------

    async def propose_override(
        self, actor: Actor, case_id: str, *, reason_code: str, note: str
    ) -> str:
        """A casemanager proposes a doorbraak (a supervisor must approve it)."""
        override_id = new_id("override")

        async def step(s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], str]:
            if not actor.principal.has_role(Role.CASEMANAGER):
                raise NotAllowed("only a casemanager proposes a doorbraak")
            self._staff_basis(case, actor)
            await s.execute(
                insert(overrides).values(
                    id=override_id,
                    case_id=case_id,
                    reason_code=reason_code,
                    note=note,
                    status="proposed",
                    proposed_by=actor.subject,
                    proposed_at=self._now(),
                )
            )
            return case, [], override_id

        return await self.change(
            actor, case_id, "doorbraak_propose", DataKind.SUMMARY, step, object_id=override_id
        )

    async def decide_override(
        self, actor: Actor, case_id: str, override_id: str, *, approve: bool
    ) -> None:
        """A supervisor approves (→ `OverrideDecided`) or rejects a proposed doorbraak."""

        async def step(s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], None]:
            if not actor.principal.has_role(Role.SUPERVISOR):
                raise NotAllowed("only a supervisor signs off a doorbraak")
            row = (
                (
                    await s.execute(
                        select(overrides).where(
                            overrides.c.id == override_id, overrides.c.case_id == case_id
                        )
                    )
                )
                .mappings()
                .first()
            )
            if row is None:
                raise InvalidInput("override_id", "no such doorbraak on this case")
            if row["status"] != "proposed":
                raise DomainConflict("the doorbraak was decided already")
            if row["proposed_by"] == actor.subject:
                raise NotAllowed("a doorbraak needs a second person to sign it off")
            now = self._now()
            await s.execute(
                update(overrides)
                .where(overrides.c.id == override_id)
                .values(
                    status="approved" if approve else "rejected",
                    decided_by=actor.subject,
                    decided_at=now,
                )
            )
            events: list[Event] = []
            if approve:
                events.append(
                    OverrideDecided(
                        case_id=case_id,
                        override_id=override_id,
                        proposed_by=row["proposed_by"],
                        approved_by=actor.subject,
                        reason_code=row["reason_code"],
                        decided_at=now,
                    )
                )
            return case, events, None

        await self.change(
            actor, case_id, "doorbraak_decide", DataKind.SUMMARY, step, object_id=override_id
        )

    # -- closing, reopening, retention -------------------------------------------------------

    async def close(self, actor: Actor, case_id: str, *, outcome: str) -> None:
        """Close a case; its retention period starts now."""

        async def step(_s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], None]:
            event = retention.close_case(
                case, actor.principal, at=self._now(), team=actor.team, outcome=outcome
            )
            return case, [event], None

        await self.change(actor, case_id, "close", DataKind.SUMMARY, step)

    async def reopen(self, actor: Actor, case_id: str) -> None:
        """Reopen a closed case that still has its data."""

        async def step(_s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], None]:
            event = retention.reopen_case(case, actor.principal, at=self._now(), team=actor.team)
            return case, [event], None

        await self.change(actor, case_id, "reopen", DataKind.SUMMARY, step)

    async def retention_sweep(self) -> int:
        """Anonymise closed cases past the retention period (`CaseAnonymised`, once)."""
        now = self._clock.now()
        async with self._sessions.begin() as session:
            due = (
                (
                    await session.execute(
                        select(cases.c.case_id)
                        .where(
                            cases.c.closed_at.is_not(None),
                            cases.c.anonymised_at.is_(None),
                            cases.c.closed_at <= now - self._retention,
                        )
                        .limit(200)
                    )
                )
                .scalars()
                .all()
            )
            done = 0
            hashes: set[str] = set()
            for case_id in due:
                before = await store.load(session, case_id, lock=True)
                if before is None or not retention.is_due(before, now, self._retention):
                    continue
                event = retention.anonymisation_event(before, at=now, period=self._retention)
                await store.commit_events(
                    session, before, before, [event], source=self._source, clock=self._clock
                )
                hashes |= await self._strip_rows(session, case_id)
                done += 1
                log.info("dossier.case_anonymised", case_id=case_id)
        # Only now that the rows' deletion is committed: a failed sweep leaves every file.
        await self._remove_unreferenced(hashes)
        return done

    async def _remove_unreferenced(self, hashes: set[str]) -> None:
        """Remove the stored files no document row refers to any more (each under its hash's
        lock, after the transaction that deleted rows committed)."""
        for digest in sorted(hashes):
            async with self._sessions.begin() as session:
                await document_rows.lock_hash(session, digest)
                if not await document_rows.referenced(session, digest):
                    self._documents.delete(digest)
                    log.info("dossier.document_file_removed", sha256=digest)

    async def _strip_rows(self, session: AsyncSession, case_id: str) -> set[str]:
        """Strip the personal texts of a case's rows and delete its documents' rows and link
        records; returns the documents' hashes (their files go once this commits)."""
        await session.execute(
            update(contacts)
            .where(contacts.c.case_id == case_id)
            .values(summary=None, next_steps=None)
        )
        await session.execute(
            update(citizen_items).where(citizen_items.c.case_id == case_id).values(text=None)
        )
        await session.execute(
            update(overrides).where(overrides.c.case_id == case_id).values(note=None)
        )
        hashes = (
            (
                await session.execute(
                    select(documents.c.sha256).where(documents.c.case_id == case_id)
                )
            )
            .scalars()
            .all()
        )
        await session.execute(delete(documents).where(documents.c.case_id == case_id))
        await links.forget_case(session, case_id)
        return set(hashes)

    # -- the citizen -------------------------------------------------------------------------

    @property
    def link_key(self) -> bytes:
        """The key of the citizen's links (shared with notify for the short ones)."""
        return self._link_key

    def now(self) -> datetime:
        """The service's clock."""
        return self._clock.now()

    def issue_link(
        self,
        case_id: str,
        *,
        not_after: datetime | None = None,
        holder: str | None = None,
        link_id: str | None = None,
    ) -> tuple[str, datetime]:
        """A signed link for the citizen of a case (purpose `dossier`), valid for the link
        lifetime and never beyond `not_after`; `holder` makes it a representative's link and
        `link_id` names the record that revoking refuses it by."""
        expires = self._clock.now() + self._link_ttl
        if not_after is not None:
            expires = min(expires, not_after)
        token = citizen_link.sign_link(
            self._link_key,
            case_id=case_id,
            purpose="dossier",
            expires_at=expires,
            holder=holder,
            link_id=link_id,
        )
        return token, expires

    async def link_for(
        self, actor: Actor, case_id: str, *, mandate_id: str | None = None
    ) -> tuple[str, datetime]:
        """The owner, team or a supervisor hands the citizen their link, or a representative
        a link of their own (`mandate_id`: only while that mandate is current)."""
        link_id = new_id("link")
        expires = self._clock.now() + self._link_ttl

        async def step(s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], None]:
            self._staff_basis(case, actor)
            if mandate_id is not None:
                found = next((m for m in case.mandates if m.mandate_id == mandate_id), None)
                if found is None:
                    raise InvalidInput("mandate_id", "no such mandate on this case")
                if found.status(self._now()) != "current":
                    raise InvalidInput("mandate_id", f"the mandate is {found.status(self._now())}")
            await links.record(
                s,
                link_id=link_id,
                case_id=case_id,
                holder=mandate_id,
                kind="dossier",
                expires_at=expires,
                at=self._now(),
            )
            return case, [], None

        await self.change(actor, case_id, "citizen_link", DataKind.SHARING, step, object_id=link_id)
        return self.issue_link(case_id, not_after=expires, holder=mandate_id, link_id=link_id)

    async def open_short_link(self, token: str) -> tuple[str, str, datetime]:
        """A message's short link, kept the first time it is seen: (case id, the long link for
        the view under the same record, its expiry); `InvalidLink` when it is not valid or
        was revoked."""
        claims = short_links.verify_link_token(self._link_key, token, now=self._clock.now())
        link_id = short_link_id(token)
        async with self._sessions.begin() as session:
            kept = await links.find(session, link_id)
            if kept is not None and kept["revoked_at"] is not None:
                raise citizen_link.InvalidLink(citizen_link.LinkProblem.REVOKED)
            if kept is None:
                await links.record(
                    session,
                    link_id=link_id,
                    case_id=claims.case_id,
                    holder=claims.holder,
                    kind="short",
                    expires_at=claims.expires_at,
                    at=self._clock.now(),
                )
        link, expires = self.issue_link(
            claims.case_id, not_after=claims.expires_at, holder=claims.holder, link_id=link_id
        )
        return claims.case_id, link, expires

    def citizen_actor(self, link: str) -> Actor:
        """The citizen or representative behind a link: the dossier's long link or a message's
        short one (`InvalidLink` of either kind when it is damaged, forged or expired). Whether
        it opens a case is decided per request (`citizen_read`, `citizen_gate`)."""
        now = self._clock.now()
        if link.count(".") == 2:
            short = short_links.verify_link_token(self._link_key, link, now=now)
            link_id = short_link_id(link)
            use = LinkUse(short.case_id, short.holder, link_id, "short", short.expires_at)
        else:
            long = citizen_link.open_link(self._link_key, link, purpose="dossier", now=now)
            use = LinkUse(long.case_id, long.holder, long.link_id, "dossier", long.expires_at)
        subject = sharing.representative_subject(use.holder) if use.holder else "citizen"
        principal = Principal(
            subject=subject,
            roles=frozenset({Role.CITIZEN}),
            case_id=use.case_id,
            token_id=use.link_id,
        )
        return Actor(principal, link=use)

    async def _link_refusal(
        self, session: AsyncSession, actor: Actor, case_id: str, now: datetime
    ) -> Decision | None:
        """Why the citizen's pages do not open for this caller, or None: they open only with a
        link (a staff or agency token is refused), and never with a revoked one. A link seen
        for the first time is kept, so the citizen's view can list and revoke it."""
        use = actor.link
        if use is None:
            return Decision(False, NOT_A_LINK, "none")
        if use.case_id != case_id or use.link_id is None:
            return None  # `decide` refuses another case's link; an old link has no record
        kept = await links.find(session, use.link_id)
        if kept is None:
            await links.record(
                session,
                link_id=use.link_id,
                case_id=case_id,
                holder=use.holder,
                kind=use.kind,
                expires_at=use.expires_at,
                at=now,
            )
            return None
        if kept["revoked_at"] is not None and kept["revoked_at"] <= now:
            return Decision(False, "the link was revoked", "none")
        return None

    def _refused(self, actor: Actor, case: CaseState | None, decision: Decision) -> Exception:
        if case is None and actor.link is None and actor.is_case_staff:
            return NotFound("No such case.")  # what /cases/{id} tells staff
        return Forbidden(decision.reason)

    async def citizen_read(
        self, actor: Actor, case_id: str, kinds: Sequence[DataKind], purpose: str
    ) -> tuple[CaseState, dict[DataKind, Decision]]:
        """The case for one of the citizen's pages: each kind decided and audited, allowed or
        refused; the first kind must be allowed (else 403, or 404 for staff where /cases/{id}
        says 404). Only a link for this case opens it: the citizen's own, or a representative's
        within its mandate."""
        now = self._clock.now()
        async with self._sessions.begin() as session:
            case = await store.load(session, case_id)
            refusal = await self._link_refusal(session, actor, case_id, now)
            subject = case or CaseState.new(case_id)
            decisions = {
                kind: refusal
                or sharing.decide(actor.principal, subject, kind, now, team=actor.team)
                for kind in (kinds[:1] if refusal else kinds)
            }
            await audit_log.append(
                session,
                [
                    record(actor, case_id, k.value, purpose, AuditAction.READ, d, now)
                    for k, d in decisions.items()
                ],
            )
        first = decisions[kinds[0]]
        if not first.allowed:
            log.info("dossier.citizen_page_refused", case_id=case_id, purpose=purpose)
            raise self._refused(actor, case, first)
        if case is None:
            raise self._missing(actor)
        return case, decisions

    async def citizen_gate(self, actor: Actor, case_id: str, purpose: str) -> None:
        """Before a change on the citizen's pages: refuse (and audit) anyone who did not come
        with a link for this case that is still valid; the change decides the rest."""
        now = self._clock.now()
        async with self._sessions.begin() as session:
            refusal = await self._link_refusal(session, actor, case_id, now)
            case = await store.load(session, case_id) if refusal is not None else None
            if refusal is not None:
                await audit_log.append(
                    session,
                    [
                        record(
                            actor,
                            case_id,
                            DataKind.SHARING.value,
                            purpose,
                            AuditAction.CHANGE,
                            refusal,
                            now,
                        )
                    ],
                )
        if refusal is not None:
            log.info("dossier.citizen_change_refused", case_id=case_id, purpose=purpose)
            raise self._refused(actor, case, refusal)

    async def citizen_view(self, actor: Actor, case_id: str) -> dict[str, Any]:
        """What the citizen's link shows, with the messages and actions for them; the sharing
        choices, mandates and links only to whom may see them (a representative needs
        `act_on_behalf`)."""
        case, decisions = await self.citizen_read(
            actor, case_id, (DataKind.SUMMARY, DataKind.SHARING), "citizen_view"
        )
        now = self._now()
        view = citizen_link.citizen_view(case, now=now)
        view["refused"] = {}
        async with self._sessions() as session:
            items = (
                (
                    await session.execute(
                        select(citizen_items)
                        .where(citizen_items.c.case_id == case_id)
                        .order_by(citizen_items.c.at)
                    )
                )
                .mappings()
                .all()
            )
            kept = await links.of_case(session, case_id)
        if decisions[DataKind.SHARING].allowed:
            view["links"] = [_link_out(row, case, now) for row in kept]
        else:
            view["sharing"], view["mandates"], view["links"] = [], [], []
            view["refused"]["sharing"] = decisions[DataKind.SHARING].reason
        view["messages"] = [
            {"id": i["id"], "text": i["text"], "at": i["at"].isoformat()}
            for i in items
            if i["kind"] == "message"
        ]
        view["actions"] = [
            {
                "id": i["id"],
                "text": i["text"],
                "due_at": i["due_at"].isoformat() if i["due_at"] else None,
            }
            for i in items
            if i["kind"] == "action"
        ]
        return view

    async def revoke_link(self, actor: Actor, case_id: str, link_id: str) -> None:
        """Refuse a link from now on (the citizen any of theirs; a representative only the
        links of their own mandate)."""
        await self.citizen_gate(actor, case_id, "link_revoke")

        async def step(s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], None]:
            kept = await links.find(s, link_id)
            if kept is None or kept["case_id"] != case_id:
                raise InvalidInput("link_id", "no such link on this case")
            now = self._now()
            sharing.may_revoke_link(case, actor.principal, kept["holder"], now)
            await links.revoke(s, link_id, at=now, by=actor.audit_id)
            # Notify opens the same short links (preferences): it learns of this in the outbox.
            return (
                case,
                [CitizenLinkRevoked(case_id=case_id, link_id=link_id, revoked_at=now)],
                None,
            )

        await self.change(actor, case_id, "link_revoke", DataKind.SHARING, step, object_id=link_id)

    async def access_log(self, actor: Actor, case_id: str) -> list[dict[str, Any]]:
        """Who looked at the dossier (the citizen, or a representative who may act for them):
        the dossier's own records and those routing, intake and notify recorded, oldest
        first."""
        await self.citizen_read(actor, case_id, (DataKind.AUDIT_LOG,), "access_log")
        async with self._sessions() as session:
            records = await audit_log.query(session, case_id=case_id, limit=5000)
            elsewhere = await access_elsewhere.for_case(session, case_id)
        own = [_audit_out(r) for r in records]
        return sorted([*own, *elsewhere], key=lambda entry: str(entry["at"]))

    async def export(self, actor: Actor, case_id: str) -> dict[str, Any]:
        """The whole dossier for the right of access (AVG art. 15): for the citizen, or a
        representative whose mandate covers every part of it."""
        kinds = (DataKind.SUMMARY, DataKind.IDENTITY, DataKind.DOCUMENTS, DataKind.AUDIT_LOG)
        case, decisions = await self.citizen_read(actor, case_id, kinds, "export")
        refused = next((d for d in decisions.values() if not d.allowed), None)
        if refused is not None:
            raise Forbidden(refused.reason)
        async with self._sessions() as session:
            records = await audit_log.query(session, case_id=case_id, limit=100_000)
            extra = await self._case_rows(session, case_id)
            elsewhere = await access_elsewhere.for_case(session, case_id, limit=100_000)
        data = citizen_link.export(case, case.timeline, records)
        data["access_log"] = [
            *({**a, "service": access_elsewhere.OWN_SERVICE} for a in data["access_log"]),
            *(
                {k: v for k, v in a.items() if k not in {"seq", "case_id", "basis", "reason"}}
                for a in elsewhere
            ),
        ]
        data["contact_moments"] = [_contact_out(c) for c in extra["contacts"]]
        data["documents"] = [_document_out(d) for d in extra["documents"]]
        return data

    async def audit_query(
        self, actor: Actor, *, case_id: str | None, subject: str | None
    ) -> list[dict[str, Any]]:
        """Supervisors query the access log by person or by case."""
        if not actor.principal.has_role(Role.SUPERVISOR):
            raise Forbidden("Only a supervisor queries the access log.")
        if case_id is None and subject is None:
            raise ServiceError("Give a case_id or a subject.", field="case_id")
        if case_id is not None:
            await self.read(actor, case_id, DataKind.AUDIT_LOG, "audit_query")
        async with self._sessions() as session:
            records = await audit_log.query(session, case_id=case_id, actor=subject, limit=5000)
        return [_audit_out(r) for r in records]

    # -- helpers -----------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self._clock.now()

    async def _state(self, case_id: str) -> CaseState:
        async with self._sessions() as session:
            case = await store.load(session, case_id)
        if case is None:
            raise NotFound("No such case.")
        return case

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A read-only session (tests, the demo)."""
        async with self._sessions() as session:
            yield session


# --------------------------------------------------------------------------- shaping


def _handover_to(row: Any) -> str | None:
    """The colleague a pending handover is addressed to (so they find it in their queue)."""
    if row["ownership_status"] != ownership.OwnershipStatus.HANDOVER_REQUESTED.value:
        return None
    pending = load_case(row["state"]).ownership.pending
    return pending.to.id if pending else None


def _document_visible(row: dict[str, Any], actor: Actor) -> bool:
    codes = actor.principal.agency_codes
    if not codes or actor.is_case_staff or actor.principal.has_role(Role.CITIZEN):
        return True
    shared = row.get("shared_with") or []
    return not shared or bool(codes & set(shared))


def _document_out(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "sha256": row["sha256"],
        "media_type": row["media_type"],
        "size": row["size"],
        "title": row["title"],
        "shared_with": row["shared_with"],
        "uploaded_by": row["uploaded_by"],
        "uploaded_at": row["uploaded_at"].isoformat(),
    }


def _contact_out(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "channel": row["channel"],
        "by": row["by"],
        "summary": row["summary"],
        "next_steps": row["next_steps"],
        "confirmation_requested": row["confirmation_requested"],
        "at": row["at"].isoformat(),
    }


def _link_out(row: dict[str, Any], case: CaseState, now: datetime) -> dict[str, Any]:
    """A kept link as the citizen's view lists it: whose, until when, and whether it works."""
    holder = row["holder"]
    mandate = next((m for m in case.mandates if m.mandate_id == holder), None)
    if row["revoked_at"] is not None and row["revoked_at"] <= now:
        status = "revoked"
    elif now >= row["expires_at"]:
        status = "expired"
    elif holder is not None and mandate is None:
        status = "revoked"
    elif mandate is not None and mandate.status(now) != "current":
        status = mandate.status(now)
    else:
        status = "current"
    return {
        "link_id": row["id"],
        "holder": holder,
        "holder_name": mandate.holder_name if mandate else None,
        "relation": mandate.relation.value if mandate else None,
        "kind": row["kind"],
        "seen_at": row["seen_at"].isoformat(),
        "expires_at": row["expires_at"].isoformat(),
        "revoked_at": _iso(row["revoked_at"]),
        "status": status,
    }


def _audit_out(r: AuditRecord) -> dict[str, Any]:
    return {
        "seq": r.seq,
        "at": r.at.isoformat(),
        "who": r.actor,
        "role": r.role,
        "on_behalf_of": r.on_behalf_of,
        "case_id": r.case_id,
        "data": r.data_kind,
        "object_id": r.object_id,
        "purpose": r.purpose,
        "action": r.action.value,
        "allowed": r.outcome.value == "allowed",
        "basis": r.basis,
        "reason": r.reason,
        "service": access_elsewhere.OWN_SERVICE,
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _case_parts(case: CaseState, extra: dict[str, Any], actor: Actor) -> dict[DataKind, Any]:
    own = case.ownership
    pending = own.pending
    summary = {
        "opened_at": _iso(case.opened_at),
        "channel": case.channel.value if case.channel else None,
        "life_events": [e.value for e in case.life_events],
        "needs": list(case.needs),
        "risks": list(case.risks),
        "redzaamheid": case.redzaamheid.value if case.redzaamheid else None,
        "urgency": case.urgency.value if case.urgency else None,
        "municipality_code": case.municipality_code,
        "recommendation": [
            {"rule": r.rule, "nl": r.nl, "en": r.en} for r in case.recommendation.reasons
        ]
        if case.recommendation
        else None,
        "ownership": {
            "status": own.status.value,
            "owner": {"id": own.owner.id, "name": own.owner.name, "team": own.owner.team}
            if own.owner
            else None,
            "owner_since": _iso(own.owner_since),
            "pending_handover": {
                "to": {"id": pending.to.id, "name": pending.to.name},
                "note": pending.note if actor.is_case_staff else None,
                "requested_at": pending.requested_at.isoformat(),
            }
            if pending
            else None,
        },
        "closed_at": _iso(case.closed_at),
        "anonymised_at": _iso(case.anonymised_at),
        "notifications": {"sent": case.notifications_sent, "failed": case.notifications_failed},
        "citizen_items": [
            {
                "id": i["id"],
                "kind": i["kind"],
                "text": i["text"],
                "due_at": _iso(i["due_at"]),
                "by": i["by"],
                "at": i["at"].isoformat(),
            }
            for i in extra.get("citizen_items", [])
        ],
        "doorbraak": [
            {
                "id": o["id"],
                "reason_code": o["reason_code"],
                "note": o["note"],
                "status": o["status"],
                "proposed_by": o["proposed_by"],
                "decided_by": o["decided_by"],
            }
            for o in extra.get("overrides", [])
        ]
        if actor.is_case_staff
        else [],
    }
    citizen = case.citizen
    identity = (
        {
            "name": citizen.name,
            "bsn": citizen.bsn,
            "date_of_birth": citizen.date_of_birth.isoformat() if citizen.date_of_birth else None,
            "postcode": citizen.postcode,
            "house_number": citizen.house_number,
            "municipality_code": citizen.municipality_code,
            "email": citizen.email,
            "phone": citizen.phone,
            "language": citizen.language,
            "channels": [c.value for c in citizen.channels],
            "representative": {
                "name": citizen.representative.name,
                "relation": citizen.representative.relation.value,
            }
            if citizen.representative
            else None,
            "household": [{"name": m.name, "relation": m.relation} for m in citizen.household],
        }
        if citizen
        else None
    )
    return {
        DataKind.SUMMARY: summary,
        DataKind.IDENTITY: identity,
        DataKind.TIMELINE: [
            {"at": e.at.isoformat(), "type": e.event_type, "nl": e.nl, "en": e.en}
            for e in case.timeline
        ],
        DataKind.REFERRALS: [
            {
                "referral_id": r.referral_id,
                "agency_code": r.agency_code,
                "service_code": r.service_code,
                "status": r.status.value,
                "mode": r.mode.value,
                "due_at": _iso(r.due_at),
                "overdue": r.overdue,
                "waits_on": r.waits_on,
                "stalled_reason": r.stalled_reason,
                "reminders": r.reminders,
                "decline_reason": r.decline_reason.value if r.decline_reason else None,
                "outcome": r.outcome,
                "reasons": [{"rule": x.rule, "nl": x.nl, "en": x.en} for x in r.reasons],
            }
            for r in case.referrals
        ],
        DataKind.PROMISES: [
            {
                "promise_id": p.promise_id,
                "made_by_kind": p.made_by_kind.value,
                "made_by": p.made_by,
                "what": p.what,
                "due_at": p.due_at.isoformat(),
                "status": p.status.value,
                "referral_id": p.referral_id,
                "fulfilled_at": _iso(p.fulfilled_at),
                "broken_at": _iso(p.broken_at),
            }
            for p in case.promises
        ],
        DataKind.CONTACT_MOMENTS: [_contact_out(c) for c in extra.get("contacts", [])],
        DataKind.DOCUMENTS: [
            _document_out(d) for d in extra.get("documents", []) if _document_visible(d, actor)
        ],
        DataKind.SHARING: {
            "grants": [
                {
                    "grant_id": g.grant_id,
                    "agency_code": g.agency_code,
                    "scopes": sorted(g.scopes),
                    "valid_from": g.valid_from.isoformat(),
                    "valid_until": g.valid_until.isoformat(),
                    "granted_by": g.granted_by.value if g.granted_by else None,
                    "channel": g.channel.value if g.channel else None,
                    "revoked_at": _iso(g.revoked_at),
                }
                for g in case.grants
            ],
            "mandates": [
                {
                    "mandate_id": m.mandate_id,
                    "holder_name": m.holder_name,
                    "relation": m.relation.value,
                    "scopes": sorted(m.scopes),
                    "valid_from": m.valid_from.isoformat(),
                    "valid_until": m.valid_until.isoformat(),
                    "revoked_at": _iso(m.revoked_at),
                }
                for m in case.mandates
            ],
        },
    }
