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

from typing import Annotated
from uuid import UUID

from litestar import Controller, Response, get, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, PathParameter

from voorportaal_contracts.api.citizen import ChecklistMarkIn, PersonRequestIn, PersonRequestOut
from voorportaal_contracts.api.intake import (
    ChecklistItemOut,
    CodesSentOut,
    ConfirmationOut,
    IntakeOut,
    IntakeResultOut,
    NextOut,
    OptionOut,
    ProblemOut,
    QuestionOut,
)
from voorportaal_contracts.types import CitizenLanguage
from voorportaal_intake.domain.content import Question
from voorportaal_intake.domain.intake import Change, Citizen, ContactDetails
from voorportaal_intake.entrypoints.http.dependencies import DEPENDENCIES
from voorportaal_intake.entrypoints.http.life_events import local
from voorportaal_intake.entrypoints.http.schemas import (
    AmendIn,
    AnswerIn,
    CitizenIn,
    CodeIn,
    ContactIn,
    StartIntake,
)
from voorportaal_intake.service_layer.amending import Amending
from voorportaal_intake.service_layer.answering import Answering
from voorportaal_intake.service_layer.checklist import Checklist
from voorportaal_intake.service_layer.confirmation import Confirmation, Confirming
from voorportaal_intake.service_layer.contact import PersonalDetails
from voorportaal_intake.service_layer.person import PersonRequests
from voorportaal_intake.service_layer.questionnaire import IntakeState
from voorportaal_intake.service_layer.starting import Starting
from voorportaal_intake.service_layer.status_links import StatusLinks
from voorportaal_intake.service_layer.submitting import Submitting
from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.auth import Principal, can_issue_citizen_links, issue_token
from voorportaal_kit.errors import Unavailable


class CitizenLinksUnavailable(Unavailable):
    """The service has no HS256 key to sign a citizen's link (configuration, not the caller)."""

    code = "citizen_links_unavailable"


def _question(q: Question) -> QuestionOut:
    return QuestionOut(
        id=q.id,
        type=q.type,
        text=local(q.text),
        help=local(q.help) if q.help else None,
        options=[OptionOut(value=o.value, label=local(o.label)) for o in q.options],
        required=q.required,
        minimum=q.minimum,
        maximum=q.maximum,
    )


def _out(
    state: IntakeState, token: str | None = None, links: StatusLinks | None = None
) -> IntakeOut:
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
        status_link=(
            links.for_case(state.case_id) if links and state.status == "submitted" else None
        ),
        awaiting_confirmation=state.awaiting_confirmation,
        language=CitizenLanguage(state.language),
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


class IntakeController(Controller):
    """Intakes: start, answer step by step, go back, contact details, submit, the checklist,
    and asking to talk to a person."""

    path = "/intakes"
    tags = ["intakes"]
    dependencies = DEPENDENCIES

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
        intake = await starting.start(
            data.life_events, data.channel, caller, client=client, language=data.language
        )
        token = None
        if caller is None:
            token = issue_token(
                settings.auth,
                f"intake:{intake.id}",
                ["citizen"],
                case_id=intake.case_id,
                # Long enough to leave and continue later (`citizen_token_days`).
                ttl_seconds=settings.citizen_token_days * 86400,
            )
        return _out(intake, token)

    @get("/{intake_id:uuid}", operation_id="getIntake")
    async def get_intake(
        self,
        answering: Answering,
        status_links: StatusLinks,
        principal: Principal,
        intake_id: FromPath[UUID],
    ) -> IntakeOut:
        """The intake and the next question to ask."""
        return _out(await answering.get(intake_id, principal), links=status_links)

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
        given = ContactDetails(**data.model_dump())
        await personal_details.set_contact(intake_id, principal, given)

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
        representative = data.representative
        given = Citizen(
            **data.model_dump(exclude={"representative"}),
            representative=representative.model_dump(mode="json") if representative else None,
        )
        await personal_details.set_citizen(intake_id, principal, given)

    @post("/{intake_id:uuid}/submit", operation_id="submitIntake", status_code=200)
    async def submit(
        self,
        submitting: Submitting,
        status_links: StatusLinks,
        principal: Principal,
        intake_id: FromPath[UUID],
    ) -> IntakeOut:
        """Submit: the case id, triage with reasons, the checklist+ and a status link."""
        return _out(await submitting.submit(intake_id, principal), links=status_links)

    @post("/{intake_id:uuid}/amendments", operation_id="amendIntake", status_code=200)
    async def amend(
        self,
        amending: Amending,
        status_links: StatusLinks,
        principal: Principal,
        intake_id: FromPath[UUID],
        data: JSONBody[AmendIn],
    ) -> IntakeOut:
        """Change answers after submission; triage and checklist+ are computed again and
        `IntakeAmended` is published (nothing when the answers did not change)."""
        changes = [Change(c.step, c.question, c.value) for c in data.changes]
        return _out(await amending.amend(intake_id, principal, changes), links=status_links)

    @put("/{intake_id:uuid}/checklist/{item_id:str}", operation_id="markChecklistItem")
    async def mark_item(
        self,
        checklist: Checklist,
        principal: Principal,
        intake_id: FromPath[UUID],
        item_id: Annotated[str, PathParameter(max_length=64)],
        data: JSONBody[ChecklistMarkIn],
    ) -> ChecklistItemOut:
        """Tick a checklist item off (or undo it): the citizen's token or staff on the case."""
        item = await checklist.mark(intake_id, principal, item_id, data.done)
        return ChecklistItemOut.model_validate(item)

    @post(
        "/{intake_id:uuid}/person",
        operation_id="requestPerson",
        status_code=201,
        responses={
            200: ResponseSpec(
                PersonRequestOut, description="An open wish existed already: that one."
            ),
            **_LIMITED,
        },
    )
    async def request_person(
        self,
        person_requests: PersonRequests,
        principal: Principal,
        client: str,
        intake_id: FromPath[UUID],
        data: JSONBody[PersonRequestIn],
    ) -> Response[PersonRequestOut]:
        """ "I want to talk to a person" (also before submitting): by when someone calls."""
        found = await person_requests.request(intake_id, principal, data, client=client)
        answer = PersonRequestOut(
            request_id=found.request.id,
            case_id=found.request.case_id,
            answer_by=found.request.answer_by,
            already_requested=found.already_requested,
        )
        return Response(answer, status_code=200 if found.already_requested else 201)
