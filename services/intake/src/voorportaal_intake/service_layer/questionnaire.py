"""The questionnaire of one intake: its steps, its next question, and one answer applied.

An intake walks through the questionnaire of each chosen life event, then the short profile
that feeds triage. The server always says which question is next (`state_of`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal
from uuid import UUID

from voorportaal_contracts.types import Channel, LifeEvent
from voorportaal_intake.adapters.content_files import load_life_events, load_triage
from voorportaal_intake.domain.content import Question
from voorportaal_intake.domain.flow import AnswerError, next_question, parse_answer, prune
from voorportaal_intake.domain.intake import PROFILE, Change, Intake
from voorportaal_intake.domain.workflow import IntakeStatus
from voorportaal_kit.errors import Conflict, ServiceError


class InvalidAnswer(ServiceError):
    """An answer that does not fit its question (reasons in Dutch and English)."""

    code = "invalid_answer"

    def __init__(self, error: AnswerError, step: str) -> None:
        super().__init__(f"{error.en} / {error.nl}", field=f"answers.{step}.{error.question}")


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
    status: Literal["open", "submitted"]
    life_events: list[LifeEvent]
    channel: Channel
    next: Step | None
    answered: int
    result: dict[str, Any] | None
    revision: int
    answers: dict[str, dict[str, Any]]
    awaiting_confirmation: bool = False
    language: str = "nl"


def steps(life_events: list[LifeEvent]) -> list[tuple[str, list[Question]]]:
    """The questions of each chosen life event, in order, then the profile's."""
    contents = load_life_events()
    found: list[tuple[str, list[Question]]] = [
        (event.value, contents[event].questions) for event in life_events
    ]
    found.append((PROFILE, load_triage().profile))
    return found


def typed(questions: list[Question], stored: dict[str, Any]) -> dict[str, Any]:
    """Stored (JSON) answers with their dates as dates again."""
    dates = {q.id for q in questions if q.type == "date"}
    return {
        k: (date.fromisoformat(v) if k in dates and isinstance(v, str) else v)
        for k, v in stored.items()
    }


def _stored(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def next_step(intake: Intake) -> tuple[Step | None, int]:
    """The first question still to answer (None when complete) and how many are answered."""
    nxt: Step | None = None
    answered = 0
    for step, questions in steps(intake.life_events):
        stored = intake.answers_of(step)
        answered += len(stored)
        question = next_question(questions, typed(questions, stored))
        if nxt is None and question is not None:
            nxt = Step(step, question)
    return nxt, answered


def state_of(intake: Intake, done: Collection[str] = ()) -> IntakeState:
    """The intake as the API shows it: its next question while it is open; once submitted,
    its checklist with the items in `done` ticked off."""
    nxt, answered = next_step(intake)
    result = intake.result
    if result is not None and "checklist" in result:
        result = {
            **result,
            "checklist": [{**item, "done": item["id"] in done} for item in result["checklist"]],
        }
    return IntakeState(
        id=intake.id,
        case_id=intake.case_id,
        status=intake.status.shown,
        life_events=list(intake.life_events),
        channel=intake.channel,
        next=nxt if intake.status is IntakeStatus.OPEN else None,
        answered=answered,
        result=result,
        revision=intake.revision,
        answers=intake.all_answers(),
        awaiting_confirmation=intake.awaiting_confirmation,
        language=intake.language.value,
    )


def ensure_complete(intake: Intake) -> None:
    """`IncompleteIntake` while a question that applies is not answered."""
    nxt, _ = next_step(intake)
    if nxt is not None:
        raise IncompleteIntake(f"Question {nxt.question.id} of {nxt.step} is not answered.")


def apply_change(intake: Intake, change: Change, today: date) -> None:
    """Set one answer (validated), dropping later answers that no longer apply."""
    by_step = dict(steps(intake.life_events))
    if change.step not in by_step:
        raise ServiceError(
            f"This intake has no step {change.step!r}. / "
            f"Deze intake heeft geen stap {change.step!r}.",
            field="step",
        )
    questions = by_step[change.step]
    answers = typed(questions, intake.answers_of(change.step))
    question = next((q for q in questions if q.id == change.question), None)
    visible = question is not None and (question.show_if is None or question.show_if.holds(answers))
    if question is None or not visible:
        raise ServiceError(
            f"Question {change.question!r} is not asked in this intake. / "
            f"Vraag {change.question!r} wordt in deze intake niet gesteld.",
            field=f"answers.{change.step}.{change.question}",
        )
    try:
        value = parse_answer(question, change.value, today=today)
    except AnswerError as error:
        raise InvalidAnswer(error, change.step) from None
    answers[change.question] = value
    kept = prune(questions, answers)
    intake.set_answers(change.step, {k: _stored(v) for k, v in kept.items()})


def changed_answers(intake: Intake, before: Intake) -> list[str]:
    """`step.question` of every answer that differs from `before` (an amendment's list)."""
    return [
        f"{step}.{q}"
        for step in [*(e.value for e in intake.life_events), PROFILE]
        for q in sorted(set(intake.answers_of(step)) | set(before.answers_of(step)))
        if intake.answers_of(step).get(q) != before.answers_of(step).get(q)
    ]
