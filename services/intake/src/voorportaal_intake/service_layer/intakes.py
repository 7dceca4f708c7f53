"""Intake use cases: start, answer, go back, contact details, who the citizen is, submit, amend.
One transaction each.

An intake walks through the questionnaire of each chosen life event, then the short profile
that feeds triage. The server always says which question is next. Submitting computes the
needs, risks, checklist+, triage and municipality, stores them, and stages `IntakeSubmitted`
(with the contact details on `contact.points` and the identity on `citizen.identity`) in the
outbox, in the same transaction. Submitting again returns the same case: nothing is published
twice. Changing answers afterwards is an amendment: the facts are computed again and
`IntakeAmended` carries them whole, with a revision number.

Submitting also stages the citizen's sharing choice as one `ConsentGranted` per agency on
`case.events` (the grant every service keeps). An intake started without a staff role whose
address is not confirmed with a one-time code is submitted `awaiting_confirmation`: routing
holds it until `IntakeConfirmed` (the citizen's code, or staff taking it in).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

import structlog
from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.consent import (
    INTAKE_CONSENT_SCOPES,
    intake_grant_id,
    intake_grant_valid_until,
    sharing_agencies,
)
from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    CitizenIdentified,
    ConsentGranted,
    ConsentRevoked,
    ContactPointsUpdated,
    ContactVerificationRequested,
    IntakeAmended,
    IntakeConfirmed,
    IntakeSubmitted,
)
from voorportaal_contracts.topics import CITIZEN_IDENTITY, CONTACT_POINTS, CONTACT_VERIFICATIONS
from voorportaal_contracts.types import Channel, LifeEvent, MessageChannel, SharingScope
from voorportaal_intake.adapters.content_files import (
    CURRENT_VERSION,
    load_catalogue,
    load_life_events,
    load_municipalities,
    load_triage,
)
from voorportaal_intake.adapters.orm import (
    audit_log,
    case_access,
    intake_citizens,
    intake_contacts,
    intakes,
)
from voorportaal_intake.adapters.rate_limits import RateLimited, forget_expired, hit
from voorportaal_intake.domain.checklist import ChecklistEntry, build_checklist
from voorportaal_intake.domain.content import Question
from voorportaal_intake.domain.flow import (
    AnswerError,
    next_question,
    parse_answer,
    previous_question,
    prune,
    signals,
)
from voorportaal_intake.domain.rate_limits import Limit, subject_key
from voorportaal_intake.domain.triage import Triage, facts, triage
from voorportaal_intake.service_layer.confirmation import (
    CodePolicy,
    citizen_hashes,
    issue_codes,
    issue_representative_codes,
    representative_verified,
    try_code,
    verified_channels,
)
from voorportaal_kit.audit import AuditAction
from voorportaal_kit.audit_log import AuditLog, AuditTrail
from voorportaal_kit.auth import Principal
from voorportaal_kit.case_access import CaseAccessStore, audit_record, decide
from voorportaal_kit.clock import Clock
from voorportaal_kit.errors import Conflict, Forbidden, Gone, NotFound, ServiceError
from voorportaal_kit.outbox import add_events
from voorportaal_kit.tables import outbox

log = structlog.get_logger()

STAFF = ("casemanager", "supervisor")
"""Roles that may start, read and complete any intake (on a citizen's behalf)."""

SIGNALEERDER = "signaleerder"

ANSWERS = "intake_answers"
"""The intake's answers, triage and checklist+: read with the `summary` scope."""
IDENTITY = "identity"
"""Who the citizen is and how to reach them: read with the `identity` scope."""
_SCOPE = {ANSWERS: SharingScope.SUMMARY, IDENTITY: SharingScope.IDENTITY}
"""A partner (wijkteam, schuldhulp, police …) who may start intakes and see only their own."""

MOVING_POSTCODE = ("moving_rented_home", "new_postcode")
"""The answer that says where a moving citizen will live: its municipality counts first."""

PROFILE = "profile"
"""The step name of the triage profile questions (asked after the life events)."""


class InvalidAnswer(ServiceError):
    """An answer that does not fit its question (reasons in Dutch and English)."""

    code = "invalid_answer"

    def __init__(self, error: AnswerError, step: str) -> None:
        super().__init__(f"{error.en} / {error.nl}", field=f"answers.{step}.{error.question}")


class Erased(Gone):
    """The case was anonymised: the intake's personal data is gone and it cannot change."""

    code = "erased"


class WrongCode(ServiceError):
    """A one-time code that does not match (or none is pending)."""

    code = "wrong_code"


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


@dataclass(frozen=True)
class Confirmation:
    """Which addresses are confirmed, and whether the intake still waits for that."""

    verified: list[MessageChannel]
    awaiting_confirmation: bool
    confirmed_by: str | None
    representative_verified: list[MessageChannel] = field(default_factory=list)
    """The representative's channels confirmed for copies."""


class IncompleteIntake(Conflict):
    """Submitted before every question that applies was answered."""

    code = "incomplete"


@dataclass(frozen=True)
class Step:
    """Where the intake is: the next question of a step (a life event or the profile)."""

    step: str
    question: Question


@dataclass(frozen=True)
class IntakeState:
    """An intake as the API shows it."""

    id: UUID
    case_id: str
    status: str
    life_events: list[LifeEvent]
    channel: Channel
    next: Step | None
    answered: int
    result: dict[str, Any] | None
    revision: int
    answers: dict[str, dict[str, Any]]
    awaiting_confirmation: bool = False


def _steps(life_events: list[LifeEvent]) -> list[tuple[str, list[Question]]]:
    contents = load_life_events()
    steps: list[tuple[str, list[Question]]] = [
        (event.value, contents[event].questions) for event in life_events
    ]
    steps.append((PROFILE, load_triage().profile))
    return steps


def _typed(questions: list[Question], stored: dict[str, Any]) -> dict[str, Any]:
    """Stored (JSON) answers with their dates as dates again."""
    dates = {q.id for q in questions if q.type == "date"}
    return {
        k: (date.fromisoformat(v) if k in dates and isinstance(v, str) else v)
        for k, v in stored.items()
    }


def _stored(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@dataclass(frozen=True)
class Change:
    """One answer in an amendment."""

    step: str
    question: str
    value: Any


@dataclass(frozen=True)
class Assessment:
    """What the answers say: the facts `IntakeSubmitted` and `IntakeAmended` carry."""

    life_events: list[LifeEvent]
    needs: list[str]
    risks: list[str]
    checklist: list[ChecklistEntry]
    triage: Triage
    municipality_code: str | None


def assess(
    answers: dict[LifeEvent, dict[str, Any]],
    profile: dict[str, Any],
    postcode: str | None = None,
) -> Assessment:
    """What submitting computes from typed answers per life event (in the order chosen) and
    the profile answers: needs, risks, the merged checklist+, triage and municipality."""
    contents = load_life_events()
    walked = []
    needs: list[str] = []
    risks: list[str] = []
    for event, event_answers in answers.items():
        content = contents[event]
        walked.append((content, event_answers))
        event_needs, event_risks = signals(content, event_answers)
        needs += [n for n in event_needs if n not in needs]
        risks += [r for r in event_risks if r not in risks]
    checklist = build_checklist(walked)
    public = {a.code for a in load_catalogue().agencies if a.public}
    agencies = {e.agency for e in checklist if e.agency in public}
    result = triage(load_triage(), facts(profile, risks, agencies, len(answers)))
    municipality = load_municipalities().lookup(postcode) if postcode else None
    return Assessment(
        life_events=list(answers),
        needs=needs,
        risks=risks,
        checklist=checklist,
        triage=result,
        municipality_code=municipality.code if municipality else None,
    )


class IntakeService:
    """The intake use cases."""

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
        self._sessions = sessions
        self._clock = clock
        self._source = source
        self._safeguards = safeguards or Safeguards()
        self._topics = topics or PersonalTopics()
        self.access = access or CaseAccessStore(case_access)
        """Who may see each case (owner, team, queue, grants), from `case.events`."""
        self.audit = audit or AuditTrail(
            AuditLog(audit_log), clock, source=source, service="intake"
        )
        """Every read and change of an intake by a person, allowed or refused."""

    async def start(
        self,
        life_events: list[LifeEvent],
        channel: Channel,
        actor: Principal | None = None,
        *,
        client: str | None = None,
    ) -> IntakeState:
        """A new intake: by a citizen (no account: `actor` None), or on their behalf by staff or
        a signaleerder, which records who and in which role. A citizen's start counts against
        the limits of their `client` (IP address); `RateLimited` past them."""
        roles = (*STAFF, SIGNALEERDER)
        if actor is not None and not actor.has_role(*roles):
            raise Forbidden("Only staff or a signaleerder start an intake on someone's behalf.")
        started_by = actor.subject if actor else None
        role = next(r for r in sorted(actor.roles) if r in roles) if actor else None
        unique = list(dict.fromkeys(life_events))
        if not unique:
            raise ServiceError(
                "Choose at least one life event. / Kies minstens één levensgebeurtenis.",
                field="life_events",
            )
        now = self._clock.now()
        row = {
            "id": uuid4(),
            "case_id": f"vp-{uuid4().hex[:20]}",
            "content_version": CURRENT_VERSION,
            "life_events": [e.value for e in unique],
            "channel": channel.value,
            "started_by": started_by,
            "started_by_role": role,
            "answers": {e.value: {} for e in unique},
            "profile": {},
            "status": "open",
            "result": None,
            "created_at": now,
            "updated_at": now,
            "submitted_at": None,
            "revision": 1,
            "awaiting_confirmation": False,
            "confirmed_by": None,
            "confirmed_at": None,
            "taken_in_by": None,
            "erased_at": None,
        }
        async with self._sessions.begin() as session:
            if actor is None and client is not None:
                exceeded = await hit(
                    session, subject_key("client", client), self._safeguards.start_limits, now
                )
                if exceeded is not None:
                    raise RateLimited(
                        "Too many intakes were started from here; try again later. / "
                        "Er zijn hier te veel intakes gestart; probeer het later opnieuw.",
                        retry_after_s=exceeded.retry_after_s,
                    )
            await session.execute(insert(intakes).values(**row))
        return self._state(row)

    async def get(self, intake_id: UUID, actor: Principal) -> IntakeState:
        """The intake and its next question."""
        async with self.audit.transaction(self._sessions) as session:
            row = await self._load(
                session, intake_id, actor, purpose="read_intake", action=AuditAction.READ
            )
            return self._state(row)

    async def answer(
        self, intake_id: UUID, actor: Principal, step: str, question_id: str, raw: Any
    ) -> IntakeState:
        """Record (or change) one answer; later answers that no longer apply are dropped."""
        async with self.audit.transaction(self._sessions) as session:
            row = await self._load(session, intake_id, actor, for_update=True, purpose="answer")
            self._open(row)
            self._apply(row, Change(step, question_id, raw))
            await self._save(session, row)
        return self._state(row)

    async def back(self, intake_id: UUID, actor: Principal) -> IntakeState:
        """Undo the last answer, so that question is asked again."""
        async with self.audit.transaction(self._sessions) as session:
            row = await self._load(session, intake_id, actor, for_update=True, purpose="go_back")
            self._open(row)
            for step, questions in reversed(_steps([LifeEvent(e) for e in row["life_events"]])):
                stored = self._answers_of(row, step)
                last = previous_question(questions, _typed(questions, stored))
                if last is not None:
                    self._set_answers(row, step, {k: v for k, v in stored.items() if k != last.id})
                    await self._save(session, row)
                    break
        return self._state(row)

    async def set_contact(
        self,
        intake_id: UUID,
        actor: Principal,
        *,
        channels: list[MessageChannel],
        language: str,
        email: str | None,
        phone: str | None,
        quiet_from: str | None,
        quiet_until: str | None,
        share_with: list[str],
    ) -> None:
        """The citizen's contact details, preferences and sharing choices (validated at the
        edge); they leave this service only on `contact.points`. An address not confirmed yet
        gets a one-time code (`RateLimited` when it had its share). After submission a change
        is published at once, and a changed sharing choice as `ConsentGranted` for an agency
        added and `ConsentRevoked` for one taken off."""
        if MessageChannel.EMAIL in channels and not email:
            raise ServiceError(
                "E-mail is chosen but no address was given. / "
                "E-mail is gekozen maar er is geen adres.",
                field="email",
            )
        if MessageChannel.SMS in channels and not phone:
            raise ServiceError(
                "SMS is chosen but no phone number was given. / "
                "Sms is gekozen maar er is geen nummer.",
                field="phone",
            )
        values = {
            "channels": [c.value for c in channels],
            "language": language,
            "email": email,
            "phone": phone,
            "quiet_from": quiet_from,
            "quiet_until": quiet_until,
            "share_with": sorted(set(share_with)),
            "updated_at": self._clock.now(),
        }
        async with self.audit.transaction(self._sessions) as session:
            row = await self._load(
                session, intake_id, actor, for_update=True, purpose="set_contact", kind=IDENTITY
            )
            before = await self._one(session, intake_contacts, row["id"])
            await self._upsert(session, intake_contacts, row["id"], values)
            contact = await self._one(session, intake_contacts, row["id"])
            assert contact is not None  # just written
            citizen = await self._one(session, intake_citizens, row["id"])
            staged = await issue_codes(
                session,
                intake_id=row["id"],
                case_id=row["case_id"],
                contact=contact,
                policy=self._safeguards.codes,
                now=self._clock.now(),
                source=self._source,
                representative=(citizen or {}).get("representative"),
            )
            if row["status"] == "submitted":
                staged.append(await self._contact_envelope(session, row, contact, citizen))
                staged += self._sharing_changed(row, before, contact, actor)
            await self._stage(session, staged)

    async def set_citizen(
        self,
        intake_id: UUID,
        actor: Principal,
        *,
        name: str | None,
        bsn: str | None,
        date_of_birth: date | None,
        postcode: str | None,
        house_number: str | None,
        representative: dict[str, Any] | None,
    ) -> None:
        """Who the citizen is, and who represents them (validated at the edge). Leaves this
        service only on `citizen.identity` (and the representative's contact details on
        `contact.points`, for copies). After submission a change is published at once."""
        if date_of_birth is not None and date_of_birth > self._clock.now().date():
            raise ServiceError(
                "A date of birth cannot lie in the future. / "
                "Een geboortedatum kan niet in de toekomst liggen.",
                field="date_of_birth",
            )
        values = {
            "name": name,
            "bsn": bsn,
            "date_of_birth": date_of_birth,
            "postcode": postcode,
            "house_number": house_number,
            "representative": representative,
            "updated_at": self._clock.now(),
        }
        async with self.audit.transaction(self._sessions) as session:
            row = await self._load(
                session, intake_id, actor, for_update=True, purpose="set_citizen", kind=IDENTITY
            )
            await self._upsert(session, intake_citizens, row["id"], values)
            contact = await self._one(session, intake_contacts, row["id"])
            # A representative who receives copies confirms their own address with a code.
            staged = await issue_representative_codes(
                session,
                intake_id=row["id"],
                case_id=row["case_id"],
                representative=representative,
                contact=contact,
                policy=self._safeguards.codes,
                now=self._clock.now(),
                source=self._source,
            )
            if row["status"] == "submitted":
                citizen = await self._one(session, intake_citizens, row["id"])
                assert citizen is not None  # just written
                staged.append(self._identity_event(row, citizen))
                if contact is not None:
                    staged.append(await self._contact_envelope(session, row, contact, citizen))
            await self._stage(session, staged)

    async def submit(self, intake_id: UUID, actor: Principal) -> IntakeState:
        """Finish the intake: needs, risks, checklist+, triage; publish `IntakeSubmitted`, the
        contact details and identity, and one `ConsentGranted` per agency shared with. Held
        (`awaiting_confirmation`) when started without a staff role and no address is
        confirmed."""
        async with self.audit.transaction(self._sessions) as session:
            row, contact, citizen = await self._load_all(session, intake_id, actor)
            if row["status"] == "submitted":
                return self._state(row)  # idempotent: the same case comes back
            self._not_erased(row)
            self._complete(row)
            assessment = self._assess(row, citizen)
            now = self._clock.now()
            verified = await verified_channels(session, row["id"], contact)
            confirmed_by = row["confirmed_by"] or ("citizen" if verified else None)
            held = row["started_by_role"] not in STAFF and confirmed_by is None
            row.update(
                status="submitted",
                submitted_at=now,
                updated_at=now,
                result=_result(assessment),
                awaiting_confirmation=held,
                confirmed_by=confirmed_by,
                confirmed_at=row["confirmed_at"] or (now if confirmed_by else None),
            )
            await self._save(session, row)
            submitted = Envelope(
                IntakeSubmitted(
                    **self._facts(row, assessment, contact),
                    submitted_at=now,
                ),
                source=self._source,
                time=now,
            )
            staged = [submitted]
            if contact is not None:
                staged.append(
                    submitted.follow_up(
                        (await self._contact_envelope(session, row, contact, citizen)).data,
                        self._source,
                        time=now,
                    )
                )
            if citizen is not None:
                staged.append(
                    submitted.follow_up(
                        self._identity_event(row, citizen).data, self._source, time=now
                    )
                )
            staged += [
                submitted.follow_up(grant, self._source, time=now)
                for grant in self._consent(
                    row,
                    sharing_agencies(
                        (contact or {}).get("share_with") or [], assessment.municipality_code
                    ),
                    now,
                )
            ]
            await self._stage(session, staged)
        if row["awaiting_confirmation"]:
            log.info("intake.held_until_confirmed", case_id=row["case_id"])
        return self._state(row)

    async def verify(self, intake_id: UUID, actor: Principal, code: str) -> Confirmation:
        """The citizen confirms an address with the code it received. Confirms a held intake
        (`IntakeConfirmed`) and, once submitted, publishes the contact details with the
        confirmed channels. A wrong code spends an attempt; `WrongCode` says how many are
        left (the attempt counts even though the request fails)."""
        now = self._clock.now()
        async with self.audit.transaction(self._sessions) as session:
            row, contact, citizen = await self._load_all(
                session, intake_id, actor, purpose="verify_contact", kind=IDENTITY
            )
            self._not_erased(row)
            attempt = await try_code(session, row["id"], code, self._safeguards.codes, now)
            if attempt.confirmed is not None:
                verified = await verified_channels(session, row["id"], contact)
                representative = (citizen or {}).get("representative")
                copies_to = await representative_verified(session, row["id"], representative)
                staged: list[Envelope] = []
                # Only the citizen's own address vouches for the intake; a representative's
                # confirmed address only lets copies go to it.
                citizens_own = attempt.address_hash in citizen_hashes(contact)
                if row["confirmed_by"] is None and citizens_own:
                    row.update(confirmed_by="citizen", confirmed_at=now)
                    staged += self._release(row, "citizen", now)
                if row["status"] == "submitted" and contact is not None:
                    staged.append(await self._contact_envelope(session, row, contact, citizen))
                await self._save(session, row)
                await self._stage(session, staged)
                return Confirmation(
                    verified, row["awaiting_confirmation"], row["confirmed_by"], copies_to
                )
        # Outside the transaction: the spent attempt is committed before the refusal.
        if not attempt.pending:
            raise WrongCode(
                "No code is waiting to be confirmed; ask for a new one. / "
                "Er wacht geen code op bevestiging; vraag een nieuwe aan.",
                field="code",
            )
        raise WrongCode(
            f"That code is not right; {attempt.attempts_left} attempts left. / "
            f"Die code klopt niet; nog {attempt.attempts_left} pogingen.",
            field="code",
        )

    async def resend(self, intake_id: UUID, actor: Principal) -> list[MessageChannel]:
        """A new code for each chosen address not confirmed yet (replacing any earlier one);
        the channels it went to. `RateLimited` when an address had its share of codes."""
        async with self.audit.transaction(self._sessions) as session:
            row, contact, citizen = await self._load_all(
                session, intake_id, actor, purpose="resend_code", kind=IDENTITY
            )
            self._not_erased(row)
            if contact is None:
                raise Conflict("Give contact details first; there is nothing to confirm.")
            representative = (citizen or {}).get("representative")
            staged = await issue_codes(
                session,
                intake_id=row["id"],
                case_id=row["case_id"],
                contact=contact,
                policy=self._safeguards.codes,
                now=self._clock.now(),
                source=self._source,
                again=True,
                representative=representative,
            )
            staged += await issue_representative_codes(
                session,
                intake_id=row["id"],
                case_id=row["case_id"],
                representative=representative,
                contact=contact,
                policy=self._safeguards.codes,
                now=self._clock.now(),
                source=self._source,
                again=True,
            )
            if not staged:
                raise Conflict("Every address is confirmed already, or none can receive a code.")
            await self._stage(session, staged)
        return [_channel_of(e) for e in staged]

    async def take_in(self, intake_id: UUID, actor: Principal) -> Confirmation:
        """A casemanager or supervisor takes the intake in (they vouch for the citizen): a held
        intake goes to the agencies (`IntakeConfirmed`), an open one will not be held. Who may
        is the case's decision for a change by staff (the starter, the owner or their team, a
        supervisor), audited either way."""
        now = self._clock.now()
        async with self.audit.transaction(self._sessions) as session:
            row, contact, _ = await self._load_all(
                session, intake_id, actor, purpose="take_in", staff_only=True
            )
            self._not_erased(row)
            staged: list[Envelope] = []
            if row["taken_in_by"] is None:
                row.update(taken_in_by=actor.subject)
                if row["confirmed_by"] is None:
                    row.update(confirmed_by="staff", confirmed_at=now)
                staged += self._release(row, "staff", now)
                await self._save(session, row)
                await self._stage(session, staged)
                role = next(r for r in sorted(actor.roles) if r in STAFF)
                log.info("intake.taken_in", case_id=row["case_id"], actor=actor.subject, role=role)
            verified = await verified_channels(session, row["id"], contact)
        return Confirmation(verified, row["awaiting_confirmation"], row["confirmed_by"])

    async def amend(self, intake_id: UUID, actor: Principal, changes: list[Change]) -> IntakeState:
        """Change answers of a submitted intake. All changes apply or none: the intake must be
        complete afterwards. The facts are computed again and `IntakeAmended` carries them;
        changes that change nothing publish nothing."""
        if not changes:
            raise ServiceError(
                "Give at least one answer to change. / Geef minstens één antwoord om te wijzigen.",
                field="changes",
            )
        async with self.audit.transaction(self._sessions) as session:
            row = await self._load(session, intake_id, actor, for_update=True, purpose="amend")
            if row["status"] != "submitted":
                raise Conflict("Only a submitted intake can be amended; answer it instead.")
            before = {"answers": row["answers"], "profile": row["profile"]}
            moved_from = (row.get("result") or {}).get("municipality_code")
            for change in changes:
                self._apply(row, change)
            if before == {"answers": row["answers"], "profile": row["profile"]}:
                return self._state(row)
            self._complete(row)
            contact = await self._one(session, intake_contacts, row["id"])
            citizen = await self._one(session, intake_citizens, row["id"])
            assessment = self._assess(row, citizen)
            now = self._clock.now()
            row.update(revision=row["revision"] + 1, result=_result(assessment))
            await self._save(session, row)
            changed = [
                f"{step}.{q}"
                for step in [*row["life_events"], PROFILE]
                for q in sorted(
                    set(self._answers_of(row, step))
                    | set(before["profile"] if step == PROFILE else before["answers"][step])
                )
                if self._answers_of(row, step).get(q)
                != (before["profile"] if step == PROFILE else before["answers"][step]).get(q)
            ]
            amended = Envelope(
                IntakeAmended(
                    **self._facts(row, assessment, contact),
                    submitted_at=row["submitted_at"],
                    revision=row["revision"],
                    changed=changed,
                    amended_at=now,
                ),
                source=self._source,
                time=now,
            )
            moved = self._sharing_moved(row, contact, moved_from, actor)
            await add_events(session, [amended, *moved], clock=self._clock)
        return self._state(row)

    async def forget_sent_codes(self) -> int:
        """Delete published code requests from the outbox (they hold a code in plain text; the
        relay would keep them an hour for inspection); how many."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(outbox).where(
                    outbox.c.topic == CONTACT_VERIFICATIONS, outbox.c.sent_at.is_not(None)
                )
            )
        return int(getattr(result, "rowcount", 0) or 0)

    async def forget_expired_limits(self) -> int:
        """Delete rate-limit counters whose window ended (housekeeping); how many."""
        async with self._sessions.begin() as session:
            return await forget_expired(session, self._clock.now())

    # -- helpers ---------------------------------------------------------------------------

    def _release(self, row: dict[str, Any], by: str, now: datetime) -> list[Envelope]:
        """`IntakeConfirmed` when the intake was held; it is not held any more."""
        if not row["awaiting_confirmation"]:
            return []
        row.update(awaiting_confirmation=False)
        log.info("intake.confirmed", case_id=row["case_id"], by=by)
        event = IntakeConfirmed(
            case_id=row["case_id"], intake_id=str(row["id"]), confirmed_by=by, confirmed_at=now
        )
        return [Envelope(event, source=self._source, time=now)]

    def _sharing_changed(
        self,
        row: dict[str, Any],
        before: dict[str, Any] | None,
        contact: dict[str, Any],
        actor: Principal,
    ) -> list[Envelope]:
        """A submitted intake's sharing choice changed: grant the agencies added, revoke the
        ones taken off (the same grant ids as at submission)."""
        # "My gemeente" is the citizen's own municipality's agency (gemeente-gm0363).
        municipality = (row.get("result") or {}).get("municipality_code")
        old = set(sharing_agencies((before or {}).get("share_with") or [], municipality))
        new = set(sharing_agencies(contact["share_with"], municipality))
        return self._regranted(row, old, new, actor)

    def _sharing_moved(
        self,
        row: dict[str, Any],
        contact: dict[str, Any] | None,
        moved_from: str | None,
        actor: Principal,
    ) -> list[Envelope]:
        """An amendment moved the citizen to another municipality (or gave them one): sharing
        with "my gemeente" now means the new municipality's agencies, so the old one's grants
        are revoked and the new one's granted."""
        moved_to = (row.get("result") or {}).get("municipality_code")
        if contact is None or moved_from == moved_to:
            return []
        old = set(sharing_agencies(contact["share_with"], moved_from))
        new = set(sharing_agencies(contact["share_with"], moved_to))
        return self._regranted(row, old, new, actor)

    def _regranted(
        self, row: dict[str, Any], old: set[str], new: set[str], actor: Principal
    ) -> list[Envelope]:
        now = self._clock.now()
        recorder = actor.subject if actor.has_role(*STAFF) else None
        staged = [
            Envelope(grant, source=self._source, time=now)
            for grant in self._consent(
                row, sorted(new - old), now, recorded_by=recorder, valid_from=now
            )
        ]
        staged += [
            Envelope(
                ConsentRevoked(
                    case_id=row["case_id"],
                    grant_id=intake_grant_id(str(row["id"]), agency),
                    agency_code=agency,
                    revoked_at=now,
                ),
                source=self._source,
                time=now,
            )
            for agency in sorted(old - new)
        ]
        return staged

    def _consent(
        self,
        row: dict[str, Any],
        agencies: list[str],
        now: datetime,
        *,
        recorded_by: str | None = None,
        valid_from: datetime | None = None,
    ) -> list[ConsentGranted]:
        """The sharing choice as grants, valid a year from submission: the citizen's own, or
        recorded by a staff member (who took the intake, or `recorded_by`) with the channel
        the intake came in through."""
        if recorded_by is None and row["started_by_role"] in STAFF:
            recorded_by = row["started_by"]
        submitted_at = row["submitted_at"] or now
        return [
            ConsentGranted(
                case_id=row["case_id"],
                grant_id=intake_grant_id(str(row["id"]), agency),
                agency_code=agency,
                scopes=list(INTAKE_CONSENT_SCOPES),
                valid_from=valid_from or submitted_at,
                valid_until=intake_grant_valid_until(submitted_at),
                granted_by="casemanager" if recorded_by else "citizen",
                recorded_by=recorded_by,
                channel=Channel(row["channel"]),
            )
            for agency in agencies
        ]

    async def _stage(self, session: AsyncSession, staged: Sequence[Envelope]) -> None:
        """Stage events; contact details and identities go to the (configured) personal
        topics."""
        personal = {
            CONTACT_POINTS: self._topics.contact_points,
            CITIZEN_IDENTITY: self._topics.citizen_identity,
        }
        await add_events(
            session,
            staged,
            clock=self._clock,
            topics=[personal.get(e.topic) for e in staged],
        )

    @staticmethod
    def _not_erased(row: dict[str, Any]) -> None:
        if row["erased_at"] is not None:
            raise Erased("This case was anonymised; its intake can no longer change.")

    def _apply(self, row: dict[str, Any], change: Change) -> None:
        """Set one answer on `row` (validated), dropping later answers that no longer apply."""
        steps = dict(_steps([LifeEvent(e) for e in row["life_events"]]))
        if change.step not in steps:
            raise ServiceError(
                f"This intake has no step {change.step!r}. / "
                f"Deze intake heeft geen stap {change.step!r}.",
                field="step",
            )
        questions = steps[change.step]
        typed = _typed(questions, self._answers_of(row, change.step))
        question = next((q for q in questions if q.id == change.question), None)
        visible = question is not None and (
            question.show_if is None or question.show_if.holds(typed)
        )
        if question is None or not visible:
            raise ServiceError(
                f"Question {change.question!r} is not asked in this intake. / "
                f"Vraag {change.question!r} wordt in deze intake niet gesteld.",
                field=f"answers.{change.step}.{change.question}",
            )
        try:
            value = parse_answer(question, change.value, today=self._clock.now().date())
        except AnswerError as error:
            raise InvalidAnswer(error, change.step) from None
        typed[change.question] = value
        kept = prune(questions, typed)
        self._set_answers(row, change.step, {k: _stored(v) for k, v in kept.items()})

    def _complete(self, row: dict[str, Any]) -> None:
        state = self._state({**row, "status": "open"})
        if state.next is not None:
            raise IncompleteIntake(
                f"Question {state.next.question.id} of {state.next.step} is not answered."
            )

    def _assess(self, row: dict[str, Any], citizen: dict[str, Any] | None) -> Assessment:
        contents = load_life_events()
        answers = {
            event: _typed(contents[event].questions, row["answers"][event.value])
            for event in (LifeEvent(e) for e in row["life_events"])
        }
        step, question = MOVING_POSTCODE
        postcode = row["answers"].get(step, {}).get(question) or (citizen or {}).get("postcode")
        return assess(answers, row["profile"], postcode)

    @staticmethod
    def _facts(
        row: dict[str, Any], assessment: Assessment, contact: dict[str, Any] | None
    ) -> dict[str, Any]:
        return {
            "case_id": row["case_id"],
            "intake_id": str(row["id"]),
            "life_events": assessment.life_events,
            "channel": Channel(row["channel"]),
            "redzaamheid": assessment.triage.redzaamheid,
            "urgency": assessment.triage.urgency,
            "needs": assessment.needs,
            "risks": assessment.risks,
            "municipality_code": assessment.municipality_code,
            "share_with": (
                sharing_agencies(contact["share_with"], assessment.municipality_code)
                if contact
                else []
            ),
            "language": contact["language"] if contact else None,
            "preferred_channels": list(contact["channels"]) if contact else [],
            "started_by_role": row["started_by_role"],
            "awaiting_confirmation": bool(row["awaiting_confirmation"]),
        }

    async def _contact_envelope(
        self,
        session: AsyncSession,
        row: dict[str, Any],
        contact: dict[str, Any],
        citizen: dict[str, Any] | None,
    ) -> Envelope:
        """`ContactPointsUpdated` with the citizen's and the representative's confirmed
        channels as they stand."""
        representative = (citizen or {}).get("representative")
        return self._contact_event(
            row["case_id"],
            contact,
            citizen,
            await verified_channels(session, row["id"], contact),
            await representative_verified(session, row["id"], representative),
        )

    def _contact_event(
        self,
        case_id: str,
        contact: dict[str, Any],
        citizen: dict[str, Any] | None,
        verified: list[MessageChannel],
        representative_verified: list[MessageChannel] | None = None,
    ) -> Envelope:
        now = self._clock.now()
        representative = (citizen or {}).get("representative")
        if representative is not None:
            representative = {**representative, "verified": representative_verified or []}
        return Envelope(
            ContactPointsUpdated(
                case_id=case_id,
                channels=contact["channels"],
                language=contact["language"],
                email=contact["email"],
                phone=contact["phone"],
                quiet_from=contact["quiet_from"],
                quiet_until=contact["quiet_until"],
                representative=representative,
                verified=verified,
            ),
            source=self._source,
            time=now,
        )

    def _identity_event(self, row: dict[str, Any], citizen: dict[str, Any]) -> Envelope:
        postcode = citizen["postcode"]
        municipality = load_municipalities().lookup(postcode) if postcode else None
        return Envelope(
            CitizenIdentified(
                case_id=row["case_id"],
                name=citizen["name"],
                bsn=citizen["bsn"],
                date_of_birth=citizen["date_of_birth"],
                postcode=postcode,
                house_number=citizen["house_number"],
                municipality_code=municipality.code if municipality else None,
                representative=citizen["representative"],
            ),
            source=self._source,
            time=self._clock.now(),
        )

    @staticmethod
    async def _one(session: AsyncSession, table: Table, intake_id: UUID) -> dict[str, Any] | None:
        found = (
            (await session.execute(select(table).where(table.c.intake_id == intake_id)))
            .mappings()
            .first()
        )
        return dict(found) if found else None

    @staticmethod
    async def _upsert(
        session: AsyncSession, table: Table, intake_id: UUID, values: dict[str, Any]
    ) -> None:
        exists = await session.scalar(
            select(table.c.intake_id).where(table.c.intake_id == intake_id)
        )
        if exists:
            await session.execute(
                update(table).where(table.c.intake_id == intake_id).values(**values)
            )
        else:
            await session.execute(insert(table).values(intake_id=intake_id, **values))

    async def _load_all(
        self,
        session: AsyncSession,
        intake_id: UUID,
        actor: Principal,
        *,
        purpose: str = "submit",
        kind: str = ANSWERS,
        staff_only: bool = False,
    ) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]:
        """The intake (locked), its contact details and who the citizen is: one round trip."""
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
        found = (await session.execute(query)).mappings().first()
        if found is None:
            raise NotFound("No such intake.")
        await self._check_access(
            session, found, actor, purpose, AuditAction.CHANGE, kind, staff_only=staff_only
        )
        parts: dict[str, dict[str, Any]] = {"": {}, "contact": {}, "citizen": {}}
        for key, value in found.items():
            prefix, _, name = str(key).rpartition("__")
            parts[prefix][name] = value
        contact = parts["contact"] if parts["contact"]["intake_id"] is not None else None
        citizen = parts["citizen"] if parts["citizen"]["intake_id"] is not None else None
        return parts[""], contact, citizen

    async def _load(
        self,
        session: AsyncSession,
        intake_id: UUID,
        actor: Principal,
        *,
        for_update: bool = False,
        purpose: str = "change_intake",
        action: AuditAction = AuditAction.CHANGE,
        kind: str = ANSWERS,
    ) -> dict[str, Any]:
        """The intake, if `actor` may read or change it (`_check_access`, audited)."""
        query = select(intakes).where(intakes.c.id == intake_id)
        if for_update:
            query = query.with_for_update()
        found = (await session.execute(query)).mappings().first()
        if found is None:
            raise NotFound("No such intake.")
        await self._check_access(session, found, actor, purpose, action, kind)
        if for_update:
            self._not_erased(dict(found))
        return dict(found)

    async def _check_access(
        self,
        session: AsyncSession,
        found: Any,
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
        now = self._clock.now()
        case_id = found["case_id"]
        decision = decide(
            actor,
            await self.access.get(session, case_id),
            _SCOPE[kind],
            now,
            data_kind=kind,
            change=action is AuditAction.CHANGE,
            staff_only=staff_only,
            starter=found["started_by"],
        )
        record = audit_record(
            actor, case_id, kind, purpose, action, decision, now, object_id=str(found["id"])
        )
        await self.audit.check(session, record, allowed=decision.allowed)

    async def _save(self, session: AsyncSession, row: dict[str, Any]) -> None:
        row["updated_at"] = self._clock.now()
        await session.execute(
            update(intakes)
            .where(intakes.c.id == row["id"])
            .values(
                answers=row["answers"],
                profile=row["profile"],
                status=row["status"],
                result=row["result"],
                updated_at=row["updated_at"],
                submitted_at=row["submitted_at"],
                revision=row["revision"],
                awaiting_confirmation=row["awaiting_confirmation"],
                confirmed_by=row["confirmed_by"],
                confirmed_at=row["confirmed_at"],
                taken_in_by=row["taken_in_by"],
            )
        )

    @staticmethod
    def _open(row: dict[str, Any]) -> None:
        if row["status"] != "open":
            raise Conflict("This intake is submitted already; amend it instead.")

    @staticmethod
    def _answers_of(row: dict[str, Any], step: str) -> dict[str, Any]:
        return dict(row["profile"] if step == PROFILE else row["answers"][step])

    @staticmethod
    def _set_answers(row: dict[str, Any], step: str, answers: dict[str, Any]) -> None:
        if step == PROFILE:
            row["profile"] = answers
        else:
            row["answers"] = {**row["answers"], step: answers}

    def _state(self, row: dict[str, Any]) -> IntakeState:
        nxt: Step | None = None
        answered = 0
        for step, questions in _steps([LifeEvent(e) for e in row["life_events"]]):
            stored = self._answers_of(row, step)
            answered += len(stored)
            question = next_question(questions, _typed(questions, stored))
            if nxt is None and question is not None:
                nxt = Step(step, question)
        return IntakeState(
            id=row["id"],
            case_id=row["case_id"],
            status=row["status"],
            life_events=[LifeEvent(e) for e in row["life_events"]],
            channel=Channel(row["channel"]),
            next=nxt if row["status"] == "open" else None,
            answered=answered,
            result=row["result"],
            revision=row["revision"],
            answers={**row["answers"], PROFILE: row["profile"]},
            awaiting_confirmation=bool(row["awaiting_confirmation"]),
        )


def _channel_of(envelope: Envelope) -> MessageChannel:
    event = envelope.data
    assert isinstance(event, ContactVerificationRequested)
    return event.channel


def _result(assessment: Assessment) -> dict[str, Any]:
    result = assessment.triage
    return {
        "needs": assessment.needs,
        "risks": assessment.risks,
        "municipality_code": assessment.municipality_code,
        "triage": {
            "redzaamheid": result.redzaamheid.value,
            "urgency": result.urgency.value,
            "points": result.points,
            "buddy_proposed": result.buddy_proposed,
            "reasons": [
                {"rule": r.rule, "text": r.text.model_dump(), "points": r.points}
                for r in result.reasons
            ],
        },
        "checklist": [
            {
                "id": e.id,
                "title": e.title.model_dump(),
                "agency": e.agency,
                "why": [w.model_dump() for w in e.why],
                "life_events": [x.value for x in e.life_events],
                "deadline": e.deadline.isoformat() if e.deadline else None,
                "deadline_rule": e.deadline_rule.model_dump() if e.deadline_rule else None,
                "contact": e.contact,
                "refer": e.refer,
                "need": e.need,
                "depends_on": e.depends_on,
            }
            for e in assessment.checklist
        ],
    }
