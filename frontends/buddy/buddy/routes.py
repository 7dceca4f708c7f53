"""Every route of the console, in one place, and the registration of its pages."""

from __future__ import annotations

from typing import Final

import reflex as rx

HOME: Final = "/"
SIGN_IN: Final = "/inloggen"
OIDC: Final = "/inloggen/oidc"
OIDC_CALLBACK: Final = "/inloggen/oidc/terug"
QUEUE: Final = "/werkvoorraad"
CASE: Final = "/zaak/[case_id]"
SUPERVISOR: Final = "/supervisor"
FIND: Final = "/zoeken"
DESK: Final = "/intake"
NOTICES: Final = "/meldingen"


def case_url(case_id: rx.Var[str]) -> rx.Var[str]:
    """The URL of one case's page, for a case id held in a state var."""
    # mypy knows no `+` between two Vars (Reflex types it on StringVar, Create gives Var).
    return rx.Var.create("/zaak/") + case_id  # type: ignore[operator]


def register(app: rx.App) -> None:
    """Add every page to the app."""
    # Imported here: pages import the route constants above.
    from buddy.pages import case, figure_tables, notices, oidc, queue, sign_in, supervisor

    app.add_page(case.page, route=CASE, title="Zaak · Voorportaal", on_load=case.ON_LOAD)
    app.add_page(sign_in.page, route=SIGN_IN, title="Inloggen · Voorportaal")
    app.add_page(
        oidc.page, route=OIDC, title="Inloggen (OIDC) · Voorportaal", on_load=oidc.OidcState.start
    )
    app.add_page(
        oidc.page,
        route=OIDC_CALLBACK,
        title="Inloggen (OIDC) · Voorportaal",
        on_load=oidc.OidcState.finish,
    )
    app.add_page(
        queue.page, route=QUEUE, title="Werkvoorraad · Voorportaal", on_load=queue.QueueState.load
    )
    app.add_page(
        supervisor.page,
        route=SUPERVISOR,
        title="Supervisor · Voorportaal",
        on_load=[supervisor.SupervisorState.load, figure_tables.FigureTablesState.load],
    )
    from buddy.pages import find

    app.add_page(
        find.page, route=FIND, title="Zaak zoeken · Voorportaal", on_load=find.FindState.load
    )
    from buddy.pages import desk

    app.add_page(desk.page, route=DESK, title="Intake · Voorportaal", on_load=desk.DeskState.load)
    app.add_page(
        notices.page,
        route=NOTICES,
        title="Meldingen · Voorportaal",
        on_load=notices.NoticesPageState.load,
    )
    app.add_page(sign_in.home, route=HOME, title="Voorportaal", on_load=sign_in.SignInState.home)
