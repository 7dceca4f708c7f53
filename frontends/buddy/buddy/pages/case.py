"""One case, the whole situation at once, and what a casemanager does with it.

Reads: the dossier's case page (`GET /cases/{id}`; each part authorised and audited there, a
part refused to this user is named instead of shown). Actions: each is an event handler that
checks the session and role on the server first, calls the API with the user's own token, and
shows either a confirmation or the API's own problem message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any, cast
from zoneinfo import ZoneInfo

import reflex as rx
from reflex.vars.sequence import ArrayVar

from buddy import api
from buddy.i18n import say, say_code, tr
from buddy.labels import Words
from buddy.layout import FOCUS_STYLE, notice, shell
from buddy.rows import (
    CaseHeader,
    CaseView,
    ChecklistRow,
    ContactRow,
    DocumentRow,
    DoorbraakRow,
    GrantRow,
    MessageRow,
    PromiseRow,
    ReferralRow,
    TimelineRow,
)
from buddy.settings import get_settings
from buddy.state import SessionState, account_store, authorize, endpoints

# Typing note: some calls of event handlers carry `type: ignore[operator]`. Reflex types
# `@rx.event` through `EventNamespace.__new__` returning an `EventCallback`, which mypy does not
# follow (it takes the result to be an `EventNamespace`, "not callable"), so binding an
# argument to a handler, e.g. `CaseState.nudge(r.id)`, cannot be checked by mypy.


CASE_ROLES = ("casemanager", "supervisor")
CASEMANAGER = ("casemanager",)
SUPERVISOR = ("supervisor",)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CHANNELS = ("phone", "desk", "home_visit", "email", "chat", "video", "web")
OUTCOMES = ("completed", "no_longer_needed", "moved_away", "referred_elsewhere")
DOORBRAAK_REASONS = ("waiting_on_other_agency", "income_gap", "eviction_risk", "other_rule")
GRANT_SCOPES = (
    ("summary", "grant-summary"),
    ("identity", "grant-identity"),
    ("documents", "grant-documents"),
    ("act_on_behalf", "grant-act"),
)
"""The sharing scopes a casemanager records, with their checkboxes' ids."""
_LIST_PARTS = (
    "referrals",
    "timeline",
    "contacts",
    "promises",
    "documents",
    "grants",
    "messages",
    "doorbraak",
    "checklist",
    "checklist_counts",
)


def _problem_of(exc: api.ApiProblem) -> str:
    if isinstance(exc, api.NotFound):
        return "not_found"
    if isinstance(exc, api.Unreachable):
        return "unreachable"
    if isinstance(exc, api.Refused):
        return "refused"
    return "error"


_PASSING = frozenset({"unreachable", "error"})
"""Problems a live refresh rides out; refused or not found replace the page."""


async def _fetch(token: str, case_id: str) -> tuple[CaseView | None, str]:
    """The case page from the dossier, or None and why not."""
    try:
        return await api.case_page(endpoints(), token, case_id), ""
    except api.ApiProblem as exc:
        return None, _problem_of(exc)


def _case_path(case_id: str) -> str:
    return f"/zaak/{case_id}"


def _due(value: Any) -> str | None:
    """A date from a form as the end of that working day in Amsterdam (ISO), or None."""
    try:
        day = date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None
    return datetime.combine(day, time(17, 0), AMSTERDAM).isoformat()


def _text(form: dict[str, Any], key: str, limit: int) -> str:
    return str(form.get(key) or "").strip()[:limit]


def _checked(form: dict[str, Any], key: str) -> bool:
    return form.get(key) in (True, "on", "true", "1", key)


