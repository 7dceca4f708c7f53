"""HTTP: the contact-load meter, deliveries and preferences per case (staff), and the citizen's own
preferences through their link (`/dev/outbox` is the dev servers' own, `voorportaal.devservers`).
Translation only: rules live in the service layer; answers are `voorportaal_contracts.api.notify`.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import time
from typing import Annotated, Any, Literal

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from voorportaal_contracts.api.notify import (
    AttemptOut,
    ContactLoadOut,
    DeliveryOut,
    PreferencesOut,
    RepresentativeOut,
)
from voorportaal_contracts.types import MessageChannel
from voorportaal_kit.auth import Principal
from voorportaal_notify.domain.access import ChangeReason
from voorportaal_notify.domain.contacts import ContactPoints, mask_email, mask_phone
from voorportaal_notify.domain.messages import Delivery
from voorportaal_notify.entrypoints.http.dependencies import (
    CASE_DEPENDENCIES,
    CITIZEN_DEPENDENCIES,
    LinkHolder,
)
from voorportaal_notify.service_layer.case_messages import CaseMessages
from voorportaal_notify.service_layer.preferences import Preferences, PreferencesChange

CaseIdParam = Annotated[
    str, PathParameter(min_length=6, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{5,63}$")
]
Language = Annotated[str, Field(pattern=r"^[a-z]{2}$")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CitizenPreferencesIn(_In):
    """What a citizen may change through their link: channels, language, quiet hours."""

    channels: list[MessageChannel] | None = Field(default=None, min_length=1, max_length=3)
    language: Language | None = None
    quiet_from: time | None = None
    quiet_until: time | None = None
    no_quiet_hours: bool = False


class PreferencesIn(CitizenPreferencesIn):
    """What the case's owner, team or a supervisor may change on the citizen's behalf: also
    addresses and copies, always with why."""

    reason: ChangeReason = Field(
        description="Why the details change (audited): citizen_request, representative_request, "
        "undeliverable or correction; `own_choice` only with the citizen's own token."
    )
    email: EmailStr | None = None
    phone: str | None = Field(default=None, pattern=r"^\+[1-9]\d{7,14}$", description="E.164")
    representative_copies: bool | None = None


class ConfirmIn(_In):
    """The code notify sent to a changed address, typed back to confirm it."""

    channel: Literal["email", "sms"]
    code: str = Field(pattern=r"^\d{6}$", description="The six digits from the message.")


def _change(data: CitizenPreferencesIn) -> PreferencesChange:
    extra: dict[str, Any] = {}
    if isinstance(data, PreferencesIn):
        extra = {
            "email": str(data.email) if data.email else None,
            "phone": data.phone,
            "representative_copies": data.representative_copies,
        }
    return PreferencesChange(
        channels=data.channels,
        language=data.language,
        quiet_from=data.quiet_from,
        quiet_until=data.quiet_until,
        clear_quiet_hours=data.no_quiet_hours,
        **extra,
    )


def preferences_out(contact: ContactPoints) -> PreferencesOut:
    """How the citizen is reached, addresses masked (a representative without name or address)."""
    rep = contact.representative
    return PreferencesOut(
        case_id=contact.case_id,
        channels=list(contact.channels),
        language=contact.language,
        email=mask_email(contact.email),
        phone=mask_phone(contact.phone),
        quiet_from=contact.quiet_from,
        quiet_until=contact.quiet_until,
        representative=RepresentativeOut(
            relation=rep.get("relation"), receives_copies=rep.get("receives_copies", True)
        )
        if rep
        else None,
        changed_by=contact.changed_by,
        updated_at=contact.updated_at,
        verified=sorted(contact.verified),
    )


def delivery_out(delivery: Delivery) -> DeliveryOut:
    """A message with its attempts, as staff see it (the answer names no address)."""
    message = {
        name: getattr(delivery.message, name)
        for name in DeliveryOut.model_fields
        if name != "attempts"
    }
    attempts = [AttemptOut.model_validate(a, from_attributes=True) for a in delivery.attempts]
    return DeliveryOut.model_validate({**message, "attempts": attempts})


class CaseNotifyController(Controller):
    """A case's messages as staff see them, and its preferences."""

    path = "/cases"
    tags = ["cases"]
    dependencies = CASE_DEPENDENCIES

    @get("/{case_id:str}/contact-load", operation_id="contactLoad")
    async def contact_load(
        self,
        case_id: CaseIdParam,
        principal: NamedDependency[Principal],
        case_messages: NamedDependency[CaseMessages],
    ) -> ContactLoadOut:
        """How much the household received lately (the console's contact-load meter)."""
        load = await case_messages.contact_load(case_id, principal)
        return ContactLoadOut.model_validate({**asdict(load), "case_id": case_id})

    @get("/{case_id:str}/deliveries", operation_id="caseDeliveries")
    async def deliveries(
        self,
        case_id: CaseIdParam,
        principal: NamedDependency[Principal],
        case_messages: NamedDependency[CaseMessages],
    ) -> list[DeliveryOut]:
        """Every message of the case with its attempts, newest first (no addresses)."""
        return [delivery_out(d) for d in await case_messages.deliveries(case_id, principal)]

    @get("/{case_id:str}/preferences", operation_id="getPreferences")
    async def preferences_of(
        self,
        case_id: CaseIdParam,
        principal: NamedDependency[Principal],
        preferences: NamedDependency[Preferences],
    ) -> PreferencesOut:
        """How the citizen is reached (addresses masked)."""
        return preferences_out(await preferences.read(case_id, principal))

    @put("/{case_id:str}/preferences", operation_id="changePreferences")
    async def change_preferences(
        self,
        case_id: CaseIdParam,
        data: JSONBody[PreferencesIn],
        principal: NamedDependency[Principal],
        preferences: NamedDependency[Preferences],
    ) -> PreferencesOut:
        """Change how the citizen is reached (the case's owner or team, a supervisor; audited)."""
        changed = await preferences.change(case_id, _change(data), principal, reason=data.reason)
        return preferences_out(changed)

    @post("/{case_id:str}/preferences/confirm", operation_id="confirmAddress", status_code=200)
    async def confirm_address(
        self,
        case_id: CaseIdParam,
        data: JSONBody[ConfirmIn],
        principal: NamedDependency[Principal],
        preferences: NamedDependency[Preferences],
    ) -> PreferencesOut:
        """Confirm a changed address with the code sent to it (at the desk; audited)."""
        return await _confirm(preferences, case_id, data, principal)


