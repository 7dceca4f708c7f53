"""What the case keeps: its timeline, messages to the citizen and doorbraak proposals (its
documents are in `documents`, sharing and mandates in `sharing`)."""

from __future__ import annotations

import reflex as rx

from buddy.i18n import say
from buddy.pages.case.forms import DOORBRAAK_REASONS
from buddy.pages.case.state import CaseState
from buddy.pages.case.widgets import (
    action_form,
    choices,
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


def timeline() -> rx.Component:
    """What happened on the case, in the session language."""
    return section(
        "timeline",
        "section-timeline",
        table(
            "timeline-table",
            ["col_when", "col_what"],
            CaseState.timeline,
            lambda t: rx.table.row(
                rx.table.cell(t.at, white_space="nowrap"),
                rx.table.cell(rx.cond(SessionState.lang == "en", t.en, t.nl)),
            ),
        ),
    )


def messages() -> rx.Component:
    """Messages to the citizen, and leaving one."""
    return section(
        "messages",
        "section-messages",
        table(
            "messages-table",
            ["col_when", "col_type", "message_text", "col_who"],
            CaseState.messages,
            lambda m: rx.table.row(
                rx.table.cell(m.at),
                rx.table.cell(say(m.kind_words)),
                rx.table.cell(m.text),
                rx.table.cell(m.by),
            ),
        ),
        rx.box(
            action_form(
                "message_title",
                "message-form",
                CaseState.message,
                "act_send",
                textarea_field("message_text", "text", "message-text", required=True),
            ),
            padding_top="0.75em",
        ),
    )


def doorbraak() -> rx.Component:
    """Doorbraak proposals, a supervisor's decision, and a casemanager's proposal."""
    return section(
        "doorbraak",
        "section-doorbraak",
        table(
            "doorbraak-table",
            ["reason_code", "doorbraak_note", "col_state", "col_who", "actions"],
            CaseState.doorbraak,
            lambda o: rx.table.row(
                rx.table.cell(say(o.reason_words)),
                rx.table.cell(o.note),
                rx.table.cell(say(o.status_words)),
                rx.table.cell(o.proposed_by, " ", o.decided_by),
                rx.table.cell(
                    rx.cond(
                        (o.status == "proposed") & (SessionState.user_role == "supervisor"),
                        rx.hstack(
                            row_button(
                                "act_approve",
                                CaseState.decide(o.id, "approve"),  # type: ignore[operator]  # typing note above
                                class_name="doorbraak-approve",
                            ),
                            row_button(
                                "act_reject",
                                CaseState.decide(o.id, "reject"),  # type: ignore[operator]  # typing note above
                                variant="outline",
                            ),
                        ),
                    )
                ),
            ),
        ),
        rx.cond(
            SessionState.user_role == "casemanager",
            rx.box(
                action_form(
                    "doorbraak_title",
                    "doorbraak-form",
                    CaseState.propose,
                    "act_propose",
                    select_field(
                        "reason_code",
                        "reason_code",
                        "doorbraak-reason",
                        choices("doorbraak_reason", DOORBRAAK_REASONS),
                    ),
                    textarea_field("doorbraak_note", "note", "doorbraak-note", required=True),
                ),
                padding_top="0.75em",
            ),
        ),
    )
