"""Answering an open intake step by step: read it, answer (or change) one question, go back."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from voorportaal_intake.adapters.checklist import ChecklistRepository
from voorportaal_intake.adapters.repositories import IntakeRepository
from voorportaal_intake.domain.flow import previous_question
from voorportaal_intake.domain.intake import Change
from voorportaal_intake.domain.workflow import IntakeAction
from voorportaal_intake.service_layer.context import UseCase
from voorportaal_intake.service_layer.questionnaire import (
    IntakeState,
    apply_change,
    state_of,
    steps,
    typed,
)
from voorportaal_kit.audit import AuditAction
from voorportaal_kit.auth import Principal


class Answering(UseCase):
    """The use cases of the questionnaire."""

    async def get(self, intake_id: UUID, actor: Principal) -> IntakeState:
        """The intake and its next question."""
        ctx = self._ctx
        async with ctx.transaction() as session:
            intake = await ctx.load(
                session, intake_id, actor, purpose="read_intake", action=AuditAction.READ
            )
            return state_of(intake, await ChecklistRepository(session).done(intake.id))

    async def answer(
        self, intake_id: UUID, actor: Principal, step: str, question_id: str, raw: Any
    ) -> IntakeState:
        """Record (or change) one answer; later answers that no longer apply are dropped."""
        ctx = self._ctx
        async with ctx.transaction() as session:
            intake = await ctx.load(session, intake_id, actor, for_update=True, purpose="answer")
            intake.move(IntakeAction.ANSWER)
            apply_change(intake, Change(step, question_id, raw), ctx.now().date())
            intake.updated_at = ctx.now()
            await IntakeRepository(session).save(intake)
        return state_of(intake)

    async def back(self, intake_id: UUID, actor: Principal) -> IntakeState:
        """Undo the last answer, so that question is asked again."""
        ctx = self._ctx
        async with ctx.transaction() as session:
            intake = await ctx.load(session, intake_id, actor, for_update=True, purpose="go_back")
            intake.move(IntakeAction.ANSWER)
            for step, questions in reversed(steps(intake.life_events)):
                stored = intake.answers_of(step)
                last = previous_question(questions, typed(questions, stored))
                if last is not None:
                    intake.set_answers(step, {k: v for k, v in stored.items() if k != last.id})
                    intake.updated_at = ctx.now()
                    await IntakeRepository(session).save(intake)
                    break
        return state_of(intake)
