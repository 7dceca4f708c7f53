"""The top of the case: who the citizen is and who owns the case, the outcome of the last
action, and the ownership actions (claim, release, handover, close)."""

from __future__ import annotations

import reflex as rx

from buddy.i18n import say, tr
from buddy.layout import FOCUS_STYLE
from buddy.pages.case.contact_load import contact_load_meter
from buddy.pages.case.forms import OUTCOMES
from buddy.pages.case.state import CaseState
from buddy.pages.case.widgets import (
    action_button,
    action_form,
    choices,
    item,
    listed_select_field,
    select_field,
    textarea_field,
    tr_dynamic,
)
from buddy.state import SessionState

# Typing note: some calls of event handlers carry `type: ignore[operator]`. Reflex types
# `@rx.event` through `EventNamespace.__new__` returning an `EventCallback`, which mypy does not
# follow (it takes the result to be an `EventNamespace`, "not callable"), so binding an
# argument to a handler, e.g. `CaseState.nudge(r.id)`, cannot be checked by mypy.


def header() -> rx.Component:
    """The case's header: the citizen, their situation, the owner and the status."""
    h = CaseState.header
    return rx.vstack(
        rx.cond(
            CaseState.refused.length() > 0,  # type: ignore[attr-defined]  # a state var is an ArrayVar
            rx.text(tr("refused_parts"), " ", say(CaseState.refused_words), size="2", id="refused"),
        ),
        rx.data_list.root(
            item("citizen", h.citizen),
            item("household", say(h.household_words)),
            item("representative", say(h.representative_words)),
            item("language", say(h.language_words)),
            item("contact_channels", say(h.channels_words)),
            item("life_events", say(h.life_events_words)),
            item("risks", say(h.risks_words)),
            item("urgency", say(h.urgency_words)),
            item("redzaamheid", say(h.redzaamheid_words)),
            item(
                "triage_reasons",
                rx.cond(SessionState.lang == "en", h.reasons_en, h.reasons_nl),
            ),
            item(
                "owner",
                rx.cond(
                    h.owner_id != "",
                    rx.text(h.owner_name, " (", h.owner_team, ")", id="owner"),
                    rx.text(tr("no_owner"), id="owner"),
                ),
            ),
            item("status", rx.text(say(h.status_words), id="ownership-status")),
            rx.cond(
                h.closed_at != "",
                item("closed_on", rx.text(h.closed_at, id="closed-at")),
            ),
            rx.cond(
                h.pending_to_id != "",
                item(
                    "pending_handover",
                    rx.text(h.pending_to_name, " — ", h.pending_note, id="pending-handover"),
                ),
            ),
            item(
                "notifications",
                rx.text(
                    h.notifications_sent,
                    " / ",
                    h.notifications_failed,
                    " ",
                    tr("notifications_sent_failed"),
                ),
            ),
            item("contact_load", contact_load_meter()),
            # Three label-value pairs a row on a laptop, so the whole summary fits above the
            # fold at 1366x768; one a row on a narrow window.
            grid_template_columns=[
                "auto 1fr",
                "auto 1fr",
                "repeat(2, auto 1fr)",
                "repeat(3, auto 1fr)",
            ],
            column_gap="1.5em",
            row_gap="0.6em",
            size="2",
            id="case-summary",
        ),
        spacing="3",
        width="100%",
    )


JUMPS = (
    ("nav_checklist", "section-checklist"),
    ("nav_referrals", "referrals"),
    ("nav_promises", "section-promises"),
    ("nav_contacts", "section-contacts"),
    ("nav_messages", "section-messages"),
    ("nav_documents", "section-documents"),
    ("nav_sharing", "section-sharing"),
    ("nav_doorbraak", "section-doorbraak"),
    ("nav_close", "section-close"),
    ("nav_timeline", "section-timeline"),
)
"""The jump bar's links: a text key and the id of the section it scrolls to."""


