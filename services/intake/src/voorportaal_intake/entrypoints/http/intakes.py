"""HTTP: life events, questionnaires and intakes. Translation only: rules live below.

A citizen starts an intake without an account and gets a signed token scoped to the new case
for the next steps; staff (casemanager, supervisor) start one on a citizen's behalf, which
records the channel and who. Every other call needs either that citizen token or a staff role.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import Controller, Request, get, post, put
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath, JSONBody, PathParameter
from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from voorportaal_contracts.types import Channel, LifeEvent, MessageChannel, RepresentativeRelation
from voorportaal_intake.adapters.content_files import load_catalogue, load_life_events
from voorportaal_intake.domain.content import LifeEventContent, Question
from voorportaal_intake.domain.identity import is_valid_bsn, normalise_postcode
from voorportaal_intake.service_layer.intakes import Change, IntakeService, IntakeState
from voorportaal_kit.auth import (
    AuthenticationError,
    Principal,
    can_issue_citizen_links,
    issue_token,
)
from voorportaal_kit.http import NotFound, ServiceError

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


class CitizenLinksUnavailable(ServiceError):
    """The service has no HS256 key to sign a citizen's link (configuration, not the caller)."""

    status_code = 503
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
    )


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

    @post("/", operation_id="startIntake")
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
        intake = await _service(state).start(data.life_events, data.channel, principal)
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

    @put("/{intake_id:uuid}/contact", operation_id="setContact", status_code=204)
    async def contact(
        self,
        request: Request[Any, Any, Any],
        state: State,
        intake_id: FromPath[UUID],
        data: JSONBody[ContactIn],
    ) -> None:
        """Contact details, preferences, a representative, and with whom to share."""
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
