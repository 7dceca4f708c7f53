"""Submitting an intake (and holding it until an address is confirmed).

Submitting computes the needs, risks, checklist+, triage and municipality, stores them, and
stages `IntakeSubmitted` (with the contact details on `contact.points`, the identity on
`citizen.identity` (with the citizen's own words, if they wrote any), `ChecklistIssued` and
one `ConsentGranted` per agency shared with, as its follow-ups) in the
outbox, in the same transaction. Submitting again returns the same case: nothing is published
twice. An intake started without a staff role whose address is not confirmed with a one-time
code is *held* (`awaiting_confirmation`): routing keeps it until `IntakeConfirmed`.

This is the hot path of `bench/intake_submit.py`: the intake and its details are read in one
locked round trip (`IntakeRepository.get_details`), the confirmed channels once (for holding
and for the contact details), and all events are staged in one statement (`add_events`).
"""

from __future__ import annotations

from uuid import UUID

import structlog

from voorportaal_contracts.consent import sharing_agencies
from voorportaal_contracts.events import IntakeSubmitted
from voorportaal_contracts.registry import Event
from voorportaal_intake.adapters.checklist import ChecklistRepository
from voorportaal_intake.adapters.repositories import IntakeRepository
from voorportaal_intake.domain.workflow import IntakeAction, IntakeStatus
from voorportaal_intake.service_layer.assessment import assess_intake, facts, result_of
from voorportaal_intake.service_layer.checklist import issue_checklist
from voorportaal_intake.service_layer.codes import verified_channels
from voorportaal_intake.service_layer.contact import contact_envelope, identity_event, own_words
from voorportaal_intake.service_layer.context import UseCase
from voorportaal_intake.service_layer.questionnaire import IntakeState, ensure_complete, state_of
from voorportaal_intake.service_layer.sharing import grants
from voorportaal_kit.auth import Principal

log = structlog.get_logger()


class Submitting(UseCase):
    """The submit use case."""

    async def submit(self, intake_id: UUID, actor: Principal) -> IntakeState:
        """Finish the intake: needs, risks, checklist+, triage; publish `IntakeSubmitted`, the
        contact details and identity, and one `ConsentGranted` per agency shared with. Held
        when started without a staff role and no address is confirmed."""
        ctx = self._ctx
        async with ctx.transaction() as session:
            details = await ctx.load_details(session, intake_id, actor)
            intake, contact, citizen = details.intake, details.contact, details.citizen
            if intake.status is not IntakeStatus.OPEN:
                # idempotent: the same case comes back
                return state_of(intake, await ChecklistRepository(session).done(intake.id))
            intake.ensure_not_erased()
            ensure_complete(intake)
            assessment = assess_intake(intake, citizen)
            now = ctx.now()
            verified = await verified_channels(session, intake.id, contact)
            if intake.confirmed_by is None and verified:
                intake.confirmed_by = "citizen"
            if intake.confirmed_by is not None and intake.confirmed_at is None:
                intake.confirmed_at = now
            held = not intake.started_by_staff and intake.confirmed_by is None
            intake.move(IntakeAction.HOLD if held else IntakeAction.SUBMIT)
            intake.submitted_at = intake.updated_at = now
            intake.result = result_of(assessment)
            await IntakeRepository(session).save(intake)
            submitted = ctx.envelope(
                IntakeSubmitted(**facts(intake, assessment, contact), submitted_at=now), now
            )
            follow_ups: list[Event] = []
            if contact is not None:
                # The confirmed channels read above: one query fewer on the hot path.
                envelope = await contact_envelope(
                    ctx, session, intake, contact, citizen, verified=verified
                )
                follow_ups.append(envelope.data)
            if citizen is not None or own_words(intake):
                follow_ups.append(identity_event(ctx, intake, citizen).data)
            follow_ups.append((await issue_checklist(ctx, session, intake, now)).data)
            shared = sharing_agencies(
                contact.share_with if contact else [], assessment.municipality_code
            )
            follow_ups += grants(intake, shared, now)
            staged = [submitted]
            staged += [submitted.follow_up(e, ctx.source, time=now) for e in follow_ups]
            await ctx.stage(session, staged)
        if intake.awaiting_confirmation:
            log.info("intake.held_until_confirmed", case_id=intake.case_id)
        return state_of(intake)
