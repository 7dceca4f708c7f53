"""`/contact`: how the citizen hears from us, with whom their answers are shared, the one-time
code that confirms the address, and sending the intake.

Plain language (B1): what each choice means is said next to it; each agency is named as people
know it (the directory's name in the citizen's language, Dutch where there is no other).
"""

from __future__ import annotations

from typing import Any

import reflex as rx
import structlog

from portal import routes
from portal.api import ApiProblem, ApiUnavailable, apis
from portal.flow import IntakeFlow, api_reason, portal_text
from portal.i18n import LANGUAGES, say, tr
from portal.layout import action_button, notice, shell

# Typing note: calls that bind an argument to an event handler carry `type: ignore[operator]`.
# Reflex types `@rx.event` through `EventNamespace.__new__` returning an `EventCallback`, which
# mypy does not follow (it takes the result to be an `EventNamespace`, "not callable").
# State vars used in components are Vars at run time (`.contains`, indexing) but their declared
# Python types to mypy, hence `type: ignore[attr-defined]` there.

log = structlog.get_logger()

FIELDS = {"channels": "channel-email", "email": "email", "phone": "phone", "share_with": "share"}
"""The element each field of the intake's `ContactIn` is shown in (where an error links to)."""


def agency_names(
    codes: list[str], directory_names: dict[str, dict[str, str]]
) -> list[dict[str, Any]]:
    """The agencies to choose from, each with its name in five languages (the directory's
    Dutch and English; Dutch, as people know it, for the other languages)."""
    found = []
    for code in codes:
        named = directory_names.get(code)
        if named is None:
            continue
        dutch = named["nl"]
        found.append(
            {
                "code": code,
                "name": {language: named.get(language) or dutch for language in LANGUAGES},
            }
        )
    return found


def involved_agencies(agency_codes: list[list[str]]) -> list[str]:
    """The agencies on the checklists of the chosen life events, in the order met, once each."""
    seen: list[str] = []
    for codes in agency_codes:
        for code in codes:
            if code not in seen:
                seen.append(code)
    return seen


