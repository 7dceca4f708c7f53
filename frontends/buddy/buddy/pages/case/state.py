"""The case shown in this tab and what a casemanager does with it: one state for the page.

Every action shows its outcome in the one place above the sections (`ok`, `failed`) and then
reloads the whole case, because an action in one section changes others (a promise kept moves
the timeline, a claim changes the header and the buttons). That is why the sections share this
state instead of each owning one.
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from buddy import api
from buddy.labels import Words
from buddy.pages.case import forms
from buddy.rows.case_parts import (
    CaseHeader,
    CaseView,
    ChecklistRow,
    ContactRow,
    DocumentRow,
    DoorbraakRow,
    GrantRow,
    MandateRow,
    MessageRow,
    PromiseRow,
    ReferralRow,
    TimelineRow,
)
from buddy.settings import get_settings
from buddy.state import account_store, authorize, endpoints

CASE_ROLES = ("casemanager", "supervisor")
CASEMANAGER = ("casemanager",)
SUPERVISOR = ("supervisor",)
_LIST_PARTS = (
    "referrals",
    "timeline",
    "contacts",
    "promises",
    "documents",
    "grants",
    "mandates",
    "messages",
    "doorbraak",
    "checklist",
    "checklist_counts",
)


def _problem_of(exc: api.ApiProblem) -> str:
    """A case that is not there says so; any other problem is said as every page says it."""
    return "not_found" if isinstance(exc, api.NotFound) else exc.problem


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
    mandates: list[MandateRow] = []
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
    failed_detail: Words = Words()
    """The API's own problem message for the last failed action, in Dutch and English."""

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
        self.ok = self.failed = ""
        self.failed_detail = Words()
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
        self.ok = self.failed = ""
        self.failed_detail = Words()
        if denial is not None:
            self.failed = "action_forbidden"
            return None
        token = session._token()
        try:
            await api.act(endpoints(), token, action, case_id=self.case_id, body=body, **ids)
        except api.Unreachable:
            self.failed = "action_unreachable"
        except api.ApiProblem as exc:  # `ActionFailed` says it in Dutch and English
            self.failed, self.failed_detail = "action_refused", exc.said
        else:
            self.ok = ok
        await self._reload(token)
        return None

    def _bad_date(self) -> None:
        self.ok, self.failed, self.failed_detail = "", "bad_date", Words()

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
        to = forms.text(form, "to", 64)
        name = next((c["name"] for c in self.colleagues if c["id"] == to), to)
        body = {
            "to_casemanager_id": to,
            "to_casemanager_name": name,
            "note": forms.text(form, "note", 2000),
        }
        return await self._act(CASEMANAGER, "handover", "ok_handover", body)

    @rx.event
    async def record_contact(self, form: dict[str, Any]) -> Any:
        """Record a contact moment, optionally with a written confirmation to the citizen."""
        body = {
            "channel": forms.text(form, "channel", 16),
            "summary": forms.text(form, "summary", 4000),
            "next_steps": forms.text(form, "next_steps", 2000) or None,
            "send_confirmation": forms.checked(form, "send_confirmation"),
        }
        return await self._act(CASE_ROLES, "contacts", "ok_contact", body)

    @rx.event
    async def record_promise(self, form: dict[str, Any]) -> Any:
        """Record a promise (agency, casemanager) or a term the citizen set."""
        due = forms.end_of_day(form.get("due_date"))
        if due is None:
            return self._bad_date()
        body = {
            "made_by_kind": forms.text(form, "made_by_kind", 16),
            "made_by": forms.text(form, "made_by", 64) or None,
            "what": forms.text(form, "what", 500),
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
        body = {
            "service_id": forms.text(form, "service_id", 64),
            "note": forms.text(form, "note", 500),
        }
        return await self._act(CASE_ROLES, "refer", "ok_refer", body)

    @rx.event
    async def message(self, form: dict[str, Any]) -> Any:
        """Leave a message for the citizen; notify tells them there is news."""
        body = {"text": forms.text(form, "text", 2000)}
        return await self._act(CASE_ROLES, "messages", "ok_message", body)

    @rx.event
    async def propose(self, form: dict[str, Any]) -> Any:
        """Propose a doorbraak (needs a supervisor's sign-off)."""
        body = {
            "reason_code": forms.text(form, "reason_code", 64),
            "note": forms.text(form, "note", 2000),
        }
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
        body = {"outcome": forms.text(form, "outcome", 64)}
        return await self._act(CASE_ROLES, "close", "ok_close", body)
