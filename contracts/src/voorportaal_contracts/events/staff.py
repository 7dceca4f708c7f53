"""Events on `case.events` for staff members (not the citizen): the dossier asks notify to
e-mail a staff member who chose to hear of their notifications by e-mail."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from voorportaal_contracts.registry import Event, registry
from voorportaal_contracts.topics import CASE_EVENTS
from voorportaal_contracts.types import AwareDatetime, CaseId, StaffId

StaffNoticeKind = Literal[
    "handover_requested",
    "case_assigned",
    "promise_due_soon",
    "promise_broken",
    "referral_declined",
    "referral_overdue",
    "person_requested",
]
"""What happened on the case (the console's label table words it)."""


@registry.register("nl.voorportaal.case.staff-notification-requested", version=1, topic=CASE_EVENTS)
class StaffNotificationRequested(Event):
    """Tell a staff member by e-mail that something needs them on a case: notify sends only a
    link to the case in the console (its `CONSOLE_URL`), to the address its configuration
    holds for `staff_id`. Nothing personal: ids and a kind."""

    case_id: CaseId
    staff_id: StaffId
    notification_id: str = Field(min_length=1, max_length=64)
    kind: StaffNoticeKind
    requested_at: AwareDatetime