class ContactState(IntakeFlow):
    """The contact step: choices, errors per field, the code, and sending."""

    step: str = "contact"
    """`contact` (choices), `code` (the one-time code), `send` (ready to send)."""
    wants_email: bool = False
    wants_sms: bool = False
    email: str = ""
    phone: str = ""
    agencies: list[dict[str, Any]] = []
    share: list[str] = []
    field_errors: dict[str, dict[str, str]] = {}
    code: str = ""
    confirmed: bool = False
    message: dict[str, str] = {}
    _contact_for: str = ""
    """The intake the choices above belong to (a new intake in this tab starts afresh)."""

    @rx.var
    def error_list(self) -> list[dict[str, Any]]:
        """The error summary's items: each field's message, linked to the field."""
        return [
            {"field": FIELDS.get(name, name), "message": message}
            for name, message in self.field_errors.items()
        ]

    @rx.var
    def email_error(self) -> dict[str, str]:
        """The e-mail field's error (empty when none)."""
        return self.field_errors.get("email", {})

    @rx.var
    def phone_error(self) -> dict[str, str]:
        """The phone field's error (empty when none)."""
        return self.field_errors.get("phone", {})

    @rx.var
    def code_error(self) -> dict[str, str]:
        """The code field's error (empty when none)."""
        return self.field_errors.get("code", {})

    @rx.event
    async def load_contact(self) -> Any:
        """On the contact page: the intake must be complete; fetch the agencies involved."""
        held = self.credentials()
        if held is None:
            return rx.redirect(routes.HOME)
        if self._contact_for != self._intake_id:
            self._contact_for = self._intake_id
            self.step, self.code, self.confirmed = "contact", "", False
            self.wants_email = self.wants_sms = False
            self.email = self.phone = ""
            self.share, self.field_errors, self.message = [], {}, {}
        try:
            intake = await apis().intake(*held)
            if intake.status == "submitted":
                return rx.redirect(routes.CHECKLIST)
            if intake.next is not None:
                return rx.redirect(routes.INTAKE)
            questionnaires = [await apis().questionnaire(str(e)) for e in intake.life_events]
            directory = await apis().directory()
        except (ApiProblem, ApiUnavailable):
            self.message = portal_text("intake_unreachable")
            return None
        codes = involved_agencies([[item.agency for item in q.checklist] for q in questionnaires])
        names = {o.code: {"nl": o.name.nl, "en": o.name.en} for o in directory.organizations}
        self.agencies = agency_names(codes, names)
        self.loaded = True
        return None

    @rx.event
    def toggle_email(self, _checked: Any = None) -> None:
        """Choose (or not) messages by e-mail."""
        self.wants_email = not self.wants_email

    @rx.event
    def toggle_sms(self, _checked: Any = None) -> None:
        """Choose (or not) messages by SMS."""
        self.wants_sms = not self.wants_sms

    @rx.event
    def toggle_share(self, code: str) -> None:
        """Tick or untick one agency that may see the answers."""
        if code in self.share:
            self.share = [c for c in self.share if c != code]
        else:
            self.share = [*self.share, code]

    def _problems(self, problems: dict[str, dict[str, str]]) -> Any:
        self.field_errors = problems
        return rx.set_focus("error-summary")

    @rx.event
    async def save_contact(self, form: dict[str, Any] | None = None) -> Any:
        """Send the choices; with an address, a code goes out and the code step follows.
        Typed addresses come with the form (not bound keystroke by keystroke)."""
        held = self.credentials()
        if held is None:
            return rx.redirect(routes.HOME)
        typed = form or {}
        if isinstance(typed.get("email"), str):
            self.email = typed["email"][:254]
        if isinstance(typed.get("phone"), str):
            self.phone = typed["phone"][:20]
        problems: dict[str, dict[str, str]] = {}
        if self.wants_email and not self.email.strip():
            problems["email"] = portal_text("error_email_missing")
        if self.wants_sms and not self.phone.strip():
            problems["phone"] = portal_text("error_phone_missing")
        if problems:
            return self._problems(problems)
        channels = [
            c for c, wanted in (("email", self.wants_email), ("sms", self.wants_sms)) if wanted
        ]
        if not channels:
            return self._ready_to_send()
        details = {
            "channels": channels,
            "language": self.lang,
            "email": self.email.strip() if self.wants_email else None,
            "phone": self.phone.strip() if self.wants_sms else None,
            "share_with": [code for code in self.share],
        }
        try:
            await apis().contact(*held, details)
        except ApiProblem as refused:
            if refused.status == 429:
                return self._problems({"channels": portal_text("too_busy")})
            return self._problems(
                {
                    (p.field.split(".")[0] if p.field.split(".")[0] in FIELDS else "channels"): (
                        api_reason(p)
                    )
                    for p in refused.fields
                }
                or {"channels": portal_text("error_invalid")}
            )
        except ApiUnavailable:
            self.message = portal_text("intake_unreachable")
            return None
        self.field_errors = {}
        self.step = "code"
        log.info("portal.contact_saved", intake_id=self._intake_id, channels=len(channels))
        return rx.set_focus("code-heading")

    def _ready_to_send(self) -> Any:
        self.field_errors = {}
        self.step = "send"
        return rx.set_focus("send-heading")

    @rx.event
    def no_messages(self) -> Any:
        """Go on without messages: the intake is sent, but held from the agencies."""
        return self._ready_to_send()

    @rx.event
    async def verify(self, form: dict[str, Any] | None = None) -> Any:
        """Check the one-time code (typed, it comes with the form)."""
        held = self.credentials()
        if held is None:
            return rx.redirect(routes.HOME)
        typed = (form or {}).get("code")
        if isinstance(typed, str):
            self.code = typed[:12]
        if not self.code.strip():
            return self._problems({"code": portal_text("error_required")})
        try:
            await apis().verify(*held, self.code.strip())
        except ApiProblem as refused:
            key = "too_busy" if refused.status == 429 else "code_wrong"
            return self._problems({"code": portal_text(key)})
        except ApiUnavailable:
            self.message = portal_text("intake_unreachable")
            return None
        self.field_errors = {}
        self.confirmed = True
        self.message = portal_text("code_ok")
        return self._ready_to_send()

    @rx.event
    async def resend(self) -> None:
        """Ask for a new code."""
        held = self.credentials()
        if held is None:
            return
        try:
            await apis().resend(*held)
        except ApiProblem as refused:
            key = "too_busy" if refused.status == 429 else "intake_unreachable"
            self.message = portal_text(key)
            return
        except ApiUnavailable:
            self.message = portal_text("intake_unreachable")
            return
        self.message = portal_text("code_resent")

    @rx.event
    async def send(self) -> Any:
        """Submit the intake; the checklist follows."""
        held = self.credentials()
        if held is None:
            return rx.redirect(routes.HOME)
        self.busy = True
        try:
            intake = await apis().submit(*held)
        except (ApiProblem, ApiUnavailable):
            self.message = portal_text("intake_unreachable")
            return None
        finally:
            self.busy = False
        self.status = intake.status
        log.info("portal.intake_submitted", intake_id=self._intake_id)
        return rx.redirect(routes.CHECKLIST)

    @rx.event
    async def change_answers(self) -> Any:
        """Back to the questions: the last answer is undone and shown to change."""
        held = self.credentials()
        if held is None:
            return rx.redirect(routes.HOME)
        try:
            await apis().back(*held)
        except (ApiProblem, ApiUnavailable):
            self.message = portal_text("intake_unreachable")
            return None
        return rx.redirect(routes.INTAKE)