class CaseState(rx.State):
    """The case shown in this tab, as the dossier returned it, and the last action's result."""

    case_id: str = ""
    header: CaseHeader = CaseHeader()
    refused: list[str] = []
    refused_words: Words = Words()
    referrals: list[ReferralRow] = []
    timeline: list[TimelineRow] = []
    contacts: list[ContactRow] = []
    promises: list[PromiseRow] = []
    documents: list[DocumentRow] = []
    grants: list[GrantRow] = []
    messages: list[MessageRow] = []
    doorbraak: list[DoorbraakRow] = []
    checklist: list[ChecklistRow] = []
    checklist_counts: str = ""
    problem: str = ""
    loaded: bool = False
    me: str = ""
    role: str = ""
    colleagues: list[dict[str, str]] = []
    ok: str = ""
    """Key of the last action's confirmation."""
    failed: str = ""
    """Key of why the last action failed (`action_refused` …)."""
    failed_detail: str = ""
    """The API's own problem message for the last failed action."""

    @rx.var
    def is_owner(self) -> bool:
        """Whether the signed-in user owns the case."""
        return bool(self.me) and self.header.owner_id == self.me

    @rx.var
    def handover_for_me(self) -> bool:
        """Whether a pending handover is addressed to the signed-in user."""
        return bool(self.me) and self.header.pending_to_id == self.me

    _generation: int = 0
    """Which live refresh loop is current (a new load starts a new one)."""
    _shown: int = 0
    """Counts the dossier answers put on the page (a refresh fetched before an action's own
    reload must not overwrite what that action showed)."""

    def _show(self, page: CaseView | None, problem: str) -> None:
        """Put the dossier's answer on the page. Only parts that changed are assigned, so an
        unchanged 1,000-entry timeline is not sent to the browser again on every refresh."""
        shown = page or CaseView(header=CaseHeader())
        values: dict[str, Any] = {"problem": problem}
        parts = ("header", "refused", "refused_words", *_LIST_PARTS)
        values.update({key: getattr(shown, key) for key in parts})
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)
        if not self.loaded:
            self.loaded = True
        self._shown += 1

    async def _reload(self, token: str) -> None:
        self._show(*await _fetch(token, self.case_id))

    @rx.event
    async def load(self) -> Any:
        """Check the session, fetch the case from the dossier, and start the live refresh."""
        session, denial, redirect = await authorize(self, CASE_ROLES)
        if redirect is not None:
            return redirect
        self.case_id = self.router.url.path.rstrip("/").rsplit("/", 1)[-1][:64]
        self.ok = self.failed = self.failed_detail = ""
        self._generation += 1
        if denial is not None:
            self._show(None, "refused")
            return None
        self.me, self.role = session.subject, session.user_role
        self.colleagues = [
            {"id": a.subject, "name": a.name} for a in account_store().colleagues(session.subject)
        ]
        await self._reload(session._token())
        return CaseState.live

    @rx.event(background=True)
    async def live(self) -> Any:
        """Refetch the case every `case_refresh_interval_s` while its page is open, so an
        agency's answer or a colleague's change shows without a reload.

        Stops when the tab leaves this case, when a page is loaded again (a newer loop takes
        over) or when the session ends (then the browser is sent to sign in); Reflex cancels
        it with the page-load chain it belongs to when the tab disconnects (a test guards
        that a closed tab stops reading). It is not user
        activity, so an unattended page still expires. Each refetch is a read the dossier
        authorises and audits like any other, which is why the interval is not a second.
        """
        async with self:
            generation, case_id = self._generation, self.case_id
        interval = get_settings().case_refresh_interval_s
        while True:
            await asyncio.sleep(interval)
            async with self:
                path = self.router.url.path.rstrip("/")
                if generation != self._generation or path != _case_path(case_id):
                    return None
                session, denial, redirect = await authorize(self, CASE_ROLES, touch=False)
                if redirect is not None:
                    return redirect
                if denial is not None:
                    self._show(None, "refused")
                    return None
                token, shown = session._token(), self._shown
            # Fetch outside the lock so the tab stays responsive while the dossier answers.
            page, problem = await _fetch(token, case_id)
            async with self:
                if generation != self._generation:
                    return None
                if page is None and problem in _PASSING and self.header:
                    continue  # a passing failure: keep what is shown (and any half-typed form)
                if shown == self._shown:  # else an action showed a newer answer meanwhile
                    self._show(page, problem)

    async def _act(
        self,
        roles: tuple[str, ...],
        action: str,
        ok: str,
        body: dict[str, Any] | None = None,
        **ids: str,
    ) -> Any:
        """Check the session and role on the server, call the API, show the outcome."""
        session, denial, redirect = await authorize(self, roles)
        if redirect is not None:
            return redirect
        self.ok = self.failed = self.failed_detail = ""
        if denial is not None:
            self.failed = "action_forbidden"
            return None
        token = session._token()
        try:
            await api.act(endpoints(), token, action, case_id=self.case_id, body=body, **ids)
        except api.ActionFailed as exc:
            self.failed, self.failed_detail = "action_refused", exc.detail
        except api.Unreachable:
            self.failed = "action_unreachable"
        except api.ApiProblem as exc:
            self.failed, self.failed_detail = "action_refused", exc.detail
        else:
            self.ok = ok
        await self._reload(token)
        return None

    def _bad_date(self) -> None:
        self.ok, self.failed, self.failed_detail = "", "bad_date", ""

    @rx.event
    async def claim(self) -> Any:
        """Take ownership of the case."""
        return await self._act(CASEMANAGER, "claim", "ok_claim")

    @rx.event
    async def release(self) -> Any:
        """Let go of the case."""
        return await self._act(CASEMANAGER, "release", "ok_release")

    @rx.event
    async def handover_step(self, step: str) -> Any:
        """Accept or decline a handover meant for me, or cancel my own request."""
        if step not in ("accept", "decline", "cancel"):
            return None
        return await self._act(CASEMANAGER, "handover_step", f"ok_handover_{step}", step=step)

    @rx.event
    async def handover(self, form: dict[str, Any]) -> Any:
        """Ask a named colleague (of the console's accounts) to take over, with a note."""
        to = _text(form, "to", 64)
        name = next((c["name"] for c in self.colleagues if c["id"] == to), to)
        body = {
            "to_casemanager_id": to,
            "to_casemanager_name": name,
            "note": _text(form, "note", 2000),
        }
        return await self._act(CASEMANAGER, "handover", "ok_handover", body)

    @rx.event
    async def record_contact(self, form: dict[str, Any]) -> Any:
        """Record a contact moment, optionally with a written confirmation to the citizen."""
        body = {
            "channel": _text(form, "channel", 16),
            "summary": _text(form, "summary", 4000),
            "next_steps": _text(form, "next_steps", 2000) or None,
            "send_confirmation": _checked(form, "send_confirmation"),
        }
        return await self._act(CASE_ROLES, "contacts", "ok_contact", body)

    @rx.event
    async def record_promise(self, form: dict[str, Any]) -> Any:
        """Record a promise (agency, casemanager) or a term the citizen set."""
        due = _due(form.get("due_date"))
        if due is None:
            return self._bad_date()
        body = {
            "made_by_kind": _text(form, "made_by_kind", 16),
            "made_by": _text(form, "made_by", 64) or None,
            "what": _text(form, "what", 500),
            "due_at": due,
        }
        return await self._act(CASE_ROLES, "promises", "ok_promise", body)

    @rx.event
    async def fulfil(self, promise_id: str) -> Any:
        """Mark a promise kept."""
        return await self._act(CASE_ROLES, "fulfil", "ok_fulfil", promise_id=promise_id[:64])

    @rx.event
    async def nudge(self, referral_id: str) -> Any:
        """Remind an agency of an open referral (routing puts it on the agency's topic)."""
        return await self._act(CASE_ROLES, "nudge", "ok_nudge", referral_id=referral_id[:64])

    @rx.event
    async def refer(self, form: dict[str, Any]) -> Any:
        """Refer the case to another service by hand (routing)."""
        body = {"service_id": _text(form, "service_id", 64), "note": _text(form, "note", 500)}
        return await self._act(CASE_ROLES, "refer", "ok_refer", body)

    @rx.event
    async def grant(self, form: dict[str, Any]) -> Any:
        """Record a sharing grant on the citizen's behalf."""
        until = _due(form.get("valid_until"))
        if until is None:
            return self._bad_date()
        scopes = [
            s for s in ("summary", "identity", "documents", "act_on_behalf") if _checked(form, s)
        ]
        body = {
            "agency_code": _text(form, "agency_code", 32).lower(),
            "scopes": scopes,
            "valid_until": until,
            "channel": _text(form, "channel", 16) or None,
        }
        return await self._act(CASE_ROLES, "grants", "ok_grant", body)

    @rx.event
    async def message(self, form: dict[str, Any]) -> Any:
        """Leave a message for the citizen; notify tells them there is news."""
        body = {"text": _text(form, "text", 2000)}
        return await self._act(CASE_ROLES, "messages", "ok_message", body)

    @rx.event
    async def propose(self, form: dict[str, Any]) -> Any:
        """Propose a doorbraak (needs a supervisor's sign-off)."""
        body = {"reason_code": _text(form, "reason_code", 64), "note": _text(form, "note", 2000)}
        return await self._act(CASEMANAGER, "overrides", "ok_propose", body)

    @rx.event
    async def decide(self, override_id: str, decision: str) -> Any:
        """A supervisor approves or rejects a proposed doorbraak."""
        if decision not in ("approve", "reject"):
            return None
        return await self._act(
            SUPERVISOR,
            "override_decision",
            f"ok_{decision}",
            override_id=override_id[:64],
            decision=decision,
        )

    @rx.event
    async def close(self, form: dict[str, Any]) -> Any:
        """Close the case with an outcome."""
        body = {"outcome": _text(form, "outcome", 64)}
        return await self._act(CASE_ROLES, "close", "ok_close", body)


