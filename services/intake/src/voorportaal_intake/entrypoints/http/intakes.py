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

from litestar import Controller, Request, Response, get, post, put
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, PathParameter
from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from voorportaal_contracts.types import Channel, LifeEvent, MessageChannel, RepresentativeRelation
from voorportaal_intake.adapters.content_files import load_catalogue, load_life_events
from voorportaal_intake.adapters.rate_limits import RateLimited
from voorportaal_intake.domain.content import LifeEventContent, Question
from voorportaal_intake.domain.identity import is_valid_bsn, normalise_postcode
from voorportaal_intake.domain.rate_limits import client_address, limited_client
from voorportaal_intake.service_layer.intakes import (
    Change,
    Confirmation,
    IntakeService,
    IntakeState,
)
from voorportaal_kit.auth import (
    AuthenticationError,
    Principal,
    can_issue_citizen_links,
    issue_token,
)
from voorportaal_kit.errors import NotFound, Unavailable
from voorportaal_kit.http import problem

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


class ConfirmationOut(BaseModel):
    """Which of the citizen's addresses are confirmed, and whether the intake still waits."""

    verified: list[MessageChannel] = Field(description="Channels whose address is confirmed.")
    awaiting_confirmation: bool = Field(
        description="Submitted, and held from the agencies until confirmed."
    )
    confirmed_by: Literal["citizen", "staff"] | None = None
    representative_verified: list[MessageChannel] = Field(
        default_factory=list,
        description="The representative's channels confirmed with a code (copies go only there).",
    )


class CodesSentOut(BaseModel):
    """The channels a new one-time code went to."""

    sent_to: list[MessageChannel]


class QuestionOut(BaseModel):
    """A question as a form or a phone script shows it."""

    id: str
    type: str
    text: dict[str, str]
    help: dict[str, str] | None
    options: list[dict[str, Any]]
    required: bool
    minimum: float | None
    maximum: float | None


class NextOut(BaseModel):
    """The question to ask next, and to which step it belongs."""

    step: str
    question: QuestionOut


class IntakeOut(BaseModel):
    """An intake, its next question, and (once submitted) triage and checklist+."""

    id: UUID
    case_id: str
    status: str
    life_events: list[LifeEvent]
    channel: Channel
    next: NextOut | None
    answered: int
    result: dict[str, Any] | None
    revision: int = Field(description="1 at submission; each amendment adds one.")
    answers: dict[str, dict[str, Any]] = Field(
        description="The answers so far, per step (life event or `profile`)."
    )
    token: str | None = None
    status_link: str | None = None
    awaiting_confirmation: bool = Field(
        default=False,
        description="Submitted from an anonymous start with no confirmed address: the agencies "
        "get nothing until the citizen confirms a code or staff take the intake in.",
    )


class LifeEventOut(BaseModel):
    """A life event the intake covers."""

    code: LifeEvent
    title: dict[str, str]
    intro: dict[str, str]


def _question(q: Question) -> QuestionOut:
    return QuestionOut(
        id=q.id,
        type=q.type,
        text=q.text.model_dump(),
        help=q.help.model_dump() if q.help else None,
        options=[{"value": o.value, "label": o.label.model_dump()} for o in q.options],
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
        result=state.result,
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


def _on_rate_limited(_request: Request[Any, Any, Any], exc: RateLimited) -> Response[Any]:
    """429 as a problem, with `Retry-After` (seconds)."""
    errors = None
    if exc.field:
        english, _, dutch = exc.detail.partition(" / ")
        errors = [{"field": exc.field, "reason": english, "reason_nl": dutch or english}]
    return problem(
        429,
        exc.detail,
        code=exc.code,
        errors=errors,
        headers={"Retry-After": str(exc.retry_after_s)},
    )


class FieldProblemOut(BaseModel):
    """Which field a problem is about, in English and Dutch."""

    field: str
    reason: str
    reason_nl: str


class ProblemOut(BaseModel):
    """A problem (RFC 9457), as every error of this API is answered."""

    type: str = Field(examples=["urn:voorportaal:problem:rate_limited"])
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldProblemOut] | None = None


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
            LifeEventOut(code=c.code, title=c.title.model_dump(), intro=c.intro.model_dump())
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


def _service(state: State) -> IntakeService:
    service: IntakeService = state["intakes"]
    return service


