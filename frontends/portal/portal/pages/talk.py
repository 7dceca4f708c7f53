""" "I want to talk to a person" (`/praten`), linked from every page's header.

The citizen picks a channel (phone, video, desk, chat) and a time of day, in plain words. The
wish is attached to what this tab has: a status page opened from a message link goes to the
dossier (`POST /citizen/cases/{id}/person?link=…`), an intake in progress to the intake
(`POST /intakes/{id}/person` with the intake's token). Both answer `PersonRequestOut`; the page
then says what happens next and by when (`answer_by`, written out in the citizen's language).
With neither (nothing to attach the wish to) the page says how to reach a person now and offers
to start.
"""

from __future__ import annotations

from typing import Any, Final, get_args

import reflex as rx
import structlog

from portal import routes
from portal.citizen_api import LinkRefused, Rejected, Unreachable
from portal.flow import IntakeFlow
from portal.i18n import LANGUAGES, say
from portal.layout import shell
from portal.pages.status import StatusState, citizen_api, help_phone
from portal.state import PortalState
from portal.status_view import tel
from portal.status_words import (
    clock_time,
    local_day,
    long_date,
    say_word,
    word,
)
from voorportaal_contracts.api.citizen import PersonRequestIn, PersonRequestOut
from voorportaal_contracts.events.checklist import PreferredTime

log = structlog.get_logger()

# Typing note (as in portal/layout.py): binding arguments to an event handler carries
# `type: ignore[operator]`.

CHANNELS: Final = ("phone", "video", "desk", "chat")
TIMES: Final[tuple[str, ...]] = get_args(PreferredTime)


def confirmation(answer: PersonRequestOut, channel: str, time: str, language: str) -> str:
    """What happens next and by when, in `language`."""
    by = word(
        "talk.answer_by",
        language,
        date=long_date(local_day(answer.answer_by), language),
        time=clock_time(answer.answer_by),
    )
    how = word(
        "talk.how",
        language,
        channel=word(f"talk.channel.{channel}", language),
        time=word(f"talk.time.{time}", language).lower(),
    )
    return f"{by} {how}"


class TalkState(PortalState):
    """The wish to talk to a person, in this tab."""

    phase: str = "choose"
    """`choose` (the form), `sent` (what happens next), `none` (nothing to attach it to)."""
    channel: str = ""
    time: str = "as_soon_as_possible"
    channel_error: bool = False
    failed: bool = False
    answer_by: dict[str, str] = {}
    """What happens next and by when, in every language (the picker may change after)."""
    already: bool = False
    via: str = ""
    """`case` (from a status page) or `intake` (during the questionnaire)."""
    back_href: str = routes.HOME

    async def _context(self) -> tuple[str, str, str]:
        """What this tab can attach the wish to: ("case", case id, link) from a status page,
        ("intake", intake id, token) during an intake, or ("", "", "")."""
        status = await self.get_state(StatusState)
        case_id, link = status.context()
        if case_id:
            self.back_href = status.path or routes.HOME
            return "case", case_id, link
        intake = await self.get_state(IntakeFlow)
        if intake.has_intake and intake._intake_id and intake._token:
            self.back_href = routes.INTAKE
            return "intake", intake._intake_id, intake._token
        self.back_href = routes.HOME
        return "", "", ""

    @rx.event
    async def load(self) -> None:
        """Show the form when there is a case or an intake to attach the wish to."""
        self.via = (await self._context())[0]
        self.channel, self.time = "", "as_soon_as_possible"
        self.channel_error = self.failed = self.already = False
        self.phase = "choose" if self.via else "none"

    @rx.event
    def choose_channel(self, channel: str) -> None:
        """The citizen picked how to talk."""
        if channel in CHANNELS:
            self.channel, self.channel_error = channel, False

    @rx.event
    def choose_time(self, time: str) -> None:
        """The citizen picked when."""
        if time in TIMES:
            self.time = time

    @rx.event
    async def send(self, _form: dict[str, object]) -> None:
        """Record the wish with the case's or the intake's service, then say what follows (the
        choices are in state already; the form's own data is not read)."""
        self.failed = False
        self.channel_error = self.channel not in CHANNELS
        if self.channel_error:
            return
        kind, ident, secret = await self._context()
        wish = PersonRequestIn.model_validate(
            {"channel": self.channel, "preferred_time": self.time, "language": self.lang}
        )
        api = citizen_api()
        try:
            if kind == "case":
                answer = await api.person_on_case(ident, secret, wish)
            elif kind == "intake":
                answer = await api.person_in_intake(ident, secret, wish)
            else:
                self.phase = "none"
                return
        except (LinkRefused, Unreachable, Rejected) as exc:
            log.warning("portal.person_request_failed", via=kind, error=type(exc).__name__)
            self.failed = True
            return
        self.answer_by = {
            lang: confirmation(answer, self.channel, self.time, lang) for lang in LANGUAGES
        }
        self.already = answer.already_requested
        self.phase = "sent"