# --------------------------------------------------------------------------- components


def _button(key: str, on_click: Any, ident: str, **props: Any) -> rx.Component:
    return rx.button(tr(key), on_click=on_click, id=ident, style=FOCUS_STYLE, **props)


def _field(label: str, name: str, ident: str, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.el.label(tr(label), html_for=ident, style={"font_weight": "600"}),
        control,
        spacing="1",
        width="100%",
    )


def _input(label: str, name: str, ident: str, **props: Any) -> rx.Component:
    return _field(
        label, name, ident, rx.input(id=ident, name=name, style=FOCUS_STYLE, width="100%", **props)
    )


def _textarea(label: str, name: str, ident: str, **props: Any) -> rx.Component:
    return _field(
        label,
        name,
        ident,
        rx.text_area(id=ident, name=name, style=FOCUS_STYLE, width="100%", **props),
    )


def _select(label: str, name: str, ident: str, options: list[tuple[str, Any]]) -> rx.Component:
    """A native select: keyboard usable and labelled."""
    return _field(
        label,
        name,
        ident,
        rx.el.select(
            *[rx.el.option(text, value=value) for value, text in options],
            id=ident,
            name=name,
            style={**FOCUS_STYLE, "padding": "0.3em", "border": "1px solid #8b8d98"},
        ),
    )