async def _optional_principal(request: Request[Any, Any, Any]) -> Principal | None:
    """The caller of the one public intake route (start), if a bearer token came along."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    try:
        principal: Principal = request.app.state["runtime"].verifier.verify(header[7:].strip())
    except AuthenticationError as exc:
        raise NotAuthorizedException(f"invalid token: {exc.reason}") from None
    return principal


async def _actor(request: Request[Any, Any, Any]) -> Principal:
    """The caller, as the auth middleware verified it (a 401 never gets this far)."""
    principal = request.scope.get("user")
    if not isinstance(principal, Principal):
        raise NotAuthorizedException("a bearer token is required")
    return principal


class IntakeController(Controller):
    """Intakes: start, answer step by step, go back, contact details, submit."""

    path = "/intakes"
    tags = ["intakes"]
    exception_handlers = {RateLimited: _on_rate_limited}

    @post("/", operation_id="startIntake", responses=_LIMITED)
    async def start(
        self, request: Request[Any, Any, Any], state: State, data: JSONBody[StartIntake]
    ) -> IntakeOut:
        """Start an intake; a citizen gets a token for the next steps, staff act as themselves."""
        principal = await _optional_principal(request)
        settings = request.app.state["runtime"].settings
        if principal is None and not can_issue_citizen_links(settings.auth):
            raise CitizenLinksUnavailable(
                "Citizens cannot start an intake here: no key to sign their link is configured."
            )
        client = limited_client(
            client_address(
                request.client.host if request.client else None,
                request.headers.get("x-forwarded-for"),
                settings.trusted_proxies,
            )
        )
        intake = await _service(state).start(
            data.life_events, data.channel, principal, client=client
        )
        token = None
        if principal is None:
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
        self, request: Request[Any, Any, Any], state: State, intake_id: FromPath[UUID]
    ) -> IntakeOut:
        """The intake and the next question to ask."""
        return _out(await _service(state).get(intake_id, await _actor(request)))

    @put("/{intake_id:uuid}/answers/{step:str}/{question_id:str}", operation_id="answer")
    async def answer(
        self,
        request: Request[Any, Any, Any],
        state: State,
        intake_id: FromPath[UUID],
        step: Annotated[str, PathParameter(max_length=48)],
        question_id: Annotated[str, PathParameter(max_length=48)],
        data: JSONBody[AnswerIn],
    ) -> IntakeOut:
        """Answer (or change the answer to) one question; returns the next question."""
        actor = await _actor(request)
        return _out(await _service(state).answer(intake_id, actor, step, question_id, data.value))

    @post("/{intake_id:uuid}/back", operation_id="goBack", status_code=200)
    async def back(
        self, request: Request[Any, Any, Any], state: State, intake_id: FromPath[UUID]
    ) -> IntakeOut:
        """Undo the last answer so that its question is asked again."""
        return _out(await _service(state).back(intake_id, await _actor(request)))

    @put(
        "/{intake_id:uuid}/contact", operation_id="setContact", status_code=204, responses=_LIMITED
    )
    async def contact(
        self,
        request: Request[Any, Any, Any],
        state: State,
        intake_id: FromPath[UUID],
        data: JSONBody[ContactIn],
    ) -> None:
        """Contact details, preferences and with whom to share; each address not confirmed yet
        gets a one-time code."""
        await _service(state).set_contact(
            intake_id,
            await _actor(request),
            channels=data.channels,
            language=data.language,
            email=str(data.email) if data.email else None,
            phone=data.phone,
            quiet_from=data.quiet_from,
            quiet_until=data.quiet_until,
            share_with=data.share_with,
        )

    @post("/{intake_id:uuid}/contact/verify", operation_id="verifyContact", status_code=200)
    async def verify(
        self,
        request: Request[Any, Any, Any],
        state: State,
        intake_id: FromPath[UUID],
        data: JSONBody[CodeIn],
    ) -> ConfirmationOut:
        """Confirm an address with its one-time code; a held intake then goes to the agencies."""
        found = await _service(state).verify(intake_id, await _actor(request), data.code.strip())
        return _confirmation(found)

    @post(
        "/{intake_id:uuid}/contact/resend",
        operation_id="resendContactCode",
        status_code=202,
        responses=_LIMITED,
    )
    async def resend(
        self, request: Request[Any, Any, Any], state: State, intake_id: FromPath[UUID]
    ) -> CodesSentOut:
        """A new one-time code to each address not confirmed yet (rate-limited per address)."""
        sent = await _service(state).resend(intake_id, await _actor(request))
        return CodesSentOut(sent_to=sent)

    @post("/{intake_id:uuid}/take-in", operation_id="takeInIntake", status_code=200)
    async def take_in(
        self, request: Request[Any, Any, Any], state: State, intake_id: FromPath[UUID]
    ) -> ConfirmationOut:
        """A casemanager or supervisor vouches for the citizen: the intake is not held."""
        found = await _service(state).take_in(intake_id, await _actor(request))
        return _confirmation(found)

    @put("/{intake_id:uuid}/citizen", operation_id="setCitizen", status_code=204)
    async def citizen(
        self,
        request: Request[Any, Any, Any],
        state: State,
        intake_id: FromPath[UUID],
        data: JSONBody[CitizenIn],
    ) -> None:
        """Who the citizen is (name, BSN, address) and a representative, if any."""
        await _service(state).set_citizen(
            intake_id,
            await _actor(request),
            name=data.name,
            bsn=data.bsn,
            date_of_birth=data.date_of_birth,
            postcode=data.postcode,
            house_number=data.house_number,
            representative=(
                data.representative.model_dump(mode="json") if data.representative else None
            ),
        )

    @post("/{intake_id:uuid}/submit", operation_id="submitIntake", status_code=200)
    async def submit(
        self, request: Request[Any, Any, Any], state: State, intake_id: FromPath[UUID]
    ) -> IntakeOut:
        """Submit: the case id, triage with reasons, the checklist+ and a status link."""
        return _out(await _service(state).submit(intake_id, await _actor(request)))

    @post("/{intake_id:uuid}/amendments", operation_id="amendIntake", status_code=200)
    async def amend(
        self,
        request: Request[Any, Any, Any],
        state: State,
        intake_id: FromPath[UUID],
        data: JSONBody[AmendIn],
    ) -> IntakeOut:
        """Change answers after submission; triage and checklist+ are computed again and
        `IntakeAmended` is published (nothing when the answers did not change)."""
        changes = [Change(c.step, c.question, c.value) for c in data.changes]
        return _out(await _service(state).amend(intake_id, await _actor(request), changes))
