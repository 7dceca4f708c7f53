"""The portal's calls to the intake and routing APIs, typed with the contracts' models.

The portal owns no data: every page reads and acts through these calls. A citizen's intake
token goes only into the `Authorization` header (never into a URL, so never into a server log).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any, Literal
from uuid import UUID

import httpx
import structlog
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from voorportaal_contracts.api.citizen import ChecklistMarkIn
from voorportaal_contracts.api.intake import (
    AnswerValue,
    CodesSentOut,
    ConfirmationOut,
    FieldProblemOut,
    IntakeOut,
    LifeEventOut,
    ProblemOut,
    QuestionnaireOut,
)

log = structlog.get_logger()


class ApiUnavailable(Exception):
    """The API did not answer (down, timeout) or answered something the portal cannot read."""


class ApiProblem(Exception):
    """The API refused the request with a problem (RFC 9457): status, and the fields it named."""

    def __init__(self, problem: ProblemOut) -> None:
        super().__init__(f"{problem.status} {problem.title}")
        self.problem = problem

    @property
    def status(self) -> int:
        """The HTTP status of the refusal."""
        return self.problem.status

    @property
    def fields(self) -> list[FieldProblemOut]:
        """The fields the API named, each with its reason (English and Dutch)."""
        return list(self.problem.errors or [])


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore")


class DirectoryText(_Read):
    """A name or description in the directory (Dutch and English)."""

    nl: str
    en: str


class DirectoryHours(_Read):
    """Opening hours: the same hours on each of the listed days (`mon` … `sun`)."""

    days: list[str]
    opens: time
    closes: time


class DirectoryChannel(_Read):
    """One way to reach a service: its web page, phone number or desk, with opening hours."""

    kind: Literal["web", "phone", "desk"]
    value: str
    hours: list[DirectoryHours] = Field(default_factory=list)


class DirectoryOrganization(_Read):
    """An agency as routing's public directory describes it."""

    code: str
    name: DirectoryText
    web: str


class DirectoryEligibility(_Read):
    """Which needs a service answers."""

    needs: list[str] = Field(default_factory=list)


class DirectoryService(_Read):
    """One service of an agency and how to reach it."""

    id: str
    organization: str
    name: DirectoryText
    contact: list[DirectoryChannel]
    eligibility: DirectoryEligibility = Field(default_factory=DirectoryEligibility)
    service_areas: Literal["national"] | list[str] = "national"

    @property
    def needs(self) -> list[str]:
        """The needs this service answers."""
        return self.eligibility.needs


class PublicDirectory(_Read):
    """The part of routing's `GET /directory` the citizen's checklist shows (the full model is
    routing's own, `voorportaal_routing.domain.directory.Directory`; the portal does not import
    a service, so it reads only what it needs and ignores the rest)."""

    organizations: list[DirectoryOrganization]
    services: list[DirectoryService]


_LIFE_EVENTS = TypeAdapter(list[LifeEventOut])


