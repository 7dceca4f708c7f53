"""The frame around every page: skip link, a header with the name, the language picker and
"I want to talk to a person", and the main landmark.

Accessibility (WCAG 2.1 AA, the NL Design System's patterns): a skip link, landmarks
(header/nav/main), `lang` and `dir` following the chosen language (Arabic right to left; the
layout uses logical CSS properties so it mirrors), touch targets of at least 48 px, a visible
focus ring, text that reflows at 200 % zoom (assets/portal.css).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from portal import routes
from portal.i18n import LANGUAGE_NAMES, LANGUAGES, direction, tr
from portal.state import PortalState

# Typing note: calls that bind an argument to an event handler carry `type: ignore[operator]`.
# Reflex types `@rx.event` through `EventNamespace.__new__` returning an `EventCallback`, which
# mypy does not follow (it takes the result to be an `EventNamespace`, "not callable").
# State vars used in components are Vars at run time (`.contains`, indexing) but their declared
# Python types to mypy, hence `type: ignore[attr-defined]` / `[index]` there.


def language_picker() -> rx.Component:
    """Five buttons, each language named in itself; the current one is marked pressed."""
    return rx.el.div(
        rx.el.span(tr("language_label"), id="lang-label", class_name="lang-label"),
        rx.el.ul(
            *[
                rx.el.li(
                    rx.el.button(
                        LANGUAGE_NAMES[code],
                        lang=code,
                        dir=direction(code),
                        type="button",
                        id=f"lang-{code}",
                        class_name="lang-button",
                        aria_pressed=rx.cond(PortalState.lang == code, "true", "false"),
                        on_click=PortalState.set_language(code),  # type: ignore[operator]  # typing note above
                    )
                )
                for code in LANGUAGES
            ],
            class_name="lang-list",
        ),
        role="group",
        aria_labelledby="lang-label",
        class_name="lang-picker no-print",
    )


def action_button(
    label_key: str, ident: str, on_click: Any, class_name: str, **props: Any
) -> rx.Component:
    """A button that acts by itself (not the form's submit)."""
    return rx.el.button(
        tr(label_key), type="button", id=ident, class_name=class_name, on_click=on_click, **props
    )


def error_summary(show: rx.Var[bool], message: rx.Var[str], field_id: str) -> rx.Component:
    """The GOV.UK error summary: a titled alert naming the problem, a link to its field. The
    page moves focus here when it appears, and `role=alert` has it read out."""
    return rx.cond(
        show,
        rx.el.div(
            rx.el.h2(
                tr("error_summary"), class_name="error-summary-title", id="error-summary-title"
            ),
            rx.el.ul(rx.el.li(rx.el.a(message, href=f"#{field_id}"))),
            role="alert",
            aria_labelledby="error-summary-title",
            tab_index=-1,
            id="error-summary",
            class_name="error-summary",
        ),
    )


def notice(message: rx.Var[str], *, error: bool = False, ident: str = "notice") -> rx.Component:
    """A message block announced to screen readers (`role=status`, or `alert` for an error)."""
    return rx.el.div(
        rx.el.p(message),
        role="alert" if error else "status",
        id=ident,
        class_name="notice notice-error" if error else "notice",
    )


def shell(*content: rx.Component) -> rx.Component:
    """The page frame around `content`."""
    return rx.el.div(
        rx.el.a(tr("skip"), href="#main", class_name="skip-link"),
        rx.el.header(
            rx.el.div(
                rx.el.div(
                    rx.el.a(tr("site_name"), href=routes.HOME, class_name="site-name", id="home"),
                    rx.el.p(tr("site_tagline"), class_name="site-tagline"),
                    class_name="site-brand",
                ),
                rx.el.nav(
                    rx.el.a(
                        tr("talk_link"),
                        href=routes.TALK,
                        id="talk-link",
                        class_name="talk-link no-print",
                    ),
                    language_picker(),
                    aria_label=tr("nav_label"),
                    class_name="site-nav",
                ),
                class_name="site-header-inner",
            ),
            class_name="site-header",
        ),
        rx.el.main(
            *content,
            id="main",
            tab_index=-1,
            class_name="site-main",
        ),
        lang=PortalState.lang,
        dir=PortalState.direction,
        class_name="portal",
    )
