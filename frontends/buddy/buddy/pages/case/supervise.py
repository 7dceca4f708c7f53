"""A supervisor gives a case to a casemanager, and a closed case is opened again.

Reassign (`POST /cases/{id}/reassign`) is a supervisor's: the form is only on a supervisor's
page, the handler checks the role on the server again, and the dossier refuses anyone else. The
casemanagers offered come from the console's accounts, chosen by name; a value that is not one
of them is refused here with the field named, before anything is sent. The dossier tells the
new owner ("a case was assigned to you", its `case_assigned` notice).

Reopen (`POST /cases/{id}/reopen`) is for the owner, the team or a supervisor, on a closed case
that still holds its data; the dossier decides and says why not. Its answer takes no reason
(the dossier's timeline records who reopened and when, and its sentences hold no free text).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from buddy.i18n import tr
from buddy.labels import Words
from buddy.layout import FOCUS_STYLE
from buddy.pages.case import forms
from buddy.pages.case.state import CASE_ROLES, SUPERVISOR, CaseState
from buddy.pages.case.widgets import FIELDSET, action_form, listed_select_field, section
from buddy.state import SessionState, account_store, authorize


class SuperviseState(CaseState):
    """The casemanagers a supervisor can give the case to, and the two actions."""

    casemanagers: list[dict[str, str]] = []
    """Every casemanager of the console's accounts: id, and name with team (supervisors only)."""

    @rx.event
    async def offer_casemanagers(self) -> Any:
        """Fill the reassign form's choices (only for a supervisor)."""
        _session, denial, redirect = await authorize(self, SUPERVISOR, touch=False)
        if redirect is not None:
            return redirect
        if denial is not None:
            self.casemanagers = []
            return None
        self.casemanagers = [
            {"id": a.subject, "label": f"{a.name} ({a.team})"}
            for a in account_store().casemanagers()
        ]
        return None

    @rx.event
    async def reassign(self, form: dict[str, Any]) -> Any:
        """Give the case to the casemanager chosen by name (supervisor)."""
        to = forms.text(form, "to", 64)
        chosen = next((a for a in account_store().casemanagers() if a.subject == to), None)
        if chosen is None:
            self.ok, self.failed, self.failed_detail = "", "action_bad_casemanager", Words()
            return None
        body = {"to_casemanager_id": chosen.subject, "to_casemanager_name": chosen.name}
        return await self._act(SUPERVISOR, "reassign", "ok_reassign", body)

    @rx.event
    async def reopen(self) -> Any:
        """Open a closed case again (owner, team or supervisor; the dossier decides)."""
        return await self._act(CASE_ROLES, "reopen", "ok_reopen")


def _reassign_form() -> rx.Component:
    return rx.box(
        action_form(
            "reassign_title",
            "reassign-form",
            SuperviseState.reassign,
            "act_reassign",
            listed_select_field(
                "reassign_to", "to", "reassign-to", SuperviseState.casemanagers, "label"
            ),
        ),
        on_mount=SuperviseState.offer_casemanagers,
        width="100%",
    )


def _reopen_form() -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(tr("reopen_title"), style={"font_weight": "600"}),
        rx.vstack(
            rx.text(tr("reopen_intro"), size="2"),
            rx.button(
                tr("act_reopen"), on_click=SuperviseState.reopen, id="reopen", style=FOCUS_STYLE
            ),
            spacing="2",
        ),
        id="reopen-form",
        style=FIELDSET,
    )


def supervise() -> rx.Component:
    """Reassign (a supervisor's, any case still open) and reopen (a closed case)."""
    supervisor = SessionState.user_role == "supervisor"
    closed = CaseState.header.closed_at != ""
    return rx.cond(
        supervisor | closed,
        section(
            "supervise_title",
            "section-supervise",
            rx.vstack(
                rx.cond(supervisor & ~closed, _reassign_form()),
                rx.cond(closed, _reopen_form()),
                spacing="3",
                width="100%",
            ),
        ),
    )
