"""The status page behind every message link (`/l/<token>`): what is arranged, what waits on
whom, the contact person and how to reach them, promises and whether they were kept, what to do
next and the checklist with ticking off, in the citizen's language (switchable).

The short token from the SMS or e-mail is the page's address; the portal's backend exchanges it
at the dossier for the case id and the dossier's long link and keeps those in backend vars
(`_case_id`, `_link`: Reflex never sends a var whose name starts with `_` to the browser), so
the long link is never in the address bar, a Referer or a log line. A link the dossier refuses
(expired, revoked, changed) shows a page that says what to do and nothing of the case: what was
shown before is cleared before a link is checked.

The page's own words follow the header's language picker at once; the dossier's sentences are
fetched again in the new language (`follow_language`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import reflex as rx
import structlog

from portal.citizen_api import CitizenApi, LinkRefused, Rejected, Unreachable
from portal.i18n import LANGUAGES, say
from portal.layout import shell
from portal.settings import get_settings
from portal.state import PortalState
from portal.status_view import (
    ChecklistLine,
    DocumentRequest,
    Line,
    StatusPage,
    megabytes,
    shown_number,
    status_page,
    tel,
    upload_refusal,
)
from portal.status_words import in_every_language, language_of, local_day, say_word

log = structlog.get_logger()

# Typing note (as in portal/layout.py): binding arguments to an event handler carries
# `type: ignore[operator]`, and Var operations on declared state fields `[attr-defined]`.

_EMPTY = StatusPage(
    language="nl",
    direction="ltr",
    status="",
    closed=False,
    buddy="",
    buddy_contact="",
    buddy_phone="",
    buddy_tel="",
    arranged=[],
    waiting=[],
    promises=[],
    next_steps=[],
    messages=[],
    checklist=[],
    partly_refused=False,
    documents=[],
)

UPLOAD_ID = "document-upload"
ACCEPTED = {"application/pdf": [".pdf"], "image/*": [".jpg", ".jpeg", ".png"]}
"""What the file dialog offers (a phone offers its camera for `image/*`); the dossier checks
the content itself."""


def citizen_api() -> CitizenApi:
    """The citizen routes of the dossier and the intake, from the portal's settings."""
    settings = get_settings()
    return CitizenApi(settings.dossier_url, settings.intake_url)


def help_phone() -> str:
    """The number a citizen calls when a link does not work or they want a person now, as
    shown (no-break spaces, isolated left to right: see `status_view.shown_number`)."""
    return shown_number(get_settings().help_phone)