def _choices(kind: str, codes: tuple[str, ...]) -> list[tuple[str, Any]]:
    """A select's options: each code as the value, its words from the label table shown."""
    return [(code, say_code(kind, code)) for code in codes]


def _checkbox(label: str | rx.Var[str], name: str, ident: str) -> rx.Component:
    """A labelled checkbox; `label` is a text key, or the words already chosen."""
    return rx.hstack(
        rx.el.input(type="checkbox", id=ident, name=name, style=FOCUS_STYLE),
        rx.el.label(tr(label) if isinstance(label, str) else label, html_for=ident),
        align="center",
        spacing="2",
    )


def _form(
    title: str, ident: str, on_submit: Any, submit: str, *fields: rx.Component
) -> rx.Component:
    return rx.form(
        rx.el.fieldset(
            rx.el.legend(tr(title), style={"font_weight": "600"}),
            rx.vstack(
                *fields,
                rx.button(tr(submit), type="submit", id=f"{ident}-submit", style=FOCUS_STYLE),
                spacing="2",
                width="100%",
            ),
            style={"border": "1px solid #c8c8d0", "padding": "0.75em", "border_radius": "6px"},
        ),
        on_submit=on_submit,
        reset_on_submit=True,
        id=ident,
        width="100%",
    )


def _item(label: str, value: Any) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(tr(label)), rx.data_list.value(value))


def _outcome() -> rx.Component:
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
                rx.callout.text(tr_dynamic(CaseState.failed), " ", CaseState.failed_detail),
                color_scheme="red",
                role="alert",
                id="action-failed",
            ),
        ),
        aria_live="polite",
    )


