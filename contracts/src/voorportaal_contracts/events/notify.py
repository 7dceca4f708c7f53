"""Events on `notify.outcomes`."""

from __future__ import annotations

from pydantic import Field

from voorportaal_contracts.registry import Event, registry
from voorportaal_contracts.topics import NOTIFY_OUTCOMES
from voorportaal_contracts.types import AwareDatetime, CaseId, MessageChannel

_ID = Field(min_length=1, max_length=64)


@registry.register("nl.voorportaal.notify.sent", version=1, topic=NOTIFY_OUTCOMES)
class NotificationSent(Event):
    """A message reached the citizen's SMS gateway or mail server."""

    case_id: CaseId
    notification_id: str = _ID
    channel: MessageChannel
    sent_at: AwareDatetime


@registry.register("nl.voorportaal.notify.failed", version=1, topic=NOTIFY_OUTCOMES)
class NotificationFailed(Event):
    """A message could not be delivered on any allowed channel: the citizen was not reached."""

    case_id: CaseId
    notification_id: str = _ID
    channels_tried: list[MessageChannel] = Field(min_length=1)
    reason_code: str = Field(min_length=1, max_length=64)
    failed_at: AwareDatetime
