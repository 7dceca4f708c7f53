"""`/vragen`: the questionnaire, one question a page, straight from the intake (the same flow
as at the desk and on the phone): the question, its help, its field, errors tied to it, back,
skip when it is not required, the progress, and the continue-later link."""

from __future__ import annotations

from typing import Any

import reflex as rx

from portal.flow import FIELD_ID, IntakeFlow
from portal.i18n import content, say, tr
from portal.layout import action_button, error_summary, notice, shell

# Typing note: calls that bind an argument to an event handler carry `type: ignore[operator]`.
# Reflex types `@rx.event` through `EventNamespace.__new__` returning an `EventCallback`, which
# mypy does not follow (it takes the result to be an `EventNamespace`, "not callable").
# State vars used in components are Vars at run time (`.contains`, indexing) but their declared
# Python types to mypy, hence `type: ignore[attr-defined]` / `[index]` there.


def _heading() -> rx.Component:
    return content(
        rx.el.h1,
        IntakeFlow.question["text"],
        id="question-heading",
        tab_index=-1,
        style={"font_size": "1.6rem"},
    )


def _help() -> rx.Component:
    return rx.cond(
        IntakeFlow.question["has_help"],
        content(rx.el.p, IntakeFlow.question["help"], id=f"{FIELD_ID}-help", class_name="hint"),
    )


def _error() -> rx.Component:
    return rx.cond(
        IntakeFlow.has_error,
        rx.el.span(say(IntakeFlow.field_error), id=f"{FIELD_ID}-error", class_name="error-message"),
    )


def _hint(key: str) -> rx.Component:
    return rx.el.span(tr(key), id=f"{FIELD_ID}-hint", class_name="hint")


def _own_words_note() -> rx.Component:
    return rx.cond(
        IntakeFlow.question["id"] == "own_words",
        rx.el.p(tr("own_words_note"), id=f"{FIELD_ID}-privacy", class_name="notice"),
    )


def _described() -> rx.Var[str]:
    return IntakeFlow.described_by


def _choice(kind: str, index_option: Any, index: rx.Var[int]) -> rx.Component:
    value = index_option["value"].to(str)
    ident = rx.cond(index == 0, FIELD_ID, f"{FIELD_ID}-" + value)
    checked = (
        IntakeFlow.value_multi.contains(value)  # type: ignore[attr-defined]  # typing note above
        if kind == "checkbox"
        else IntakeFlow.value_text == value
    )
    change = (
        (lambda _v: IntakeFlow.toggle_option(value))  # type: ignore[operator]  # typing note above
        if kind == "checkbox"
        else (lambda _v: IntakeFlow.set_value_text(value))  # type: ignore[operator]  # typing note above
    )
    return rx.el.li(
        rx.el.label(
            rx.el.input(
                type=kind,
                name="answer",
                value=value,
                id=ident,
                checked=checked,
                on_change=change,
            ),
            content(rx.el.span, index_option["label"], class_name="choice-text"),
            class_name="choice",
        )
    )


def _choices(kind: str) -> rx.Component:
    """Radio buttons (yes/no, single) or checkboxes (multi) in a fieldset, the question as its
    legend."""
    return rx.el.fieldset(
        rx.el.legend(_heading()),
        _help(),
        _hint("multi_hint") if kind == "checkbox" else rx.fragment(),
        _error(),
        rx.el.ul(
            rx.foreach(
                IntakeFlow.question["options"].to(list[dict[str, object]]),
                lambda o, i: _choice(kind, o, i),
            ),
            class_name="choices",
        ),
        aria_describedby=_described(),
        class_name=rx.cond(IntakeFlow.has_error, "field field-error", "field"),
    )


def _input(kind: str, hint: str | None, *, short: bool = False) -> rx.Component:
    """A text, number, date or postcode field, the question as its label."""
    return rx.el.div(
        rx.el.label(_heading(), html_for=FIELD_ID),
        _help(),
        _hint(hint) if hint else rx.fragment(),
        _error(),
        rx.el.input(
            type=kind,
            id=FIELD_ID,
            name="answer",
            key=IntakeFlow.field_key,
            default_value=IntakeFlow.value_text,
            aria_describedby=_described(),
            aria_invalid=rx.cond(IntakeFlow.has_error, "true", "false"),
            auto_complete="off",
            input_mode="decimal" if kind == "text" and hint == "number_hint" else None,
            class_name="input input-short" if short else "input",
        ),
        class_name=rx.cond(IntakeFlow.has_error, "field field-error", "field"),
    )