async def _confirm(
    preferences: Preferences, case_id: str, data: ConfirmIn, by: Principal
) -> PreferencesOut:
    """Confirm a changed address with the code sent to it; the preferences as they now are."""
    confirmed = await preferences.confirm(case_id, MessageChannel(data.channel), data.code, by)
    return preferences_out(confirmed)


class CitizenController(Controller):
    """The citizen's own preferences, through the personal link in their messages."""

    path = "/citizen"
    tags = ["citizen"]
    dependencies = CITIZEN_DEPENDENCIES

    @put("/{token:str}/preferences", operation_id="changeOwnPreferences")
    async def change_own(
        self,
        data: JSONBody[CitizenPreferencesIn],
        citizen: NamedDependency[LinkHolder],
        preferences: NamedDependency[Preferences],
    ) -> PreferencesOut:
        """Change your channels, language or quiet hours (your own link; not a representative's)."""
        changed = await preferences.change(
            citizen.case_id, _change(data), citizen.principal, reason=ChangeReason.OWN_CHOICE
        )
        return preferences_out(changed)

    @post("/{token:str}/preferences/confirm", operation_id="confirmOwnAddress", status_code=200)
    async def confirm_own(
        self,
        data: JSONBody[ConfirmIn],
        citizen: NamedDependency[LinkHolder],
        preferences: NamedDependency[Preferences],
    ) -> PreferencesOut:
        """Confirm your new phone number or e-mail address with the code sent to it."""
        return await _confirm(preferences, citizen.case_id, data, citizen.principal)
