"""The citizen's own work from their status page: ticking a checklist item off (or undoing
that), and asking to talk to a person. Each is a change of the case behind the citizen's gate,
audited, with its fact (`ChecklistItemDone`, `PersonRequested`) staged in the outbox in the same
transaction; the intake keeps its own state from the first, the console's queue shows the
second. The HTTP edge lets only a valid link for the case through (`CitizenDoor.gated`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.events.checklist import ChecklistItemDone, PersonRequested
from voorportaal_contracts.registry import Event
from voorportaal_dossier.domain import citizen_link
from voorportaal_dossier.domain.case_state import CaseState
from voorportaal_dossier.domain.checklist import answer_by, dutch_day, open_wish
from voorportaal_dossier.domain.errors import NotAllowed
from voorportaal_dossier.domain.sharing import DataKind, decide
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.case_access import UseCase, new_id
from voorportaal_kit.errors import NotFound

log = structlog.get_logger(__name__)


def _acting_role(case: CaseState, actor: Actor, now: datetime) -> str:
    """`citizen` or `representative` (one whose mandate lets them act on the citizen's
    behalf); anyone else is refused."""
    decision = decide(actor.principal, case, DataKind.SHARING, now)
    if not decision.allowed:
        raise NotAllowed(decision.reason)
    return "citizen" if decision.basis == "citizen" else "representative"


class CitizenWork(UseCase):
    """What the citizen (or a representative who may act for them) does on their page."""

    async def mark_item(
        self, actor: Actor, case_id: str, item_id: str, *, done: bool, language: str | None = None
    ) -> dict[str, Any]:
        """Tick a checklist item off (`done`) or undo that; the item in `language` (default:
        the case's).
        An unknown item is 404 naming it; ticking what is ticked already publishes nothing."""

        async def step(
            _s: AsyncSession, case: CaseState
        ) -> tuple[CaseState, list[Event], CaseState]:
            now = self._cases.now()
            by_role = _acting_role(case, actor, now)
            checklist = case.checklist
            if checklist.item(item_id) is None or checklist.intake_id is None:
                raise NotFound(
                    f"the checklist has no item {item_id!r} / "
                    f"de checklist heeft geen onderdeel {item_id!r}",
                    field="item_id",
                )
            if checklist.item_done(item_id) == done:
                return case, [], case
            event = ChecklistItemDone(
                case_id=case_id,
                intake_id=checklist.intake_id,
                item_id=item_id,
                done=done,
                by_role=by_role,
                at=now,
            )
            return case, [event], case

        await self._cases.change(
            actor, case_id, "checklist_mark", DataKind.CHECKLIST, step, object_id=item_id
        )
        case = await self._cases.state(case_id)
        language = language or citizen_link.case_language(case)
        lines = citizen_link.checklist_lines(case, language, dutch_day(self._cases.now()))
        log.info("dossier.checklist_marked", case_id=case_id, done=done)
        return next(line for line in lines if line["item_id"] == item_id)

    async def request_person(
        self,
        actor: Actor,
        case_id: str,
        *,
        channel: str,
        preferred_time: str,
        language: str | None,
    ) -> dict[str, Any]:
        """The citizen wants to talk to a person: the wish goes to the console's queue with an
        answer-by time two Dutch working days ahead at 17:00; an open wish is answered with
        itself (`already_requested`), not made twice."""

        async def step(
            _s: AsyncSession, case: CaseState
        ) -> tuple[CaseState, list[Event], dict[str, Any]]:
            now = self._cases.now()
            _acting_role(case, actor, now)
            wish = open_wish(case.person_requests)
            if wish is not None:
                return case, [], _answer(case_id, wish.request_id, wish.answer_by, True)
            request_id = new_id("wish")
            event = PersonRequested(
                case_id=case_id,
                request_id=request_id,
                intake_id=case.intake_id,
                channel=channel,
                preferred_time=preferred_time,
                language=language or citizen_link.case_language(case),
                via="portal_status",
                requested_at=now,
                answer_by=answer_by(now),
            )
            return case, [event], _answer(case_id, request_id, event.answer_by, False)

        return await self._cases.change(actor, case_id, "person_request", DataKind.SUMMARY, step)


def _answer(case_id: str, request_id: str, by: datetime, already: bool) -> dict[str, Any]:
    return {
        "request_id": request_id,
        "case_id": case_id,
        "answer_by": by,
        "already_requested": already,
    }
