"""Routing use cases: from an intake to referrals, agencies' answers, SLA clocks, estafettes.

Every change happens in one transaction with the events it causes (outbox): `case.events` for
the dossier and notify, `referrals.<agency>` for the agency. Handlers run inside the kit's
consumer transaction (inbox), so a redelivered event changes nothing. A response that breaks a
rule — unknown referral, another agency's referral, a bad signature, a `responded_at` far from
now, a transition the lifecycle does not allow — is refused with its reason (dead-lettered),
never applied; the same answer sent again is applied once.

What an agency receives about the citizen is decided from the sharing grants at the moment of
sending (`domain/consent.py`); a grant revoked or ended is taken back with `ConsentWithdrawn`,
a new one upgrades open referrals (`_reconcile`). An intake awaiting confirmation is planned
only (`UNCONFIRMED`) until `IntakeConfirmed`.
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import structlog
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.consent import (
    INTAKE_CONSENT_SCOPES,
    intake_grant_id,
    intake_grant_valid_until,
)
from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    BuddyAssigned,
    BuddyRecommended,
    CaseAnonymised,
    CaseHandedOver,
    ChainStalled,
    CitizenIdentified,
    ConsentGranted,
    ConsentRevoked,
    ConsentWithdrawn,
    IntakeAmended,
    IntakeConfirmed,
    IntakeSubmitted,
    PromiseRecorded,
    Reason,
    ReferralAccepted,
    ReferralCancelled,
    ReferralCompleted,
    ReferralDeclined,
    ReferralExpired,
    ReferralIssued,
    ReferralOffered,
    ReferralOverdue,
    ReferralReceived,
    ReferralReleased,
    ReferralReminded,
    ReferralReminder,
    ReferralResponded,
    ReferralReturned,
    ReferralStarted,
    ReferralWithdrawn,
)
from voorportaal_contracts.registry import Event
from voorportaal_contracts.signing import SIGNATURE_HEADER, verify, verify_value
from voorportaal_contracts.topics import referral_topic
from voorportaal_contracts.types import ReferralMode, ReferralResponseKind, SharingScope
from voorportaal_kit.audit import AuditAction
from voorportaal_kit.audit_log import AuditLog, AuditTrail
from voorportaal_kit.auth import Principal
from voorportaal_kit.case_access import CaseAccessStore, Decision, audit_record, decide
from voorportaal_kit.clock import Clock
from voorportaal_kit.db import insert_rows
from voorportaal_kit.errors import Conflict, Forbidden, NotFound, PermanentError, ServiceError
from voorportaal_kit.outbox import add_events
from voorportaal_routing.adapters import grants
from voorportaal_routing.adapters.data_files import load_buddy_policy, load_rules
from voorportaal_routing.adapters.orm import (
    answers,
    audit_log,
    case_access,
    cases,
    identities,
    referrals,
    transitions,
)
from voorportaal_routing.domain.answers import answer_key, answer_time_problem, promise_id
from voorportaal_routing.domain.buddy import CaseSummary, recommend_buddy
from voorportaal_routing.domain.chains import ChainLink, stalled_chains
from voorportaal_routing.domain.consent import HANDED_ON, Grant, handed_on
from voorportaal_routing.domain.directory import Text
from voorportaal_routing.domain.lifecycle import (
    ACTION_FOR_RESPONSE,
    AWAITING_ANSWER,
    OPEN_STATES,
    ActorKind,
    InvalidTransition,
    ReferralAction,
    ReferralState,
    transition,
)
from voorportaal_routing.domain.rules import IntakeFacts, PlannedReferral, manual_referral, route
from voorportaal_routing.domain.sla import SlaAction, next_sla_check, sla_actions_due, sla_clock
from voorportaal_routing.service_layer.directory import current_directory
from voorportaal_routing.service_layer.handover import handover

log = structlog.get_logger(__name__)

HELD = "held"
"""A planned referral waiting on another one (estafette); not a lifecycle state yet."""

UNCONFIRMED = "unconfirmed"
"""A planned referral of an intake awaiting the citizen's confirmation: nothing has gone to
the agency and no clock runs until `IntakeConfirmed`; not a lifecycle state yet."""

PLANNED = (HELD, UNCONFIRMED)

STAFF = ("casemanager", "supervisor")

REFERRALS_KIND = "referrals"
"""The kind of personal data people read and change here (the dossier's `referrals`)."""

_CHANGE_EVENTS: dict[ReferralAction, type[Event]] = {
    ReferralAction.RECEIVE: ReferralReceived,
    ReferralAction.ACCEPT: ReferralAccepted,
    ReferralAction.DECLINE: ReferralDeclined,
    ReferralAction.START: ReferralStarted,
    ReferralAction.COMPLETE: ReferralCompleted,
    ReferralAction.RETURN: ReferralReturned,
    ReferralAction.WITHDRAW: ReferralWithdrawn,
    ReferralAction.EXPIRE: ReferralExpired,
}


Staged = list[tuple[Envelope, str | None]]
"""Events to stage, each with the topic it goes to (None: its type's own topic)."""


class ResponseRejected(PermanentError):
    """An agency's response that may not be applied (dead-lettered with this reason)."""

    code = "response_rejected"


class ConfirmationRejected(PermanentError):
    """An `IntakeConfirmed` that names another intake than the case's (dead-lettered)."""

    code = "confirmation_rejected"


class RoutingService:
    """Referrals from intake to agency and back."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        source: str,
        agency_key: Any,
        chain_max_wait_working_days: int = 20,
        *,
        answer_max_age: timedelta = timedelta(hours=24),
        answer_max_ahead: timedelta = timedelta(minutes=5),
        legacy_signatures_until: date | None = None,
        access: CaseAccessStore | None = None,
        audit: AuditTrail | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._source = source
        self._agency_key = agency_key
        self._chain_max_wait = chain_max_wait_working_days
        self._answer_max_age = answer_max_age
        self._answer_max_ahead = answer_max_ahead
        self._legacy_until = legacy_signatures_until
        self.access = access or CaseAccessStore(case_access)
        """Who may see each case (owner, team, queue, grants), from `case.events`."""
        self.audit = audit or AuditTrail(
            AuditLog(audit_log), clock, source=source, service="routing"
        )
        """Every read and change by a person, allowed or refused."""

    # -- consumed events -------------------------------------------------------------------

    async def on_intakes(self, session: AsyncSession, envelopes: Sequence[Envelope]) -> None:
        """Many new cases at once (the consumer's batch): the same as `on_intake_submitted`
        for each, in a handful of statements. Cases already known (amendments) or appearing
        twice in the batch go through `on_intake_submitted` one by one, in order."""
        counts = Counter(e.subject for e in envelopes)
        await _lock_cases(session, list(counts))
        known = set(
            (
                await session.scalars(
                    select(cases.c.case_id).where(cases.c.case_id.in_(list(counts)))
                )
            ).all()
        )
        fresh = [
            e
            for e in envelopes
            if e.subject not in known
            and counts[e.subject] == 1
            and _revision(e) == 1
            and not _awaiting(e)
        ]
        if fresh:
            await self._route_new(session, fresh)
        chosen = {id(e) for e in fresh}
        for envelope in envelopes:
            if id(envelope) not in chosen:
                await self.on_intake_submitted(session, envelope)

    async def _route_new(self, session: AsyncSession, fresh: Sequence[Envelope]) -> None:
        now = self._clock.now()
        directory = await current_directory(session)
        rules = load_rules()
        planned_by_case = {}
        for incoming in fresh:
            facts, values = self._facts(incoming)
            planned_by_case[incoming.subject] = (facts, values, route(facts, directory, rules))
        await self._seed_grants(session, fresh)
        grants_by_case = await self._grants_of(session, list(planned_by_case))
        # Who the citizen is matters only where a grant shares it now (most cases: none).
        warm = [
            case_id
            for case_id, found in grants_by_case.items()
            if any(SharingScope.IDENTITY in g.scopes and g.holds_at(now) for g in found)
        ]
        known_identities: dict[str, Any] = {}
        if warm:
            found = await session.execute(
                select(identities.c.case_id, identities.c.identity).where(
                    identities.c.case_id.in_(warm)
                )
            )
            known_identities = {row.case_id: row.identity for row in found}
        case_rows: list[dict[str, Any]] = []
        created: list[dict[str, Any]] = []
        staged: Staged = []
        for incoming in fresh:
            case_id = incoming.subject
            facts, values, planned = planned_by_case[case_id]
            case = {
                "case_id": case_id,
                "buddy_recommended": False,
                "buddy_name": None,
                "awaiting_confirmation": False,
                "anonymised_at": None,
                **values,
            }
            ids = {p.service_id: _referral_id() for p in planned}
            rows: list[dict[str, Any]] = []
            for plan in planned:
                staged += self._create(
                    case_id,
                    plan,
                    ids,
                    incoming,
                    None,
                    rows,
                    case,
                    known_identities.get(case_id),
                    now,
                    grants=grants_by_case.get(case_id, []),
                )
            buddy = self._buddy(case, rows, incoming, facts)
            case["buddy_recommended"] = bool(buddy)
            staged += buddy
            case_rows.append({**case, "created_at": now})
            created += rows
        await insert_rows(session, cases, case_rows)
        await insert_rows(session, referrals, created)
        await self._stage(session, staged)

    def _facts(self, incoming: Envelope) -> tuple[IntakeFacts, dict[str, Any]]:
        """The routing facts of an intake event, and the case row's values."""
        event = incoming.data
        assert isinstance(event, IntakeSubmitted | IntakeAmended)
        facts = IntakeFacts(
            life_events=tuple(event.life_events),
            redzaamheid=event.redzaamheid,
            urgency=event.urgency,
            needs=tuple(event.needs),
            risks=tuple(event.risks),
            municipality_code=event.municipality_code,
            share_with=tuple(event.share_with),
        )
        values = {
            "revision": _revision(incoming),
            "intake_id": event.intake_id,
            "facts": facts.model_dump(mode="json"),
            "language": event.language,
            "channels": [c.value for c in event.preferred_channels],
            "updated_at": self._clock.now(),
        }
        return facts, values

    async def on_intake_submitted(self, session: AsyncSession, incoming: Envelope) -> None:
        """A new case: route it, issue what can go now, hold what waits, maybe a buddy.

        An intake awaiting the citizen's confirmation is planned only: its referrals wait,
        unsent and without a clock, for `IntakeConfirmed` (`on_intake_confirmed`)."""
        event = incoming.data
        assert isinstance(event, IntakeSubmitted | IntakeAmended)
        revision = _revision(incoming)
        now = self._clock.now()
        await _lock_cases(session, [event.case_id])
        known = (
            (await session.execute(select(cases).where(cases.c.case_id == event.case_id)))
            .mappings()
            .first()
        )
        if known is not None and known["anonymised_at"] is not None:
            log.info("routing.intake_of_anonymised_case_ignored", revision=revision)
            return
        if known is not None and known["revision"] >= revision:
            log.info("routing.stale_intake_ignored", revision=revision, known=known["revision"])
            return
        facts, values = self._facts(incoming)
        case = {
            "case_id": event.case_id,
            "buddy_recommended": known["buddy_recommended"] if known else False,
            "buddy_name": known["buddy_name"] if known else None,
            # An amendment neither holds a confirmed case back nor releases a held one.
            "awaiting_confirmation": (
                bool(known["awaiting_confirmation"]) if known else event.awaiting_confirmation
            ),
            "anonymised_at": None,
            **values,
        }
        if known is None:
            await session.execute(insert(cases).values(created_at=now, **case))
        else:
            await session.execute(
                update(cases).where(cases.c.case_id == event.case_id).values(**values)
            )
        await self._seed_grants(session, [incoming])
        directory = await current_directory(session)
        planned = route(facts, directory, load_rules())
        existing = await self._referrals_of(session, event.case_id) if known else []
        staged: Staged = []
        open_by_service = {
            r["service_id"]: r
            for r in existing
            if r["state"] in PLANNED or r["state"] in OPEN_STATES
        }
        still = {p.service_id for p in planned}
        for r in existing:  # amended: what is no longer needed is withdrawn
            if r["state"] == UNCONFIRMED and r["service_id"] not in still:
                # Never announced to anyone: the plan just changes.
                await session.execute(delete(referrals).where(referrals.c.id == r["id"]))
            elif (r["state"] == HELD or r["state"] in OPEN_STATES) and r["service_id"] not in still:
                staged += await self._change(
                    session,
                    r,
                    ReferralAction.WITHDRAW,
                    ActorKind.VOORPORTAAL,
                    "system",
                    incoming,
                    note="The amended intake no longer needs this referral.",
                )
        ids: dict[str, str] = {
            p.service_id: str(open_by_service[p.service_id]["id"])
            if p.service_id in open_by_service
            else _referral_id()
            for p in planned
        }
        case_grants = (await self._grants_of(session, [event.case_id])).get(event.case_id, [])
        identity = await self._identity_if_shared(session, event.case_id, case_grants)
        created: list[dict[str, Any]] = []
        for plan in planned:
            if plan.service_id not in open_by_service:
                staged += self._create(
                    event.case_id,
                    plan,
                    ids,
                    incoming,
                    None,
                    created,
                    case,
                    identity,
                    grants=case_grants,
                )
        if created:
            await session.execute(insert(referrals), created)
        if not case["awaiting_confirmation"]:
            rows = [*existing, *created]
            staged += await self._maybe_buddy(
                session, event.case_id, incoming, case=case, rows=rows
            )
        await self._stage(session, staged)

    async def on_intake_confirmed(self, session: AsyncSession, incoming: Envelope) -> None:
        """The citizen confirmed (or staff took in) an intake that waited: its planned
        referrals go out now, as they would have at once, each with its clock."""
        event = incoming.data
        assert isinstance(event, IntakeConfirmed)
        await _lock_cases(session, [event.case_id])
        found = (
            (await session.execute(select(cases).where(cases.c.case_id == event.case_id)))
            .mappings()
            .first()
        )
        if found is None or not found["awaiting_confirmation"]:
            log.info("routing.confirmation_without_waiting_intake", intake_id=event.intake_id)
            return
        if found["intake_id"] is not None and found["intake_id"] != event.intake_id:
            raise ConfirmationRejected(
                f"intake_id {event.intake_id} is not the intake of case {event.case_id}"
            )
        case = dict(found, awaiting_confirmation=False)
        now = self._clock.now()
        await session.execute(
            update(cases)
            .where(cases.c.case_id == event.case_id)
            .values(awaiting_confirmation=False, updated_at=now)
        )
        case_grants = (await self._grants_of(session, [event.case_id])).get(event.case_id, [])
        identity = await self._identity_if_shared(session, event.case_id, case_grants)
        staged: Staged = []
        for row in await self._referrals_of(session, event.case_id):
            if row["state"] != UNCONFIRMED:
                continue
            offer: Staged = []
            if row["waits_on"]:
                row["state"] = HELD
            else:
                row.update(self._clock_fields(row, now), state=ReferralState.ISSUED.value)
                offer = self._offer_to(row, incoming, case, identity, case_grants)
            await session.execute(
                update(referrals)
                .where(referrals.c.id == row["id"])
                .values(
                    state=row["state"],
                    mode=row["mode"],
                    shared_scopes=row["shared_scopes"],
                    issued_at=row["issued_at"],
                    remind_at=row["remind_at"],
                    due_at=row["due_at"],
                    expires_at=row["expires_at"],
                    next_check_at=row["next_check_at"],
                    updated_at=now,
                )
            )
            staged.append((self._new(_issued(row), incoming), None))
            staged += offer
        staged += await self._maybe_buddy(session, event.case_id, incoming, case=case)
        await self._stage(session, staged)

    async def on_citizen_identified(self, session: AsyncSession, incoming: Envelope) -> None:
        """Keep who the citizen is, for handovers to agencies they share it with."""
        event = incoming.data
        assert isinstance(event, CitizenIdentified)
        identity = event.model_dump(mode="json", exclude={"case_id"})
        now = self._clock.now()
        await _lock_cases(session, [event.case_id])
        anonymised = await session.scalar(
            select(cases.c.anonymised_at).where(cases.c.case_id == event.case_id)
        )
        if anonymised is not None:
            log.info("routing.identity_of_anonymised_case_dropped")
            return
        found = await session.scalar(
            select(identities.c.case_id).where(identities.c.case_id == event.case_id)
        )
        if found:
            await session.execute(
                update(identities)
                .where(identities.c.case_id == event.case_id)
                .values(identity=identity, updated_at=now)
            )
        else:
            await session.execute(
                insert(identities).values(case_id=event.case_id, identity=identity, updated_at=now)
            )

        # The identity may arrive after the referrals went out (another topic, another
        # consumer): agencies that may know who the citizen is, now, get their referral again.
        case_grants = (await self._grants_of(session, [event.case_id])).get(event.case_id, [])
        staged: Staged = []
        for row in await self._referrals_of(session, event.case_id):
            shares = SharingScope.IDENTITY in handed_on(case_grants, row["agency_code"], now)
            if shares and row["issued_at"] is not None and row["state"] in OPEN_STATES:
                staged += await self._offer(session, row, incoming)
        await self._stage(session, staged)

    async def on_identity_erased(self, session: AsyncSession, case_id: str) -> None:
        """A tombstone on `citizen.identity`: forget who the citizen is."""
        await session.execute(delete(identities).where(identities.c.case_id == case_id))

    async def on_buddy(self, session: AsyncSession, incoming: Envelope) -> None:
        """A buddy took the case (or it was handed over): agencies hear the name from now on."""
        data = incoming.data
        name = data.casemanager_name if isinstance(data, BuddyAssigned) else None
        if isinstance(data, CaseHandedOver):
            name = data.to_casemanager_name
        if name is None:
            return
        await session.execute(
            update(cases).where(cases.c.case_id == incoming.subject).values(buddy_name=name)
        )

    async def on_consent_granted(self, session: AsyncSession, incoming: Envelope) -> None:
        """A sharing grant (new, or the intake's one confirmed): kept, and agencies it now
        covers get their open referrals again, with what they may see (an upgrade)."""
        event = incoming.data
        assert isinstance(event, ConsentGranted)
        await _lock_cases(session, [event.case_id])
        await grants.put(
            session,
            {
                "grant_id": event.grant_id,
                "case_id": event.case_id,
                "agency_code": event.agency_code,
                "scopes": sorted(s.value for s in event.scopes),
                "valid_from": event.valid_from,
                "valid_until": event.valid_until,
            },
            self._clock.now(),
            seeded=False,
        )
        staged = await self._reconcile(
            session, event.case_id, event.agency_code, incoming, "consent_expired"
        )
        await self._stage(session, staged)

    async def on_consent_revoked(self, session: AsyncSession, incoming: Envelope) -> None:
        """A grant revoked: kept as revoked (even before the grant itself arrives), and the
        agency is told to delete what it no longer may hold; nothing personal follows."""
        event = incoming.data
        assert isinstance(event, ConsentRevoked)
        await _lock_cases(session, [event.case_id])
        await grants.revoke(
            session,
            case_id=event.case_id,
            grant_id=event.grant_id,
            agency_code=event.agency_code,
            revoked_at=event.revoked_at,
            now=self._clock.now(),
        )
        staged = await self._reconcile(
            session, event.case_id, event.agency_code, incoming, "consent_revoked"
        )
        await self._stage(session, staged)

    async def on_case_anonymised(self, session: AsyncSession, incoming: Envelope) -> None:
        """The case was erased: forget who the citizen is and what they told, and tell every
        agency that had a referral to delete what it holds for it."""
        event = incoming.data
        assert isinstance(event, CaseAnonymised)
        case_id = event.case_id
        await _lock_cases(session, [case_id])
        await session.execute(delete(identities).where(identities.c.case_id == case_id))
        await grants.forget_case(session, case_id)
        found = (
            (await session.execute(select(cases).where(cases.c.case_id == case_id)))
            .mappings()
            .first()
        )
        if found is None or found["anonymised_at"] is not None:
            return
        now = self._clock.now()
        facts = IntakeFacts.model_validate(found["facts"])
        kept = IntakeFacts(
            life_events=facts.life_events, redzaamheid=facts.redzaamheid, urgency=facts.urgency
        )  # what the agency metrics need; needs, risks and place are the citizen's story
        await session.execute(
            update(cases)
            .where(cases.c.case_id == case_id)
            .values(
                facts=kept.model_dump(mode="json"),
                language=None,
                channels=[],
                buddy_name=None,
                anonymised_at=event.anonymised_at,
                updated_at=now,
            )
        )
        rows = await self._referrals_of(session, case_id)
        by_agency: dict[str, list[str]] = defaultdict(list)
        for row in rows:
            if row["issued_at"] is not None and row["mode"] != ReferralMode.SELF_CONTACT:
                by_agency[row["agency_code"]].append(row["id"])
            await session.execute(
                update(referrals)
                .where(referrals.c.id == row["id"])
                .values(
                    needs=[],
                    outcome=None,
                    shared_scopes=[],
                    # A casemanager's note may name the citizen: the rule stays, its text goes.
                    reasons=[
                        {**r, "nl": "(verwijderd)", "en": "(removed)"}
                        if r["rule"] == "manual"
                        else r
                        for r in row["reasons"]
                    ],
                    updated_at=now,
                )
            )
        if rows:
            await session.execute(
                update(transitions)
                .where(transitions.c.referral_id.in_([r["id"] for r in rows]))
                .values(note=None)
            )
        staged: Staged = [
            (
                self._new(
                    ConsentWithdrawn(
                        case_id=case_id,
                        agency_code=agency,
                        referral_ids=ids,
                        reason="case_anonymised",
                        scopes=sorted(HANDED_ON),
                        withdrawn_at=now,
                    ),
                    incoming,
                ),
                referral_topic(agency),
            )
            for agency, ids in sorted(by_agency.items())
        ]
        log.info("routing.case_anonymised", agencies_told=len(staged))
        await self._stage(session, staged)

    async def on_response(self, session: AsyncSession, incoming: Envelope) -> None:
        """An agency's answer: checked (referral, agency, signature, lifecycle), then applied."""
        response = incoming.data
        assert isinstance(response, ReferralResponded)
        row = await self._referral(session, response.referral_id, for_update=True)
        if row is None:
            raise ResponseRejected(f"no referral {response.referral_id}")
        if row["agency_code"] != response.agency_code or row["case_id"] != response.case_id:
            log.warning(
                "routing.response_for_another_agency",
                referral_id=row["id"],
                agency=response.agency_code,
            )
            raise ResponseRejected(
                f"referral {row['id']} is not for agency {response.agency_code} in this case"
            )
        problem = self._signature_problem(incoming, response)
        if problem is not None:
            log.warning("routing.response_bad_signature", referral_id=row["id"])
            raise ResponseRejected(
                f"{problem} on referral {row['id']} from agency {response.agency_code}"
            )
        now = self._clock.now()
        too_far = answer_time_problem(
            response.responded_at,
            now,
            max_age=self._answer_max_age,
            max_ahead=self._answer_max_ahead,
        )
        if too_far is not None:
            log.warning("routing.response_out_of_time", referral_id=row["id"])
            raise ResponseRejected(f"referral {row['id']}: {too_far}")
        key = answer_key(response)
        seen = await session.scalar(
            select(answers.c.answer_key).where(
                answers.c.referral_id == row["id"], answers.c.answer_key == key
            )
        )
        if seen is not None:
            log.info("routing.answer_repeated", referral_id=row["id"], response=response.response)
            return
        await session.execute(
            insert(answers).values(
                referral_id=row["id"],
                answer_key=key,
                response=response.response.value,
                responded_at=response.responded_at,
                received_at=now,
            )
        )
        if response.response is ReferralResponseKind.PROMISE_MADE:
            await self._stage(session, [(self._promise(row, response, incoming, key), None)])
            return
        if row["state"] == HELD:
            raise ResponseRejected(f"referral {row['id']} waits on another and was not sent yet")
        if row["state"] == UNCONFIRMED:
            raise ResponseRejected(f"referral {row['id']} awaits the intake's confirmation")
        action = ACTION_FOR_RESPONSE[response.response]
        assert action is not None
        details: dict[str, Any] = {}
        if response.decline_reason is not None:
            details["reason"] = response.decline_reason
        if response.outcome is not None:
            details["outcome"] = response.outcome
        if response.note is not None:
            details["note"] = response.note
        try:
            staged = await self._change(
                session, row, action, ActorKind.AGENCY, "agency", incoming, **details
            )
        except InvalidTransition as refused:
            if await self._last_agency_action(session, row["id"]) == action.value:
                # The same answer again, built anew (another responded_at): applied once.
                log.info("routing.answer_repeated", referral_id=row["id"], action=action.value)
                return
            log.warning(
                "routing.transition_refused",
                referral_id=row["id"],
                state=row["state"],
                action=action.value,
                reason=refused.reason,
            )
            raise ResponseRejected(f"referral {row['id']}: {refused.reason}") from None
        await self._stage(session, staged)

    def _signature_problem(self, incoming: Envelope, response: ReferralResponded) -> str | None:
        """Why the answer's signature does not hold (None: it does).

        v2, the `vp-signature` header over the exact value bytes, is checked when present and
        then alone; the legacy in-payload signature only without it, until its last day."""
        key = self._agency_key(response.agency_code)
        if key is None:
            return "no key for this agency"
        header = (incoming.raw_headers or {}).get(SIGNATURE_HEADER)
        if header is not None:
            if incoming.raw_value is None or not verify_value(incoming.raw_value, header, key):
                return f"bad {SIGNATURE_HEADER} signature (HMAC-SHA256 over the record value)"
            return None
        if response.signature is None:
            return f"no signature (send {SIGNATURE_HEADER}: v2=<HMAC-SHA256 of the value>)"
        if self._legacy_until is None or self._clock.now().date() > self._legacy_until:
            return (
                "the in-payload signature is no longer accepted "
                f"(send {SIGNATURE_HEADER}: v2=<HMAC-SHA256 of the value>)"
            )
        if not verify(response, key):
            return "bad signature"
        return None

    @staticmethod
    async def _last_agency_action(session: AsyncSession, referral_id: str) -> str | None:
        return await session.scalar(
            select(transitions.c.action)
            .where(
                transitions.c.referral_id == referral_id,
                transitions.c.actor == ActorKind.AGENCY.value,
            )
            .order_by(transitions.c.id.desc())
            .limit(1)
        )

    # -- staff actions ---------------------------------------------------------------------

    async def case_referrals(self, case_id: str, actor: Principal) -> list[dict[str, Any]]:
        """The referrals of a case, if the caller may see them (audited either way): the
        case's staff all, an agency with a current grant its own, the citizen theirs."""
        async with self.audit.transaction(self._sessions) as session:
            decision = await self._check(
                session, actor, case_id, "referral_history", AuditAction.READ
            )
            rows = await self._referrals_of(session, case_id)
            history = (
                (
                    await session.execute(
                        select(transitions)
                        .where(transitions.c.referral_id.in_([r["id"] for r in rows]))
                        .order_by(transitions.c.id)
                    )
                )
                .mappings()
                .all()
            )
        visible = rows
        if decision.basis.startswith("grant:"):
            visible = [r for r in rows if r["agency_code"] in actor.agency_codes]
        if not visible and not rows:
            raise NotFound("No referrals for this case.")
        return [
            {**r, "history": [dict(h) for h in history if h["referral_id"] == r["id"]]}
            for r in visible
        ]

    async def withdraw(self, referral_id: str, note: str, actor: Principal) -> dict[str, Any]:
        """A casemanager of the case withdraws a referral that is no longer needed."""
        async with self.audit.transaction(self._sessions) as session:
            row = await self._referral(session, referral_id, for_update=True)
            if row is None:
                self._staff(actor)
                raise NotFound("No such referral.")
            await self._check(
                session,
                actor,
                row["case_id"],
                "withdraw_referral",
                AuditAction.CHANGE,
                object_id=referral_id,
            )
            try:
                staged = await self._change(
                    session,
                    row,
                    ReferralAction.WITHDRAW,
                    ActorKind.VOORPORTAAL,
                    actor.subject,
                    None,
                    note=note,
                )
            except InvalidTransition as refused:
                raise Conflict(refused.reason) from None
            await self._stage(session, staged)
            return await self._referral(session, referral_id) or {}

    async def nudge(self, referral_id: str, actor: Principal) -> None:
        """A casemanager of the case reminds the agency of an open referral (on its topic)."""
        async with self.audit.transaction(self._sessions) as session:
            row = await self._referral(session, referral_id)
            if row is None:
                self._staff(actor)
                raise NotFound("No such referral.")
            await self._check(
                session,
                actor,
                row["case_id"],
                "nudge_agency",
                AuditAction.CHANGE,
                object_id=referral_id,
            )
            if row["state"] not in OPEN_STATES or row["mode"] == ReferralMode.SELF_CONTACT:
                raise Conflict("Only an open referral that went to the agency can be nudged.")
            await self._stage(session, self._reminder(row, actor.subject, None, nudge=True))

    async def add_referral(
        self, case_id: str, service_id: str, note: str, actor: Principal
    ) -> dict[str, Any]:
        """A casemanager of the case refers it to another service by hand (the note says why)."""
        async with self.audit.transaction(self._sessions) as session:
            await self._check(session, actor, case_id, "add_referral", AuditAction.CHANGE)
            case = (
                (await session.execute(select(cases).where(cases.c.case_id == case_id)))
                .mappings()
                .first()
            )
            if case is None:
                raise NotFound("Routing does not know this case (yet).")
            directory = await current_directory(session)
            facts = IntakeFacts.model_validate(case["facts"])
            try:
                service = directory.local_service(service_id, facts.municipality_code)
            except KeyError:
                raise ServiceError(f"No service {service_id!r}.", field="service_id") from None
            existing = await self._referrals_of(session, case_id)
            if any(r["service_id"] == service.id and r["state"] in OPEN_STATES for r in existing):
                raise Conflict("There is an open referral to this service already.")
            plan = manual_referral(service, facts, note, directory=directory)
            referral_id = _referral_id()
            case_grants = (await self._grants_of(session, [case_id])).get(case_id, [])
            identity = await self._identity_if_shared(session, case_id, case_grants)
            created: list[dict[str, Any]] = []
            staged = self._create(
                case_id,
                plan,
                {plan.service_id: referral_id},
                None,
                actor.subject,
                created,
                dict(case),
                identity,
                grants=case_grants,
            )
            await session.execute(insert(referrals), created)
            await self._stage(session, staged)
            return await self._referral(session, referral_id) or {}

    # -- the clock -------------------------------------------------------------------------

    async def sweep(self) -> int:
        """Remind, flag overdue, expire; escalate stalled chains. Returns events staged."""
        now = self._clock.now()
        staged_count = 0
        async with self._sessions.begin() as session:
            due = (
                (
                    await session.execute(
                        select(referrals)
                        .where(referrals.c.next_check_at <= now)
                        .order_by(referrals.c.next_check_at)
                        .limit(500)
                        .with_for_update(skip_locked=True)
                    )
                )
                .mappings()
                .all()
            )
            for found in due:
                staged = await self._tick(session, dict(found), now)
                staged_count += len(staged)
                await self._stage(session, staged)
            staged = await self._stalls(session, now)
            staged_count += len(staged)
            await self._stage(session, staged)
            staged = await self._grant_changes(session, now)
            staged_count += len(staged)
            await self._stage(session, staged)
        return staged_count

    async def _grant_changes(self, session: AsyncSession, now: datetime) -> Staged:
        """Grants that started or ended since the last sweep: the agency gets what it may
        see now (an expiry takes back, a grant from a later date upgrades).

        The case is locked before its grants are read (the order the consumers lock in, so the
        two cannot deadlock); a grant another sweep handled meanwhile is no longer due."""
        staged: Staged = []
        for case_id in await grants.cases_due(session, now):
            await _lock_cases(session, [case_id])
            for agency in sorted(await grants.take_due(session, case_id, now)):
                staged += await self._reconcile(session, case_id, agency, None, "consent_expired")
        return staged

    async def _tick(self, session: AsyncSession, row: dict[str, Any], now: datetime) -> Staged:
        clock = _clock_of(row)
        done = [SlaAction(a) for a in row["sla_done"]]
        staged: Staged = []
        for action in sla_actions_due(clock, now, row["state"], done):
            done.append(action)
            if action is SlaAction.REMIND:
                staged += self._reminder(row, "system", None, nudge=False)
            elif action is SlaAction.OVERDUE:
                staged.append(
                    (
                        self._new(
                            ReferralOverdue(
                                case_id=row["case_id"],
                                referral_id=row["id"],
                                agency_code=row["agency_code"],
                                due_at=row["due_at"],
                                detected_at=now,
                            ),
                            None,
                        ),
                        None,
                    )
                )
            elif action is SlaAction.EXPIRE:
                staged += await self._change(
                    session, row, ReferralAction.EXPIRE, ActorKind.SYSTEM, "system", None
                )
        still_waiting = row["state"] in {s.value for s in AWAITING_ANSWER}
        await session.execute(
            update(referrals)
            .where(referrals.c.id == row["id"])
            .values(
                sla_done=[a.value for a in done],
                next_check_at=next_sla_check(clock, now, done) if still_waiting else None,
                updated_at=now,
            )
        )
        if any(isinstance(e.data, ReferralOverdue) for e, _ in staged):
            staged += await self._maybe_buddy(session, row["case_id"], None)
        return staged

    async def _stalls(self, session: AsyncSession, now: datetime) -> Staged:
        held_cases = (
            await session.scalars(
                select(referrals.c.case_id)
                .where(referrals.c.state == HELD, referrals.c.stall_reported.is_(None))
                .distinct()
            )
        ).all()
        staged: Staged = []
        for case_id in held_cases:
            rows = await self._referrals_of(session, case_id)
            links = [
                ChainLink(
                    referral_id=r["id"],
                    state=None if r["state"] == HELD else ReferralState(r["state"]),
                    waits_on=r["waits_on"],
                    since=r["updated_at"],
                )
                for r in rows
            ]
            reported = {r["id"] for r in rows if r["stall_reported"]}
            for stall in stalled_chains(links, now, self._chain_max_wait):
                if stall.referral_id in reported or stall.waits_on is None:
                    continue
                text = stall.text
                staged.append(
                    (
                        self._new(
                            ChainStalled(
                                case_id=case_id,
                                referral_id=stall.referral_id,
                                waits_on=stall.waits_on,
                                reason=stall.reason.value,
                                text=Reason(rule=stall.reason.value, nl=text.nl, en=text.en),
                                detected_at=now,
                            ),
                            None,
                        ),
                        None,
                    )
                )
                await session.execute(
                    update(referrals)
                    .where(referrals.c.id == stall.referral_id)
                    .values(stall_reported=stall.reason.value)
                )
        return staged

    # -- helpers ---------------------------------------------------------------------------

    def _create(
        self,
        case_id: str,
        plan: PlannedReferral,
        ids: dict[str, str],
        incoming: Envelope | None,
        manual_by: str | None,
        created: list[dict[str, Any]],
        case: dict[str, Any],
        identity: dict[str, Any] | None,
        now: datetime | None = None,
        *,
        grants: Sequence[Grant],
    ) -> Staged:
        """A new referral row (appended to `created`, inserted by the caller) and its events;
        `now`: the transaction's moment (default: the clock's). A case awaiting confirmation
        gets the row only: nothing is announced, offered or timed yet."""
        now = now or self._clock.now()
        referral_id = ids[plan.service_id]
        waits_on = ids.get(plan.waits_on) if plan.waits_on else None
        unconfirmed = bool(case.get("awaiting_confirmation"))
        state = ReferralState.ISSUED.value
        if unconfirmed:
            state = UNCONFIRMED
        elif waits_on:
            state = HELD
        row: dict[str, Any] = {
            "id": referral_id,
            "case_id": case_id,
            "service_id": plan.service_id,
            "agency_code": plan.agency_code,
            "state": state,
            "mode": ReferralMode(plan.mode).value,
            "urgent": plan.urgent,
            "rule_ids": list(plan.rule_ids),
            "reasons": list(_reason_rows(plan.rule_ids, plan.reasons)),
            "needs": list(plan.needs),
            "waits_on": waits_on,
            "response_norm_working_days": plan.response_norm_working_days,
            "reminder_lead_working_days": plan.reminder_lead_working_days,
            "expiry_working_days": plan.expiry_working_days,
            "issued_at": None,
            "remind_at": None,
            "due_at": None,
            "expires_at": None,
            "next_check_at": None,
            "sla_done": [],
            "stall_reported": None,
            "decline_reason": None,
            "outcome": None,
            "manual_by": manual_by,
            "shared_scopes": [],
            "created_at": now,
            "updated_at": now,
        }
        created.append(row)
        if unconfirmed:
            return []
        offer: Staged = []
        if not waits_on:
            row.update(self._clock_fields(row, now))
            offer = self._offer_to(row, incoming, case, identity, grants)
        issued = ReferralIssued(
            case_id=case_id,
            referral_id=referral_id,
            agency_code=plan.agency_code,
            service_code=plan.service_id,
            rule_id=plan.rule_id,
            summary_shared=row["mode"] == ReferralMode.WARM_HANDOVER,
            due_at=row["due_at"],
            mode=ReferralMode(row["mode"]),
            reasons=list(_reasons(plan.rule_ids, plan.reasons)),
            waits_on=waits_on,
            manual_by=manual_by,
        )
        return [(self._new(issued, incoming), None), *offer]

    def _clock_fields(self, row: dict[str, Any], now: datetime) -> dict[str, Any]:
        if row["mode"] == ReferralMode.SELF_CONTACT:
            return {"issued_at": now}  # the citizen gets in touch: no agency clock runs
        return dict(
            _sla_fields(
                now,
                row["response_norm_working_days"],
                row["reminder_lead_working_days"],
                row["expiry_working_days"],
            )
        )

    async def _offer(
        self, session: AsyncSession, row: dict[str, Any], incoming: Envelope | None
    ) -> Staged:
        """The referral on the agency's own topic, with what the grants allow now (looked up);
        the row remembers what the agency was given."""
        case = (
            (await session.execute(select(cases).where(cases.c.case_id == row["case_id"])))
            .mappings()
            .one()
        )
        case_grants = (await self._grants_of(session, [row["case_id"]])).get(row["case_id"], [])
        identity = await self._identity_if_shared(
            session, row["case_id"], case_grants, row["agency_code"]
        )
        staged = self._offer_to(row, incoming, dict(case), identity, case_grants)
        await session.execute(
            update(referrals)
            .where(referrals.c.id == row["id"])
            .values(mode=row["mode"], shared_scopes=row["shared_scopes"])
        )
        return staged

    def _offer_to(
        self,
        row: dict[str, Any],
        incoming: Envelope | None,
        case: dict[str, Any],
        identity: dict[str, Any] | None,
        case_grants: Sequence[Grant],
    ) -> Staged:
        """The referral on the agency's own topic (not for self-contact referrals), with the
        handover the citizen's grants allow at this moment (none: an anonymous referral).
        Sets the row's `mode` and `shared_scopes` to what was sent; the caller stores them."""
        if row["mode"] == ReferralMode.SELF_CONTACT:
            return []
        scopes: frozenset[SharingScope] = frozenset()
        if case.get("anonymised_at") is None:
            scopes = handed_on(case_grants, row["agency_code"], self._clock.now())
        story = handover(
            case["facts"],
            list(row["needs"]),
            bool(row["urgent"]),
            scopes=scopes,
            identity=identity,
            language=case["language"],
            channels=list(case["channels"]),
            buddy_name=case["buddy_name"],
        )
        mode = ReferralMode.WARM_HANDOVER if story is not None else ReferralMode.ANONYMOUS
        row["mode"] = mode.value
        row["shared_scopes"] = sorted(s.value for s in scopes) if story is not None else []
        offered = ReferralOffered(
            case_id=row["case_id"],
            referral_id=row["id"],
            agency_code=row["agency_code"],
            service_code=row["service_id"],
            life_events=case["facts"]["life_events"],
            needs=list(row["needs"]),
            urgent=bool(row["urgent"]),
            due_at=row["due_at"],
            mode=mode,
            handover=story,
        )
        return [(self._new(offered, incoming), referral_topic(row["agency_code"]))]

    async def _reconcile(
        self,
        session: AsyncSession,
        case_id: str,
        agency_code: str,
        incoming: Envelope | None,
        reason: str,
    ) -> Staged:
        """Bring what `agency_code` holds from this case's referrals in line with the grants
        that hold now: take back what it may no longer hold (`ConsentWithdrawn`), and offer
        open referrals again where it may now see more (the replacing `ReferralOffered`)."""
        found = (
            (await session.execute(select(cases).where(cases.c.case_id == case_id)))
            .mappings()
            .first()
        )
        if found is None:
            return []  # routing has no referral for this case yet; the grant waits for them
        case = dict(found)
        case_grants = (await self._grants_of(session, [case_id])).get(case_id, [])
        now = self._clock.now()
        scopes: frozenset[SharingScope] = frozenset()
        if case["anonymised_at"] is None:
            scopes = handed_on(case_grants, agency_code, now)
        sent = [
            r
            for r in await self._referrals_of(session, case_id)
            if r["agency_code"] == agency_code
            and r["issued_at"] is not None
            and r["mode"] != ReferralMode.SELF_CONTACT
        ]
        staged: Staged = []
        taken_back: list[str] = []
        lost: set[SharingScope] = set()
        for row in sent:
            held = _held_scopes(row)
            if held - scopes:
                taken_back.append(row["id"])
                lost |= held - scopes
                kept = sorted(s.value for s in held & scopes)
                row["shared_scopes"] = kept
                row["mode"] = (
                    ReferralMode.WARM_HANDOVER.value if kept else ReferralMode.ANONYMOUS.value
                )
                await session.execute(
                    update(referrals)
                    .where(referrals.c.id == row["id"])
                    .values(mode=row["mode"], shared_scopes=kept, updated_at=now)
                )
        if taken_back:
            withdrawn = ConsentWithdrawn(
                case_id=case_id,
                agency_code=agency_code,
                referral_ids=taken_back,
                reason=reason,
                scopes=sorted(lost),
                withdrawn_at=now,
            )
            staged.append((self._new(withdrawn, incoming), referral_topic(agency_code)))
            log.info("routing.consent_withdrawn", agency=agency_code, referrals=len(taken_back))
        upgrade = [r for r in sent if r["state"] in OPEN_STATES and scopes - _held_scopes(r)]
        if upgrade:
            identity = await self._identity_if_shared(session, case_id, case_grants, agency_code)
            for row in upgrade:
                staged += self._offer_to(row, incoming, case, identity, case_grants)
                await session.execute(
                    update(referrals)
                    .where(referrals.c.id == row["id"])
                    .values(mode=row["mode"], shared_scopes=row["shared_scopes"], updated_at=now)
                )
        return staged

    async def _change(
        self,
        session: AsyncSession,
        row: dict[str, Any],
        action: ReferralAction,
        actor: ActorKind,
        by: str,
        incoming: Envelope | None,
        **details: Any,
    ) -> Staged:
        """Apply one lifecycle step (or raise `InvalidTransition`) and say what it causes."""
        # A held or unconfirmed referral has not entered the lifecycle; it can only be
        # withdrawn, as if issued.
        current = ReferralState.ISSUED if row["state"] in PLANNED else row["state"]
        if row["state"] in PLANNED and action is not ReferralAction.WITHDRAW:
            raise InvalidTransition(
                ReferralState.ISSUED, action, actor, "the referral waits on another"
            )
        new_state = transition(current, action, actor, **details)
        now = self._clock.now()
        values: dict[str, Any] = {"state": new_state.value, "updated_at": now}
        if "reason" in details:
            values["decline_reason"] = str(details["reason"])
        if "outcome" in details:
            values["outcome"] = details["outcome"]
        if new_state not in AWAITING_ANSWER:
            values["next_check_at"] = None
        await session.execute(update(referrals).where(referrals.c.id == row["id"]).values(**values))
        await session.execute(
            insert(transitions).values(
                referral_id=row["id"],
                from_state=row["state"],
                to_state=new_state.value,
                action=action.value,
                actor=actor.value,
                by=by,
                note=details.get("note"),
                at=now,
            )
        )
        log.info(
            "routing.referral_changed",
            referral_id=row["id"],
            from_state=row["state"],
            to_state=new_state.value,
            actor=actor.value,
        )
        fields: dict[str, Any] = {
            "case_id": row["case_id"],
            "referral_id": row["id"],
            "agency_code": row["agency_code"],
            "by": by,
            "note": details.get("note"),
            "changed_at": now,
        }
        if action is ReferralAction.DECLINE:
            fields["reason"] = details["reason"]
        if action is ReferralAction.COMPLETE:
            fields["outcome"] = details["outcome"]
        staged: Staged = [(self._new(_CHANGE_EVENTS[action](**fields), incoming), None)]
        went_out = row["mode"] != ReferralMode.SELF_CONTACT and row["issued_at"] is not None
        if action in (ReferralAction.WITHDRAW, ReferralAction.EXPIRE) and went_out:
            cancelled = ReferralCancelled(
                case_id=row["case_id"],
                referral_id=row["id"],
                agency_code=row["agency_code"],
                state=new_state.value,
            )
            staged.append((self._new(cancelled, incoming), referral_topic(row["agency_code"])))
        if new_state is ReferralState.COMPLETED:
            staged += await self._release_after(session, row, incoming)
        if new_state is ReferralState.DECLINED:
            staged += await self._maybe_buddy(session, row["case_id"], incoming)
        return staged

    async def _release_after(
        self, session: AsyncSession, done: dict[str, Any], incoming: Envelope | None
    ) -> Staged:
        """Estafette: referrals waiting on `done` go out now."""
        now = self._clock.now()
        waiting = (
            (
                await session.execute(
                    select(referrals).where(
                        referrals.c.waits_on == done["id"], referrals.c.state == HELD
                    )
                )
            )
            .mappings()
            .all()
        )
        staged: Staged = []
        for found in waiting:
            row = dict(found)
            row.update(self._clock_fields(row, now), state=ReferralState.ISSUED.value)
            await session.execute(
                update(referrals)
                .where(referrals.c.id == row["id"])
                .values(
                    state=row["state"],
                    issued_at=row["issued_at"],
                    remind_at=row["remind_at"],
                    due_at=row["due_at"],
                    expires_at=row["expires_at"],
                    next_check_at=row["next_check_at"],
                    updated_at=now,
                )
            )
            released = ReferralReleased(
                case_id=row["case_id"],
                referral_id=row["id"],
                agency_code=row["agency_code"],
                after=done["id"],
                due_at=row["due_at"] or now,
                released_at=now,
            )
            staged.append((self._new(released, incoming), None))
            staged += await self._offer(session, row, incoming)
        return staged

    async def _maybe_buddy(
        self,
        session: AsyncSession,
        case_id: str,
        incoming: Envelope | None,
        *,
        case: dict[str, Any] | None = None,
        rows: list[dict[str, Any]] | None = None,
    ) -> Staged:
        """Recommend a buddy once, when the rules say so (a person decides)."""
        if case is None:
            found = (
                (await session.execute(select(cases).where(cases.c.case_id == case_id)))
                .mappings()
                .first()
            )
            case = dict(found) if found else None
        if case is None or case["buddy_recommended"]:
            return []
        if rows is None:
            rows = await self._referrals_of(session, case_id)
        staged = self._buddy(case, rows, incoming)
        if staged:
            await session.execute(
                update(cases).where(cases.c.case_id == case_id).values(buddy_recommended=True)
            )
        return staged

    def _buddy(
        self,
        case: dict[str, Any],
        rows: list[dict[str, Any]],
        incoming: Envelope | None,
        facts: IntakeFacts | None = None,
    ) -> Staged:
        """`BuddyRecommended` when the buddy rules hold for this case (nothing stored)."""
        facts = facts or IntakeFacts.model_validate(case["facts"])
        summary = CaseSummary(
            redzaamheid=facts.redzaamheid,
            urgency=facts.urgency,
            risks=facts.risks,
            agencies=frozenset(r["agency_code"] for r in rows),
            declined_referrals=sum(1 for r in rows if r["state"] == ReferralState.DECLINED),
            overdue_referrals=sum(1 for r in rows if SlaAction.OVERDUE.value in r["sla_done"]),
        )
        recommendation = recommend_buddy(summary, load_buddy_policy())
        if not recommendation.recommended:
            return []
        event = BuddyRecommended(
            case_id=case["case_id"],
            reasons=[
                Reason(rule=r.rule_id, nl=r.text.nl, en=r.text.en) for r in recommendation.reasons
            ],
            recommended_at=self._clock.now(),
        )
        return [(self._new(event, incoming), None)]

    def _reminder(
        self, row: dict[str, Any], by: str, incoming: Envelope | None, *, nudge: bool
    ) -> Staged:
        now = self._clock.now()
        due = row["due_at"] or now
        reminder = ReferralReminder(
            case_id=row["case_id"],
            referral_id=row["id"],
            agency_code=row["agency_code"],
            due_at=due,
            nudge=nudge,
        )
        reminded = ReferralReminded(
            case_id=row["case_id"],
            referral_id=row["id"],
            agency_code=row["agency_code"],
            by=by,
            due_at=due,
            reminded_at=now,
        )
        return [
            (self._new(reminder, incoming), referral_topic(row["agency_code"])),
            (self._new(reminded, incoming), None),
        ]

    def _promise(
        self, row: dict[str, Any], response: ReferralResponded, incoming: Envelope, key: str
    ) -> Envelope:
        if response.promise_due_at is None:
            raise ResponseRejected("a promise needs promise_due_at")
        return self._new(
            PromiseRecorded(
                case_id=row["case_id"],
                promise_id=promise_id(key),
                made_by=row["agency_code"],
                due_at=response.promise_due_at,
                referral_id=row["id"],
            ),
            incoming,
        )

    def _new(self, data: Event, incoming: Envelope | None) -> Envelope:
        now = self._clock.now()
        if incoming is not None:
            return incoming.follow_up(data, self._source, time=now)
        return Envelope(data, source=self._source, time=now)

    async def _stage(self, session: AsyncSession, staged: Staged) -> None:
        """Stage the events in order, in one statement."""
        await add_events(
            session,
            [envelope for envelope, _ in staged],
            clock=self._clock,
            topics=[topic for _, topic in staged],
        )

    async def _seed_grants(self, session: AsyncSession, intakes: Sequence[Envelope]) -> None:
        """The intake's `share_with` as the grants the intake publishes (same ids and terms),
        for routing may read the intake before those `ConsentGranted` events."""
        seeds: list[dict[str, Any]] = []
        for incoming in intakes:
            event = incoming.data
            assert isinstance(event, IntakeSubmitted | IntakeAmended)
            for agency in event.share_with:
                try:
                    grant_id = intake_grant_id(event.intake_id, agency)
                except ValueError:
                    log.warning("routing.intake_grant_id_too_long", agency=agency)
                    continue
                seeds.append(
                    {
                        "case_id": event.case_id,
                        "grant_id": grant_id,
                        "agency_code": agency,
                        "scopes": sorted(s.value for s in INTAKE_CONSENT_SCOPES),
                        "valid_from": event.submitted_at,
                        "valid_until": intake_grant_valid_until(event.submitted_at),
                    }
                )
        await grants.seed(session, seeds, self._clock.now())

    @staticmethod
    async def _grants_of(session: AsyncSession, case_ids: list[str]) -> dict[str, list[Grant]]:
        """The grants of these cases, by case."""
        return await grants.of_cases(session, case_ids)

    async def _identity_if_shared(
        self,
        session: AsyncSession,
        case_id: str,
        case_grants: Sequence[Grant],
        agency_code: str | None = None,
    ) -> dict[str, Any] | None:
        """Who the citizen is, read only when a grant (for `agency_code`, or any) shares it."""
        now = self._clock.now()
        agencies = {agency_code} if agency_code else {g.agency_code for g in case_grants}
        if not any(SharingScope.IDENTITY in handed_on(case_grants, a, now) for a in agencies):
            return None
        identity: dict[str, Any] | None = await session.scalar(
            select(identities.c.identity).where(identities.c.case_id == case_id)
        )
        return identity

    @staticmethod
    async def _referral(
        session: AsyncSession, referral_id: str, *, for_update: bool = False
    ) -> dict[str, Any] | None:
        query = select(referrals).where(referrals.c.id == referral_id)
        if for_update:
            query = query.with_for_update()
        found = (await session.execute(query)).mappings().first()
        return dict(found) if found else None

    @staticmethod
    async def _referrals_of(session: AsyncSession, case_id: str) -> list[dict[str, Any]]:
        rows = (
            (
                await session.execute(
                    select(referrals)
                    .where(referrals.c.case_id == case_id)
                    .order_by(referrals.c.created_at, referrals.c.id)
                )
            )
            .mappings()
            .all()
        )
        return [dict(r) for r in rows]

    async def _check(
        self,
        session: AsyncSession,
        actor: Principal,
        case_id: str,
        purpose: str,
        action: AuditAction,
        *,
        object_id: str | None = None,
    ) -> Decision:
        """The dossier's decision on this case's referrals (owner, team, queue, supervisor,
        grant, the citizen's link): allowed, it is audited in this transaction; refused, the
        transaction is rolled back and the refusal audited on its own (403)."""
        now = self._clock.now()
        change = action is AuditAction.CHANGE
        decision = decide(
            actor,
            await self.access.get(session, case_id),
            SharingScope.SUMMARY,
            now,
            data_kind=REFERRALS_KIND,
            change=change,
            staff_only=change,
            queue_visible=True,
        )
        record = audit_record(
            actor, case_id, REFERRALS_KIND, purpose, action, decision, now, object_id=object_id
        )
        await self.audit.check(session, record, allowed=decision.allowed)
        return decision

    @staticmethod
    def _staff(actor: Principal) -> None:
        if not actor.has_role(*STAFF):
            raise Forbidden("Only a casemanager or supervisor does this.")


async def _lock_cases(session: AsyncSession, case_ids: list[str]) -> None:
    """Serialise the handlers of one case across consumer groups (PostgreSQL).

    An intake and its citizen's identity arrive on different topics and are applied by
    different consumers at the same time; without this each could miss the other's
    uncommitted rows, and an agency would get a warm handover without the citizen's name.
    Locks are taken in sorted order (no deadlock between batches) and held to commit. SQLite
    runs one writer at a time anyway.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    await session.execute(
        text(
            "SELECT pg_advisory_xact_lock(hashtext('routing-case'), hashtext(s.id)) "
            "FROM (SELECT id FROM unnest(CAST(:ids AS text[])) AS id ORDER BY id) AS s"
        ),
        {"ids": sorted(set(case_ids))},
    )


@lru_cache(maxsize=512)
def _reason_rows(rule_ids: tuple[str, ...], texts: tuple[Text, ...]) -> tuple[dict[str, str], ...]:
    """The stored form of a plan's reasons (the same few rule combinations come back all day,
    so they are made once; the dicts are shared: read them, never change them)."""
    return tuple(
        {"rule": rule, "nl": text.nl, "en": text.en}
        for rule, text in zip(rule_ids, texts, strict=False)
    )


@lru_cache(maxsize=512)
def _reasons(rule_ids: tuple[str, ...], texts: tuple[Text, ...]) -> tuple[Reason, ...]:
    """The event form of a plan's reasons, validated once per rule combination."""
    return tuple(Reason(**row) for row in _reason_rows(rule_ids, texts))


@lru_cache(maxsize=64)
def _sla_fields(
    now: datetime, norm: int, lead: int, expiry: int
) -> tuple[tuple[str, datetime | None], ...]:
    """A referral's clock columns when issued at `now`; remembered, as a batch of intakes
    issues its referrals at one `now` with a handful of norms."""
    clock = sla_clock(now, norm, lead, expiry)
    return (
        ("issued_at", now),
        ("remind_at", clock.remind_at),
        ("due_at", clock.due_at),
        ("expires_at", clock.expires_at),
        ("next_check_at", next_sla_check(clock, now)),
    )


def _held_scopes(row: dict[str, Any]) -> frozenset[SharingScope]:
    """What the agency holds from this referral's offers (rows from before `shared_scopes`
    was kept: a warm handover held the story and who the citizen is)."""
    if row["shared_scopes"] is None:
        return HANDED_ON if row["mode"] == ReferralMode.WARM_HANDOVER else frozenset()
    return frozenset(SharingScope(s) for s in row["shared_scopes"])


def _issued(row: dict[str, Any]) -> ReferralIssued:
    """The `ReferralIssued` of a stored referral (one that was planned before it went out)."""
    return ReferralIssued(
        case_id=row["case_id"],
        referral_id=row["id"],
        agency_code=row["agency_code"],
        service_code=row["service_id"],
        rule_id=row["rule_ids"][0],
        summary_shared=SharingScope.SUMMARY in _held_scopes(row),
        due_at=row["due_at"],
        mode=ReferralMode(row["mode"]),
        reasons=[Reason(**reason) for reason in row["reasons"]],
        waits_on=row["waits_on"],
        manual_by=row["manual_by"],
    )


def _awaiting(incoming: Envelope) -> bool:
    """Whether an intake event waits for the citizen's confirmation."""
    data = incoming.data
    return isinstance(data, IntakeSubmitted) and data.awaiting_confirmation


def _referral_id() -> str:
    """A new referral id: 80 random bits, as the 20 hex digits of a UUID it replaces."""
    return f"ref-{secrets.token_hex(10)}"


def _revision(incoming: Envelope) -> int:
    """1 for a submission, the amendment's revision otherwise."""
    return incoming.data.revision if isinstance(incoming.data, IntakeAmended) else 1


def _clock_of(row: dict[str, Any]) -> Any:
    return sla_clock(
        row["issued_at"],
        row["response_norm_working_days"],
        row["reminder_lead_working_days"],
        row["expiry_working_days"],
    )
