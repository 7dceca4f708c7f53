"""The console's door to the intake API, for an intake at the desk or on the phone.

A casemanager starts the intake as themselves (`POST /intakes` with their staff token and the
channel `desk` or `phone`: the intake records who, in which role and by which channel) and
walks the same flow a citizen walks in the portal: the next question (`GET /intakes/{id}`),
an answer (`PUT …/answers/{step}/{question}`), back (`POST …/back`), the contact and sharing
choices (`PUT …/contact`), who the citizen is (`PUT …/citizen`) and submit. Every answer is
validated once into the intake's own model (`voorportaal_contracts.api.intake.IntakeOut`).

An answer the intake turns down (400/409/422) raises `Rejected` with the reason per field, in
Dutch and English, so the page shows each next to its field; no connection raises
`api.Unreachable`, 401/403 `api.Refused`, anything else `api.ApiError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from uuid import UUID

import httpx
import structlog
from pydantic import TypeAdapter, ValidationError

from buddy.api import ApiError, Refused, Unreachable
from voorportaal_contracts.api.intake import ConfirmationOut, IntakeOut

log = structlog.get_logger()

INTAKE_PATHS: Final = {
    "start": "/intakes",
    "intake": "/intakes/{intake_id}",
    "answer": "/intakes/{intake_id}/answers/{step}/{question_id}",
    "back": "/intakes/{intake_id}/back",
    "contact": "/intakes/{intake_id}/contact",
    "citizen": "/intakes/{intake_id}/citizen",
    "verify": "/intakes/{intake_id}/contact/verify",
    "submit": "/intakes/{intake_id}/submit",
}
"""Intake endpoints (services/intake entrypoints/http/intakes.py)."""

DESK_CHANNELS: Final = ("desk", "phone")
"""The channels a casemanager takes an intake by."""

_INTAKE: Final = TypeAdapter(IntakeOut)
_CONFIRMATION: Final = TypeAdapter(ConfirmationOut)


@dataclass(frozen=True, slots=True)
class FieldReason:
    """Why the intake turned one field down, in Dutch and English."""

    nl: str
    en: str


@dataclass
class Rejected(Exception):
    """The intake turned the input down: the reasons per field (the field's last path part,
    `body` when it names none), and the problem's own message."""

    status: int
    detail: str
    fields: dict[str, FieldReason] = field(default_factory=dict)
    detail_nl: str = ""
    """The problem's message in Dutch (`detail_nl`), when the intake said it in Dutch too."""

    def __str__(self) -> str:
        return f"intake {self.status}: {', '.join(self.fields) or self.detail}"


def _field_name(raw: str) -> str:
    # Litestar names a body field `value` or `body.email`; the page keys on the last part.
    return raw.rsplit(".", 1)[-1] or "body"


def _rejected(response: httpx.Response) -> Rejected:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    fields: dict[str, FieldReason] = {}
    for error in body.get("errors") or []:
        if not isinstance(error, dict):
            continue
        english = str(error.get("reason") or error.get("message") or "")
        dutch = str(error.get("reason_nl") or english)
        fields[_field_name(str(error.get("field") or "body"))] = FieldReason(dutch, english)
    detail = str(body.get("detail") or body.get("title") or f"HTTP {response.status_code}")
    dutch = str(body.get("detail_nl") or "")
    return Rejected(response.status_code, detail[:500], fields, dutch[:500])


@dataclass(frozen=True, slots=True)
class IntakeClient:
    """Calls to one intake API with one staff member's token."""

    base_url: str
    token: str
    timeout_s: float = 5.0

    async def _call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        try:
            async with httpx.AsyncClient(base_url=self.base_url, timeout=self.timeout_s) as http:
                response = await http.request(
                    method, path, json=body, headers={"Authorization": f"Bearer {self.token}"}
                )
        except httpx.TransportError as exc:
            log.info("api.unreachable", service="intake", path=path, error=type(exc).__name__)
            raise Unreachable("intake", type(exc).__name__) from exc
        status = response.status_code
        if status in (401, 403):
            raise Refused("intake", str(status))
        if status in (400, 404, 409, 422):
            log.info("api.action_refused", service="intake", path=path, status=status)
            raise _rejected(response)
        if status >= 400:
            log.warning("api.error", service="intake", path=path, status=status)
            raise ApiError("intake", str(status))
        if status == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise ApiError("intake", "response is not JSON") from exc

    async def _intake(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        answer = await self._call(method, path, body)
        try:
            return _INTAKE.validate_python(answer)
        except ValidationError as exc:
            fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
            log.warning("api.malformed_answer", service="intake", path=path, fields=fields[:10])
            raise ApiError("intake", "the answer does not match its model") from exc

    async def start(self, life_events: list[str], channel: str) -> IntakeOut:
        """A new intake for the citizen at the desk or on the phone, started as this user."""
        if channel not in DESK_CHANNELS:
            raise ValueError(f"not a desk channel: {channel!r}")
        body = {"life_events": life_events, "channel": channel}
        result: IntakeOut = await self._intake("POST", INTAKE_PATHS["start"], body)
        return result

    async def get(self, intake_id: UUID | str) -> IntakeOut:
        """The intake and the question to ask next."""
        result: IntakeOut = await self._intake(
            "GET", INTAKE_PATHS["intake"].format(intake_id=intake_id)
        )
        return result

    async def answer(
        self, intake_id: UUID | str, step: str, question_id: str, value: Any
    ) -> IntakeOut:
        """Answer one question; the intake with the next one."""
        path = INTAKE_PATHS["answer"].format(
            intake_id=intake_id, step=step, question_id=question_id
        )
        result: IntakeOut = await self._intake("PUT", path, {"value": value})
        return result

    async def back(self, intake_id: UUID | str) -> IntakeOut:
        """Undo the last answer: its question is asked again."""
        result: IntakeOut = await self._intake(
            "POST", INTAKE_PATHS["back"].format(intake_id=intake_id)
        )
        return result

    async def contact(self, intake_id: UUID | str, details: Mapping[str, Any]) -> None:
        """The citizen's contact details, language, channels and with whom to share."""
        await self._call("PUT", INTAKE_PATHS["contact"].format(intake_id=intake_id), details)

    async def verify(self, intake_id: UUID | str, code: str) -> ConfirmationOut:
        """The one-time code the citizen got at the contact step's address, read out at the
        desk: the address is confirmed, so the checklist+ and link are not held for it."""
        path = INTAKE_PATHS["verify"].format(intake_id=intake_id)
        answer = await self._call("POST", path, {"code": code})
        try:
            return _CONFIRMATION.validate_python(answer)
        except ValidationError as exc:
            raise ApiError("intake", "the answer does not match its model") from exc

    async def citizen(self, intake_id: UUID | str, details: Mapping[str, Any]) -> None:
        """Who the citizen is (name, BSN, date of birth, postcode, house number)."""
        await self._call("PUT", INTAKE_PATHS["citizen"].format(intake_id=intake_id), details)

    async def submit(self, intake_id: UUID | str) -> IntakeOut:
        """Submit: the case id, triage and checklist+ (the citizen gets the checklist and link
        by the contact step's address)."""
        result: IntakeOut = await self._intake(
            "POST", INTAKE_PATHS["submit"].format(intake_id=intake_id)
        )
        return result
