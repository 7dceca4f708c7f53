"""HTTP: life events, questionnaires and intakes. Translation only: rules live below.

A citizen starts an intake without an account and gets a signed token scoped to the new case
for the next steps; staff (casemanager, supervisor) start one on a citizen's behalf, which
records the channel and who. Every other call needs either that citizen token or a staff role.

Anonymous starts are rate-limited per client (its IP address; `X-Forwarded-For` only from a
trusted proxy) and one-time codes per address: past a limit the answer is 429 with
`Retry-After`. The citizen confirms an address with the code it received; staff take in an
intake that waits for that.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import Controller, Request, get, post, put
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, PathParameter
from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from voorportaal_contracts.api.intake import (
    CodesSentOut,
    ConfirmationOut,
    IntakeOut,
    IntakeResultOut,
    LifeEventOut,
    LocalText,
    NextOut,
    OptionOut,
    ProblemOut,
    QuestionOut,
)
from voorportaal_contracts.types import Channel, LifeEvent, MessageChannel, RepresentativeRelation
from voorportaal_intake.adapters.content_files import load_catalogue, load_life_events
from voorportaal_intake.domain.content import LifeEventContent, Question
from voorportaal_intake.domain.identity import is_valid_bsn, normalise_postcode
from voorportaal_intake.domain.intake import Change
from voorportaal_intake.domain.rate_limits import client_address, limited_client
from voorportaal_intake.service_layer.amending import Amending
from voorportaal_intake.service_layer.answering import Answering
from voorportaal_intake.service_layer.confirmation import Confirmation, Confirming
from voorportaal_intake.service_layer.contact import PersonalDetails, SetCitizen, SetContact
from voorportaal_intake.service_layer.intakes import IntakeService
from voorportaal_intake.service_layer.questionnaire import IntakeState
from voorportaal_intake.service_layer.starting import Starting
from voorportaal_intake.service_layer.submitting import Submitting
from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.auth import (
    AuthenticationError,
    Principal,
    can_issue_citizen_links,
    issue_token,
)
from voorportaal_kit.errors import NotFound, Unavailable

_PHONE_NL = re.compile(r"^0[1-9][0-9]{8}$")
_E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
_PHONE_REASON = (
    "not a Dutch (06…) or international (+…) phone number / "
    "geen Nederlands (06…) of internationaal (+…) telefoonnummer"
)


def _phone_number(value: str | None) -> str | None:
    """A Dutch or E.164 phone number as E.164, or a ValueError naming both forms."""
    if value is None:
        return None
    digits = re.sub(r"[\s-]", "", value)
    if _PHONE_NL.fullmatch(digits):
        return "+31" + digits[1:]
    if _E164.fullmatch(digits):
        return digits
    raise ValueError(_PHONE_REASON)


class CitizenLinksUnavailable(Unavailable):
    """The service has no HS256 key to sign a citizen's link (configuration, not the caller)."""

    code = "citizen_links_unavailable"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StartIntake(_In):
    """Start an intake for one or more life events."""

    life_events: list[LifeEvent] = Field(min_length=1, max_length=6)
    channel: Channel = Channel.WEB


class AnswerIn(_In):
    """One answer: true/false, a number, a text, a date (YYYY-MM-DD), a list, or null to skip."""

    value: bool | int | float | str | list[str] | None


