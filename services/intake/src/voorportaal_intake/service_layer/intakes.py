"""Intake use cases: start, answer, go back, give contact details, submit. One transaction each.

An intake walks through the questionnaire of each chosen life event, then the short profile
that feeds triage. The server always says which question is next. Submitting computes the
needs, risks, checklist+ and triage, stores them, and stages `IntakeSubmitted` (and the contact
details on `contact.points`) in the outbox, in the same transaction. Submitting again returns
the same case: nothing is published twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import ContactPointsUpdated, IntakeSubmitted
from voorportaal_contracts.types import Channel, LifeEvent, MessageChannel
from voorportaal_intake.adapters.content_files import (
    CURRENT_VERSION,
    load_life_events,
    load_triage,
)
from voorportaal_intake.adapters.orm import intake_contacts, intakes
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
        """A new intake: by a citizen (no account: `actor` None) or by staff on their behalf."""
        if actor is not None and not actor.has_role(*STAFF):
            raise Forbidden("Only staff start an intake on someone's behalf.")
        started_by = actor.subject if actor else None
        role = next(r for r in sorted(actor.roles) if r in STAFF) if actor else None
        unique = list(dict.fromkeys(life_events))
        if not unique:
            raise ServiceError("Choose at least one life event.", field="life_events")
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
            steps = dict(_steps([LifeEvent(e) for e in row["life_events"]]))
            if step not in steps:
                raise ServiceError(f"This intake has no step {step!r}.", field="step")
            questions = steps[step]
            stored = self._answers_of(row, step)
            typed = _typed(questions, stored)
            question = next((q for q in questions if q.id == question_id), None)
            visible = question is not None and (
                question.show_if is None or question.show_if.holds(typed)
            )
            if question is None or not visible:
                raise ServiceError(
                    f"Question {question_id!r} is not asked in this intake.",
                    field=f"answers.{step}.{question_id}",
                )
            try:
                value = parse_answer(question, raw, today=self._clock.now().date())
            except AnswerError as error:
                raise InvalidAnswer(error, step) from None
            typed[question_id] = value
            kept = prune(questions, typed)
            self._set_answers(row, step, {k: _stored(v) for k, v in kept.items()})
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
        has_representative: bool,
    ) -> None:
        """The citizen's contact details, preferences and sharing choices (validated at the
        edge); they leave this service only on `contact.points`."""
        if MessageChannel.EMAIL in channels and not email:
            raise ServiceError("E-mail is chosen but no address was given.", field="email")
        if MessageChannel.SMS in channels and not phone:
            raise ServiceError("SMS is chosen but no phone number was given.", field="phone")
        values = {
            "channels": [c.value for c in channels],
            "language": language,
            "email": email,
            "phone": phone,
            "quiet_from": quiet_from,
            "quiet_until": quiet_until,
            "share_with": sorted(set(share_with)),
            "has_representative": has_representative,
            "updated_at": self._clock.now(),
        }
        async with self._sessions.begin() as session:
            row = await self._load(session, intake_id, actor, for_update=True)
            self._open(row)
            exists = await session.scalar(
                select(intake_contacts.c.intake_id).where(intake_contacts.c.intake_id == row["id"])
            )
            if exists:
                await session.execute(
                    update(intake_contacts)
                    .where(intake_contacts.c.intake_id == row["id"])
                    .values(**values)
                )
            else:
                await session.execute(insert(intake_contacts).values(intake_id=row["id"], **values))

    async def submit(self, intake_id: UUID, actor: Principal) -> IntakeState:
        """Finish the intake: needs, risks, checklist+, triage; publish `IntakeSubmitted`."""
        async with self._sessions.begin() as session:
            row = await self._load(session, intake_id, actor, for_update=True)
            if row["status"] == "submitted":
                return self._state(row)  # idempotent: the same case comes back
            state = self._state(row)
            if state.next is not None:
                raise IncompleteIntake(
                    f"Question {state.next.question.id} of {state.next.step} is not answered."
                )
            contents = load_life_events()
            events = [LifeEvent(e) for e in row["life_events"]]
            walked = []
            needs: list[str] = []
            risks: list[str] = []
            for event in events:
                content = contents[event]
                answers = _typed(content.questions, row["answers"][event.value])
                walked.append((content, answers))
                event_needs, event_risks = signals(content, answers)
                needs += [n for n in event_needs if n not in needs]
                risks += [r for r in event_risks if r not in risks]
            checklist = build_checklist(walked)
            result = triage(
                load_triage(),
                facts(row["profile"], risks, {e.agency for e in checklist}, len(events)),
            )
            contact = (
                (
                    await session.execute(
                        select(intake_contacts).where(intake_contacts.c.intake_id == row["id"])
                    )
                )
                .mappings()
                .first()
            )
            now = self._clock.now()
            row.update(
                status="submitted",
                submitted_at=now,
                updated_at=now,
                result=_result(needs, risks, checklist, result),
            )
            await self._save(session, row)
            submitted = Envelope(
                IntakeSubmitted(
                    case_id=row["case_id"],
                    intake_id=str(row["id"]),
                    life_events=events,
                    channel=Channel(row["channel"]),
                    redzaamheid=result.redzaamheid,
                    urgency=result.urgency,
                    needs=needs,
                    risks=risks,
                    share_with=list(contact["share_with"]) if contact else [],
                    submitted_at=now,
                ),
                source=self._source,
                time=now,
            )
            staged = [submitted]
            if contact is not None:
                staged.append(
                    submitted.follow_up(
                        ContactPointsUpdated(
                            case_id=row["case_id"],
                            channels=contact["channels"],
                            language=contact["language"],
                            email=contact["email"],
                            phone=contact["phone"],
                            quiet_from=contact["quiet_from"],
                            quiet_until=contact["quiet_until"],
                        ),
                        self._source,
                        time=now,
                    )
                )
            await add_events(session, staged, clock=self._clock)
        return self._state(row)

    # -- helpers ---------------------------------------------------------------------------

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
        if not (
            actor.has_role(*STAFF)
            or (actor.has_role("citizen") and actor.case_id == found["case_id"])
        ):
            raise Forbidden("This token is not for this intake.")
        return dict(found)

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
            )
        )

    @staticmethod
    def _open(row: dict[str, Any]) -> None:
        if row["status"] != "open":
            raise Conflict("This intake is submitted already; it can no longer change.")

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
        )


def _result(
    needs: list[str], risks: list[str], checklist: list[ChecklistEntry], result: Triage
) -> dict[str, Any]:
    return {
        "needs": needs,
        "risks": risks,
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
            for e in checklist
        ],
    }
