"""The citizen portal: the voorportaal's own front door (issue 15).

It owns no data: it reads and acts only through the intake, routing and dossier HTTP APIs.
Pages are registered in `portal/routes.py`.
"""

import reflex as rx

from portal import routes
from portal.headers import with_security_headers
from portal.settings import get_settings

# `lang`/`dir` of <html> follow the citizen's choice once the page runs (assets/portal.js copies
# them from the page frame); Dutch, left to right, is what the page says before that.
app = rx.App(
    html_lang="nl",
    html_custom_attrs={"dir": "ltr"},
    stylesheets=["/portal.css", "/status-talk.css"],
    head_components=[rx.script(src="/portal.js")],
    api_transformer=with_security_headers(get_settings()),
)
routes.register(app)
