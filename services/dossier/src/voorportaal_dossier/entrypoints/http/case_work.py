"""HTTP: what a casemanager records on a case: contacts, promises, messages, actions,
doorbraak."""

from __future__ import annotations

from typing import Annotated

from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter

from voorportaal_contracts.api.dossier import (
    ActionCreated,
    ContactCreated,
    MessageCreated,
    OverrideCreated,
    PromiseCreated,
)
from voorportaal_dossier.entrypoints.http.dependencies import DossierController
from voorportaal_dossier.entrypoints.http.inputs import (
    ActionIn,
    CaseId,
    ContactIn,
    ItemId,
    MessageIn,
    OverrideIn,
    PromiseIn,
)
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.contacts import Contacts
from voorportaal_dossier.service_layer.doorbraak import Doorbraak
from voorportaal_dossier.service_layer.promises import Promises


class CaseWorkController(DossierController):
    """What a casemanager records on a case: contacts, promises, messages, actions, doorbraak."""

    path = "/cases/{case_id:str}"
    tags = ["case work"]

    @post("/contacts", operation_id="recordContact", status_code=201)
    async def contact(
        self,
        actor: NamedDependency[Actor],
        contacts: NamedDependency[Contacts],
        case_id: CaseId,
        data: JSONBody[ContactIn],
    ) -> ContactCreated:
        """Record a contact moment (optionally a written confirmation to the citizen)."""
        contact_id = await contacts.record_contact(
            actor,
            case_id,
            channel=data.channel,
            summary=data.summary,
            next_steps=data.next_steps,
            send_confirmation=data.send_confirmation,
        )
        return ContactCreated(contact_id=contact_id)

    @post("/promises", operation_id="recordPromise", status_code=201)
    async def promise(
        self,
        actor: NamedDependency[Actor],
        promises: NamedDependency[Promises],
        case_id: CaseId,
        data: JSONBody[PromiseIn],
    ) -> PromiseCreated:
        """Record a promise or a term in the ledger."""
        promise_id = await promises.record_promise(
            actor,
            case_id,
            made_by_kind=data.made_by_kind,
            made_by=data.made_by,
            what=data.what,
            due_at=data.due_at,
            referral_id=data.referral_id,
        )
        return PromiseCreated(promise_id=promise_id)

    @post("/promises/{promise_id:str}/fulfil", operation_id="fulfilPromise", status_code=204)
    async def fulfil(
        self,
        actor: NamedDependency[Actor],
        promises: NamedDependency[Promises],
        case_id: CaseId,
        promise_id: ItemId,
    ) -> None:
        """Mark a promise kept."""
        await promises.fulfil_promise(actor, case_id, promise_id)

    @post("/messages", operation_id="messageCitizen", status_code=201)
    async def message(
        self,
        actor: NamedDependency[Actor],
        contacts: NamedDependency[Contacts],
        case_id: CaseId,
        data: JSONBody[MessageIn],
    ) -> MessageCreated:
        """Leave a message for the citizen; notify tells them there is news."""
        item = await contacts.citizen_item(
            actor, case_id, kind="message", text=data.text, due_at=None
        )
        return MessageCreated(message_id=item)

    @post("/actions", operation_id="requestAction", status_code=201)
    async def action(
        self,
        actor: NamedDependency[Actor],
        contacts: NamedDependency[Contacts],
        case_id: CaseId,
        data: JSONBody[ActionIn],
    ) -> ActionCreated:
        """Ask the citizen to do something, optionally by a date."""
        item = await contacts.citizen_item(
            actor, case_id, kind="action", text=data.text, due_at=data.due_at
        )
        return ActionCreated(action_id=item)

    @post("/overrides", operation_id="proposeDoorbraak", status_code=201)
    async def propose(
        self,
        actor: NamedDependency[Actor],
        doorbraak: NamedDependency[Doorbraak],
        case_id: CaseId,
        data: JSONBody[OverrideIn],
    ) -> OverrideCreated:
        """Propose a doorbraak; a supervisor must sign it off."""
        override_id = await doorbraak.propose_override(
            actor, case_id, reason_code=data.reason_code, note=data.note
        )
        return OverrideCreated(override_id=override_id)

    @post(
        "/overrides/{override_id:str}/{decision:str}",
        operation_id="decideDoorbraak",
        status_code=204,
    )
    async def decide(
        self,
        actor: NamedDependency[Actor],
        doorbraak: NamedDependency[Doorbraak],
        case_id: CaseId,
        override_id: ItemId,
        decision: Annotated[str, PathParameter(pattern=r"^(approve|reject)$")],
    ) -> None:
        """A supervisor approves (published as `OverrideDecided`) or rejects a doorbraak."""
        await doorbraak.decide_override(actor, case_id, override_id, approve=decision == "approve")