class StatusState(PortalState):
    """The case behind this tab's message link, as the dossier showed it."""

    phase: str = "loading"
    """`loading`, `shown`, `refused` (the link does not open: no data), `unreachable`."""
    shown_language: str = ""
    """The language the dossier's sentences on the page are in."""
    status: str = ""
    closed: bool = False
    buddy: str = ""
    buddy_contact: str = ""
    buddy_phone: str = ""
    buddy_tel: str = ""
    arranged: list[Line] = []
    waiting: list[Line] = []
    promises: list[Line] = []
    next_steps: list[Line] = []
    messages: list[Line] = []
    checklist: list[ChecklistLine] = []
    partly_refused: bool = False
    mark_failed: bool = False
    documents: list[DocumentRequest] = []
    upload_for: str = ""
    """The action id of the document request the citizen sends a file for."""
    upload_problem: dict[str, str] = {}
    """Why the last file was not sent, in every language (empty: no problem)."""
    upload_received: dict[str, str] = {}
    """"Received: <file>" in every language after the dossier took the file."""
    path: str = ""
    """This page's address (the message's short link), for "back to your case"."""

    _case_id: str = ""
    _link: str = ""

    def _put(self, page: StatusPage) -> None:
        self.status, self.closed = page.status, page.closed
        self.buddy, self.buddy_contact = page.buddy, page.buddy_contact
        self.buddy_phone, self.buddy_tel = page.buddy_phone, page.buddy_tel
        self.arranged, self.waiting = page.arranged, page.waiting
        self.promises, self.next_steps = page.promises, page.next_steps
        self.messages, self.checklist = page.messages, page.checklist
        self.partly_refused = page.partly_refused
        self.documents = page.documents
        if self.upload_for not in {d.action_id for d in page.documents}:
            self.upload_for = page.documents[0].action_id if page.documents else ""

    def _forget(self) -> None:
        """Clear the case from this tab (before a link is checked, and when it is refused)."""
        self._case_id = self._link = ""
        self._put(_EMPTY)
        self.shown_language = ""
        self.mark_failed = False
        self.upload_problem, self.upload_received = {}, {}

    def _refused(self) -> None:
        log.info("portal.status_refused", case_id=self._case_id or None)
        self._forget()
        self.phase = "refused"

    async def _show(self, api: CitizenApi, language: str | None) -> None:
        """Fetch the view in `language` (None: the case's own) and put it on the page."""
        try:
            answer = await api.status(self._case_id, self._link, language)
        except LinkRefused:
            self._refused()
            return
        except (Unreachable, Rejected) as exc:
            log.warning("portal.status_unreachable", case_id=self._case_id, error=str(exc))
            self.phase = "unreachable"
            return
        shown = language_of(language or str(answer.raw.get("language") or self.lang))
        self._put(status_page(answer.raw, shown, today=local_day(datetime.now(UTC))))
        self.shown_language = shown
        if self.lang != shown:
            self.lang = shown  # the case's language becomes the session's
        self.phase = "shown"

    @rx.event
    async def load(self) -> None:
        """Open the message's link: exchange it at the dossier and show the case, in the
        language a `?lang=` asks for or else the case's own."""
        self._forget()
        self.phase = "loading"
        self.path = self.router.url.path
        token = self.router.url.path.rstrip("/").rsplit("/", 1)[-1][:120]
        api = citizen_api()
        try:
            opened = await api.open_short_link(token)
        except LinkRefused:
            self._refused()
            return
        except (Unreachable, Rejected) as exc:
            log.warning("portal.short_link_unreachable", error=str(exc))
            self.phase = "unreachable"
            return
        self._case_id, self._link = opened.case_id, opened.link
        asked = self.router.url.query_parameters.get("lang")
        await self._show(api, asked if isinstance(asked, str) and asked in LANGUAGES else None)

    @rx.event
    async def follow_language(self) -> None:
        """The citizen chose another language in the header: fetch the case in it."""
        if self.phase == "shown" and self._case_id and self.lang != self.shown_language:
            await self._show(citizen_api(), self.lang)

    @rx.event
    async def mark(self, item_id: str, done: bool) -> None:
        """Tick a checklist item off (or undo that) at the dossier, then show the case again."""
        self.mark_failed = False
        if not self._case_id or item_id not in {line.item_id for line in self.checklist}:
            return
        api = citizen_api()
        try:
            await api.mark_item(self._case_id, self._link, item_id, done=done)
        except LinkRefused:
            self._refused()
            return
        except (Unreachable, Rejected) as exc:
            log.warning("portal.mark_failed", case_id=self._case_id, error=str(exc))
            self.mark_failed = True
            return
        await self._show(api, self.shown_language or None)

    @rx.event
    def choose_request(self, action_id: str) -> None:
        """The citizen chose which of the asked documents the file is."""
        if action_id in {d.action_id for d in self.documents}:
            self.upload_for = action_id

    @rx.event
    async def send_document(self, files: list[rx.UploadFile]) -> None:
        """Send the chosen file to the dossier with this tab's link, for the chosen request."""
        self.upload_problem, self.upload_received = {}, {}
        request = next((d for d in self.documents if d.action_id == self.upload_for), None)
        if not self._case_id or request is None:
            return
        if not files:
            self.upload_problem = in_every_language("status.upload_no_file")
            return
        limit = get_settings().max_upload_bytes
        mb = megabytes(limit)
        # One byte more than the limit: enough to know it is too large.
        content = await files[0].read(limit + 1)
        name = (files[0].filename or "document").replace("\\", "/").rsplit("/", 1)[-1][:120]
        if len(content) > limit:
            self.upload_problem = in_every_language("status.upload_too_big", mb=mb)
            return
        api = citizen_api()
        try:
            await api.upload_document(
                self._case_id, self._link, filename=name, content=content, title=request.what
            )
        except LinkRefused:
            self._refused()
            return
        except Rejected as exc:
            log.info("portal.document_refused", case_id=self._case_id, status=exc.status)
            self.upload_problem = in_every_language(upload_refusal(exc.status, exc.detail), mb=mb)
            return
        except Unreachable as exc:
            log.warning("portal.document_unreachable", case_id=self._case_id, error=str(exc))
            self.upload_problem = in_every_language("status.upload_failed")
            return
        self.upload_received = in_every_language("status.received", name=name)

    def context(self) -> tuple[str, str]:
        """The case and link this tab opened (for "talk to a person"); empty when none."""
        return (self._case_id, self._link) if self.phase == "shown" else ("", "")


# --------------------------------------------------------------------------------- the page