def tr_dynamic(key: rx.Var[str] | str) -> rx.Var[str]:
    """The text for a key held in state (the outcome of an action), in the session language.

    `key` is a state var; mypy sees the class attribute's Python type (`str`), hence the union."""
    from buddy.i18n import EN, NL

    keys = [k for k in NL if k.startswith(("ok_", "action_")) or k == "bad_date"]
    return rx.match(
        key,
        *[(k, rx.cond(SessionState.lang == "en", EN[k], NL[k])) for k in keys],
        key,
    )


def _header() -> rx.Component:
    h = CaseState.header
    return rx.vstack(
        rx.heading(tr("case_title"), " ", CaseState.case_id, size="7", as_="h1", id="case-heading"),
        rx.cond(
            CaseState.refused.length() > 0,  # type: ignore[attr-defined]  # a state var is an ArrayVar
            rx.text(tr("refused_parts"), " ", say(CaseState.refused_words), size="2", id="refused"),
        ),
        rx.data_list.root(
            _item("citizen", h.citizen),
            _item("household", say(h.household_words)),
            _item("representative", say(h.representative_words)),
            _item("language", say(h.language_words)),
            _item("contact_channels", say(h.channels_words)),
            _item("life_events", say(h.life_events_words)),
            _item("risks", say(h.risks_words)),
            _item("urgency", say(h.urgency_words)),
            _item("redzaamheid", say(h.redzaamheid_words)),
            _item(
                "triage_reasons",
                rx.cond(SessionState.lang == "en", h.reasons_en, h.reasons_nl),
            ),
            _item(
                "owner",
                rx.cond(
                    h.owner_id != "",
                    rx.text(h.owner_name, " (", h.owner_team, ")", id="owner"),
                    rx.text(tr("no_owner"), id="owner"),
                ),
            ),
            _item("status", rx.text(say(h.status_words), id="ownership-status")),
            rx.cond(
                h.closed_at != "",
                _item("closed_on", rx.text(h.closed_at, id="closed-at")),
            ),
            rx.cond(
                h.pending_to_id != "",
                _item(
                    "pending_handover",
                    rx.text(h.pending_to_name, " — ", h.pending_note, id="pending-handover"),
                ),
            ),
            _item(
                "notifications",
                rx.text(
                    h.notifications_sent,
                    " / ",
                    h.notifications_failed,
                    " ",
                    tr("notifications_sent_failed"),
                ),
            ),
        ),
        spacing="3",
        width="100%",
    )


def _ownership_actions() -> rx.Component:
    status = CaseState.header.status
    return rx.hstack(
        rx.cond(
            (SessionState.user_role == "casemanager")
            & ((status == "recommended") | (status == "released") | (status == "unowned")),
            _button("act_claim", CaseState.claim, "claim"),
        ),
        rx.cond(
            CaseState.handover_for_me,
            rx.hstack(
                _button("act_accept", CaseState.handover_step("accept"), "handover-accept"),  # type: ignore[operator]  # typing note above
                _button(
                    "act_decline",
                    CaseState.handover_step("decline"),  # type: ignore[operator]  # typing note above
                    "handover-decline",
                    variant="outline",
                ),
            ),
        ),
        rx.cond(
            CaseState.is_owner & (status == "handover_requested"),
            _button(
                "act_cancel",
                CaseState.handover_step("cancel"),  # type: ignore[operator]  # typing note above
                "handover-cancel",
                variant="outline",
            ),
        ),
        rx.cond(
            CaseState.is_owner & (status == "owned"),
            _button("act_release", CaseState.release, "release", variant="outline"),
        ),
        spacing="3",
        wrap="wrap",
    )


def _table(ident: str, cols: list[str], rows: Sequence[Any], row: Any) -> rx.Component:
    """A table of a list held in state, or "nothing yet". `rows` is a state var: mypy sees
    the class attribute's Python type (a list of rows); at runtime it is Reflex's ArrayVar."""
    items = cast("ArrayVar[list[Any]]", rows)
    return rx.cond(
        items.length() > 0,
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(tr(c)) for c in cols])),
            rx.table.body(rx.foreach(items, row)),
            width="100%",
            id=ident,
        ),
        rx.text(tr("empty")),
    )


def _section(title: str, ident: str, *content: rx.Component) -> rx.Component:
    return rx.el.section(
        rx.heading(tr(title), size="5", as_="h2"),
        *content,
        id=ident,
        aria_label=tr(title),
        style={"width": "100%"},
    )