class ContactIn(_In):
    """Contact details and preferences; only notify and the dossier ever see them."""

    channels: list[MessageChannel] = Field(min_length=1)
    language: Literal["nl", "en", "tr", "ar", "pl"] = "nl"
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=20)
    quiet_from: str | None = Field(default=None, pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    quiet_until: str | None = Field(default=None, pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    share_with: list[str] = Field(default_factory=list, max_length=30)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return _phone_number(value)

    @field_validator("share_with")
    @classmethod
    def _known_agencies(cls, value: list[str]) -> list[str]:
        known = {a.code for a in load_catalogue().agencies if a.public}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(
                f"unknown agencies: {', '.join(unknown)} / "
                f"onbekende instanties: {', '.join(unknown)}"
            )
        return value


class RepresentativeIn(_In):
    """Someone who acts for the citizen; receives copies of messages unless told not to."""

    name: str = Field(min_length=1, max_length=120)
    relation: RepresentativeRelation
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=20)
    receives_copies: bool = True

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return _phone_number(value)


class CitizenIn(_In):
    """Who the citizen is. Everything is optional: an intake works without a BSN; the details
    go only to the dossier and to agencies the citizen shares with."""

    name: str | None = Field(default=None, min_length=1, max_length=120)
    bsn: str | None = Field(default=None, max_length=11)
    date_of_birth: date | None = None
    postcode: str | None = Field(default=None, max_length=7)
    house_number: str | None = Field(default=None, max_length=10, pattern=r"^[1-9][0-9]{0,4}.*$")
    representative: RepresentativeIn | None = None

    @field_validator("bsn")
    @classmethod
    def _bsn(cls, value: str | None) -> str | None:
        if value is None:
            return None
        digits = value.replace(" ", "").replace(".", "")
        if not is_valid_bsn(digits):
            raise ValueError(
                "not a valid BSN: 9 digits that pass the 11-proof / "
                "geen geldig BSN: 9 cijfers die de elfproef doorstaan"
            )
        return digits

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str | None) -> str | None:
        if value is None:
            return None
        normal = normalise_postcode(value)
        if normal is None:
            raise ValueError("not a Dutch postcode like 1234 AB / geen postcode zoals 1234 AB")
        return normal

    @field_validator("date_of_birth")
    @classmethod
    def _born(cls, value: date | None) -> date | None:
        if value is not None and value < date(1900, 1, 1):
            raise ValueError("lies before 1900 / ligt voor 1900")
        return value


class ChangeIn(_In):
    """One changed answer in an amendment."""

    step: str = Field(min_length=1, max_length=48)
    question: str = Field(min_length=1, max_length=48)
    value: bool | int | float | str | list[str] | None


class AmendIn(_In):
    """Changed answers of a submitted intake; all apply or none."""

    changes: list[ChangeIn] = Field(min_length=1, max_length=50)


class CodeIn(_In):
    """The one-time code the citizen received by SMS or e-mail."""

    code: str = Field(pattern=r"^\s*[0-9]{6}\s*$", description="Six digits.")


def _question(q: Question) -> QuestionOut:
    return QuestionOut(
        id=q.id,
        type=q.type,
        text=LocalText(nl=q.text.nl, en=q.text.en),
        help=LocalText(nl=q.help.nl, en=q.help.en) if q.help else None,
        options=[
            OptionOut(value=o.value, label=LocalText(nl=o.label.nl, en=o.label.en))
            for o in q.options
        ],
        required=q.required,
        minimum=q.minimum,
        maximum=q.maximum,
    )


def _out(state: IntakeState, token: str | None = None) -> IntakeOut:
    nxt = (
        NextOut(step=state.next.step, question=_question(state.next.question))
        if state.next
        else None
    )
    return IntakeOut(
        id=state.id,
        case_id=state.case_id,
        status=state.status,
        life_events=state.life_events,
        channel=state.channel,
        next=nxt,
        answered=state.answered,
        result=IntakeResultOut.model_validate(state.result) if state.result else None,
        revision=state.revision,
        answers=state.answers,
        token=token,
        status_link=f"/citizen/cases/{state.case_id}" if state.status == "submitted" else None,
        awaiting_confirmation=state.awaiting_confirmation,
    )


def _confirmation(found: Confirmation) -> ConfirmationOut:
    return ConfirmationOut(
        verified=found.verified,
        awaiting_confirmation=found.awaiting_confirmation,
        confirmed_by=found.confirmed_by,
        representative_verified=found.representative_verified,
    )


_LIMITED = {
    429: ResponseSpec(
        ProblemOut,
        description="Too many requests from this client or to this address; the problem body "
        "says which, and `Retry-After` when to try again (seconds).",
        media_type="application/problem+json",
    )
}


