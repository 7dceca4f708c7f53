"""Confirming the citizen: a one-time code typed in, a new code asked for, or staff taking the
intake in. A held intake is released by either (`IntakeConfirmed`); the codes themselves are
issued and checked in `codes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

import structlog

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import ContactVerificationRequested, IntakeConfirmed
from voorportaal_contracts.types import MessageChannel
from voorportaal_intake.adapters.repositories import IntakeRepository
from voorportaal_intake.domain.intake import STAFF, ConfirmedBy, Intake
from voorportaal_intake.domain.workflow import IntakeAction, IntakeStatus
from voorportaal_intake.service_layer.codes import (
    citizen_hashes,
    representative_verified,
    try_code,
    verified_channels,
)
from voorportaal_intake.service_layer.contact import contact_envelope
from voorportaal_intake.service_layer.context import IDENTITY, IntakeContext, UseCase
from voorportaal_kit.auth import Principal
from voorportaal_kit.errors import Conflict, ServiceError

log = structlog.get_logger()


class WrongCode(ServiceError):
    """A one-time code that does not match (or none is pending)."""

    code = "wrong_code"


@dataclass(frozen=True)
class Confirmation:
    """Which addresses are confirmed, and whether the intake still waits for that."""

    verified: list[MessageChannel]
    awaiting_confirmation: bool
    confirmed_by: ConfirmedBy | None
    representative_verified: list[MessageChannel] = field(default_factory=list)
    """The representative's channels confirmed for copies."""


def release(ctx: IntakeContext, intake: Intake, by: ConfirmedBy, now: datetime) -> list[Envelope]:
    """`IntakeConfirmed` when the intake was held; it is not held any more."""
    if intake.status is not IntakeStatus.HELD:
        return []
    intake.move(IntakeAction.RELEASE)
    log.info("intake.confirmed", case_id=intake.case_id, by=by)
    event = IntakeConfirmed(
        case_id=intake.case_id, intake_id=str(intake.id), confirmed_by=by, confirmed_at=now
    )
    return [ctx.envelope(event, now)]


class Confirming(UseCase):
    """The use cases that confirm an address or the citizen."""

    async def verify(self, intake_id: UUID, actor: Principal, code: str) -> Confirmation:
        """The citizen confirms an address with the code it received. Confirms a held intake
        (`IntakeConfirmed`) and, once submitted, publishes the contact details with the
        confirmed channels. A wrong code spends an attempt; `WrongCode` says how many are
        left (the attempt counts even though the request fails)."""
        ctx = self._ctx
        now = ctx.now()
        async with ctx.transaction() as session:
            details = await ctx.load_details(
                session, intake_id, actor, purpose="verify_contact", kind=IDENTITY
            )
            intake, contact, citizen = details.intake, details.contact, details.citizen
            intake.ensure_not_erased()
            attempt = await try_code(session, intake.id, code, ctx.safeguards.codes, now)
            if attempt.confirmed is not None:
                verified = await verified_channels(session, intake.id, contact)
                representative = citizen.representative if citizen else None
                copies_to = await representative_verified(session, intake.id, representative)
                staged: list[Envelope] = []
                # Only the citizen's own address vouches for the intake; a representative's
                # confirmed address only lets copies go to it.
                citizens_own = attempt.address_hash in citizen_hashes(contact)
                if intake.confirmed_by is None and citizens_own:
                    intake.confirmed_by, intake.confirmed_at = "citizen", now
                    staged += release(ctx, intake, "citizen", now)
                if intake.status is not IntakeStatus.OPEN and contact is not None:
                    staged.append(
                        await contact_envelope(
                            ctx, session, intake, contact, citizen, verified=verified
                        )
                    )
                intake.updated_at = ctx.now()
                await IntakeRepository(session).save(intake)
                await ctx.stage(session, staged)
                return Confirmation(
                    verified, intake.awaiting_confirmation, intake.confirmed_by, copies_to
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
        ctx = self._ctx
        async with ctx.transaction() as session:
            details = await ctx.load_details(
                session, intake_id, actor, purpose="resend_code", kind=IDENTITY
            )
            intake, contact, citizen = details.intake, details.contact, details.citizen
            intake.ensure_not_erased()
            if contact is None:
                raise Conflict("Give contact details first; there is nothing to confirm.")
            representative = citizen.representative if citizen else None
            codes = ctx.codes(session, intake)
            staged = await codes.for_citizen(contact, representative, again=True)
            staged += await codes.for_representative(representative, contact, again=True)
            if not staged:
                raise Conflict("Every address is confirmed already, or none can receive a code.")
            await ctx.stage(session, staged)
        return [_channel_of(e) for e in staged]

    async def take_in(self, intake_id: UUID, actor: Principal) -> Confirmation:
        """A casemanager or supervisor takes the intake in (they vouch for the citizen): a held
        intake goes to the agencies (`IntakeConfirmed`), an open one will not be held. Who may
        is the case's decision for a change by staff (the starter, the owner or their team, a
        supervisor), audited either way."""
        ctx = self._ctx
        now = ctx.now()
        async with ctx.transaction() as session:
            details = await ctx.load_details(
                session, intake_id, actor, purpose="take_in", staff_only=True
            )
            intake, contact = details.intake, details.contact
            intake.ensure_not_erased()
            if intake.taken_in_by is None:
                intake.taken_in_by = actor.subject
                if intake.confirmed_by is None:
                    intake.confirmed_by, intake.confirmed_at = "staff", now
                staged = release(ctx, intake, "staff", now)
                intake.updated_at = ctx.now()
                await IntakeRepository(session).save(intake)
                await ctx.stage(session, staged)
                role = next(r for r in sorted(actor.roles) if r in STAFF)
                log.info("intake.taken_in", case_id=intake.case_id, actor=actor.subject, role=role)
            verified = await verified_channels(session, intake.id, contact)
        return Confirmation(verified, intake.awaiting_confirmation, intake.confirmed_by)


def _channel_of(envelope: Envelope) -> MessageChannel:
    event = envelope.data
    assert isinstance(event, ContactVerificationRequested)
    return event.channel
