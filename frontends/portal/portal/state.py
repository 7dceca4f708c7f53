"""The state every page shares: the citizen's language (kept for the browser tab's session).

The language is the only thing kept in the browser (session storage: gone when the tab
closes). Whatever else a page knows lives in server-side state of that page.
"""

from __future__ import annotations

import reflex as rx

from portal.i18n import DEFAULT_LANGUAGE, LANGUAGES, direction, known_language


class PortalState(rx.State):
    """The citizen's chosen language."""

    lang: str = rx.SessionStorage(DEFAULT_LANGUAGE, name="voorportaal_lang")

    @rx.var
    def direction(self) -> str:
        """`rtl` for Arabic, else `ltr`."""
        return direction(known_language(self.lang))

    @rx.event
    def set_language(self, language: str) -> None:
        """Switch the page to `language` (one of the five; anything else is ignored). The
        page frame carries `lang` and `dir`; assets/portal.js copies them to `<html>`."""
        if language in LANGUAGES:
            self.lang = language

    @rx.event
    def page_opened(self) -> None:
        """On every page: take `?lang=xx` from a link (a message in the citizen's language)."""
        asked = self.router.url.query_parameters.get("lang")
        if isinstance(asked, str) and asked in LANGUAGES:
            self.lang = asked
        self.lang = known_language(self.lang)
