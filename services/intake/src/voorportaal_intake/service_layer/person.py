""" "I want to talk to a person", asked during the intake or after it.

The wish goes out as `PersonRequested` on `case.events` (the dossier puts the case in the
console's queue with that reason) and the citizen is told by when a person contacts them: two
Dutch working days, at 17:00. While a wish is open (its answer time has not passed) asking
again answers that same one, so a double click or a second page makes no second wish.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

import structlog

from voorportaal_contracts.api.citizen import PersonRequestIn
from voorportaal_contracts.events.checklist import PersonRequested
from voorportaal_contracts.types import CitizenLanguage
from voorportaal_intake.adapters.person_requests import PersonRequest, PersonRequestRepository
from voorportaal_intake.adapters.rate_limits import hit
from voorportaal_intake.domain.citizen_work import answer_by
from voorportaal_intake.domain.rate_limits import Limit, RateLimited, subject_key
from voorportaal_intake.service_layer.context import IntakeContext, UseCase
from voorportaal_kit.auth import Principal, Role

log = structlog.get_logger()


@dataclass(frozen=True)
class Requested:
    """The wish as recorded, and whether it existed already."""

    request: PersonRequest
    already_requested: bool


class PersonRequests(UseCase):
    """The talk-to-a-person use case."""

    def __init__(self, ctx: IntakeContext, limits: tuple[Limit, ...]) -> None:
        super().__init__(ctx)
        self._limits = limits

    async def request(
        self, intake_id: UUID, actor: Principal, given: PersonRequestIn, *, client: str | None
    ) -> Requested:
        """Record the wish (citizen token or staff allowed on the case, audited) and publish
        `PersonRequested`; an open wish of the intake is answered as it stands. A citizen's
        wishes count against the limits of their client (`RateLimited` past them)."""
        ctx = self._ctx
        now = ctx.now()
        if actor.has_role(Role.CITIZEN) and client is not None:
            async with ctx.sessions.begin() as session:
                exceeded = await hit(session, subject_key("person", client), self._limits, now)
            if exceeded is not None:
                raise RateLimited(
                    "Too many requests to talk to a person from here; try again later. / "
                    "Te veel verzoeken om iemand te spreken vanaf hier; probeer het later.",
                    retry_after_s=exceeded.retry_after_s,
                )
        async with ctx.transaction() as session:
            intake = await ctx.load(
                session, intake_id, actor, for_update=True, purpose="request_person"
            )
            requests = PersonRequestRepository(session)
            found = await requests.open_one(intake.id, now)
            if found is not None:
                return Requested(found, already_requested=True)
            language = CitizenLanguage(given.language or intake.language)
            request = PersonRequest(
                id=f"pr-{uuid4().hex}",
                intake_id=intake.id,
                case_id=intake.case_id,
                channel=given.channel,
                preferred_time=given.preferred_time,
                language=language.value,
                requested_at=now,
                answer_by=answer_by(now),
            )
            await requests.add(request)
            event = PersonRequested(
                case_id=intake.case_id,
                request_id=request.id,
                intake_id=str(intake.id),
                channel=given.channel,
                preferred_time=given.preferred_time,
                language=language,
                via="portal_intake",
                requested_at=now,
                answer_by=request.answer_by,
            )
            await ctx.stage(session, [ctx.envelope(event, now)])
        log.info("intake.person_requested", case_id=intake.case_id, request_id=request.id)
        return Requested(request, already_requested=False)
