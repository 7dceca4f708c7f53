"""The buddy console: where casemanagers take ownership of complex multi-agency cases.

It owns no data: it reads and acts only through the dossier and routing HTTP APIs
(`buddy/api.py`). Pages are registered in `buddy/routes.py`.
"""

import reflex as rx

from buddy import routes

app = rx.App(html_lang="nl")
routes.register(app)
