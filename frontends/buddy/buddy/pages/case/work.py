"""The work on the case: referrals to agencies, promises and terms, contact moments, and the
citizen's checklist+."""

from __future__ import annotations

from typing import Any, cast

import reflex as rx
from reflex.vars.sequence import ArrayVar

from buddy.i18n import say, tr
from buddy.pages.case import forms
from buddy.pages.case.forms import CHANNELS
from buddy.pages.case.state import CaseState
from buddy.pages.case.widgets import (
    action_form,
    checkbox_field,
    choices,
    input_field,
    overdue,
    row_button,
    section,
    select_field,
    table,
    textarea_field,
)
from buddy.state import SessionState

# Typing note: some calls of event handlers carry `type: ignore[operator]`. Reflex types
# `@rx.event` through `EventNamespace.__new__` returning an `EventCallback`, which mypy does not
# follow (it takes the result to be an `EventNamespace`, "not callable"), so binding an
# argument to a handler, e.g. `CaseState.nudge(r.id)`, cannot be checked by mypy.


def referrals() -> rx.Component:
    """The referrals to agencies, a reminder per open one, and a referral by hand."""
    cols = [
        "col_agency",
        "col_service",
        "col_state",
        "col_due",
        "col_waits_on",
        "col_decline",
        "col_reminders",
        "actions",
    ]
    return section(
        "referrals",
        "referrals",
        table(
            "referrals-table",
            cols,
            CaseState.referrals,
            lambda r: rx.table.row(
                rx.table.row_header_cell(say(r.agency_words)),
                rx.table.cell(say(r.service_words)),
                rx.table.cell(say(r.state_words)),
                rx.table.cell(r.due_at, " ", overdue(r.overdue)),
                rx.table.cell(say(r.waits_on_words)),
                rx.table.cell(say(r.decline_words)),
                rx.table.cell(r.reminders),
                rx.table.cell(
                    rx.cond(
                        r.open,
                        row_button(
                            "act_nudge",
                            CaseState.nudge(r.id),  # type: ignore[operator]  # typing note above
                            variant="outline",
                        ),
                    )
                ),
            ),
        ),
        rx.box(
            action_form(
                "refer_title",
                "refer-form",
                CaseState.refer,
                "act_refer",
                select_field(
                    "service_id",
                    "service_id",
                    "refer-service",
                    [
                        (code, rx.cond(SessionState.lang == "en", name.en, name.nl))
                        for code, name in forms.services()
                    ],
                ),
                input_field("reason_note", "note", "refer-note", required=True, min_length=3),
            ),
            padding_top="0.75em",
        ),
    )


def promises() -> rx.Component:
    """Promises and terms, keeping one, and recording a new one."""
    cols = ["col_who", "col_what", "col_due", "col_state", "actions"]
    return section(
        "promises",
        "section-promises",
        table(
            "promises-table",
            cols,
            CaseState.promises,
            lambda p: rx.table.row(
                rx.table.cell(say(p.made_by_words)),
                rx.table.cell(p.what),
                rx.table.cell(p.due_at, " ", overdue(p.overdue)),
                rx.table.cell(say(p.state_words)),
                rx.table.cell(
                    rx.cond(
                        p.open,
                        row_button(
                            "act_fulfil",
                            CaseState.fulfil(p.id),  # type: ignore[operator]  # typing note above
                            variant="outline",
                        ),
                    )
                ),
                style=rx.cond(p.overdue, {"background": "#fde8e8"}, {}),
            ),
        ),
        rx.box(
            action_form(
                "promise_title",
                "promise-form",
                CaseState.record_promise,
                "act_record",
                select_field(
                    "made_by_kind",
                    "made_by_kind",
                    "promise-kind",
                    [
                        ("agency", tr("kind_agency")),
                        ("casemanager", tr("kind_casemanager")),
                        ("citizen", tr("kind_citizen")),
                    ],
                ),
                select_field(
                    "made_by",
                    "made_by",
                    "promise-by",
                    [("", tr("made_by_none"))]
                    + [
                        (code, rx.cond(SessionState.lang == "en", name.en, name.nl))
                        for code, name in forms.agencies()
                    ],
                ),
                input_field("what", "what", "promise-what", required=True),
                input_field("due_date", "due_date", "promise-due", type="date", required=True),
            ),
            padding_top="0.75em",
        ),
    )


def contacts() -> rx.Component:
    """The contact moments, and recording one."""
    return section(
        "contacts",
        "section-contacts",
        table(
            "contacts-table",
            ["col_when", "channel", "col_who", "summary", "next_steps"],
            CaseState.contacts,
            lambda c: rx.table.row(
                rx.table.cell(c.at),
                rx.table.cell(say(c.channel_words)),
                rx.table.cell(c.by),
                rx.table.cell(
                    c.summary,
                    " ",
                    rx.cond(c.confirmation, rx.badge(tr("confirmation_sent"))),
                ),
                rx.table.cell(c.next_steps),
            ),
        ),
        rx.box(
            action_form(
                "contact_title",
                "contact-form",
                CaseState.record_contact,
                "act_record",
                select_field("channel", "channel", "contact-channel", choices("channel", CHANNELS)),
                textarea_field("summary", "summary", "contact-summary", required=True),
                input_field("next_steps", "next_steps", "contact-next"),
                checkbox_field("send_confirmation", "send_confirmation", "contact-confirm"),
            ),
            padding_top="0.75em",
        ),
    )


def checklist() -> rx.Component:
    """The citizen's checklist+ as the dossier keeps it: what is late, still to do, done
    (and who ticked it off), in words from the label table."""
    cols = ["col_task", "col_agency", "col_due", "col_state", "col_done_by"]
    items = cast("ArrayVar[list[Any]]", CaseState.checklist)
    return section(
        "checklist",
        "section-checklist",
        rx.cond(
            items.length() > 0,
            rx.vstack(
                rx.text(
                    tr("checklist_counts"),
                    " ",
                    rx.el.strong(CaseState.checklist_counts, id="checklist-counts"),
                    size="2",
                ),
                table(
                    "checklist-table",
                    cols,
                    CaseState.checklist,
                    lambda c: rx.table.row(
                        rx.table.row_header_cell(
                            rx.cond(SessionState.lang == "en", c.title_en, c.title)
                        ),
                        rx.table.cell(say(c.agency_words)),
                        rx.table.cell(c.due_on, " ", overdue(c.late)),
                        rx.table.cell(say(c.state_words), class_name=f"checklist-{c.state}"),
                        rx.table.cell(say(c.done_by_words), " ", c.done_at),
                        style=rx.cond(c.late, {"background": "#fde8e8"}, {}),
                    ),
                ),
                width="100%",
            ),
            rx.text(tr("checklist_absent"), size="2"),
        ),
    )
