"""The checklist+ after submission: issued as an event, ticked off, announced when overdue.

The checklist's content (what, where, why, by when) is the intake's result; its state (ticked
off, overdue announced) is kept per item (`adapters/checklist.py`). `ChecklistIssued` goes out
in the transaction of the submission and of each amendment (the newest revision replaces the
list; items keep their done state). A mark made here publishes `ChecklistItemDone`; one made
at the dossier (the status page) arrives as that event on `case.events` and is applied here
too, so this state stays the truth for the overdue sweep.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events.checklist import (
    ChecklistEntry,
    ChecklistIssued,
    ChecklistItemDone,
    ChecklistItemOverdue,
    Texts,
)
from voorportaal_contracts.types import CitizenLanguage
from voorportaal_intake.adapters.checklist import ChecklistRepository
from voorportaal_intake.adapters.repositories import IntakeRepository
from voorportaal_intake.domain.citizen_work import amsterdam_today, mark_role
from voorportaal_intake.domain.intake import Intake
from voorportaal_intake.domain.workflow import IntakeStatus
from voorportaal_intake.service_layer.context import IntakeContext, UseCase
from voorportaal_kit.auth import Principal
from voorportaal_kit.clock import Clock
from voorportaal_kit.errors import Conflict, NotFound

log = structlog.get_logger()

OVERDUE_BATCH = 500
"""Overdue items announced per sweep (the rest follow in the next round)."""


class NotSubmitted(Conflict):
    """The intake has no checklist yet: it is not submitted."""

    code = "not_submitted"


def _items(intake: Intake) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (intake.result or {}).get("checklist", [])
    return items


def _due(item: dict[str, Any]) -> date | None:
    return date.fromisoformat(item["deadline"]) if item.get("deadline") else None


def _entry(item: dict[str, Any]) -> ChecklistEntry:
    name = item.get("agency_name") or {"nl": item["agency"], "en": item["agency"]}
    return ChecklistEntry(
        item_id=item["id"],
        agency=item["agency"],
        agency_name=Texts(**name),
        life_events=item["life_events"],
        title=Texts(**item["title"]),
        why=[Texts(**w) for w in item["why"]],
        due_on=_due(item),
        deadline_rule=Texts(**item["deadline_rule"]) if item.get("deadline_rule") else None,
        contact=item["contact"],
        phone=item.get("phone"),
        web=item.get("web"),
        refer=item["refer"],
        depends_on=item["depends_on"],
    )


async def issue_checklist(
    ctx: IntakeContext, session: AsyncSession, intake: Intake, now: datetime
) -> Envelope:
    """Keep the items of the intake's current checklist (done state kept by id) and the
    `ChecklistIssued` of its revision, for the caller to stage in its transaction."""
    items = _items(intake)
    await ChecklistRepository(session).replace(
        intake.id, intake.case_id, [(i["id"], _due(i)) for i in items]
    )
    return ctx.envelope(
        ChecklistIssued(
            case_id=intake.case_id,
            intake_id=str(intake.id),
            revision=intake.revision,
            language=CitizenLanguage(intake.language),
            items=[_entry(i) for i in items],
            issued_at=now,
        ),
        now,
    )


class Checklist(UseCase):
    """Ticking items off, marks made elsewhere, and the overdue sweep."""

    async def mark(
        self, intake_id: UUID, actor: Principal, item_id: str, done: bool
    ) -> dict[str, Any]:
        """Tick an item off (or undo it) by the citizen's token or staff allowed on the case
        (audited); a change publishes `ChecklistItemDone`. The item as the API shows it."""
        ctx = self._ctx
        async with ctx.transaction() as session:
            intake = await ctx.load(
                session, intake_id, actor, for_update=True, purpose="tick_off_checklist"
            )
            if intake.status is IntakeStatus.OPEN:
                raise NotSubmitted("The intake is not submitted yet: it has no checklist.")
            item = next((i for i in _items(intake) if i["id"] == item_id), None)
            if item is None:
                raise NotFound(
                    f"No checklist item {item_id!r} on this intake. / "
                    f"Geen taak {item_id!r} op deze checklist."
                )
            now = ctx.now()
            role = mark_role(actor)
            if await ChecklistRepository(session).mark(intake.id, item_id, done, now, role):
                event = ChecklistItemDone(
                    case_id=intake.case_id,
                    intake_id=str(intake.id),
                    item_id=item_id,
                    done=done,
                    by_role=role,
                    at=now,
                )
                await ctx.stage(session, [ctx.envelope(event, now)])
        log.info("checklist.marked", case_id=intake.case_id, item_id=item_id, done=done)
        return {**item, "done": done}

    async def done(self, session: AsyncSession, intake: Intake) -> set[str]:
        """The ids of the intake's items ticked off."""
        return await ChecklistRepository(session).done(intake.id)


async def on_item_done(session: AsyncSession, incoming: Envelope) -> None:
    """A mark made elsewhere (the dossier's status page), or this intake's own coming back:
    applied when it is newer than the stored one, so each mark counts once and the latest
    wins."""
    event = incoming.data
    assert isinstance(event, ChecklistItemDone)
    intake = await IntakeRepository(session).of_case(event.case_id)
    if intake is None or str(intake.id) != event.intake_id:
        return
    applied = await ChecklistRepository(session).mark(
        intake.id, event.item_id, event.done, event.at, event.by_role, only_if_newer=True
    )
    if applied:
        log.info("checklist.mark_applied", case_id=event.case_id, event_id=incoming.id)


async def sweep_overdue(ctx: IntakeContext, clock: Clock) -> int:
    """Announce each item whose deadline passed (its Dutch day ended) and that is not ticked
    off: `ChecklistItemOverdue` once per item and due date, claimed in the same transaction
    (so a restart or a second replica does not repeat it); how many."""
    now = clock.now()
    async with ctx.sessions.begin() as session:
        items = ChecklistRepository(session)
        staged = []
        for item in await items.overdue(amsterdam_today(now), OVERDUE_BATCH):
            if await items.claim_overdue(item):
                staged.append(
                    ctx.envelope(
                        ChecklistItemOverdue(
                            case_id=item.case_id,
                            intake_id=str(item.intake_id),
                            item_id=item.item_id,
                            due_on=item.due_on,
                            at=now,
                        ),
                        now,
                    )
                )
        await ctx.stage(session, staged)
    return len(staged)