@dataclass(frozen=True)
class Apis:
    """Where the intake and routing APIs are, and how long to wait for one answer."""

    intake_url: str
    routing_url: str
    timeout_s: float = 10.0

    async def _call(
        self,
        method: str,
        url: str,
        *,
        token: str | None = None,
        body: Any = None,
        operation: str,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            async with httpx.AsyncClient(timeout=self.timeout_s) as http:
                response = await http.request(method, url, headers=headers, json=body)
        except httpx.HTTPError as exc:
            log.warning("portal.api_unreachable", operation=operation, error=type(exc).__name__)
            raise ApiUnavailable(operation) from exc
        if response.status_code >= 400:
            try:
                problem = ProblemOut.model_validate(response.json())
            except (ValueError, ValidationError):
                problem = ProblemOut(
                    type="about:blank", title=response.reason_phrase, status=response.status_code
                )
            log.info("portal.api_refused", operation=operation, status=response.status_code)
            if response.status_code >= 500:
                raise ApiUnavailable(operation)
            raise ApiProblem(problem)
        return response

    def _intake(self, path: str) -> str:
        return f"{self.intake_url.rstrip('/')}{path}"

    async def life_events(self) -> list[LifeEventOut]:
        """The life events the intake covers, with titles and intros."""
        response = await self._call("GET", self._intake("/life-events"), operation="life_events")
        return _LIFE_EVENTS.validate_json(response.content)

    async def questionnaire(self, code: str) -> QuestionnaireOut:
        """One life event's questionnaire and checklist+ as content (public)."""
        response = await self._call(
            "GET", self._intake(f"/life-events/{code}"), operation="questionnaire"
        )
        return QuestionnaireOut.model_validate_json(response.content)

    async def start(self, life_events: list[str], language: str) -> IntakeOut:
        """Start an anonymous intake on the web channel in `language`; the answer holds the
        citizen's token."""
        body = {"life_events": life_events, "channel": "web", "language": language}
        try:
            response = await self._call(
                "POST", self._intake("/intakes"), body=body, operation="start"
            )
        except ApiProblem as refused:
            # An intake from before `StartIntake.language` (issue 15, ck-intake) refuses the
            # unknown field; it then learns the language at the contact step (`ContactIn`).
            if not any(p.field.endswith("language") for p in refused.fields):
                raise
            log.info("portal.start_without_language")
            del body["language"]
            response = await self._call(
                "POST", self._intake("/intakes"), body=body, operation="start"
            )
        return IntakeOut.model_validate_json(response.content)

    async def intake(self, intake_id: UUID, token: str) -> IntakeOut:
        """The intake and its next question."""
        response = await self._call(
            "GET", self._intake(f"/intakes/{intake_id}"), token=token, operation="get"
        )
        return IntakeOut.model_validate_json(response.content)

    async def answer(
        self, intake_id: UUID, token: str, step: str, question: str, value: AnswerValue
    ) -> IntakeOut:
        """Answer (or change) one question; the intake with its next question."""
        response = await self._call(
            "PUT",
            self._intake(f"/intakes/{intake_id}/answers/{step}/{question}"),
            token=token,
            body={"value": value},
            operation="answer",
        )
        return IntakeOut.model_validate_json(response.content)

    async def back(self, intake_id: UUID, token: str) -> IntakeOut:
        """Undo the last answer, so its question is asked again."""
        response = await self._call(
            "POST", self._intake(f"/intakes/{intake_id}/back"), token=token, operation="back"
        )
        return IntakeOut.model_validate_json(response.content)

    async def contact(self, intake_id: UUID, token: str, details: dict[str, Any]) -> None:
        """Contact details, preferences and with whom to share (`ContactIn`)."""
        await self._call(
            "PUT",
            self._intake(f"/intakes/{intake_id}/contact"),
            token=token,
            body=details,
            operation="contact",
        )

    async def verify(self, intake_id: UUID, token: str, code: str) -> ConfirmationOut:
        """Confirm an address with its one-time code."""
        response = await self._call(
            "POST",
            self._intake(f"/intakes/{intake_id}/contact/verify"),
            token=token,
            body={"code": code},
            operation="verify",
        )
        return ConfirmationOut.model_validate_json(response.content)

    async def resend(self, intake_id: UUID, token: str) -> CodesSentOut:
        """A new one-time code to each address not confirmed yet."""
        response = await self._call(
            "POST",
            self._intake(f"/intakes/{intake_id}/contact/resend"),
            token=token,
            operation="resend",
        )
        return CodesSentOut.model_validate_json(response.content)

    async def submit(self, intake_id: UUID, token: str) -> IntakeOut:
        """Submit: triage and the checklist+."""
        response = await self._call(
            "POST", self._intake(f"/intakes/{intake_id}/submit"), token=token, operation="submit"
        )
        return IntakeOut.model_validate_json(response.content)

    async def mark(self, intake_id: UUID, token: str, item_id: str, done: bool) -> None:
        """Tick a checklist item off (or undo that): `PUT /intakes/{id}/checklist/{item}`."""
        await self._call(
            "PUT",
            self._intake(f"/intakes/{intake_id}/checklist/{item_id}"),
            token=token,
            body=ChecklistMarkIn(done=done).model_dump(),
            operation="mark",
        )

    async def directory(self) -> PublicDirectory:
        """Routing's public directory: agencies and how to reach their services."""
        response = await self._call(
            "GET", f"{self.routing_url.rstrip('/')}/directory", operation="directory"
        )
        return PublicDirectory.model_validate_json(response.content)


def apis() -> Apis:
    """The APIs as the settings name them."""
    from portal.settings import get_settings

    settings = get_settings()
    return Apis(settings.intake_url, settings.routing_url, settings.api_timeout_s)
