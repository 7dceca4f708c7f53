"""The case page's building blocks: labelled controls, an action form, a table of a list held
in state, a section with its heading, and the words of an action's outcome."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import reflex as rx
from reflex.vars.sequence import ArrayVar

from buddy.i18n import say_code, tr
from buddy.layout import FOCUS_STYLE
from buddy.state import SessionState


def action_button(key: str, on_click: Any, ident: str, **props: Any) -> rx.Component:
    """A button with a text key, its id and the page's focus style."""
    return rx.button(tr(key), on_click=on_click, id=ident, style=FOCUS_STYLE, **props)


SELECT_STYLE = {**FOCUS_STYLE, "padding": "0.3em", "border": "1px solid #8b8d98"}
"""How a native select is framed."""


def row_button(key: str, on_click: Any, **props: Any) -> rx.Component:
    """A small button in a table's row, for that row's item."""
    return rx.button(tr(key), on_click=on_click, size="1", style=FOCUS_STYLE, **props)


def field(label: str, name: str, ident: str, control: rx.Component) -> rx.Component:
    """A control with its label above it."""
    return rx.vstack(
        rx.el.label(tr(label), html_for=ident, style={"font_weight": "600"}),
        control,
        spacing="1",
        width="100%",
    )


def input_field(label: str, name: str, ident: str, **props: Any) -> rx.Component:
    """A labelled text input."""
    return field(
        label, name, ident, rx.input(id=ident, name=name, style=FOCUS_STYLE, width="100%", **props)
    )


def textarea_field(label: str, name: str, ident: str, **props: Any) -> rx.Component:
    """A labelled text area."""
    return field(
        label,
        name,
        ident,
        rx.text_area(id=ident, name=name, style=FOCUS_STYLE, width="100%", **props),
    )


def select_field(label: str, name: str, ident: str, options: list[tuple[str, Any]]) -> rx.Component:
    """A native select: keyboard usable and labelled."""
    return field(
        label,
        name,
        ident,
        rx.el.select(
            *[rx.el.option(text, value=value) for value, text in options],
            id=ident,
            name=name,
            style=SELECT_STYLE,
        ),
    )


def listed_select_field(
    label: str, name: str, ident: str, items: Any, text_key: str
) -> rx.Component:
    """A native select of the people a state var lists (dicts with an `id` and a text under
    `text_key`), labelled."""
    return field(
        label,
        name,
        ident,
        rx.el.select(
            rx.foreach(items, lambda c: rx.el.option(c[text_key], value=c["id"])),
            id=ident,
            name=name,
            style=SELECT_STYLE,
        ),
    )


def choices(kind: str, codes: tuple[str, ...]) -> list[tuple[str, Any]]:
    """A select's options: each code as the value, its words from the label table shown."""
    return [(code, say_code(kind, code)) for code in codes]


def checkbox_field(label: str | rx.Var[str], name: str, ident: str) -> rx.Component:
    """A labelled checkbox; `label` is a text key, or the words already chosen."""
    return rx.hstack(
        rx.el.input(type="checkbox", id=ident, name=name, style=FOCUS_STYLE),
        rx.el.label(tr(label) if isinstance(label, str) else label, html_for=ident),
        align="center",
        spacing="2",
    )


FIELDSET = {"border": "1px solid #c8c8d0", "padding": "0.75em", "border_radius": "6px"}
"""How an action's fieldset is framed."""


def action_form(
    title: str,
    ident: str,
    on_submit: Any,
    submit: str,
    *fields: rx.Component,
    reset: bool = True,
    key: Any = None,
) -> rx.Component:
    """An action's form: a titled fieldset of fields and a submit button. `reset=False` keeps
    what was typed (a refused form); a new `key` then draws it empty again."""
    extra = {} if key is None else {"key": key}
    return rx.form(
        rx.el.fieldset(
            rx.el.legend(tr(title), style={"font_weight": "600"}),
            rx.vstack(
                *fields,
                rx.button(tr(submit), type="submit", id=f"{ident}-submit", style=FOCUS_STYLE),
                spacing="2",
                width="100%",
            ),
            style=FIELDSET,
        ),
        on_submit=on_submit,
        reset_on_submit=reset,
        id=ident,
        width="100%",
        **extra,
    )


def item(label: str, value: Any) -> rx.Component:
    """One labelled value of the case's header."""
    return rx.data_list.item(rx.data_list.label(tr(label)), rx.data_list.value(value))


def table(ident: str, cols: list[str], rows: Sequence[Any], row: Any) -> rx.Component:
    """A table of a list held in state, or "nothing yet". `rows` is a state var: mypy sees
    the class attribute's Python type (a list of rows); at runtime it is Reflex's ArrayVar."""
    items = cast("ArrayVar[list[Any]]", rows)
    return rx.cond(
        items.length() > 0,
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(tr(c)) for c in cols])),
            rx.table.body(rx.foreach(items, row)),
            width="100%",
            id=ident,
        ),
        rx.text(tr("empty")),
    )


def section(title: str, ident: str, *content: rx.Component) -> rx.Component:
    """A section of the page with its heading, named for screen readers."""
    return rx.el.section(
        rx.heading(tr(title), size="5", as_="h2"),
        *content,
        id=ident,
        aria_label=tr(title),
        # A jump from the case's sticky bar lands below that bar (assets/console.css).
        style={"width": "100%"},
    )


def overdue(flag: rx.Var[bool]) -> rx.Component:
    """An "overdue" badge when the flag is set."""
    return rx.cond(flag, rx.badge(tr("overdue_yes"), color_scheme="red", class_name="overdue"))


def tr_dynamic(key: rx.Var[str] | str) -> rx.Var[str]:
    """The text for a key held in state (the outcome of an action), in the session language.

    `key` is a state var; mypy sees the class attribute's Python type (`str`), hence the union."""
    from buddy.i18n import EN, NL

    keys = [k for k in NL if k.startswith(("ok_", "action_")) or k == "bad_date"]
    return rx.match(
        key,
        *[(k, rx.cond(SessionState.lang == "en", EN[k], NL[k])) for k in keys],
        key,
    )
