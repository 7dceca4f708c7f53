"""Every route of the portal, in one place, and the registration of its pages."""

from __future__ import annotations

from typing import Final

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

    opened = PortalState.page_opened
    app.add_page(home.page, route=HOME, title="Voorportaal", on_load=[opened, HomeState.load])
    app.add_page(
        questions.page,
        route=INTAKE,
        title="Vragen · Voorportaal",
        on_load=[opened, IntakeFlow.load_question],
    )
    app.add_page(
        resume.page,
        route=RESUME,
        title="Verder · Voorportaal",
        on_load=opened,
    )
    app.add_page(
        contact.page,
        route=CONTACT,
        title="Contact · Voorportaal",
        on_load=[opened, ContactState.load_contact],
    )
    app.add_page(
        checklist.page,
        route=CHECKLIST,
        title="Takenlijst · Voorportaal",
        on_load=[opened, ChecklistState.load_checklist],
    )
    app.add_page(
        talk.page,
        route=TALK,
        title="Iemand spreken · Voorportaal",
        on_load=[opened, talk.TalkState.load],
    )
    app.add_page(
        status.page,
        route=STATUS,
        title="Uw zaak · Voorportaal",
        on_load=[opened, status.StatusState.load],
    )
