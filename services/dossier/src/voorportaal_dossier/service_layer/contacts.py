"""What a casemanager records with and for the citizen: contact moments (optionally confirmed
in writing by notify), messages for the citizen and actions they must take."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.events import ActionRequested, CitizenMessageRequested, ContactRecorded
from voorportaal_contracts.registry import Event
from voorportaal_contracts.types import Channel
from voorportaal_dossier.adapters import repositories
from voorportaal_dossier.domain.case_state import CaseState
from voorportaal_dossier.domain.errors import InvalidInput
from voorportaal_dossier.domain.records import CitizenItem, ContactMoment
from voorportaal_dossier.domain.sharing import DataKind
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.case_access import UseCase, new_id


class Contacts(UseCase):
    """Contact moments, messages and actions on a case (the owner, their team, a
    supervisor)."""

    async def record_contact(
        self,
        actor: Actor,
        case_id: str,
        *,
        channel: Channel,
        summary: str,
        next_steps: str | None,
        send_confirmation: bool,
    ) -> str:
        """Record a contact moment; notify sends a written confirmation when asked."""
        contact_id = new_id("contact")

        async def step(s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], str]:
            self._cases.staff_basis(case, actor)
            now = self._cases.now()
            contact = ContactMoment(
                id=contact_id,
                case_id=case_id,
                channel=channel.value,
                by=actor.subject,
                summary=summary,
                next_steps=next_steps,
                confirmation_requested=send_confirmation,
                at=now,
            )
            await repositories.add_contact(s, contact)
            event = ContactRecorded(
                case_id=case_id,
                contact_id=contact_id,
                channel=channel,
                by=actor.subject,
                confirmation_requested=send_confirmation,
                recorded_at=now,
            )
            return case, [event], contact_id

        return await self._cases.change(
            actor, case_id, "contact_moment", DataKind.CONTACT_MOMENTS, step, object_id=contact_id
        )

    async def citizen_item(
        self, actor: Actor, case_id: str, *, kind: str, text: str, due_at: datetime | None
    ) -> str:
        """A message for the citizen, or something they must do; notify says there is news."""
        item_id = new_id("message" if kind == "message" else "action")

        async def step(s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], str]:
            self._cases.staff_basis(case, actor)
            now = self._cases.now()
            if due_at is not None and due_at <= now:
                raise InvalidInput(
                    "due_at", "must lie in the future / de datum moet in de toekomst liggen"
                )
            item = CitizenItem(
                id=item_id,
                case_id=case_id,
                kind=kind,
                text=text,
                due_at=due_at,
                by=actor.subject,
                at=now,
            )
            await repositories.add_citizen_item(s, item)
            event: Event
            if kind == "message":
                event = CitizenMessageRequested(
                    case_id=case_id, message_id=item_id, by=actor.subject, requested_at=now
                )
            else:
                event = ActionRequested(
                    case_id=case_id,
                    action_id=item_id,
                    due_at=due_at,
                    requested_by=actor.subject,
                    requested_at=now,
                )
            return case, [event], item_id

        return await self._cases.change(
            actor, case_id, kind, DataKind.SUMMARY, step, object_id=item_id
        )
