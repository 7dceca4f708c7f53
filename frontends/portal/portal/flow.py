"""The citizen's intake in this browser tab: which intake, its token, and the question at hand.

The intake token is a bearer credential for the citizen's answers. It lives in this tab's
server-side state (a backend var, never sent to the page) and goes to the intake API only in
the `Authorization` header. The one place the browser sees it is the "continue later" link,
which carries it in the URL **fragment** (`/verder?lang=xx#<intake id>~<token>`): a browser
never sends a fragment to a server, so it never reaches a server log, a proxy, or a `Referer`
header (the portal also sends `Referrer-Policy: no-referrer`). The resume page reads the
fragment in the browser, hands it to the server over the websocket, and wipes it from the
address bar.
The portal itself stores nothing: the link works as long as the intake's token does.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import reflex as rx
import structlog

from portal import routes
from portal.api import ApiProblem, ApiUnavailable, apis
from portal.i18n import LANGUAGES, TEXTS, local_text
from portal.state import PortalState
from voorportaal_contracts.api.intake import AnswerValue, FieldProblemOut, IntakeOut, QuestionOut

log = structlog.get_logger()

FIELD_ID = "answer"
"""The id of the question's field (or first choice), where the error summary links to."""

_FRAGMENT = re.compile(r"^#?(?P<id>[0-9a-fA-F-]{36})~(?P<token>[A-Za-z0-9_.-]{20,4096})$")


def resume_fragment(intake_id: str, token: str) -> str:
    """The fragment of the continue-later link: `<intake id>~<token>`."""
    return f"{intake_id}~{token}"


def parse_resume_fragment(fragment: str) -> tuple[UUID, str] | None:
    """The intake id and token from a continue-later fragment, or None when it is not one."""
    found = _FRAGMENT.fullmatch(fragment.strip())
    if found is None:
        return None
    try:
        return UUID(found["id"]), found["token"]
    except ValueError:
        return None


def portal_text(key: str) -> dict[str, str]:
    """One of the portal's own texts in all five languages (for a message held in state), in
    the shape of `local_text` (each really in its language)."""
    return {**TEXTS[key], **{f"lang_{language}": language for language in LANGUAGES}}


def api_reason(problem: FieldProblemOut) -> dict[str, str]:
    """What the intake said about a field, for the citizen: its Dutch and English reasons as
    given, the portal's own plain sentence in the other languages (the API has no others)."""
    given = {"nl": problem.reason_nl, "en": problem.reason}
    texts = portal_text("error_invalid")
    texts.update(given)
    return texts


def question_view(question: QuestionOut) -> dict[str, Any]:
    """A question as the page shows it: texts in five languages, choices, limits."""
    options = [
        {"value": option.value, "label": local_text(option.label)} for option in question.options
    ]
    if question.type == "yes_no":
        options = [
            {"value": "true", "label": portal_text("yes")},
            {"value": "false", "label": portal_text("no")},
        ]
    return {
        "id": question.id,
        "type": question.type,
        "text": local_text(question.text),
        "help": local_text(question.help),
        "has_help": question.help is not None,
        "options": options,
        "required": question.required,
        "minimum": "" if question.minimum is None else str(question.minimum),
        "maximum": "" if question.maximum is None else str(question.maximum),
    }


def shown_value(value: AnswerValue) -> tuple[str, list[str]]:
    """An earlier answer as the field shows it: (text or choice, chosen options)."""
    if isinstance(value, bool):
        return ("true" if value else "false"), []
    if isinstance(value, list):
        return "", [str(v) for v in value]
    if value is None:
        return "", []
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), []
    return str(value), []


class AnswerError(ValueError):
    """The answer cannot be sent as it is; `key` names the portal's text that says why, with
    `values` for its placeholders."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def texts(self) -> dict[str, str]:
        """The reason in five languages."""
        texts = portal_text(self.key)
        return {k: v.format(**self.values) if k in LANGUAGES else v for k, v in texts.items()}


def _number_text(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def check_range(value: float, minimum: float | None, maximum: float | None) -> None:
    """Raise `AnswerError` when `value` lies outside the question's limits."""
    low = minimum is not None and value < minimum
    high = maximum is not None and value > maximum
    if not (low or high):
        return
    if maximum is None and minimum is not None:
        raise AnswerError("error_minimum", minimum=_number_text(minimum))
    raise AnswerError(
        "error_range",
        minimum=_number_text(minimum if minimum is not None else 0),
        maximum=_number_text(maximum if maximum is not None else 0),
    )