def _lines(items: Any, ident: str) -> rx.Component:
    return rx.el.ul(
        rx.foreach(
            items,
            lambda line: rx.el.li(
                # The dossier's sentence may be in Dutch where it lacks the chosen language:
                # `dir=auto` lays each one out in its own direction inside an Arabic page.
                rx.el.span(line.text, dir="auto"),
                rx.cond(line.note != "", rx.el.span(line.note, class_name="vp-note")),
            ),
        ),
        id=ident,
        class_name="vp-lines",
    )


def _section(ident: str, key: str, *body: rx.Component) -> rx.Component:
    return rx.el.section(
        rx.el.h2(say_word(key), id=f"{ident}-heading"),
        *body,
        aria_labelledby=f"{ident}-heading",
        class_name="vp-section",
    )


def _listed(ident: str, key: str, items: Any, none_key: str) -> rx.Component:
    return _section(
        ident,
        key,
        rx.cond(items.length() > 0, _lines(items, ident), rx.el.p(say_word(none_key))),
    )


def _item(line: Any) -> rx.Component:
    box = "check-" + line.item_id
    return rx.el.li(
        rx.el.label(
            rx.el.input(
                type="checkbox",
                id=box,
                checked=line.done,
                aria_describedby=box + "-state",
                on_change=lambda checked: StatusState.mark(line.item_id, checked),  # type: ignore[operator]  # typing note above
                class_name="vp-check",
            ),
            rx.el.span(line.title, class_name="vp-item-title", dir="auto"),
            class_name="vp-check-row",
        ),
        rx.el.p(
            rx.el.strong(line.state, id=box + "-state"),
            rx.cond(line.due != "", rx.el.span(" · ", line.due)),
            class_name=rx.cond(line.late, "vp-state vp-late", "vp-state"),
        ),
        rx.cond(line.agency != "", rx.el.p(line.agency, class_name="vp-agency", dir="auto")),
        rx.cond(line.why != "", rx.el.p(line.why, dir="auto")),
        rx.cond(line.refer != "", rx.el.p(line.refer)),
        rx.el.p(
            rx.cond(line.phone != "", rx.el.a(line.phone, href=line.phone_href)),
            rx.cond(
                line.web != "",
                rx.el.a(line.web_label, href=line.web, target="_blank", rel="noopener noreferrer"),
            ),
            class_name="vp-how",
        ),
        class_name=rx.cond(line.done, "vp-item vp-done", "vp-item"),
    )


def _checklist() -> rx.Component:
    return _section(
        "checklist",
        "status.checklist",
        rx.el.p(say_word("status.checklist_intro")),
        rx.cond(
            StatusState.mark_failed,
            rx.el.p(say_word("status.mark_failed"), role="alert", class_name="error-message"),
        ),
        rx.cond(
            StatusState.checklist.length() > 0,  # type: ignore[attr-defined]  # typing note above
            rx.el.ul(
                rx.foreach(StatusState.checklist, _item), class_name="vp-checklist", id="checklist"
            ),
            rx.el.p(say_word("status.checklist_none")),
        ),
    )


def _request(request: Any) -> rx.Component:
    choice = "request-" + request.action_id
    return rx.el.li(
        rx.cond(
            StatusState.documents.length() > 1,  # type: ignore[attr-defined]  # typing note above
            rx.el.label(
                rx.el.input(
                    type="radio",
                    name="which-document",
                    id=choice,
                    checked=StatusState.upload_for == request.action_id,
                    on_change=lambda _: StatusState.choose_request(request.action_id),  # type: ignore[operator]  # typing note above
                    class_name="vp-radio",
                ),
                rx.el.strong(request.heading, dir="auto"),
                class_name="vp-check-row",
            ),
            rx.el.p(rx.el.strong(request.heading, dir="auto")),
        ),
        rx.cond(request.due != "", rx.el.p(request.due, class_name="vp-state")),
        class_name="vp-item",
    )


