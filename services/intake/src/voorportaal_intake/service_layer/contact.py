"""Contact details and who the citizen is: given at any time, published once submitted.

They leave this service only on the compacted personal topics: the contact details (with the
confirmed channels, and a representative's for copies) on `contact.points`, who the citizen is
on `citizen.identity`. An address not confirmed yet gets a one-time code (`codes`).
"""

from __future__ import annotations

from dataclasses import asdict, replace
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import CitizenIdentified, ContactPointsUpdated
from voorportaal_contracts.types import CitizenLanguage, MessageChannel
from voorportaal_intake.adapters.content_files import load_municipalities
from voorportaal_intake.adapters.repositories import IntakeRepository
from voorportaal_intake.domain.intake import PROFILE, Citizen, ContactDetails, Intake
from voorportaal_intake.domain.workflow import IntakeStatus
from voorportaal_intake.service_layer.codes import representative_verified, verified_channels
from voorportaal_intake.service_layer.context import IDENTITY, IntakeContext, UseCase
from voorportaal_intake.service_layer.sharing import sharing_changed
from voorportaal_kit.auth import Principal
from voorportaal_kit.errors import ServiceError


def _submitted(intake: Intake) -> bool:
    return intake.status is not IntakeStatus.OPEN


class PersonalDetails(UseCase):
    """The use cases of the contact step and the who-are-you step."""

    async def set_contact(self, intake_id: UUID, actor: Principal, given: ContactDetails) -> None:
        """The citizen's contact details, preferences and sharing choices (validated at the
        edge). An address not confirmed yet gets a one-time code (`RateLimited` when it had its
        share). After submission a change is published at once, and a changed sharing choice
        as `ConsentGranted` for an agency added and `ConsentRevoked` for one taken off."""
        if MessageChannel.EMAIL in given.channels and not given.email:
            raise ServiceError(
                "E-mail is chosen but no address was given. / "
                "E-mail is gekozen maar er is geen adres.",
                field="email",
            )
        if MessageChannel.SMS in given.channels and not given.phone:
            raise ServiceError(
                "SMS is chosen but no phone number was given. / "
                "Sms is gekozen maar er is geen nummer.",
                field="phone",
            )
        ctx = self._ctx
        contact = replace(given, share_with=sorted(set(given.share_with)))
        async with ctx.transaction() as session:
            intake = await ctx.load(
                session, intake_id, actor, for_update=True, purpose="set_contact", kind=IDENTITY
            )
            intakes = IntakeRepository(session)
            # The contact step's language (if given) becomes the intake's: one language for the
            # questionnaire, the checklist and the messages.
            if contact.language is None:
                contact = replace(contact, language=intake.language.value)
            elif contact.language != intake.language.value:
                intake.language = CitizenLanguage(contact.language)
                intake.updated_at = ctx.now()
                await intakes.save(intake)
            before = await intakes.contact(intake.id)
            await intakes.save_contact(intake.id, contact, ctx.now())
            citizen = await intakes.citizen(intake.id)
            representative = citizen.representative if citizen else None
            staged = await ctx.codes(session, intake).for_citizen(contact, representative)
            if _submitted(intake):
                staged.append(await contact_envelope(ctx, session, intake, contact, citizen))
                staged += sharing_changed(ctx, intake, before, contact, actor)
            await ctx.stage(session, staged)

    async def set_citizen(self, intake_id: UUID, actor: Principal, citizen: Citizen) -> None:
        """Who the citizen is, and who represents them (validated at the edge). A
        representative who receives copies gets codes for their own addresses. After
        submission a change is published at once."""
        ctx = self._ctx
        if citizen.date_of_birth is not None and citizen.date_of_birth > ctx.now().date():
            raise ServiceError(
                "A date of birth cannot lie in the future. / "
                "Een geboortedatum kan niet in de toekomst liggen.",
                field="date_of_birth",
            )
        async with ctx.transaction() as session:
            intake = await ctx.load(
                session, intake_id, actor, for_update=True, purpose="set_citizen", kind=IDENTITY
            )
            intakes = IntakeRepository(session)
            await intakes.save_citizen(intake.id, citizen, ctx.now())
            contact = await intakes.contact(intake.id)
            # A representative who receives copies confirms their own address with a code.
            codes = ctx.codes(session, intake)
            staged = await codes.for_representative(citizen.representative, contact)
            if _submitted(intake):
                staged.append(identity_event(ctx, intake, citizen))
                if contact is not None:
                    staged.append(await contact_envelope(ctx, session, intake, contact, citizen))
            await ctx.stage(session, staged)


async def contact_envelope(
    ctx: IntakeContext,
    session: AsyncSession,
    intake: Intake,
    contact: ContactDetails,
    citizen: Citizen | None,
    verified: list[MessageChannel] | None = None,
) -> Envelope:
    """`ContactPointsUpdated` with the citizen's and the representative's confirmed channels
    as they stand (`verified`: the citizen's, when the caller has just read them)."""
    if verified is None:
        verified = await verified_channels(session, intake.id, contact)
    representative = citizen.representative if citizen else None
    if representative is not None:
        copies_to = await representative_verified(session, intake.id, representative)
        representative = {**representative, "verified": copies_to}
    # Everything of the contact step but the sharing choice (that travels as consent facts).
    details = {k: v for k, v in asdict(contact).items() if k != "share_with"}
    return ctx.envelope(
        ContactPointsUpdated(
            case_id=intake.case_id, **details, representative=representative, verified=verified
        )
    )


OWN_WORDS = (PROFILE, "own_words")
"""The answer in which the citizen tells their story in their own words (free text)."""


def own_words(intake: Intake) -> str | None:
    """What the citizen wrote in their own words, if anything. Personal free text: it leaves
    the intake only on `citizen.identity`, never in `IntakeSubmitted` or a log line."""
    step, question = OWN_WORDS
    value = intake.answers_of(step).get(question)
    return (value.strip()[:2000] or None) if isinstance(value, str) else None


def identity_event(ctx: IntakeContext, intake: Intake, citizen: Citizen | None) -> Envelope:
    """`CitizenIdentified`, with the municipality of the citizen's postcode and their own
    words (routing hands those on only with the `summary` scope)."""
    details = asdict(citizen) if citizen is not None else {}
    postcode = citizen.postcode if citizen is not None else None
    municipality = load_municipalities().lookup(postcode) if postcode else None
    code = municipality.code if municipality else None
    return ctx.envelope(
        CitizenIdentified(
            case_id=intake.case_id,
            **details,
            municipality_code=code,
            own_words=own_words(intake),
        )
    )