class LifeEventController(Controller):
    """The life events and their questionnaires (public: no personal data)."""

    path = "/life-events"
    tags = ["life events"]

    @get("/", operation_id="listLifeEvents", sync_to_thread=False)
    def list_life_events(self) -> list[LifeEventOut]:
        """The six life events the intake covers."""
        return [
            LifeEventOut(
                code=c.code,
                title=LocalText(nl=c.title.nl, en=c.title.en),
                intro=LocalText(nl=c.intro.nl, en=c.intro.en),
            )
            for c in load_life_events().values()
        ]

    @get("/{code:str}", operation_id="getQuestionnaire", sync_to_thread=False)
    def get_questionnaire(self, code: FromPath[str]) -> dict[str, Any]:
        """One life event's questionnaire, signals and checklist+ (the content as data)."""
        content: LifeEventContent | None = next(
            (c for c in load_life_events().values() if c.code.value == code), None
        )
        if content is None:
            raise NotFound(f"No life event {code!r}.")
        return content.model_dump(mode="json", by_alias=True, exclude_none=True)


# -- dependencies: what a handler asks for by name, provided here once ---------------------


def _intakes(state: State) -> IntakeService:
    service: IntakeService = state["intakes"]
    return service


def _use_case(name: str) -> Provide:
    """One of the facade's use cases (`Starting`, `Answering` …), by its attribute."""

    def provide(state: State) -> Any:
        return getattr(_intakes(state), name)

    return Provide(provide, sync_to_thread=False)


def _settings(state: State) -> IntakeSettings:
    settings: IntakeSettings = state["runtime"].settings
    return settings


