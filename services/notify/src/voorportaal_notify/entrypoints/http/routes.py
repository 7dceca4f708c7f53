"""HTTP: the contact-load meter, deliveries and preferences per case (staff), and the citizen's own
preferences through their link (`/dev/outbox` is the dev servers' own, `voorportaal.devservers`).
Translation only: rules live in the service layer."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Any, Literal

from litestar import Controller, Request, get, post, put
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody, PathParameter
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from voorportaal_contracts.citizen_links import InvalidLink, LinkClaims, verify_link_token
from voorportaal_contracts.types import MessageChannel
from voorportaal_kit.auth import Principal, Role
from voorportaal_kit.case_access import REPRESENTATIVE_PREFIX, CaseAccessStore
from voorportaal_notify.domain.access import ChangeReason
from voorportaal_notify.service_layer.case_state import link_revoked
from voorportaal_notify.service_layer.notifications import NotifyService, PreferencesChange
from voorportaal_notify.settings import NotifySettings

CaseIdParam = Annotated[
    str, PathParameter(min_length=6, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{5,63}$")
]
TokenParam = Annotated[str, PathParameter(min_length=10, max_length=120)]
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


class RepresentativeOut(BaseModel):
    """The representative, without name or addresses."""

    relation: str | None
    receives_copies: bool


class PreferencesOut(BaseModel):
    """How a citizen is reached; addresses masked."""

    case_id: str
    channels: list[str]
    language: str
    email: str | None
    phone: str | None
    quiet_from: str | None
    quiet_until: str | None
    representative: RepresentativeOut | None
    changed_by: str
    updated_at: datetime
    verified: list[str] = Field(
        description="Channels whose address is confirmed; nothing but a code goes to the others."
    )


class ConfirmIn(_In):
    """The code notify sent to a changed address, typed back to confirm it."""

    channel: Literal["email", "sms"]
    code: str = Field(pattern=r"^\d{6}$", description="The six digits from the message.")


class ContactLoadOut(BaseModel):
    """The contact-load meter of one case."""

    case_id: str
    messages_24h: int
    messages_7d: int
    updates_7d: int
    actions_7d: int
    messages_30d: int
    level: str


class AttemptOut(BaseModel):
    """One try to hand a message to the mail server or SMS gateway."""

    attempt: int
    channel: str
    outcome: str
    reason_code: str | None
    started_at: datetime
    finished_at: datetime | None


class DeliveryOut(BaseModel):
    """One message of a case and how its delivery went."""

    id: str
    recipient: str
    template_id: str
    updates: int
    language: str | None
    status: str
    channel: str | None
    channels_tried: list[str]
    attempts: list[AttemptOut]
    reason_code: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    sent_at: datetime | None


def _actor(request: Request[Any, Any, Any]) -> Principal:
    principal = request.scope.get("user")
    if not isinstance(principal, Principal):
        raise NotAuthorizedException("a bearer token is required")
    return principal


def _notify(state: State) -> NotifyService:
    service: NotifyService = state["notify"]
    return service


def _settings(state: State) -> NotifySettings:
    settings: NotifySettings = state["notify_settings"]
    return settings


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


class CaseNotifyController(Controller):
    """A case's messages as staff see them, and its preferences."""

    path = "/cases"
    tags = ["cases"]

    @get("/{case_id:str}/contact-load", operation_id="contactLoad")
    async def contact_load(
        self, request: Request[Any, Any, Any], state: State, case_id: CaseIdParam
    ) -> ContactLoadOut:
        """How much the household received lately (the console's contact-load meter)."""
        load = await _notify(state).contact_load(case_id, _actor(request))
        return ContactLoadOut(
            case_id=case_id,
            messages_24h=load.messages_24h,
            messages_7d=load.messages_7d,
            updates_7d=load.updates_7d,
            actions_7d=load.actions_7d,
            messages_30d=load.messages_30d,
            level=load.level.value,
        )

    @get("/{case_id:str}/deliveries", operation_id="caseDeliveries")
    async def deliveries(
        self, request: Request[Any, Any, Any], state: State, case_id: CaseIdParam
    ) -> list[DeliveryOut]:
        """Every message of the case with its attempts, newest first (no addresses)."""
        rows = await _notify(state).deliveries(case_id, _actor(request))
        return [
            DeliveryOut(
                **{k: r[k] for k in DeliveryOut.model_fields if k != "attempts"},
                attempts=[
                    AttemptOut(**{k: a[k] for k in AttemptOut.model_fields}) for a in r["attempts"]
                ],
            )
            for r in rows
        ]

    @get("/{case_id:str}/preferences", operation_id="getPreferences")
    async def preferences(
        self, request: Request[Any, Any, Any], state: State, case_id: CaseIdParam
    ) -> PreferencesOut:
        """How the citizen is reached (addresses masked)."""
        return PreferencesOut(**await _notify(state).preferences(case_id, _actor(request)))

    @put("/{case_id:str}/preferences", operation_id="changePreferences")
    async def change_preferences(
        self,
        request: Request[Any, Any, Any],
        state: State,
        case_id: CaseIdParam,
        data: JSONBody[PreferencesIn],
    ) -> PreferencesOut:
        """Change how the citizen is reached (the case's owner or team, a supervisor; audited)."""
        changed = await _notify(state).change_preferences(
            case_id, _change(data), _actor(request), reason=data.reason
        )
        return PreferencesOut(**changed)

    @post("/{case_id:str}/preferences/confirm", operation_id="confirmAddress", status_code=200)
    async def confirm_address(
        self,
        request: Request[Any, Any, Any],
        state: State,
        case_id: CaseIdParam,
        data: JSONBody[ConfirmIn],
    ) -> PreferencesOut:
        """Confirm a changed address with the code sent to it (at the desk; audited)."""
        confirmed = await _notify(state).confirm_address(
            case_id, MessageChannel(data.channel), data.code, _actor(request)
        )
        return PreferencesOut(**confirmed)


