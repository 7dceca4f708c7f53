"""The frame around every page: skip link, header with menu, language switch and sign-out.

Accessibility basics (WCAG 2.1 AA): a skip link, landmarks (header/nav/main), visible focus
(Radix default plus the outline below), labelled controls, Radix's high-contrast grey text.
"""

from __future__ import annotations

import reflex as rx

from buddy import notices, routes
from buddy.i18n import tr
from buddy.state import SessionState

FOCUS_STYLE = {"_focus_visible": {"outline": "3px solid #1a3a8a", "outline_offset": "2px"}}


def language_switch() -> rx.Component:
    """A button that switches the interface language."""
    return rx.button(
        tr("lang_switch"),
        on_click=SessionState.toggle_language,
        variant="outline",
        aria_label=tr("lang_switch_label"),
        id="lang-switch",
        lang=rx.cond(SessionState.lang == "en", "nl", "en"),
        style=FOCUS_STYLE,
    )


def notice(key: rx.Var[str] | str, *, color: str = "red", role: str = "alert") -> rx.Component:
    """A message block (an ARIA alert by default)."""
    return rx.callout(key, color_scheme=color, role=role, id="notice")


def shell(*content: rx.Component, signed_in: bool = True) -> rx.Component:
    """The page frame; `signed_in` adds the menu and sign-out."""
    menu = rx.el.nav(
        rx.hstack(
            rx.link(tr("queue_title"), href=routes.QUEUE, id="nav-queue", style=FOCUS_STYLE),
            rx.link(tr("find_title"), href=routes.FIND, id="nav-find", style=FOCUS_STYLE),
            rx.link(tr("desk_nav"), href=routes.DESK, id="nav-desk", style=FOCUS_STYLE),
            rx.cond(
                SessionState.is_supervisor,
                rx.link(
                    tr("supervisor_title"),
                    href=routes.SUPERVISOR,
                    id="nav-supervisor",
                    style=FOCUS_STYLE,
                ),
            ),
            notices.bell(),
            spacing="4",
            wrap="wrap",  # on a phone the menu takes two lines, not a sideways scroll
        ),
        aria_label=tr("nav_label"),
    )
    user = rx.hstack(
        rx.text(tr("signed_in_as"), " ", rx.text.strong(SessionState.user_name), size="2"),
        rx.button(
            tr("sign_out"),
            on_click=SessionState.sign_out,
            variant="soft",
            id="sign-out",
            style=FOCUS_STYLE,
        ),
        align="center",
        spacing="3",
    )
    return rx.box(
        rx.el.a(
            tr("skip"),
            href="#main",
            class_name="skip-link",
            style={
                "position": "absolute",
                "left": "-9999px",
                "_focus": {"left": "1em", "top": "1em", "background": "white", "padding": "0.5em"},
            },
        ),
        rx.el.header(
            rx.hstack(
                rx.heading(tr("app_title"), size="5", as_="p"),
                menu if signed_in else rx.fragment(),
                rx.spacer(),
                language_switch(),
                rx.cond(SessionState.user_role != "", user) if signed_in else rx.fragment(),
                align="center",
                spacing="5",
                wrap="wrap",
            ),
            style={"padding": "1em 2em", "border_bottom": "1px solid #c8c8d0"},
        ),
        rx.el.main(
            rx.container(*content, size="4", padding_y="1.5em"),
            id="main",
            tab_index=-1,
        ),
        lang=rx.cond(SessionState.lang == "en", "en", "nl"),
    )
