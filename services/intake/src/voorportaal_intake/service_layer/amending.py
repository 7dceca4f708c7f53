"""Amending a submitted intake: changed answers, the facts computed again, `IntakeAmended`
carrying them whole with a revision number, and the checklist of that revision
(`ChecklistIssued`)."""

from __future__ import annotations

import dataclasses
from uuid import UUID

from voorportaal_contracts.events import IntakeAmended
from voorportaal_intake.adapters.checklist import ChecklistRepository
from voorportaal_intake.adapters.repositories import IntakeRepository
from voorportaal_intake.domain.intake import Change
from voorportaal_intake.domain.workflow import IntakeAction
from voorportaal_intake.service_layer.assessment import assess_intake, facts, result_of
from voorportaal_intake.service_layer.checklist import issue_checklist
from voorportaal_intake.service_layer.contact import identity_event, own_words
from voorportaal_intake.service_layer.context import UseCase
from voorportaal_intake.service_layer.questionnaire import (
    IntakeState,
    apply_change,
    changed_answers,
    ensure_complete,
    state_of,
)
from voorportaal_intake.service_layer.sharing import municipality_of, sharing_moved
from voorportaal_kit.auth import Principal
from voorportaal_kit.errors import ServiceError


class Amending(UseCase):
    """The amend use case."""

    async def amend(self, intake_id: UUID, actor: Principal, changes: list[Change]) -> IntakeState:
        """Change answers of a submitted intake. All changes apply or none: the intake must be
        complete afterwards. The facts are computed again and `IntakeAmended` carries them;
        changes that change nothing publish nothing."""
        if not changes:
            raise ServiceError(
                "Give at least one answer to change. / Geef minstens één antwoord om te wijzigen.",
                field="changes",
            )
        ctx = self._ctx
        async with ctx.transaction() as session:
            intake = await ctx.load(session, intake_id, actor, for_update=True, purpose="amend")
            intake.move(IntakeAction.AMEND)
            before = dataclasses.replace(intake)
            moved_from = municipality_of(intake)
            for change in changes:
                apply_change(intake, change, ctx.now().date())
            if (intake.answers, intake.profile) == (before.answers, before.profile):
                return state_of(intake, await ChecklistRepository(session).done(intake.id))
            ensure_complete(intake)
            intakes = IntakeRepository(session)
            contact = await intakes.contact(intake.id)
            assessment = assess_intake(intake, await intakes.citizen(intake.id))
            now = ctx.now()
            intake.revision += 1
            intake.result = result_of(assessment)
            intake.updated_at = now
            await intakes.save(intake)
            amended = IntakeAmended(
                **facts(intake, assessment, contact),
                submitted_at=intake.submitted_at,
                revision=intake.revision,
                changed=changed_answers(intake, before),
                amended_at=now,
            )
            moved = sharing_moved(ctx, intake, contact, moved_from, actor)
            staged = [ctx.envelope(amended, now), *moved]
            staged.append(await issue_checklist(ctx, session, intake, now))
            if own_words(intake) != own_words(before):
                # The citizen's own words travel with who they are (`citizen.identity`).
                citizen = await intakes.citizen(intake.id)
                staged.append(identity_event(ctx, intake, citizen))
            await ctx.stage(session, staged)
            done = await ChecklistRepository(session).done(intake.id)
        return state_of(intake, done)