# --------------------------------------------------------------------------------- the page


def _radio(group: str, value: str, chosen: Any, pick: Any) -> rx.Component:
    ident = f"{group}-{value}"
    return rx.el.li(
        rx.el.label(
            rx.el.input(
                type="radio",
                name=group,
                value=value,
                id=ident,
                checked=chosen == value,
                on_change=lambda _v: pick(value),
            ),
            rx.el.span(say_word(f"talk.{group}.{value}"), class_name="choice-text"),
            class_name="choice",
        )
    )


def _form() -> rx.Component:
    return rx.el.form(
        rx.cond(
            TalkState.channel_error,
            rx.el.div(
                rx.el.h2(say_word("talk.error_summary"), class_name="error-summary-title"),
                rx.el.ul(
                    rx.el.li(rx.el.a(say_word("talk.channel_missing"), href="#channel-phone"))
                ),
                role="alert",
                tab_index=-1,
                id="error-summary",
                class_name="error-summary",
            ),
        ),
        rx.el.fieldset(
            rx.el.legend(say_word("talk.channel")),
            rx.cond(
                TalkState.channel_error,
                rx.el.span(
                    say_word("talk.channel_missing"), id="channel-error", class_name="error-message"
                ),
            ),
            rx.el.ul(
                *[
                    _radio("channel", c, TalkState.channel, TalkState.choose_channel)
                    for c in CHANNELS
                ],
                class_name="choices",
            ),
            aria_describedby=rx.cond(TalkState.channel_error, "channel-error", ""),
            class_name=rx.cond(TalkState.channel_error, "field field-error", "field"),
            id="channel",
        ),
        rx.el.fieldset(
            rx.el.legend(say_word("talk.time")),
            rx.el.span(say_word("talk.time_note"), id="time-note", class_name="hint"),
            rx.el.ul(
                *[_radio("time", t, TalkState.time, TalkState.choose_time) for t in TIMES],
                class_name="choices",
            ),
            aria_describedby="time-note",
            class_name="field",
            id="time",
        ),
        rx.cond(
            TalkState.failed,
            rx.el.p(
                say_word("talk.failed", phone=help_phone()),
                role="alert",
                class_name="error-message",
                id="talk-failed",
            ),
        ),
        rx.el.div(
            rx.el.button(say_word("talk.send"), type="submit", id="talk-send", class_name="button"),
            class_name="actions",
        ),
        on_submit=TalkState.send,
        prevent_default=True,
        id="talk-form",
    )


def _sent() -> rx.Component:
    phone = help_phone()
    return rx.el.section(
        rx.el.h2(say_word("talk.done_title"), id="talk-done"),
        rx.el.p(say(TalkState.answer_by), id="talk-answer-by", role="status", class_name="lead"),
        rx.cond(TalkState.already, rx.el.p(say_word("talk.already"), id="talk-already")),
        rx.el.p(rx.el.a(say_word("talk.meanwhile", phone=phone), href=tel(phone))),
        rx.el.p(
            rx.el.a(
                rx.cond(
                    TalkState.via == "case",
                    say_word("talk.back_to_status"),
                    say_word("talk.back_to_intake"),
                ),
                href=TalkState.back_href,
                id="talk-back",
            )
        ),
        class_name="vp-section",
    )


def _none() -> rx.Component:
    phone = help_phone()
    return rx.el.section(
        rx.el.h2(say_word("talk.now_title"), id="talk-now"),
        rx.el.p(rx.el.a(say_word("talk.now_phone", phone=phone), href=tel(phone), id="talk-call")),
        rx.el.p(say_word("talk.now_desk")),
        rx.el.p(say_word("talk.now_start")),
        rx.el.div(
            rx.el.a(say_word("talk.start"), href=routes.HOME, id="talk-start", class_name="button"),
            class_name="actions",
        ),
        class_name="vp-section",
    )


def page() -> rx.Component:
    """The page: the form, what happens next, or how to reach a person now."""
    return shell(
        rx.el.h1(say_word("talk.title"), id="talk-heading"),
        rx.match(
            TalkState.phase,
            ("sent", _sent()),
            ("none", _none()),
            rx.fragment(rx.el.p(say_word("talk.intro"), class_name="lead"), _form()),
        ),
    )