class CitizenController(Controller):
    """The citizen's own preferences, through the personal link in their messages."""

    path = "/citizen"
    tags = ["citizen"]

    @put("/{token:str}/preferences", operation_id="changeOwnPreferences")
    async def change_own(
        self, state: State, token: TokenParam, data: JSONBody[CitizenPreferencesIn]
    ) -> PreferencesOut:
        """Change your channels, language or quiet hours (your own link; not a representative's)."""
        citizen, claims = await _citizen(state, token)
        changed = await _notify(state).change_preferences(
            claims.case_id, _change(data), citizen, reason=ChangeReason.OWN_CHOICE
        )
        return PreferencesOut(**changed)

    @post("/{token:str}/preferences/confirm", operation_id="confirmOwnAddress", status_code=200)
    async def confirm_own(
        self, state: State, token: TokenParam, data: JSONBody[ConfirmIn]
    ) -> PreferencesOut:
        """Confirm your new phone number or e-mail address with the code sent to it."""
        citizen, claims = await _citizen(state, token)
        confirmed = await _notify(state).confirm_address(
            claims.case_id, MessageChannel(data.channel), data.code, citizen
        )
        return PreferencesOut(**confirmed)


async def _citizen(state: State, token: str) -> tuple[Principal, LinkClaims]:
    """The citizen (or a representative) a personal link speaks for; 401 when it is not one,
    or when the dossier revoked it (the link itself, or the mandate a representative's link
    acts under)."""
    settings = _settings(state)
    try:
        claims = verify_link_token(
            settings.link_key.get_secret_value().encode(),
            token,
            now=state["runtime"].clock.now(),
        )
    except InvalidLink as exc:
        raise NotAuthorizedException(str(exc)) from None
    access: CaseAccessStore = state["access"]
    async with state["runtime"].sessions() as session:
        revoked = await link_revoked(session, token, claims)
        if not revoked and claims.holder is not None:
            case = await access.get(session, claims.case_id)
            mandate = next((m for m in case.mandates if m.permit_id == claims.holder), None)
            revoked = claims.holder in case.revoked or (
                mandate is not None and mandate.revoked_at is not None
            )
    if revoked:
        raise NotAuthorizedException("the link was revoked")
    # A representative's link acts as `representative:<mandate id>` (the kit's convention).
    subject = (
        f"{REPRESENTATIVE_PREFIX}{claims.holder}" if claims.holder else f"citizen:{claims.case_id}"
    )
    citizen = Principal(subject=subject, roles=frozenset({Role.CITIZEN}), case_id=claims.case_id)
    return citizen, claims
