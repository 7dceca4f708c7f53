"""What the case keeps: its timeline, sharing grants, messages to the citizen and doorbraak
proposals (its documents are in `documents`)."""

from __future__ import annotations

import reflex as rx

from buddy.i18n import say, say_code, tr
from buddy.layout import FOCUS_STYLE
from buddy.pages.case.forms import CHANNELS, DOORBRAAK_REASONS, GRANT_SCOPES
from buddy.pages.case.state import CaseState
from buddy.pages.case.widgets import (
    action_form,
    checkbox_field,
    choices,
    input_field,
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


def sharing() -> rx.Component:
    """The sharing grants, and recording one on the citizen's behalf."""
    return section(
        "sharing",
        "section-sharing",
        table(
            "sharing-table",
            ["col_agency", "col_scopes", "col_until", "col_who"],
            CaseState.grants,
            lambda g: rx.table.row(
                rx.table.cell(say(g.holder_words)),
                rx.table.cell(say(g.scopes_words)),
                rx.table.cell(
                    g.valid_until,
                    " ",
                    rx.cond(g.revoked, rx.badge(tr("revoked"), color_scheme="gray")),
                ),
                rx.table.cell(say(g.by_words), " ", say(g.channel_words)),
            ),
        ),
        rx.box(
            action_form(
                "grant_title",
                "grant-form",
                CaseState.grant,
                "act_grant",
                input_field("agency_code", "agency_code", "grant-agency", required=True),
                rx.el.fieldset(
                    rx.el.legend(tr("scopes")),
                    rx.hstack(
                        *[
                            checkbox_field(say_code("scope", scope), scope, ident)
                            for scope, ident in GRANT_SCOPES
                        ],
                        spacing="4",
                        wrap="wrap",
                    ),
                    style={"border": "none", "padding": "0"},
                ),
                input_field(
                    "valid_until", "valid_until", "grant-until", type="date", required=True
                ),
                select_field(
                    "how_citizen_said", "channel", "grant-channel", choices("channel", CHANNELS)
                ),
            ),
            padding_top="0.75em",
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
                            rx.button(
                                tr("act_approve"),
                                on_click=CaseState.decide(o.id, "approve"),  # type: ignore[operator]  # typing note above
                                size="1",
                                class_name="doorbraak-approve",
                                style=FOCUS_STYLE,
                            ),
                            rx.button(
                                tr("act_reject"),
                                on_click=CaseState.decide(o.id, "reject"),  # type: ignore[operator]  # typing note above
                                size="1",
                                variant="outline",
                                style=FOCUS_STYLE,
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
