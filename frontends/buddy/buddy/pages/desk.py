"""Intake at the desk and on the phone: a casemanager takes the intake for a citizen.

The same flow the citizen walks in the portal, through the intake API (`buddy.desk_api`), as
the signed-in staff member (the intake records who, in which role, and the channel): the
channel and life events; the questions one at a time with their help text and a way back
(the free-text story, `own_words`, is one of the triage questions); the contact and sharing
choices, with a short script to read to the citizen; who the citizen is; submit. The citizen
gets the same checklist+ and link by the address given in the contact step. Then the console
opens the new case, which fills in as the dossier and routing take the intake in.
"""

from __future__ import annotations

from typing import Any, cast

import reflex as rx
from reflex.vars.object import ObjectVar

from buddy.desk_api import DESK_CHANNELS
from buddy.desk_form import (
    CHANNEL_PREFIX,
    LIFE_EVENT_PREFIX,
    MULTI_PREFIX,
    SHARE_AGENCIES,
    SHARE_PREFIX,
)
from buddy.i18n import say, say_code, tr
from buddy.layout import FOCUS_STYLE, notice, shell
from buddy.pages.desk_state import DeskState as DeskState
from buddy.state import SessionState
from voorportaal_contracts.types import CitizenLanguage, LifeEvent, MessageChannel


def _in_lang(nl: Any, en: Any) -> Any:
    return rx.cond(SessionState.lang == "en", en, nl)


def field_error(name: str) -> rx.Component:
    """The intake's (or the form's) reason next to the field `name`, when there is one."""
    # The class attribute is a Var at runtime; mypy sees the declared dict.
    errors_nl = cast("ObjectVar[dict[str, str]]", DeskState.errors_nl)
    errors_en = cast("ObjectVar[dict[str, str]]", DeskState.errors_en)
    return rx.cond(
        errors_nl.contains(name),
        rx.text(
            _in_lang(errors_nl[name], errors_en[name]),
            color="var(--red-11)",
            size="2",
            id=f"error-{name}",
            role="alert",
        ),
    )


def _labelled(control: rx.Component, label: Any) -> rx.Component:
    return rx.el.label(control, " ", label, style={"display": "block", "padding": "0.2em 0"})


def _box(name: str, label: Any, ident: str, *, checked: bool = False) -> rx.Component:
    return _labelled(
        rx.el.input(type="checkbox", name=name, id=ident, default_checked=checked), label
    )


def _radio(name: str, value: Any, label: Any, ident: Any) -> rx.Component:
    return _labelled(rx.el.input(type="radio", name=name, value=value, id=ident), label)


def _fieldset(legend_key: str, error: str, *controls: rx.Component) -> rx.Component:
    """A group of choices under its legend, with the reason for the field `error` below."""
    return rx.el.fieldset(
        rx.el.legend(tr(legend_key), style={"font_weight": "600"}),
        *controls,
        field_error(error),
    )


def _outline_button(label_key: str, on_click: Any, ident: str, **props: Any) -> rx.Component:
    return rx.button(
        tr(label_key),
        type="button",
        variant="outline",
        on_click=on_click,
        id=ident,
        style=FOCUS_STYLE,
        **props,
    )


def _script(key: str, ident: str) -> rx.Component:
    """What to read to the citizen."""
    return rx.callout(tr(key), color_scheme="blue", id=ident)


def _step_form(content: rx.Component, on_submit: Any, ident: str, **props: Any) -> rx.Component:
    """A step's form, kept as filled in when sent."""
    return rx.form(
        content,
        on_submit=on_submit,
        reset_on_submit=False,
        # The intake's reasons (per field, Dutch and English) instead of the browser's.
        no_validate=True,
        id=ident,
        **props,
    )


