"""Sign-in through the government OIDC provider: configurable, not built yet.

`VOORPORTAAL_CONSOLE_AUTH_MODE=oidc` with `..._OIDC_ISSUER` and `..._OIDC_CLIENT_ID` is the
production setting; the authorization-code flow itself is still to be written, so this page
says so plainly instead of pretending.
"""

from __future__ import annotations

import reflex as rx

from buddy import routes
from buddy.i18n import tr
from buddy.layout import notice, shell


def page() -> rx.Component:
    """The OIDC page: not implemented yet."""
    return shell(
        rx.vstack(
            rx.heading(tr("oidc_title"), size="7", as_="h1"),
            notice(tr("oidc_not_implemented"), color="amber", role="status"),
            rx.link(tr("back_to_sign_in"), href=routes.SIGN_IN),
            spacing="4",
        ),
        signed_in=False,
    )
