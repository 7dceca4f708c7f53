"""The desk intake's state: the step shown, the question asked, the reasons a step was refused,
and the calls to the intake API as the signed-in staff member (`buddy.desk_api`). The page
itself is `buddy.pages.desk`."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Final, TypeVar

import reflex as rx
import structlog

from buddy import api
from buddy.desk_api import DESK_CHANNELS, IntakeClient, Rejected
from buddy.desk_form import (
    FormProblem,
    answer_value,
    citizen_body,
    contact_body,
    life_events_of,
)
from buddy.i18n import EN, NL
from buddy.labels import Words
from buddy.settings import get_settings
from buddy.state import authorize
from voorportaal_contracts.api.intake import IntakeOut

log = structlog.get_logger()

DESK_ROLES: Final = ("casemanager", "supervisor")
"""Who takes an intake on a citizen's behalf (the intake checks it again)."""

STAGES: Final = ("start", "question", "contact", "code", "citizen")

_T = TypeVar("_T")


class DeskState(rx.State):
    """One tab's desk intake: which stage, the question to ask, and the reasons per field."""

    stage: str = "start"
    channel: str = "desk"
    intake_id: str = ""
    answered: int = 0
    q_step: str = ""
    q_id: str = ""
    q_type: str = ""
    q_text_nl: str = ""
    q_text_en: str = ""
    q_help_nl: str = ""
    q_help_en: str = ""
    q_options: list[dict[str, str]] = []
    q_minimum: str = ""
    errors_nl: dict[str, str] = {}
    errors_en: dict[str, str] = {}
    problem: str = ""
    """Empty, or why the intake cannot go on: `unreachable`, `refused`, `error`, `detail`."""
    problem_detail: Words = Words()
    """The intake's own message for `detail`, in Dutch and English."""

    @rx.var
    def q_key(self) -> str:
        """A key per question shown, so its form starts empty (React mounts it anew)."""
        return f"{self.q_step}-{self.q_id}-{self.answered}"

    def _clear(self) -> None:
        self.errors_nl, self.errors_en = {}, {}
        self.problem, self.problem_detail = "", Words()

    def _field(self, name: str, key: str) -> None:
        self.errors_nl = {**self.errors_nl, name: NL[key]}
        self.errors_en = {**self.errors_en, name: EN[key]}

    def _rejected(self, exc: Rejected) -> None:
        self.errors_nl = {name: reason.nl for name, reason in exc.fields.items()}
        self.errors_en = {name: reason.en for name, reason in exc.fields.items()}
        if not exc.fields:
            said = Words(nl=exc.detail_nl or exc.detail, en=exc.detail)
            self.problem, self.problem_detail = "detail", said

    def _show(self, intake: IntakeOut) -> None:
        self.intake_id = str(intake.id)
        self.answered = intake.answered
        nxt = intake.next
        if nxt is None:
            self.stage = "contact"
            return
        question = nxt.question
        self.stage = "question"
        self.q_step, self.q_id, self.q_type = nxt.step, question.id, question.type
        self.q_text_nl, self.q_text_en = question.text.nl, question.text.en
        self.q_help_nl = question.help.nl if question.help else ""
        self.q_help_en = question.help.en if question.help else ""
        self.q_minimum = "" if question.minimum is None else f"{question.minimum:g}"
        self.q_options = [
            {"value": o.value, "nl": o.label.nl, "en": o.label.en} for o in question.options
        ]

    async def _send(self, request: Awaitable[_T]) -> tuple[bool, _T | None]:
        """Whether the intake took `request` (and its answer); if not, its reasons are shown."""
        try:
            return True, await request
        except Rejected as exc:
            self._rejected(exc)
        except api.ApiProblem as exc:
            self.problem = exc.problem
        return False, None

    async def _client(self) -> tuple[IntakeClient | None, Any]:
        session, denial, redirect = await authorize(self, DESK_ROLES)
        if redirect is not None:
            return None, redirect
        if denial is not None:
            self.problem = "refused"
            return None, None
        settings = get_settings()
        return IntakeClient(settings.intake_url, session._token(), settings.api_timeout_s), None

    @rx.event
    async def load(self) -> Any:
        """On opening the page: check the session; a new intake starts at the first step."""
        _, denial, redirect = await authorize(self, DESK_ROLES)
        if redirect is not None:
            return redirect
        self._clear()
        self.stage, self.intake_id = "start", ""
        if denial is not None:
            self.problem = "refused"
        return None

    @rx.event
    async def start(self, form: dict[str, Any]) -> Any:
        """Start the intake for the chosen life events by the chosen channel."""
        client, redirect = await self._client()
        if client is None:
            return redirect
        self._clear()
        channel = str(form.get("channel") or "")
        events = life_events_of(form)
        if channel not in DESK_CHANNELS:
            self._field("channel", "desk_err_channel")
        if not events:
            self._field("life_events", "desk_err_life_events")
        if self.errors_nl:
            return None
        self.channel = channel
        ok, intake = await self._send(client.start(events, channel))
        if not ok or intake is None:
            return None
        log.info("console.desk_intake_started", intake_id=str(intake.id), channel=channel)
        self._show(intake)
        return None

    @rx.event
    async def answer(self, form: dict[str, Any]) -> Any:
        """Answer the question shown; the next one follows (or the contact step)."""
        client, redirect = await self._client()
        if client is None:
            return redirect
        self._clear()
        try:
            value = answer_value(self.q_type, form)
        except FormProblem as exc:
            self._field(exc.field, exc.key)
            return None
        ok, intake = await self._send(client.answer(self.intake_id, self.q_step, self.q_id, value))
        if ok and intake is not None:
            self._show(intake)
        return None

    @rx.event
    async def back(self) -> Any:
        """Undo the last answer: its question is asked again."""
        client, redirect = await self._client()
        if client is None:
            return redirect
        self._clear()
        ok, intake = await self._send(client.back(self.intake_id))
        if ok and intake is not None:
            self._show(intake)
        return None

    @rx.event
    async def contact(self, form: dict[str, Any]) -> Any:
        """The citizen's contact and sharing choices; then who the citizen is."""
        client, redirect = await self._client()
        if client is None:
            return redirect
        self._clear()
        body = contact_body(form)
        ok, _ = await self._send(client.contact(self.intake_id, body))
        if not ok:
            return None
        # An address gets a one-time code: nothing else goes to it until it is confirmed.
        self.stage = "code" if ("email" in body or "phone" in body) else "citizen"
        return None

    @rx.event
    async def verify(self, form: dict[str, Any]) -> Any:
        """The code the citizen got, read out: the address is confirmed, so the checklist+
        and link are not held for it; then who the citizen is."""
        client, redirect = await self._client()
        if client is None:
            return redirect
        self._clear()
        code = str(form.get("code") or "").strip()
        if not code:
            self._field("code", "desk_err_code")
            return None
        ok, _ = await self._send(client.verify(self.intake_id, code))
        if not ok:
            # Refused without a field (`detail`): the code is wrong, said next to it.
            if self.problem == "detail":
                self.problem = ""
                self._field("code", "desk_err_code_wrong")
            return None
        self.stage = "citizen"
        return None

    @rx.event
    async def skip_code(self) -> Any:
        """Go on without the code: the citizen confirms it later from the message."""
        _, denial, redirect = await authorize(self, DESK_ROLES)
        if redirect is not None:
            return redirect
        if denial is None:
            self._clear()
            self.stage = "citizen"
        return None

    @rx.event
    async def submit(self, form: dict[str, Any]) -> Any:
        """Who the citizen is, then submit; the console opens the new case."""
        client, redirect = await self._client()
        if client is None:
            return redirect
        self._clear()
        body = citizen_body(form)
        if body:
            ok, _ = await self._send(client.citizen(self.intake_id, body))
            if not ok:
                return None
        ok, intake = await self._send(client.submit(self.intake_id))
        if not ok or intake is None:
            return None
        log.info("console.desk_intake_submitted", intake_id=self.intake_id, case_id=intake.case_id)
        self.stage, self.intake_id = "start", ""
        return rx.redirect(f"/zaak/{intake.case_id}")