def _text_input(name: str, label_key: str, **props: Any) -> rx.Component:
    return rx.vstack(
        rx.el.label(tr(label_key), html_for=f"f-{name}", style={"font_weight": "600"}),
        rx.el.input(
            name=name,
            id=f"f-{name}",
            style={"padding": "0.4em", "border": "1px solid #8a8a95", "min_width": "22em"},
            **props,
        ),
        field_error(name),
        spacing="1",
    )


def _submit(label_key: str, ident: str) -> rx.Component:
    return rx.button(tr(label_key), type="submit", id=ident, style=FOCUS_STYLE)


def start_step() -> rx.Component:
    """The channel and the life events."""
    return _step_form(
        rx.vstack(
            _fieldset(
                "desk_channel",
                "channel",
                *[
                    _radio("channel", c, say_code("channel", c), f"channel-{c}")
                    for c in DESK_CHANNELS
                ],
            ),
            _fieldset(
                "desk_life_events",
                "life_events",
                *[
                    _box(
                        f"{LIFE_EVENT_PREFIX}{e.value}",
                        say_code("life_event", e.value),
                        f"le-{e.value}",
                    )
                    for e in LifeEvent
                ],
            ),
            _submit("desk_start", "desk-start"),
            spacing="4",
        ),
        DeskState.start,
        "desk-start-form",
    )


def _question_input() -> rx.Component:
    plain = {"padding": "0.4em", "border": "1px solid #8a8a95", "min_width": "22em"}
    options = rx.foreach(
        DeskState.q_options,
        lambda o: _radio("value", o["value"], _in_lang(o["nl"], o["en"]), "opt-" + o["value"]),
    )
    boxes = rx.foreach(
        DeskState.q_options,
        lambda o: _labelled(
            rx.el.input(type="checkbox", name=MULTI_PREFIX + o["value"], id="opt-" + o["value"]),
            _in_lang(o["nl"], o["en"]),
        ),
    )
    return rx.match(
        DeskState.q_type,
        (
            "yes_no",
            rx.fragment(
                _radio("value", "yes", tr("desk_yes"), "opt-yes"),
                _radio("value", "no", tr("desk_no"), "opt-no"),
            ),
        ),
        ("single", options),
        ("multi", boxes),
        ("date", rx.el.input(type="date", name="value", id="f-value", style=plain)),
        (
            "number",
            rx.el.input(type="text", input_mode="decimal", name="value", id="f-value", style=plain),
        ),
        (
            "postcode",
            rx.el.input(type="text", name="value", id="f-value", max_length=7, style=plain),
        ),
        rx.el.textarea(name="value", id="f-value", rows=5, style={**plain, "width": "100%"}),
    )


def question_step() -> rx.Component:
    """One question, its help text, its field, and back."""
    return _step_form(
        rx.vstack(
            rx.el.fieldset(
                rx.el.legend(
                    rx.heading(
                        _in_lang(DeskState.q_text_nl, DeskState.q_text_en),
                        size="4",
                        as_="span",
                        id="question-text",
                    ),
                ),
                rx.cond(
                    DeskState.q_help_nl != "",
                    rx.text(
                        _in_lang(DeskState.q_help_nl, DeskState.q_help_en),
                        size="2",
                        color="var(--gray-11)",
                        id="question-help",
                    ),
                ),
                _question_input(),
                field_error("value"),
                style={"border": "none", "padding": "0"},
            ),
            rx.hstack(
                _outline_button(
                    "desk_back", DeskState.back, "desk-back", disabled=DeskState.answered == 0
                ),
                _submit("desk_next", "desk-next"),
                spacing="3",
            ),
            rx.text(tr("desk_answered"), " ", DeskState.answered, size="1", id="desk-answered"),
            spacing="3",
            align="start",
        ),
        DeskState.answer,
        "desk-question-form",
        key=DeskState.q_key,
        # What the question is, for assistive tools and the browser test.
        custom_attrs={
            "data-type": DeskState.q_type,
            "data-question": DeskState.q_id,
            "data-minimum": DeskState.q_minimum,
        },
    )