def _documents() -> rx.Component:
    """The documents the buddy asked for, and one upload: choose (or photograph), send."""
    return _section(
        "documents",
        "status.documents",
        rx.cond(
            StatusState.documents.length() > 1,  # type: ignore[attr-defined]  # typing note above
            rx.el.p(say_word("status.which_document"), id="which-document"),
        ),
        rx.el.ul(
            rx.foreach(StatusState.documents, _request),
            class_name="vp-checklist",
            id="document-requests",
        ),
        rx.el.p(
            say_word("status.upload_allowed", mb=megabytes(get_settings().max_upload_bytes)),
            id="upload-allowed",
        ),
        # The label holds the file input react-dropzone renders (its name for a screen
        # reader, and a tap anywhere on it opens the phone's file or camera choice); the
        # dropzone itself opens the dialog by keyboard only, so a tap opens it once.
        rx.el.label(
            rx.upload.root(
                rx.el.span(say_word("status.choose_file"), class_name="button button-secondary"),
                rx.cond(
                    rx.selected_files(UPLOAD_ID).length() > 0,
                    rx.el.span(
                        rx.foreach(rx.selected_files(UPLOAD_ID), rx.el.span),
                        id="upload-chosen",
                        dir="auto",
                    ),
                ),
                id=UPLOAD_ID,
                accept=ACCEPTED,
                multiple=False,
                max_files=1,
                no_click=True,
                class_name="vp-upload",
            ),
            class_name="vp-upload-label",
        ),
        rx.el.p(
            rx.el.button(
                say_word("status.send"),
                type="button",
                id="upload-send",
                class_name="button",
                on_click=[
                    StatusState.send_document(rx.upload_files(upload_id=UPLOAD_ID)),  # type: ignore[operator]  # typing note above
                    rx.clear_selected_files(UPLOAD_ID),
                ],
            ),
            class_name="actions",
        ),
        rx.cond(
            StatusState.upload_problem.length() > 0,  # type: ignore[attr-defined]  # typing note above
            rx.el.p(
                say(StatusState.upload_problem),
                role="alert",
                id="upload-problem",
                class_name="error-message",
            ),
        ),
        rx.cond(
            StatusState.upload_received.length() > 0,  # type: ignore[attr-defined]  # typing note above
            rx.el.p(
                rx.el.strong(say(StatusState.upload_received)),
                role="status",
                id="upload-received",
                dir="auto",
            ),
        ),
    )


def _shown() -> rx.Component:
    return rx.fragment(
        # Rendered only while the page shows another language than the picker's: fetching
        # the case in the chosen one makes it go away again.
        rx.cond(
            StatusState.shown_language != PortalState.lang,
            rx.el.span(on_mount=StatusState.follow_language, class_name="vp-visually-hidden"),
        ),
        rx.el.p(StatusState.status, id="case-status", class_name="lead", dir="auto"),
        rx.cond(StatusState.partly_refused, rx.el.p(say_word("status.refused_part"))),
        rx.cond(
            StatusState.documents.length() > 0,  # type: ignore[attr-defined]  # typing note above
            _documents(),
        ),
        _section(
            "next",
            "status.next",
            _lines(StatusState.next_steps, "next-list"),
        ),
        _checklist(),
        _section(
            "buddy",
            "status.buddy",
            rx.el.p(StatusState.buddy, id="buddy-line", dir="auto"),
            rx.cond(
                StatusState.buddy_contact != "", rx.el.p(StatusState.buddy_contact, dir="auto")
            ),
            rx.cond(
                StatusState.buddy_phone != "",
                rx.el.p(
                    rx.el.a(StatusState.buddy_phone, href=StatusState.buddy_tel, id="buddy-call")
                ),
            ),
        ),
        _listed("waiting", "status.waiting", StatusState.waiting, "status.waiting_none"),
        _listed("arranged", "status.arranged", StatusState.arranged, "status.arranged_none"),
        _listed("promises", "status.promises", StatusState.promises, "status.promises_none"),
        rx.cond(
            StatusState.messages.length() > 0,  # type: ignore[attr-defined]  # typing note above
            _section("messages", "status.messages", _lines(StatusState.messages, "message-list")),
        ),
        rx.el.p(
            rx.el.a(
                say_word("status.talk"),
                href="/praten",
                id="talk-from-status",
                class_name="button button-secondary no-print",
            ),
            class_name="actions",
        ),
    )


def _refused() -> rx.Component:
    phone = help_phone()
    return rx.el.section(
        rx.el.h2(say_word("link.title"), id="link-refused"),
        rx.el.p(say_word("link.why")),
        rx.el.h3(say_word("link.what")),
        rx.el.ul(
            rx.el.li(rx.el.a(say_word("link.call", phone=phone), href=tel(phone), id="link-call")),
            rx.el.li(say_word("link.new")),
            rx.el.li(say_word("link.message")),
            class_name="vp-lines",
        ),
        class_name="vp-section",
    )


def page() -> rx.Component:
    """The status page."""
    return shell(
        rx.el.h1(say_word("status.title"), id="status-heading"),
        rx.match(
            StatusState.phase,
            ("shown", _shown()),
            ("refused", _refused()),
            (
                "unreachable",
                rx.el.p(say_word("status.unreachable"), role="alert", id="status-unreachable"),
            ),
            rx.el.p(say_word("status.loading"), role="status", id="status-loading"),
        ),
    )