def _optional_principal(request: Request[Any, Any, Any], state: State) -> Principal | None:
    """The caller of the one public intake route (start), if a bearer token came along."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    try:
        principal: Principal = state["runtime"].verifier.verify(header[7:].strip())
    except AuthenticationError as exc:
        raise NotAuthorizedException(f"invalid token: {exc.reason}") from None
    return principal


def _client(request: Request[Any, Any, Any], settings: IntakeSettings) -> str:
    """Who the per-client limits count: the peer, or a trusted proxy's client (see
    `domain.rate_limits.client_address`)."""
    return limited_client(
        client_address(
            request.client.host if request.client else None,
            request.headers.get("x-forwarded-for"),
            settings.trusted_proxies,
        )
    )


class IntakeController(Controller):
    """Intakes: start, answer step by step, go back, contact details, submit."""

    path = "/intakes"
    tags = ["intakes"]
    dependencies = {
        "settings": Provide(_settings, sync_to_thread=False),
        "caller": Provide(_optional_principal, sync_to_thread=False),
        "client": Provide(_client, sync_to_thread=False),
        "starting": _use_case("starting"),
        "answering": _use_case("answering"),
        "personal_details": _use_case("personal_details"),
        "confirming": _use_case("confirming"),
        "submitting": _use_case("submitting"),
        "amending": _use_case("amending"),
    }

    @post("/", operation_id="startIntake", responses=_LIMITED)
    async def start(
        self,
        starting: Starting,
        settings: IntakeSettings,
        caller: Principal | None,
        client: str,
        data: JSONBody[StartIntake],
    ) -> IntakeOut:
        """Start an intake; a citizen gets a token for the next steps, staff act as themselves."""
        if caller is None and not can_issue_citizen_links(settings.auth):
            raise CitizenLinksUnavailable(
                "Citizens cannot start an intake here: no key to sign their link is configured."
            )
        intake = await starting.start(data.life_events, data.channel, caller, client=client)
        token = None
        if caller is None:
            token = issue_token(
                settings.auth,
                f"intake:{intake.id}",
                ["citizen"],
                case_id=intake.case_id,
                ttl_seconds=settings.auth.max_token_lifetime_seconds,
            )
        return _out(intake, token)

    @get("/{intake_id:uuid}", operation_id="getIntake")
    async def get_intake(
        self, answering: Answering, principal: Principal, intake_id: FromPath[UUID]
    ) -> IntakeOut:
        """The intake and the next question to ask."""
        return _out(await answering.get(intake_id, principal))

    @put("/{intake_id:uuid}/answers/{step:str}/{question_id:str}", operation_id="answer")
    async def answer(
        self,
        answering: Answering,
        principal: Principal,
        intake_id: FromPath[UUID],
        step: Annotated[str, PathParameter(max_length=48)],
        question_id: Annotated[str, PathParameter(max_length=48)],
        data: JSONBody[AnswerIn],
    ) -> IntakeOut:
        """Answer (or change the answer to) one question; returns the next question."""
        return _out(await answering.answer(intake_id, principal, step, question_id, data.value))

    @post("/{intake_id:uuid}/back", operation_id="goBack", status_code=200)
    async def back(
        self, answering: Answering, principal: Principal, intake_id: FromPath[UUID]
    ) -> IntakeOut:
        """Undo the last answer so that its question is asked again."""
        return _out(await answering.back(intake_id, principal))

    @put(
        "/{intake_id:uuid}/contact", operation_id="setContact", status_code=204, responses=_LIMITED
    )
    async def contact(
        self,
        personal_details: PersonalDetails,
        principal: Principal,
        intake_id: FromPath[UUID],
        data: JSONBody[ContactIn],
    ) -> None:
        """Contact details, preferences and with whom to share; each address not confirmed yet
        gets a one-time code."""
        await personal_details.set_contact(
            intake_id,
            principal,
            SetContact(
                channels=data.channels,
                language=data.language,
                email=str(data.email) if data.email else None,
                phone=data.phone,
                quiet_from=data.quiet_from,
                quiet_until=data.quiet_until,
                share_with=data.share_with,
            ),
        )

    @post("/{intake_id:uuid}/contact/verify", operation_id="verifyContact", status_code=200)
    async def verify(
        self,
        confirming: Confirming,
        principal: Principal,
        intake_id: FromPath[UUID],
        data: JSONBody[CodeIn],
    ) -> ConfirmationOut:
        """Confirm an address with its one-time code; a held intake then goes to the agencies."""
        return _confirmation(await confirming.verify(intake_id, principal, data.code.strip()))

    @post(
        "/{intake_id:uuid}/contact/resend",
        operation_id="resendContactCode",
        status_code=202,
        responses=_LIMITED,
    )
    async def resend(
        self, confirming: Confirming, principal: Principal, intake_id: FromPath[UUID]
    ) -> CodesSentOut:
        """A new one-time code to each address not confirmed yet (rate-limited per address)."""
        return CodesSentOut(sent_to=await confirming.resend(intake_id, principal))

    @post("/{intake_id:uuid}/take-in", operation_id="takeInIntake", status_code=200)
    async def take_in(
        self, confirming: Confirming, principal: Principal, intake_id: FromPath[UUID]
    ) -> ConfirmationOut:
        """A casemanager or supervisor vouches for the citizen: the intake is not held."""
        return _confirmation(await confirming.take_in(intake_id, principal))

    @put("/{intake_id:uuid}/citizen", operation_id="setCitizen", status_code=204)
    async def citizen(
        self,
        personal_details: PersonalDetails,
        principal: Principal,
        intake_id: FromPath[UUID],
        data: JSONBody[CitizenIn],
    ) -> None:
        """Who the citizen is (name, BSN, address) and a representative, if any."""
        await personal_details.set_citizen(
            intake_id,
            principal,
            SetCitizen(
                name=data.name,
                bsn=data.bsn,
                date_of_birth=data.date_of_birth,
                postcode=data.postcode,
                house_number=data.house_number,
                representative=(
                    data.representative.model_dump(mode="json") if data.representative else None
                ),
            ),
        )

    @post("/{intake_id:uuid}/submit", operation_id="submitIntake", status_code=200)
    async def submit(
        self, submitting: Submitting, principal: Principal, intake_id: FromPath[UUID]
    ) -> IntakeOut:
        """Submit: the case id, triage with reasons, the checklist+ and a status link."""
        return _out(await submitting.submit(intake_id, principal))

    @post("/{intake_id:uuid}/amendments", operation_id="amendIntake", status_code=200)
    async def amend(
        self,
        amending: Amending,
        principal: Principal,
        intake_id: FromPath[UUID],
        data: JSONBody[AmendIn],
    ) -> IntakeOut:
        """Change answers after submission; triage and checklist+ are computed again and
        `IntakeAmended` is published (nothing when the answers did not change)."""
        changes = [Change(c.step, c.question, c.value) for c in data.changes]
        return _out(await amending.amend(intake_id, principal, changes))
