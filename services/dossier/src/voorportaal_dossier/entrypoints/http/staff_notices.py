"""HTTP: the caller's own notifications (what needs them, on which case)."""

from __future__ import annotations

from typing import Annotated

from litestar import get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter
from pydantic import BaseModel, ConfigDict

from voorportaal_contracts.api.dossier import (
    StaffNotification,
    StaffNotifications,
    StaffNotificationSettings,
)
from voorportaal_dossier.adapters.staff_notice_rows import NoticeRow
from voorportaal_dossier.entrypoints.http.dependencies import DossierController
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.staff_notices import StaffNotices

NoticeId = Annotated[str, PathParameter(pattern=r"^notice-[0-9a-f]{24}$", max_length=64)]


def _out(row: NoticeRow) -> StaffNotification:
    return StaffNotification.model_validate(
        {
            "id": row.notice_id,
            "case_id": row.case_id,
            "kind": row.kind,
            "at": row.at,
            "read": row.read_at is not None,
        }
    )


class StaffNoticeController(DossierController):
    """The caller's notifications."""

    path = "/me/notifications"
    tags = ["notifications"]

    @get("/", operation_id="myNotifications")
    async def mine(
        self,
        actor: NamedDependency[Actor],
        staff_notices: NamedDependency[StaffNotices],
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> StaffNotifications:
        """The caller's newest notifications and unread count (audited per case named)."""
        found = await staff_notices.mine(actor, limit=limit)
        return StaffNotifications(unread=found.unread, items=[_out(r) for r in found.items])

    @post("/{notification_id:str}/read", operation_id="markNotificationRead", status_code=200)
    async def mark_read(
        self,
        actor: NamedDependency[Actor],
        staff_notices: NamedDependency[StaffNotices],
        notification_id: NoticeId,
    ) -> StaffNotification:
        """Mark one of the caller's notifications read (404 for any other)."""
        return _out(await staff_notices.mark_read(actor, notification_id))


class NotificationSettingsIn(BaseModel):
    """How the caller wants to be told, besides the console."""

    model_config = ConfigDict(extra="forbid")

    email: bool
    """Also an e-mail with only a link to the case, for each new notification."""


class StaffNoticeSettingsController(DossierController):
    """The caller's choice how to be told."""

    path = "/me/notification-settings"
    tags = ["notifications"]

    @get("/", operation_id="myNotificationSettings")
    async def show(
        self, actor: NamedDependency[Actor], staff_notices: NamedDependency[StaffNotices]
    ) -> StaffNotificationSettings:
        """Whether the caller gets an e-mail (a link only) for each new notification."""
        return StaffNotificationSettings(email=await staff_notices.email_chosen(actor))

    @put("/", operation_id="chooseNotificationSettings")
    async def choose(
        self,
        actor: NamedDependency[Actor],
        staff_notices: NamedDependency[StaffNotices],
        data: JSONBody[NotificationSettingsIn],
    ) -> StaffNotificationSettings:
        """Choose whether to get an e-mail (a link only) for each new notification."""
        return StaffNotificationSettings(email=await staff_notices.choose_email(actor, data.email))