def _text_area() -> rx.Component:
    return rx.el.div(
        rx.el.label(_heading(), html_for=FIELD_ID),
        _help(),
        _own_words_note(),
        _error(),
        rx.el.textarea(
            id=FIELD_ID,
            name="answer",
            key=IntakeFlow.field_key,
            default_value=IntakeFlow.value_text,
            aria_describedby=_described(),
            aria_invalid=rx.cond(IntakeFlow.has_error, "true", "false"),
            max_length=2000,
            rows=8,
            class_name="textarea",
        ),
        class_name=rx.cond(IntakeFlow.has_error, "field field-error", "field"),
    )


def _field() -> rx.Component:
    return rx.match(
        IntakeFlow.question["type"].to(str),
        ("yes_no", _choices("radio")),
        ("single", _choices("radio")),
        ("multi", _choices("checkbox")),
        ("date", _input("date", "date_hint", short=True)),
        # A text field with a numeric keyboard: `type=number` drops what it cannot parse, so
        # the citizen would get no error for "12,5 euro".
        ("number", _input("text", "number_hint", short=True)),
        # The content's help says what a postcode looks like.
        ("postcode", _input("text", None, short=True)),
        _text_area(),
    )


def _save_later() -> rx.Component:
    return rx.el.section(
        action_button(
            "save_show",
            "save-show",
            IntakeFlow.toggle_save,
            "link-button",
            aria_expanded=rx.cond(IntakeFlow.show_save, "true", "false"),
            aria_controls="save-panel",
        ),
        rx.cond(
            IntakeFlow.show_save,
            rx.el.div(
                rx.el.h2(tr("save_title")),
                rx.el.p(tr("save_intro")),
                rx.el.label(tr("save_link_label"), html_for="save-link", class_name="label"),
                rx.el.input(
                    id="save-link",
                    value=IntakeFlow.save_link,
                    read_only=True,
                    class_name="link-box",
                    dir="ltr",
                ),
                rx.el.div(
                    action_button(
                        "save_copy",
                        "save-copy",
                        IntakeFlow.copy_save_link,
                        "button button-secondary",
                    ),
                    class_name="actions",
                ),
                id="save-panel",
            ),
        ),
        class_name="no-print",
        aria_label=tr("save_title"),
    )


def page() -> rx.Component:
    """One question of the intake."""
    return shell(
        rx.cond(
            IntakeFlow.notice.length() > 0,  # type: ignore[attr-defined]
            notice(say(IntakeFlow.notice), ident="flow-notice"),
        ),
        rx.cond(
            IntakeFlow.question.length() > 0,  # type: ignore[attr-defined]
            rx.fragment(
                rx.el.p(
                    tr("progress"),
                    " ",
                    rx.el.span(IntakeFlow.answered, id="answered"),
                    " · ",
                    tr("about"),
                    " ",
                    content(rx.el.span, IntakeFlow.step_title),
                    class_name="progress",
                    id="progress",
                ),
                error_summary(IntakeFlow.has_error, say(IntakeFlow.field_error), FIELD_ID),
                rx.el.form(
                    _field(),
                    rx.cond(
                        ~IntakeFlow.question["required"].to(bool),
                        rx.el.p(tr("optional"), class_name="hint"),
                    ),
                    rx.el.div(
                        rx.el.button(
                            tr("next"),
                            type="submit",
                            id="next",
                            class_name="button",
                            disabled=IntakeFlow.busy,
                        ),
                        rx.cond(
                            ~IntakeFlow.question["required"].to(bool),
                            action_button(
                                "skip_question",
                                "skip",
                                IntakeFlow.skip_question,
                                "button button-secondary",
                            ),
                        ),
                        action_button("back", "back", IntakeFlow.go_back, "link-button"),
                        class_name="actions",
                    ),
                    on_submit=IntakeFlow.submit_answer,
                    prevent_default=True,
                    no_validate=True,
                    id="question-form",
                    # What a test (or a support tool) needs to know which question is shown.
                    custom_attrs={
                        "data-question": IntakeFlow.question["id"].to(str),
                        "data-type": IntakeFlow.question["type"].to(str),
                        "data-step": IntakeFlow.step,
                        "data-minimum": IntakeFlow.question["minimum"].to(str),
                        "data-maximum": IntakeFlow.question["maximum"].to(str),
                    },
                ),
                _save_later(),
            ),
            rx.cond(~IntakeFlow.loaded, rx.el.p(tr("loading"), role="status")),
        ),
    )
