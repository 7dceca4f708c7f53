"""Starting an intake: by a citizen without an account, or on their behalf by staff or a
signaleerder (which records who and in which role). A citizen's start counts against the rate
limits of their client."""

from __future__ import annotations

from uuid import uuid4

from voorportaal_contracts.types import Channel, CitizenLanguage, LifeEvent
from voorportaal_intake.adapters.content_files import CURRENT_VERSION
from voorportaal_intake.adapters.rate_limits import hit
from voorportaal_intake.adapters.repositories import IntakeRepository
from voorportaal_intake.domain.intake import SIGNALEERDER, STAFF, Intake
from voorportaal_intake.domain.rate_limits import RateLimited, subject_key
from voorportaal_intake.domain.workflow import IntakeStatus
from voorportaal_intake.service_layer.context import UseCase
from voorportaal_intake.service_layer.questionnaire import IntakeState, state_of
from voorportaal_kit.auth import Principal
from voorportaal_kit.errors import Forbidden, ServiceError

STARTERS = (*STAFF, SIGNALEERDER)
"""Roles that may start an intake on someone's behalf."""


class Starting(UseCase):
    """The start use case."""

    async def start(
        self,
        life_events: list[LifeEvent],
        channel: Channel,
        actor: Principal | None = None,
        *,
        client: str | None = None,
        language: CitizenLanguage = CitizenLanguage.NL,
    ) -> IntakeState:
        """A new intake: by a citizen (no account: `actor` None), or on their behalf by staff or
        a signaleerder, which records who and in which role. A citizen's start counts against
        the limits of their `client` (IP address); `RateLimited` past them."""
        if actor is not None and not actor.has_role(*STARTERS):
            raise Forbidden("Only staff or a signaleerder start an intake on someone's behalf.")
        unique = list(dict.fromkeys(life_events))
        if not unique:
            raise ServiceError(
                "Choose at least one life event. / Kies minstens één levensgebeurtenis.",
                field="life_events",
            )
        ctx = self._ctx
        now = ctx.now()
        role = next(r for r in sorted(actor.roles) if r in STARTERS) if actor else None
        intake = Intake(
            id=uuid4(),
            case_id=f"vp-{uuid4().hex[:20]}",
            content_version=CURRENT_VERSION,
            life_events=unique,
            channel=channel,
            started_by=actor.subject if actor else None,
            started_by_role=role,
            answers={e.value: {} for e in unique},
            profile={},
            status=IntakeStatus.OPEN,
            result=None,
            created_at=now,
            updated_at=now,
            language=language,
        )
        async with ctx.sessions.begin() as session:
            if actor is None and client is not None:
                exceeded = await hit(
                    session, subject_key("client", client), ctx.safeguards.start_limits, now
                )
                if exceeded is not None:
                    raise RateLimited(
                        "Too many intakes were started from here; try again later. / "
                        "Er zijn hier te veel intakes gestart; probeer het later opnieuw.",
                        retry_after_s=exceeded.retry_after_s,
                    )
            await IntakeRepository(session).add(intake)
        return state_of(intake)