def _overdue(flag: rx.Var[bool]) -> rx.Component:
    return rx.cond(flag, rx.badge(tr("overdue_yes"), color_scheme="red", class_name="overdue"))


def _referrals() -> rx.Component:
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
    return _section(
        "referrals",
        "referrals",
        _table(
            "referrals-table",
            cols,
            CaseState.referrals,
            lambda r: rx.table.row(
                rx.table.row_header_cell(say(r.agency_words)),
                rx.table.cell(say(r.service_words)),
                rx.table.cell(say(r.state_words)),
                rx.table.cell(r.due_at, " ", _overdue(r.overdue)),
                rx.table.cell(say(r.waits_on_words)),
                rx.table.cell(say(r.decline_words)),
                rx.table.cell(r.reminders),
                rx.table.cell(
                    rx.cond(
                        r.open,
                        rx.button(
                            tr("act_nudge"),
                            on_click=CaseState.nudge(r.id),  # type: ignore[operator]  # typing note above
                            size="1",
                            variant="outline",
                            style=FOCUS_STYLE,
                        ),
                    )
                ),
            ),
        ),
        rx.box(
            _form(
                "refer_title",
                "refer-form",
                CaseState.refer,
                "act_refer",
                _input("service_id", "service_id", "refer-service", required=True),
                _input("reason_note", "note", "refer-note", required=True, min_length=3),
            ),
            padding_top="0.75em",
        ),
    )


def _promises() -> rx.Component:
    cols = ["col_who", "col_what", "col_due", "col_state", "actions"]
    return _section(
        "promises",
        "section-promises",
        _table(
            "promises-table",
            cols,
            CaseState.promises,
            lambda p: rx.table.row(
                rx.table.cell(say(p.made_by_words)),
                rx.table.cell(p.what),
                rx.table.cell(p.due_at, " ", _overdue(p.overdue)),
                rx.table.cell(say(p.state_words)),
                rx.table.cell(
                    rx.cond(
                        p.open,
                        rx.button(
                            tr("act_fulfil"),
                            on_click=CaseState.fulfil(p.id),  # type: ignore[operator]  # typing note above
                            size="1",
                            variant="outline",
                            style=FOCUS_STYLE,
                        ),
                    )
                ),
                style=rx.cond(p.overdue, {"background": "#fde8e8"}, {}),
            ),
        ),
        rx.box(
            _form(
                "promise_title",
                "promise-form",
                CaseState.record_promise,
                "act_record",
                _select(
                    "made_by_kind",
                    "made_by_kind",
                    "promise-kind",
                    [
                        ("agency", tr("kind_agency")),
                        ("casemanager", tr("kind_casemanager")),
                        ("citizen", tr("kind_citizen")),
                    ],
                ),
                _input("made_by", "made_by", "promise-by"),
                _input("what", "what", "promise-what", required=True),
                _input("due_date", "due_date", "promise-due", type="date", required=True),
            ),
            padding_top="0.75em",
        ),
    )


def _timeline() -> rx.Component:
    return _section(
        "timeline",
        "section-timeline",
        _table(
            "timeline-table",
            ["col_when", "col_what"],
            CaseState.timeline,
            lambda t: rx.table.row(
                rx.table.cell(t.at, white_space="nowrap"),
                rx.table.cell(rx.cond(SessionState.lang == "en", t.en, t.nl)),
            ),
        ),
    )


def _contacts() -> rx.Component:
    return _section(
        "contacts",
        "section-contacts",
        _table(
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
            _form(
                "contact_title",
                "contact-form",
                CaseState.record_contact,
                "act_record",
                _select("channel", "channel", "contact-channel", _choices("channel", CHANNELS)),
                _textarea("summary", "summary", "contact-summary", required=True),
                _input("next_steps", "next_steps", "contact-next"),
                _checkbox("send_confirmation", "send_confirmation", "contact-confirm"),
            ),
            padding_top="0.75em",
        ),
    )