def _error_summary() -> rx.Component:
    return rx.cond(
        ContactState.error_list.length() > 0,
        rx.el.div(
            rx.el.h2(tr("error_summary"), id="error-summary-title"),
            rx.el.ul(
                rx.foreach(
                    ContactState.error_list,
                    lambda e: rx.el.li(rx.el.a(say(e["message"]), href="#" + e["field"].to(str))),
                )
            ),
            role="alert",
            aria_labelledby="error-summary-title",
            tab_index=-1,
            id="error-summary",
            class_name="error-summary",
        ),
    )


def _address(
    ident: str, label: str, hint: str | None, value: Any, error: Any, kind: str, autocomplete: str
) -> rx.Component:
    has_error = error.length() > 0
    described = " ".join(filter(None, [f"{ident}-hint" if hint else None]))
    return rx.el.div(
        rx.el.label(tr(label), html_for=ident),
        rx.el.span(tr(hint), id=f"{ident}-hint", class_name="hint") if hint else rx.fragment(),
        rx.cond(
            has_error,
            rx.el.span(say(error), id=f"{ident}-error", class_name="error-message"),
        ),
        rx.el.input(
            id=ident,
            name=ident,
            type=kind,
            default_value=value,
            auto_complete=autocomplete,
            dir="ltr",
            aria_describedby=rx.cond(has_error, f"{described} {ident}-error".strip(), described),
            aria_invalid=rx.cond(has_error, "true", "false"),
            class_name="input",
        ),
        class_name=rx.cond(has_error, "field field-error", "field"),
    )


def _agency(agency: Any) -> rx.Component:
    code = agency["code"].to(str)
    return rx.el.li(
        rx.el.label(
            rx.el.input(
                type="checkbox",
                id="share-" + code,
                checked=ContactState.share.contains(code),  # type: ignore[attr-defined]  # typing note above
                on_change=lambda _v: ContactState.toggle_share(code),  # type: ignore[operator]  # typing note above
            ),
            rx.el.span(say(agency["name"]), class_name="choice-text"),
            class_name="choice",
        )
    )


def _channel(channel: str, wanted: Any, toggle: Any) -> rx.Component:
    """A channel's checkbox (`channel-<channel>`) with its name (`channel_<channel>`)."""
    return rx.el.li(
        rx.el.label(
            rx.el.input(type="checkbox", id=f"channel-{channel}", checked=wanted, on_change=toggle),
            rx.el.span(tr(f"channel_{channel}"), class_name="choice-text"),
            class_name="choice",
        )
    )


