"""Every route of the portal, in one place, and the registration of its pages."""

from __future__ import annotations

from typing import Any, Final

import reflex as rx

HOME: Final = "/"
INTAKE: Final = "/vragen"
RESUME: Final = "/verder"
CONTACT: Final = "/contact"
CHECKLIST: Final = "/takenlijst"
TALK: Final = "/praten"
STATUS: Final = "/l/[token]"
"""The status page behind every message link (`/l/<token>`, the token notify signs)."""


def register(app: rx.App) -> None:
    """Add every page to the app."""
    # Imported here: pages import the route constants above.
    from portal.flow import IntakeFlow
    from portal.pages import checklist, contact, home, questions, resume, status, talk
    from portal.pages.checklist import ChecklistState
    from portal.pages.contact import ContactState
    from portal.pages.home import HomeState
    from portal.state import PortalState

    # page, route, title, and what it loads after the session's `page_opened`
    pages: list[tuple[Any, str, str, Any]] = [
        (home.page, HOME, "Voorportaal", HomeState.load),
        (questions.page, INTAKE, "Vragen · Voorportaal", IntakeFlow.load_question),
        (resume.page, RESUME, "Verder · Voorportaal", None),
        (contact.page, CONTACT, "Contact · Voorportaal", ContactState.load_contact),
        (checklist.page, CHECKLIST, "Takenlijst · Voorportaal", ChecklistState.load_checklist),
        (talk.page, TALK, "Iemand spreken · Voorportaal", talk.TalkState.load),
        (status.page, STATUS, "Uw zaak · Voorportaal", status.StatusState.load),
    ]
    opened = PortalState.page_opened
    for component, route, title, load in pages:
        on_load = opened if load is None else [opened, load]
        app.add_page(component, route=route, title=title, on_load=on_load)