def contact_step() -> rx.Component:
    """The script to read, the channels and addresses, the language, and with whom to share."""
    return _step_form(
        rx.vstack(
            _script("desk_script_contact", "desk-script"),
            _fieldset(
                "desk_channels",
                "channels",
                *[
                    _box(
                        f"{CHANNEL_PREFIX}{c.value}", say_code("channel", c.value), f"ch-{c.value}"
                    )
                    for c in MessageChannel
                ],
            ),
            _text_input("email", "desk_email", type="email", auto_complete="off"),
            _text_input("phone", "desk_phone", type="tel", auto_complete="off"),
            rx.vstack(
                rx.el.label(
                    tr("desk_language"), html_for="f-language", style={"font_weight": "600"}
                ),
                rx.el.select(
                    *[
                        rx.el.option(say_code("language", lang.value), value=lang.value)
                        for lang in CitizenLanguage
                    ],
                    name="language",
                    id="f-language",
                    default_value="nl",
                ),
                field_error("language"),
                spacing="1",
            ),
            _script("desk_script_share", "desk-script-share"),
            _fieldset(
                "desk_share_with",
                "share_with",
                rx.grid(
                    *[
                        _box(f"{SHARE_PREFIX}{a}", say_code("agency", a), f"sh-{a}")
                        for a in SHARE_AGENCIES
                    ],
                    columns="3",
                    spacing="1",
                ),
            ),
            _submit("desk_next", "desk-contact"),
            spacing="4",
        ),
        DeskState.contact,
        "desk-contact-form",
    )


def code_step() -> rx.Component:
    """The one-time code the citizen got at the address just given, read out to you."""
    return _step_form(
        rx.vstack(
            _script("desk_script_code", "desk-script-code"),
            _text_input("code", "desk_code", auto_complete="one-time-code", input_mode="numeric"),
            rx.hstack(
                _submit("desk_verify", "desk-verify"),
                _outline_button("desk_code_later", DeskState.skip_code, "desk-code-later"),
                spacing="3",
            ),
            spacing="3",
        ),
        DeskState.verify,
        "desk-code-form",
    )


def citizen_step() -> rx.Component:
    """Who the citizen is, then submit."""
    return _step_form(
        rx.vstack(
            rx.text(tr("desk_citizen_intro"), size="2"),
            _text_input("name", "desk_name", auto_complete="off"),
            _text_input("bsn", "desk_bsn", auto_complete="off", input_mode="numeric"),
            _text_input("date_of_birth", "desk_date_of_birth", type="date"),
            _text_input("postcode", "desk_postcode", auto_complete="off", max_length=7),
            _text_input("house_number", "desk_house_number", auto_complete="off"),
            _submit("desk_submit", "desk-submit"),
            spacing="3",
        ),
        DeskState.submit,
        "desk-citizen-form",
    )


def _problem() -> rx.Component:
    return rx.match(
        DeskState.problem,
        ("unreachable", notice(tr("desk_intake_unreachable"))),
        ("refused", notice(tr("refused"))),
        ("error", notice(tr("api_error"))),
        ("detail", notice(say(DeskState.problem_detail))),
        rx.fragment(),
    )


def page() -> rx.Component:
    """The desk intake page."""
    return shell(
        rx.heading(tr("desk_title"), size="6", as_="h1", id="desk-heading"),
        rx.text(
            rx.match(
                DeskState.stage,
                ("question", tr("desk_stage_question")),
                ("contact", tr("desk_stage_contact")),
                ("code", tr("desk_stage_contact")),
                ("citizen", tr("desk_stage_citizen")),
                tr("desk_stage_start"),
            ),
            size="2",
            color="var(--gray-11)",
            id="desk-stage",
        ),
        _problem(),
        rx.box(
            rx.match(
                DeskState.stage,
                ("question", question_step()),
                ("contact", contact_step()),
                ("code", code_step()),
                ("citizen", citizen_step()),
                start_step(),
            ),
            padding_top="1em",
        ),
    )
