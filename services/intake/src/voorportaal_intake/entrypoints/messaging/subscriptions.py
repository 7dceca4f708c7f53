"""What the intake consumes: `case.events`, in one consumer group (who may see a case,
erasure of an anonymised case, and checklist marks made at the dossier)."""

from __future__ import annotations

from voorportaal_contracts.events import CaseAnonymised
from voorportaal_contracts.events.checklist import ChecklistItemDone
from voorportaal_contracts.registry import Event
from voorportaal_contracts.topics import CASE_EVENTS
from voorportaal_intake.service_layer.checklist import on_item_done
from voorportaal_intake.service_layer.erasure import ErasureService
from voorportaal_kit.case_access import CaseAccessStore
from voorportaal_kit.consumer import Handler, Subscription

CASE_EVENTS_GROUP = "intake.case_events"
"""The intake's one consumer group on case.events."""


def case_events(access: CaseAccessStore, erasure: ErasureService) -> Subscription:
    """Every access fact (owner, team, queue, grants, mandates), a batch at a time, an
    anonymised case erased (after its access fact, in the same transaction), and a checklist
    item ticked off elsewhere applied."""
    also: dict[type[Event], Handler] = {
        CaseAnonymised: erasure.on_case_anonymised,
        ChecklistItemDone: on_item_done,
    }
    return Subscription(
        CASE_EVENTS,
        CASE_EVENTS_GROUP,
        access.handlers(also),
        batch_handlers=access.batch_handlers(also),
    )
