"""`/praten`, "I want to talk to a person": linked from every page's header.

A placeholder that says honestly that asking for a person does not work here yet and how to
reach one now; `portal-b` builds the real page (issue 15 item 6)."""

from __future__ import annotations

import reflex as rx

from portal.i18n import tr
from portal.layout import shell


def page() -> rx.Component:
    """The placeholder page."""
    return shell(
        rx.el.h1(tr("talk_title")),
        rx.el.p(tr("talk_placeholder"), id="talk-placeholder"),
    )