def answer_value(
    kind: str,
    text: str,
    chosen: list[str],
    minimum: float | None = None,
    maximum: float | None = None,
) -> AnswerValue:
    """The field's content as the intake's answer for a question of type `kind`; an empty
    field is None (skipped), which the intake refuses for a required question. A number
    outside the question's limits is refused here, in the citizen's language."""
    text = text.strip()
    if kind == "multi":
        return list(chosen) or None
    if not text:
        return None
    if kind == "yes_no":
        return text == "true"
    if kind == "number":
        normal = text.replace(" ", "").replace(",", ".")
        try:
            number = float(normal)
        except ValueError:
            raise AnswerError("error_number") from None
        check_range(number, minimum, maximum)
        return int(number) if number.is_integer() else number
    return text


class IntakeFlow(PortalState):
    """The intake of this tab and the question it asks now."""

    _intake_id: str = ""
    _token: str = ""
    _earlier: dict[str, AnswerValue] = {}
    """Answers given in this tab, by `step/question`, to show again after "back"."""

    has_intake: bool = False
    status: str = ""
    answered: int = 0
    step: str = ""
    step_title: dict[str, str] = {}
    question: dict[str, Any] = {}
    value_text: str = ""
    value_multi: list[str] = []
    field_error: dict[str, str] = {}
    notice: dict[str, str] = {}
    busy: bool = False
    loaded: bool = False
    show_save: bool = False
    save_link: str = ""
    life_event_titles: dict[str, dict[str, str]] = {}
    chosen_events: list[str] = []

    @rx.var
    def field_key(self) -> str:
        """Changes with each question shown, so its field starts afresh with its own value."""
        return f"{self.step}/{self.question.get('id', '')}/{self.answered}"

    @rx.var
    def has_error(self) -> bool:
        """Whether the field shows an error."""
        return bool(self.field_error)

    @rx.var
    def described_by(self) -> str:
        """The ids that describe the field: its help, its hint and its error (when shown)."""
        ids = []
        if self.question.get("has_help"):
            ids.append(f"{FIELD_ID}-help")
        if self.question.get("type") in ("multi", "date", "number"):
            ids.append(f"{FIELD_ID}-hint")
        if self.question.get("id") == "own_words":
            ids.append(f"{FIELD_ID}-privacy")
        if self.field_error:
            ids.append(f"{FIELD_ID}-error")
        return " ".join(ids)

    # --- starting and resuming ------------------------------------------------------------

    def _hold(self, intake: IntakeOut, token: str) -> None:
        self._intake_id = str(intake.id)
        self._token = token
        self._earlier = {}
        self.has_intake = True
        self.chosen_events = [str(event) for event in intake.life_events]
        self.show_save = False
        self.save_link = ""
        self._show(intake)

    def _show(self, intake: IntakeOut) -> None:
        self.status = intake.status
        self.show_save = False
        self.answered = intake.answered
        self.field_error = {}
        self.notice = {}
        nxt = intake.next
        if nxt is None:
            self.step, self.question, self.step_title = "", {}, {}
            return
        self.step = nxt.step
        self.question = question_view(nxt.question)
        self.step_title = self.life_event_titles.get(nxt.step) or portal_text("step_profile")
        earlier = self._earlier.get(f"{nxt.step}/{nxt.question.id}")
        if earlier is None:
            earlier = intake.answers.get(nxt.step, {}).get(nxt.question.id)
        self.value_text, self.value_multi = shown_value(earlier)

    def credentials(self) -> tuple[UUID, str] | None:
        """This tab's intake id and token, or None when it has none."""
        if not self._intake_id or not self._token:
            return None
        return UUID(self._intake_id), self._token

    async def start(self, life_events: list[str], titles: dict[str, dict[str, str]]) -> Any:
        """Start an intake for `life_events` in the session's language; go to its questions."""
        self.life_event_titles = titles
        intake = await apis().start(life_events, self.lang)
        if intake.token is None:
            raise ApiUnavailable("start: no citizen token in the answer")
        self._hold(intake, intake.token)
        log.info("portal.intake_started", intake_id=self._intake_id, events=len(life_events))
        return rx.redirect(routes.INTAKE)

    @rx.event
    async def resume(self, fragment: str) -> Any:
        """Take up an intake from a continue-later link's fragment, which the resume page read
        in the browser (and wiped from the address bar and the tab's history)."""
        self.notice = {}
        self.loaded = True
        found = parse_resume_fragment(fragment if isinstance(fragment, str) else "")
        if found is None:
            self.notice = portal_text("resume_failed")
            return None
        intake_id, token = found
        try:
            intake = await apis().intake(intake_id, token)
        except ApiProblem:
            self.notice = portal_text("resume_failed")
            return None
        except ApiUnavailable:
            self.notice = portal_text("intake_unreachable")
            return None
        await self._titles()
        self._hold(intake, token)
        log.info("portal.intake_resumed", intake_id=self._intake_id)
        if intake.status == "submitted":
            return rx.redirect(routes.CHECKLIST)
        return rx.redirect(routes.INTAKE if intake.next is not None else routes.CONTACT)

    async def _titles(self) -> None:
        if self.life_event_titles:
            return
        try:
            events = await apis().life_events()
        except (ApiUnavailable, ApiProblem):
            return
        self.life_event_titles = {str(e.code): local_text(e.title) for e in events}

    # --- the questions --------------------------------------------------------------------

    @rx.event
    async def load_question(self) -> Any:
        """On the questions page: fetch the intake and show its next question."""
        held = self.credentials()
        if held is None:
            return rx.redirect(routes.HOME)
        self.loaded = False
        try:
            intake = await apis().intake(*held)
        except (ApiProblem, ApiUnavailable):
            self.notice = portal_text("intake_unreachable")
            self.loaded = True
            return None
        await self._titles()
        self._show(intake)
        self.loaded = True
        if intake.status == "submitted":
            return rx.redirect(routes.CHECKLIST)
        if intake.next is None:
            return rx.redirect(routes.CONTACT)
        return None

    @rx.event
    def set_value_text(self, value: str) -> None:
        """The text, number, date, postcode or single choice in the field."""
        self.value_text = value[:4000]

    @rx.event
    def toggle_option(self, value: str) -> None:
        """Tick or untick one option of a multiple-choice question."""
        if value in self.value_multi:
            self.value_multi = [v for v in self.value_multi if v != value]
        else:
            self.value_multi = [*self.value_multi, value]

    def _fail(self, key_or_texts: str | dict[str, str]) -> Any:
        self.field_error = (
            portal_text(key_or_texts) if isinstance(key_or_texts, str) else key_or_texts
        )
        return rx.set_focus("error-summary")

    async def _send(self, value: AnswerValue) -> Any:
        held = self.credentials()
        if held is None:
            return rx.redirect(routes.HOME)
        step, question_id = self.step, str(self.question.get("id", ""))
        self.busy = True
        try:
            intake = await apis().answer(*held, step, question_id, value)
        except ApiProblem as refused:
            if refused.status == 429:
                return self._fail("too_busy")
            fields = refused.fields
            return self._fail(api_reason(fields[0]) if fields else portal_text("error_invalid"))
        except ApiUnavailable:
            self.notice = portal_text("intake_unreachable")
            return None
        finally:
            self.busy = False
        self._earlier[f"{step}/{question_id}"] = value
        self._show(intake)
        if intake.next is None:
            return rx.redirect(routes.CONTACT)
        return rx.set_focus("question-heading")

    @rx.event
    async def submit_answer(self, form: dict[str, Any] | None = None) -> Any:
        """Send the answer in the field; show the next question or the error, tied to the field.
        A typed answer comes with the form (the field is not bound to the server keystroke by
        keystroke, which loses characters on a slow line); choices are clicked into state."""
        kind = str(self.question.get("type", ""))
        typed = (form or {}).get("answer")
        if kind not in ("multi", "yes_no", "single") and isinstance(typed, str):
            self.value_text = typed[:4000]
        limits = [self.question.get(name) for name in ("minimum", "maximum")]
        minimum, maximum = (float(limit) if limit else None for limit in limits)
        try:
            value = answer_value(kind, self.value_text, self.value_multi, minimum, maximum)
        except AnswerError as wrong:
            return self._fail(wrong.texts())
        if value is None and self.question.get("required"):
            return self._fail("error_required")
        return await self._send(value)

    @rx.event
    async def skip_question(self) -> Any:
        """Go on without answering a question that is not required."""
        if self.question.get("required"):
            return self._fail("error_required")
        return await self._send(None)

    @rx.event
    async def go_back(self) -> Any:
        """The previous question again (its answer undone, shown to change); from the first
        question, back to the choice of life events."""
        held = self.credentials()
        if held is None or self.answered == 0:
            return rx.redirect(routes.HOME)
        try:
            intake = await apis().back(*held)
        except (ApiProblem, ApiUnavailable):
            self.notice = portal_text("intake_unreachable")
            return None
        self._show(intake)
        return rx.set_focus("question-heading")

    @rx.event
    def toggle_save(self) -> None:
        """Show (or hide) the continue-later link."""
        self.show_save = not self.show_save
        if self.show_save and self._intake_id:
            origin = self.router.url.origin or ""
            fragment = resume_fragment(self._intake_id, self._token)
            # The language travels in the query (no secret), the token only in the fragment.
            self.save_link = f"{origin}{routes.RESUME}?lang={self.lang}#{fragment}"

    @rx.event
    def copy_save_link(self) -> Any:
        """Copy the continue-later link to the clipboard."""
        self.notice = portal_text("save_copied")
        return rx.set_clipboard(self.save_link)
