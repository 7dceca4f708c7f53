"""The buddy console: where casemanagers take ownership of complex cases.

A placeholder page until the console's issue is built; it reads and acts only through the
dossier and routing HTTP APIs (it owns no data).
"""

import reflex as rx


def index() -> rx.Component:
    """The landing page."""
    return rx.container(
        rx.heading("Voorportaal — buddyconsole", size="7"),
        rx.text("De console voor casemanagers komt hier. / The casemanagers' console goes here."),
        padding_y="2em",
    )


app = rx.App()
app.add_page(index, title="Voorportaal buddyconsole")
