"""Erasure: when a case is anonymised, the intake forgets the person behind it.

On `CaseAnonymised` (case.events) the intake deletes the citizen's identity, contact details
and one-time codes, blanks the answers a citizen typed themselves (free text, postcodes), drops
the copies of those details still waiting in its outbox, and stages tombstones on
`contact.points` and `citizen.identity` so compaction erases them from the topics too. What is
left (life events, choices, triage, checklist) says nothing about who the citizen was. The
intake is marked erased, and refuses changes from then on.
"""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import CaseAnonymised
from voorportaal_contracts.topics import CONTACT_VERIFICATIONS
from voorportaal_contracts.types import LifeEvent
from voorportaal_intake.adapters.content_files import load_life_events, load_triage
from voorportaal_intake.adapters.repositories import IntakeRepository
from voorportaal_intake.domain.content import Question
from voorportaal_intake.service_layer.context import PersonalTopics
from voorportaal_kit.clock import Clock
from voorportaal_kit.outbox import add_tombstone

log = structlog.get_logger()

FREE_TYPES = ("text", "postcode")
"""Answer types a citizen fills in themselves: what they wrote may name or locate them."""


def _blank(questions: list[Question], answers: dict[str, Any]) -> dict[str, Any]:
    free = {q.id for q in questions if q.type in FREE_TYPES}
    return {k: (None if k in free else v) for k, v in answers.items()}


class ErasureService:
    """Purges an anonymised case's personal data from the intake."""

    def __init__(self, clock: Clock, topics: PersonalTopics | None = None) -> None:
        self._clock = clock
        self._topics = topics or PersonalTopics()

    async def on_case_anonymised(self, session: AsyncSession, incoming: Envelope) -> None:
        """Purge the case's intake and tombstone its details (a no-op for a case the intake
        does not know, or one already erased)."""
        event = incoming.data
        assert isinstance(event, CaseAnonymised)
        intakes = IntakeRepository(session)
        intake = await intakes.of_case(event.case_id)
        if intake is None or intake.erased_at is not None:
            return
        contents = load_life_events()
        await intakes.erase(
            intake,
            answers={
                step: _blank(contents[LifeEvent(step)].questions, values)
                for step, values in intake.answers.items()
            },
            profile=_blank(load_triage().profile, intake.profile),
            topics=[
                self._topics.contact_points,
                self._topics.citizen_identity,
                CONTACT_VERIFICATIONS,
            ],
            now=self._clock.now(),
        )
        for topic in (self._topics.contact_points, self._topics.citizen_identity):
            await add_tombstone(session, topic, event.case_id, clock=self._clock)
        log.info("intake.erased", case_id=event.case_id)
