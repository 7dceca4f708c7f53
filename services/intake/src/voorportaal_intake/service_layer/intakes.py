"""Intake use cases: start, answer, go back, contact details, who the citizen is, submit, amend.
One transaction each.

An intake walks through the questionnaire of each chosen life event, then the short profile
that feeds triage. The server always says which question is next. Submitting computes the
needs, risks, checklist+, triage and municipality, stores them, and stages `IntakeSubmitted`
(with the contact details on `contact.points` and the identity on `citizen.identity`) in the
outbox, in the same transaction. Submitting again returns the same case: nothing is published
twice. Changing answers afterwards is an amendment: the facts are computed again and
`IntakeAmended` carries them whole, with a revision number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    CitizenIdentified,
    ContactPointsUpdated,
    IntakeAmended,
    IntakeSubmitted,
)
from voorportaal_contracts.types import Channel, LifeEvent, MessageChannel
from voorportaal_intake.adapters.content_files import (
    CURRENT_VERSION,
    load_catalogue,
    load_life_events,
    load_municipalities,
    load_triage,
)
from voorportaal_intake.adapters.orm import intake_citizens, intake_contacts, intakes
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
from voorportaal_intake.domain.triage import Triage, facts, triage
from voorportaal_kit.auth import Principal
from voorportaal_kit.clock import Clock
from voorportaal_kit.http import Conflict, Forbidden, NotFound, ServiceError
from voorportaal_kit.outbox import add_events

STAFF = ("casemanager", "supervisor")
"""Roles that may start, read and complete any intake (on a citizen's behalf)."""

SIGNALEERDER = "signaleerder"
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


class IncompleteIntake(ServiceError):
    """Submitted before every question that applies was answered."""

    status_code = 409
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
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, source: str
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._source = source

    async def start(
        self,
        life_events: list[LifeEvent],
        channel: Channel,
        actor: Principal | None = None,
    ) -> IntakeState:
        """A new intake: by a citizen (no account: `actor` None), or on their behalf by staff or
        a signaleerder, which records who and in which role."""
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
        }
        async with self._sessions.begin() as session:
            await session.execute(insert(intakes).values(**row))
        return self._state(row)

    async def get(self, intake_id: UUID, actor: Principal) -> IntakeState:
        """The intake and its next question."""
        async with self._sessions() as session:
            return self._state(await self._load(session, intake_id, actor))

    async def answer(
        self, intake_id: UUID, actor: Principal, step: str, question_id: str, raw: Any
    ) -> IntakeState:
        """Record (or change) one answer; later answers that no longer apply are dropped."""
        async with self._sessions.begin() as session:
            row = await self._load(session, intake_id, actor, for_update=True)
            self._open(row)
            self._apply(row, Change(step, question_id, raw))
            await self._save(session, row)
        return self._state(row)

    async def back(self, intake_id: UUID, actor: Principal) -> IntakeState:
        """Undo the last answer, so that question is asked again."""
        async with self._sessions.begin() as session:
            row = await self._load(session, intake_id, actor, for_update=True)
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
        edge); they leave this service only on `contact.points`. After submission a change is
        published at once."""
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
        async with self._sessions.begin() as session:
            row = await self._load(session, intake_id, actor, for_update=True)
            await self._upsert(session, intake_contacts, row["id"], values)
            if row["status"] == "submitted":
                contact = await self._one(session, intake_contacts, row["id"])
                citizen = await self._one(session, intake_citizens, row["id"])
                assert contact is not None  # just written
                await add_events(
                    session,
                    [self._contact_event(row["case_id"], contact, citizen)],
                    clock=self._clock,
                )

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
        async with self._sessions.begin() as session:
            row = await self._load(session, intake_id, actor, for_update=True)
            await self._upsert(session, intake_citizens, row["id"], values)
            if row["status"] == "submitted":
                citizen = await self._one(session, intake_citizens, row["id"])
                contact = await self._one(session, intake_contacts, row["id"])
                assert citizen is not None  # just written
                staged = [self._identity_event(row, citizen)]
                if contact is not None:
                    staged.append(self._contact_event(row["case_id"], contact, citizen))
                await add_events(session, staged, clock=self._clock)

    async def submit(self, intake_id: UUID, actor: Principal) -> IntakeState:
        """Finish the intake: needs, risks, checklist+, triage; publish `IntakeSubmitted`."""
        async with self._sessions.begin() as session:
            row, contact, citizen = await self._load_all(session, intake_id, actor)
            if row["status"] == "submitted":
                return self._state(row)  # idempotent: the same case comes back
            self._complete(row)
            assessment = self._assess(row, citizen)
            now = self._clock.now()
            row.update(
                status="submitted",
                submitted_at=now,
                updated_at=now,
                result=_result(assessment),
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
                        self._contact_event(row["case_id"], contact, citizen).data,
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
            await add_events(session, staged, clock=self._clock)
        return self._state(row)

    async def amend(self, intake_id: UUID, actor: Principal, changes: list[Change]) -> IntakeState:
        """Change answers of a submitted intake. All changes apply or none: the intake must be
        complete afterwards. The facts are computed again and `IntakeAmended` carries them;
        changes that change nothing publish nothing."""
        if not changes:
            raise ServiceError(
                "Give at least one answer to change. / Geef minstens één antwoord om te wijzigen.",
                field="changes",
            )
        async with self._sessions.begin() as session:
            row = await self._load(session, intake_id, actor, for_update=True)
            if row["status"] != "submitted":
                raise Conflict("Only a submitted intake can be amended; answer it instead.")
            before = {"answers": row["answers"], "profile": row["profile"]}
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
            await add_events(session, [amended], clock=self._clock)
        return self._state(row)

    # -- helpers ---------------------------------------------------------------------------

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
            "share_with": list(contact["share_with"]) if contact else [],
            "language": contact["language"] if contact else None,
            "preferred_channels": list(contact["channels"]) if contact else [],
            "started_by_role": row["started_by_role"],
        }

    def _contact_event(
        self, case_id: str, contact: dict[str, Any], citizen: dict[str, Any] | None
    ) -> Envelope:
        now = self._clock.now()
        return Envelope(
            ContactPointsUpdated(
                case_id=case_id,
                channels=contact["channels"],
                language=contact["language"],
                email=contact["email"],
                phone=contact["phone"],
                quiet_from=contact["quiet_from"],
                quiet_until=contact["quiet_until"],
                representative=(citizen or {}).get("representative"),
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
        self, session: AsyncSession, intake_id: UUID, actor: Principal
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
        self._check_access(found, actor)
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
    ) -> dict[str, Any]:
        query = select(intakes).where(intakes.c.id == intake_id)
        if for_update:
            query = query.with_for_update()
        found = (await session.execute(query)).mappings().first()
        if found is None:
            raise NotFound("No such intake.")
        self._check_access(found, actor)
        return dict(found)

    @staticmethod
    def _check_access(found: Any, actor: Principal) -> None:
        if not (
            actor.has_role(*STAFF)
            or (actor.has_role("citizen") and actor.case_id == found["case_id"])
            or (actor.has_role(SIGNALEERDER) and actor.subject == found["started_by"])
        ):
            raise Forbidden("This token is not for this intake.")

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
        )


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
