"""The buddy console: where casemanagers take ownership of complex multi-agency cases.

It owns no data: it reads and acts only through the dossier and routing HTTP APIs
(`buddy/api.py`). Pages are registered in `buddy/routes.py`.
"""

import reflex as rx

from buddy import routes
from buddy.headers import with_security_headers
from buddy.settings import get_settings

# nosniff, a Content-Security-Policy and HSTS (behind https) on every response, page included.
app = rx.App(
    html_lang="nl",
    api_transformer=with_security_headers(get_settings()),
    stylesheets=["/console.css"],
)
routes.register(app)
