"""One case, the whole situation at once, and what a casemanager does with it.

Reads: the dossier's case page (`GET /cases/{id}`; each part authorised and audited there, a
part refused to this user is named instead of shown). Actions: each is an event handler that
checks the session and role on the server first, calls the API with the user's own token, and
shows either a confirmation or the API's own problem message.

The page only composes its sections: the shared state is in `state`, the sections in `header`
(who and who owns it, ownership actions), `work` (referrals, promises, contacts, checklist),
`records` (timeline, documents, messages, doorbraak) and `sharing` (grants and mandates, with
a small state of its own), their building blocks in `widgets`, what the forms offer and how
they are read in `forms`.
"""

from __future__ import annotations

import reflex as rx

from buddy.i18n import tr
from buddy.layout import notice, shell
from buddy.pages.case.contact_load import ContactLoadState
from buddy.pages.case.documents import documents
from buddy.pages.case.header import bar, handover_and_close, header, ownership_actions
from buddy.pages.case.records import doorbraak, messages, timeline
from buddy.pages.case.sharing import sharing
from buddy.pages.case.state import CaseState
from buddy.pages.case.supervise import supervise
from buddy.pages.case.widgets import section
from buddy.pages.case.work import checklist, contacts, promises, referrals

__all__ = ["ON_LOAD", "CaseState", "page"]

ON_LOAD = [CaseState.load, ContactLoadState.fetch_load]
"""What the case page runs when it loads, in order: the case, then its contact-load meter."""


def _case() -> rx.Component:
    # What needs the casemanager's hands first, the record of what happened last (the
    # timeline grows longest); the jump bar reaches each section from anywhere.
    return rx.vstack(
        bar(),
        header(),
        section("actions", "actions", ownership_actions()),
        supervise(),
        checklist(),
        referrals(),
        promises(),
        contacts(),
        messages(),
        documents(),
        sharing(),
        doorbraak(),
        section("close_and_handover", "section-close", handover_and_close()),
        timeline(),
        spacing="6",
        width="100%",
    )


def page() -> rx.Component:
    """The case page."""
    return shell(
        rx.cond(
            CaseState.loaded,
            rx.match(
                CaseState.problem,
                ("unreachable", notice(tr("dossier_unreachable"))),
                ("refused", rx.box(notice(tr("refused")), id="case-refused")),
                ("not_found", notice(tr("not_found"))),
                ("error", notice(tr("api_error"))),
                _case(),
            ),
            rx.text(tr("loading")),
        )
    )