def bar() -> rx.Component:
    """What stays in view while the casemanager scrolls: which case and whose, links to each
    section, and the outcome of the last action (an action far down the page is answered
    here, where it is seen)."""
    h = CaseState.header
    return rx.box(
        rx.hstack(
            rx.heading(
                tr("case_title"), " ", CaseState.case_id, size="6", as_="h1", id="case-heading"
            ),
            rx.text(h.citizen, weight="bold", id="bar-citizen"),
            rx.text(
                rx.cond(h.owner_id != "", h.owner_name, tr("no_owner")),
                " · ",
                say(h.status_words),
                color_scheme="gray",
            ),
            align="baseline",
            spacing="4",
            wrap="wrap",
        ),
        rx.el.nav(
            rx.hstack(
                *[
                    rx.link(tr(key), href=f"#{anchor}", id=f"jump-{anchor}", style=FOCUS_STYLE)
                    for key, anchor in JUMPS
                ],
                spacing="4",
                wrap="wrap",
            ),
            aria_label=tr("case_nav_label"),
        ),
        outcome(),
        id="case-bar",
        style={
            "position": "sticky",
            "top": "0",
            "z_index": "5",
            "background": "var(--color-background)",
            "padding": "0.6em 0",
            "border_bottom": "1px solid #c8c8d0",
            "width": "100%",
            "display": "flex",
            "flex_direction": "column",
            "gap": "0.4em",
        },
    )


def ownership_actions() -> rx.Component:
    """Claim, accept, decline, cancel or release, as the case's status allows."""
    status = CaseState.header.status
    return rx.hstack(
        rx.cond(
            (SessionState.user_role == "casemanager")
            & ((status == "recommended") | (status == "released") | (status == "unowned")),
            action_button("act_claim", CaseState.claim, "claim"),
        ),
        rx.cond(
            CaseState.handover_for_me,
            rx.hstack(
                action_button("act_accept", CaseState.handover_step("accept"), "handover-accept"),  # type: ignore[operator]  # typing note above
                action_button(
                    "act_decline",
                    CaseState.handover_step("decline"),  # type: ignore[operator]  # typing note above
                    "handover-decline",
                    variant="outline",
                ),
            ),
        ),
        rx.cond(
            CaseState.is_owner & (status == "handover_requested"),
            action_button(
                "act_cancel",
                CaseState.handover_step("cancel"),  # type: ignore[operator]  # typing note above
                "handover-cancel",
                variant="outline",
            ),
        ),
        rx.cond(
            CaseState.is_owner & (status == "owned"),
            action_button("act_release", CaseState.release, "release", variant="outline"),
        ),
        spacing="3",
        wrap="wrap",
    )


def outcome() -> rx.Component:
    """The last action's confirmation or failure, announced to screen readers."""
    return rx.box(
        rx.cond(
            CaseState.ok != "",
            rx.callout(
                tr_dynamic(CaseState.ok), color_scheme="green", role="status", id="action-ok"
            ),
        ),
        rx.cond(
            CaseState.failed != "",
            rx.callout.root(
                rx.callout.text(tr_dynamic(CaseState.failed), " ", say(CaseState.failed_detail)),
                color_scheme="red",
                role="alert",
                id="action-failed",
            ),
        ),
        aria_live="polite",
    )


def handover_and_close() -> rx.Component:
    """The handover form (for the owner) and the close form (while open)."""
    return rx.vstack(
        rx.cond(
            CaseState.is_owner & (CaseState.header.status == "owned"),
            action_form(
                "handover_title",
                "handover-form",
                CaseState.handover,
                "act_handover",
                listed_select_field("colleague", "to", "handover-to", CaseState.colleagues, "name"),
                textarea_field("note", "note", "handover-note", required=True),
            ),
        ),
        rx.cond(
            CaseState.header.closed_at == "",
            action_form(
                "close_title",
                "close-form",
                CaseState.close,
                "act_close",
                select_field("outcome", "outcome", "close-outcome", choices("outcome", OUTCOMES)),
            ),
        ),
        spacing="3",
        width="100%",
    )