def _contact_form() -> rx.Component:
    return rx.el.form(
        rx.el.h1(tr("contact_title"), id="contact-heading", tab_index=-1),
        rx.el.p(tr("contact_intro")),
        _error_summary(),
        rx.el.fieldset(
            rx.el.legend(tr("channels_legend")),
            rx.el.ul(
                _channel("email", ContactState.wants_email, ContactState.toggle_email),
                _channel("sms", ContactState.wants_sms, ContactState.toggle_sms),
                class_name="choices",
            ),
            class_name="field",
        ),
        rx.cond(
            ContactState.wants_email,
            _address(
                "email",
                "email_label",
                None,
                ContactState.email,
                ContactState.email_error,
                "email",
                "email",
            ),
        ),
        rx.cond(
            ContactState.wants_sms,
            _address(
                "phone",
                "phone_label",
                "phone_hint",
                ContactState.phone,
                ContactState.phone_error,
                "tel",
                "tel",
            ),
        ),
        rx.cond(
            ContactState.agencies.length() > 0,  # type: ignore[attr-defined]
            rx.el.fieldset(
                rx.el.legend(tr("share_legend")),
                rx.el.p(tr("share_intro"), id="share-intro", class_name="hint"),
                rx.el.ul(
                    rx.foreach(ContactState.agencies, _agency), class_name="choices", id="share"
                ),
                aria_describedby="share-intro",
                class_name="field",
            ),
        ),
        rx.el.div(
            rx.el.button(tr("contact_save"), type="submit", id="contact-save", class_name="button"),
            class_name="actions",
        ),
        rx.el.p(tr("no_messages_hint"), id="no-messages-hint", class_name="hint"),
        action_button(
            "no_messages",
            "no-messages",
            ContactState.no_messages,
            "button button-secondary",
            aria_describedby="no-messages-hint",
        ),
        on_submit=ContactState.save_contact,
        prevent_default=True,
        no_validate=True,
    )


def _code_form() -> rx.Component:
    has_error = ContactState.code_error.length() > 0
    return rx.el.form(
        rx.el.h1(tr("code_title"), id="code-heading", tab_index=-1),
        rx.el.p(tr("code_intro"), id="code-intro"),
        _error_summary(),
        rx.el.div(
            rx.el.label(tr("code_label"), html_for="code"),
            rx.cond(
                has_error,
                rx.el.span(
                    say(ContactState.code_error), id="code-error", class_name="error-message"
                ),
            ),
            rx.el.input(
                id="code",
                name="code",
                default_value=ContactState.code,
                input_mode="numeric",
                auto_complete="one-time-code",
                dir="ltr",
                aria_describedby=rx.cond(has_error, "code-intro code-error", "code-intro"),
                aria_invalid=rx.cond(has_error, "true", "false"),
                class_name="input input-short",
            ),
            class_name=rx.cond(has_error, "field field-error", "field"),
        ),
        rx.el.div(
            rx.el.button(tr("code_verify"), type="submit", id="code-verify", class_name="button"),
            action_button(
                "code_resend", "code-resend", ContactState.resend, "button button-secondary"
            ),
            class_name="actions",
        ),
        action_button("code_later", "code-later", ContactState.no_messages, "link-button"),
        on_submit=ContactState.verify,
        prevent_default=True,
        no_validate=True,
    )


def _send() -> rx.Component:
    return rx.fragment(
        rx.el.h1(tr("send_title"), id="send-heading", tab_index=-1),
        rx.el.p(tr("send_intro")),
        rx.cond(~ContactState.confirmed, rx.el.p(tr("no_messages_hint"), class_name="notice")),
        rx.el.div(
            action_button(
                "send_button", "send", ContactState.send, "button", disabled=ContactState.busy
            ),
            action_button(
                "change_answers", "change-answers", ContactState.change_answers, "link-button"
            ),
            class_name="actions",
        ),
    )


def page() -> rx.Component:
    """The contact, code and send steps."""
    return shell(
        rx.cond(
            ContactState.message.length() > 0,  # type: ignore[attr-defined]
            notice(say(ContactState.message), ident="contact-notice"),
        ),
        rx.match(
            ContactState.step,
            ("code", _code_form()),
            ("send", _send()),
            _contact_form(),
        ),
    )