def _documents() -> rx.Component:
    return _section(
        "documents",
        "section-documents",
        _table(
            "documents-table",
            ["col_title", "col_type", "col_size", "col_who", "col_when"],
            CaseState.documents,
            lambda d: rx.table.row(
                rx.table.cell(d.title),
                rx.table.cell(d.media_type),
                rx.table.cell(d.size),
                rx.table.cell(d.by),
                rx.table.cell(d.at),
            ),
        ),
    )


def _sharing() -> rx.Component:
    return _section(
        "sharing",
        "section-sharing",
        _table(
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
            _form(
                "grant_title",
                "grant-form",
                CaseState.grant,
                "act_grant",
                _input("agency_code", "agency_code", "grant-agency", required=True),
                rx.el.fieldset(
                    rx.el.legend(tr("scopes")),
                    rx.hstack(
                        *[
                            _checkbox(say_code("scope", scope), scope, ident)
                            for scope, ident in GRANT_SCOPES
                        ],
                        spacing="4",
                        wrap="wrap",
                    ),
                    style={"border": "none", "padding": "0"},
                ),
                _input("valid_until", "valid_until", "grant-until", type="date", required=True),
                _select(
                    "how_citizen_said", "channel", "grant-channel", _choices("channel", CHANNELS)
                ),
            ),
            padding_top="0.75em",
        ),
    )


def _messages() -> rx.Component:
    return _section(
        "messages",
        "section-messages",
        _table(
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
            _form(
                "message_title",
                "message-form",
                CaseState.message,
                "act_send",
                _textarea("message_text", "text", "message-text", required=True),
            ),
            padding_top="0.75em",
        ),
    )


def _doorbraak() -> rx.Component:
    return _section(
        "doorbraak",
        "section-doorbraak",
        _table(
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
                _form(
                    "doorbraak_title",
                    "doorbraak-form",
                    CaseState.propose,
                    "act_propose",
                    _select(
                        "reason_code",
                        "reason_code",
                        "doorbraak-reason",
                        _choices("doorbraak_reason", DOORBRAAK_REASONS),
                    ),
                    _textarea("doorbraak_note", "note", "doorbraak-note", required=True),
                ),
                padding_top="0.75em",
            ),
        ),
    )


def _handover_and_close() -> rx.Component:
    return rx.vstack(
        rx.cond(
            CaseState.is_owner & (CaseState.header.status == "owned"),
            _form(
                "handover_title",
                "handover-form",
                CaseState.handover,
                "act_handover",
                _field(
                    "colleague",
                    "to",
                    "handover-to",
                    rx.el.select(
                        rx.foreach(
                            CaseState.colleagues,
                            lambda c: rx.el.option(c["name"], value=c["id"]),
                        ),
                        id="handover-to",
                        name="to",
                        style={**FOCUS_STYLE, "padding": "0.3em", "border": "1px solid #8b8d98"},
                    ),
                ),
                _textarea("note", "note", "handover-note", required=True),
            ),
        ),
        rx.cond(
            CaseState.header.closed_at == "",
            _form(
                "close_title",
                "close-form",
                CaseState.close,
                "act_close",
                _select("outcome", "outcome", "close-outcome", _choices("outcome", OUTCOMES)),
            ),
        ),
        spacing="3",
        width="100%",
    )


def _checklist() -> rx.Component:
    """The citizen's checklist+ as the dossier keeps it: what is late, still to do, done
    (and who ticked it off), in words from the label table."""
    cols = ["col_task", "col_agency", "col_due", "col_state", "col_done_by"]
    items = cast("ArrayVar[list[Any]]", CaseState.checklist)
    return _section(
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
                _table(
                    "checklist-table",
                    cols,
                    CaseState.checklist,
                    lambda c: rx.table.row(
                        rx.table.row_header_cell(
                            rx.cond(SessionState.lang == "en", c.title_en, c.title)
                        ),
                        rx.table.cell(say(c.agency_words)),
                        rx.table.cell(c.due_on, " ", _overdue(c.late)),
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


def _case() -> rx.Component:
    return rx.vstack(
        _header(),
        _outcome(),
        _section("actions", "actions", _ownership_actions()),
        _referrals(),
        _promises(),
        _contacts(),
        _handover_and_close(),
        _timeline(),
        _checklist(),
        _documents(),
        _sharing(),
        _messages(),
        _doorbraak(),
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
