"""The case's documents: the table, adding one, downloading one, asking the citizen for one.

- Adding: a PDF, JPEG or PNG with a title (and, if chosen, the agencies by name that may see
  it) reaches the console through Reflex's upload and is forwarded to the dossier's
  `POST /cases/{id}/documents` with the user's own token. The dossier decides: it checks the
  content (not the name), the size and who may add it; its own message is shown when it
  refuses.
- Downloading: the server fetches the bytes from the dossier (which audits the read) and
  hands them to the browser as a file named after the title. The browser never holds a
  dossier token.
- Asking the citizen: an action for the citizen (`POST /cases/{id}/actions`) worded so they
  know it is a document to upload, with a date; the actions of this kind come back with the
  case page (`Summary.citizen_items`) and are listed here.

Every action checks the session and role on the server first (`authorize`). The outcome is
shown in this section (the page's own outcome box is out of sight this far down).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Any, Final, cast

import reflex as rx
from reflex.vars.sequence import ArrayVar

from buddy import api
from buddy.i18n import say, say_code, tr
from buddy.labels import Words, labels
from buddy.layout import FOCUS_STYLE
from buddy.pages.case import forms
from buddy.pages.case.state import CASE_ROLES, CaseState
from buddy.pages.case.widgets import FIELDSET, field, input_field, section, table, tr_dynamic
from buddy.rows.case_parts import DocumentRow
from buddy.rows.formats import size_words
from buddy.settings import get_settings
from buddy.state import SessionState, account_store, authorize, endpoints
from voorportaal_contracts.document_requests import REQUEST_END as REQUEST_END
from voorportaal_contracts.document_requests import REQUEST_START as REQUEST_START
from voorportaal_contracts.document_requests import request_text as request_text
from voorportaal_contracts.document_requests import requested_document as requested_document

UPLOAD_ID: Final = "doc-upload"
ACCEPTED: Final = {
    "application/pdf": [".pdf"],
    "image/jpeg": [".jpg", ".jpeg"],
    "image/png": [".png"],
}
"""What the file dialog offers; the dossier still checks the content itself."""
EXTENSIONS: Final = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def agency_codes() -> list[str]:
    """The agencies a document can be shared with: every agency of the label table."""
    return list(labels()["agency"])


def download_name(title: str, media_type: str) -> str:
    """A file name made of the title, safe characters only, with the type's extension."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", plain).strip("-_")[:80] or "document"
    return f"{stem}{EXTENSIONS.get(media_type, '')}"


@dataclass
class RequestRow:
    """A document asked of the citizen."""

    what: str
    due_on: str
    at: str


class DocumentsState(CaseState):
    """The documents section: its last outcome, and the share choices of the upload form."""

    doc_ok: str = ""
    """Key of the last document action's confirmation."""
    doc_failed: str = ""
    """Key of why the last document action failed."""
    doc_detail: Words = Words()
    """The dossier's own message when it refused, in Dutch and English."""
    share_with: list[str] = []
    """Agency codes ticked in the upload form."""

    @rx.var
    def upload_limit(self) -> Words:
        """The largest document the dossier takes, in words."""
        return size_words(get_settings().max_upload_bytes)

    @rx.var
    def document_rows(self) -> list[DocumentRow]:
        """The documents with a colleague's name where the dossier has their id."""
        store = account_store()
        rows = []
        for row in self.documents:
            account = store.by_subject(row.by)
            if account is not None:
                row = replace(row, by_words=Words(nl=account.name, en=account.name))
            rows.append(row)
        return rows

    @rx.var
    def requested(self) -> list[RequestRow]:
        """The documents asked of the citizen, newest first (from the citizen's actions)."""
        rows = []
        for item in self.messages:
            what = requested_document(item.text) if item.kind == "action" else None
            if what is not None:
                rows.append(RequestRow(what=what, due_on=item.due_at, at=item.local_at))
        return rows

    def _clear(self) -> None:
        self.ok = self.failed = self.doc_ok = self.doc_failed = ""
        self.failed_detail, self.doc_detail = Words(), Words()

    async def _begin(self) -> tuple[SessionState | None, Any]:
        """Check the session and role and clear the last outcome: the session to act with, or
        None and what the event returns instead (the sign-in page, or nothing when refused)."""
        session, denial, redirect = await authorize(self, CASE_ROLES)
        if redirect is not None:
            return None, redirect
        self._clear()
        if denial is not None:
            self.doc_failed = "action_forbidden"
            return None, None
        return session, None

    def _required(self, form: dict[str, Any], name: str, limit: int, missing: str) -> str:
        """The form's text `name`, or empty once the section says it is `missing`."""
        text = forms.text(form, name, limit)
        if not text:
            self.doc_failed = missing
        return text

    def _refused(self, exc: api.ApiProblem) -> None:
        if isinstance(exc, api.Unreachable):
            self.doc_failed = "action_document_unreachable"
        else:
            self.doc_failed, self.doc_detail = "action_document_refused", exc.said

    @rx.event
    def toggle_share(self, code: str) -> None:
        """Tick or untick an agency that may see the next document."""
        if code not in agency_codes():
            return
        if code in self.share_with:
            self.share_with = [c for c in self.share_with if c != code]
        else:
            self.share_with = [*self.share_with, code]

    @rx.event
    def not_accepted(self, rejected: list[dict[str, Any]]) -> None:
        """The file dialog held a file of another kind than PDF, JPEG or PNG."""
        self._clear()
        self.doc_failed = "action_document_not_accepted"

    @rx.event
    async def upload(self, files: list[rx.UploadFile], form: dict[str, Any]) -> Any:
        """Forward the chosen file, its title and the ticked agencies to the dossier."""
        session, stop = await self._begin()
        if session is None:
            return stop
        title = self._required(form, "title", 200, "action_document_no_title")
        if not title:
            return None
        if not files:
            self.doc_failed = "action_document_no_file"
            return None
        # One byte more than the limit: enough for the dossier to say it is too large.
        content = await files[0].read(get_settings().max_upload_bytes + 1)
        shared = [code for code in agency_codes() if forms.checked(form, f"share-{code}")]
        token = session._token()
        try:
            await api.upload_document(
                endpoints(),
                token,
                self.case_id,
                filename=files[0].filename or "document",
                content=content,
                title=title,
                shared_with=shared,
            )
        except api.ApiProblem as exc:
            self._refused(exc)
            return None
        self.doc_ok = "ok_document_added"
        self.share_with = []
        await self._reload(token)
        return rx.set_value("doc-title", "")

    @rx.event
    async def download(self, document_id: str) -> Any:
        """Fetch a document from the dossier (audited there) and hand it to the browser."""
        session, stop = await self._begin()
        if session is None:
            return stop
        row = next((d for d in self.documents if d.id == document_id), None)
        if row is None:
            return None
        try:
            content, media_type = await api.download_document(
                endpoints(), session._token(), self.case_id, row.id
            )
        except api.ApiProblem as exc:
            self._refused(exc)
            return None
        media_type = media_type if media_type in EXTENSIONS else row.media_type
        self.doc_ok = "ok_document_downloaded"
        return rx.download(
            data=content, filename=download_name(row.title, media_type), mime_type=media_type
        )

    @rx.event
    async def request_document(self, form: dict[str, Any]) -> Any:
        """Ask the citizen for a document by a date: an action they see in the portal."""
        session, stop = await self._begin()
        if session is None:
            return stop
        what = self._required(form, "what", 300, "action_document_no_what")
        if not what:
            return None
        due = forms.end_of_day(form.get("due_date"))
        if due is None:
            self.doc_failed = "action_document_bad_date"
            return None
        token = session._token()
        body = {"text": request_text(what), "due_at": due}
        try:
            await api.act(endpoints(), token, "actions", case_id=self.case_id, body=body)
        except api.ApiProblem as exc:
            self._refused(exc)
            return None
        self.doc_ok = "ok_document_requested"
        await self._reload(token)
        return [rx.set_value("doc-what", ""), rx.set_value("doc-due", "")]


def _outcome() -> rx.Component:
    """The last document action's confirmation or the reason it failed."""
    return rx.box(
        rx.cond(
            DocumentsState.doc_ok != "",
            rx.callout(
                tr_dynamic(DocumentsState.doc_ok),
                color_scheme="green",
                role="status",
                id="doc-ok",
            ),
        ),
        rx.cond(
            DocumentsState.doc_failed != "",
            rx.callout.root(
                rx.callout.text(
                    tr_dynamic(DocumentsState.doc_failed), " ", say(DocumentsState.doc_detail)
                ),
                color_scheme="red",
                role="alert",
                id="doc-failed",
            ),
        ),
        aria_live="polite",
        width="100%",
    )


def _row(d: DocumentRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.cond(d.title != "", d.title, tr("doc_untitled")), class_name="doc-title"),
        rx.table.cell(say(d.type_words)),
        rx.table.cell(say(d.size_words), white_space="nowrap"),
        rx.table.cell(say(d.by_words)),
        rx.table.cell(d.at, white_space="nowrap"),
        rx.table.cell(rx.cond(d.shared_with != "", say(d.shared_words), tr("doc_shared_all"))),
        rx.table.cell(
            rx.button(
                tr("doc_download"),
                on_click=DocumentsState.download(d.id),  # type: ignore[operator]  # see records.py
                size="1",
                variant="outline",
                class_name="doc-download",
                aria_label=rx.cond(d.title != "", d.title, tr("doc_untitled")),
                style=FOCUS_STYLE,
            )
        ),
    )


def _share_box(code: str) -> rx.Component:
    """One agency, by name, to tick."""
    ident = f"doc-share-{code}"
    return rx.hstack(
        rx.el.input(
            type="checkbox",
            id=ident,
            name=f"share-{code}",
            checked=cast("ArrayVar[list[str]]", DocumentsState.share_with).contains(code),
            on_change=lambda _: DocumentsState.toggle_share(code),  # type: ignore[operator]  # see records.py
            style=FOCUS_STYLE,
        ),
        rx.el.label(say_code("agency", code), html_for=ident, style={"font_size": "0.9em"}),
        align="center",
        spacing="1",
        width="12em",
    )


def _share_choices() -> rx.Component:
    """The agencies, by name, that may see the document (none ticked: every agency the
    citizen shares documents with)."""
    return rx.el.details(
        rx.el.summary(tr("doc_share_title"), style={"cursor": "pointer"}),
        rx.text(tr("doc_share_hint"), size="1", color_scheme="gray"),
        rx.flex(*[_share_box(code) for code in agency_codes()], wrap="wrap", gap="1"),
        id="doc-share",
    )


def _legend(key: str) -> rx.Component:
    return rx.el.legend(tr(key), style={"font_weight": "600"})


def _upload_form() -> rx.Component:
    """Add a document: the file, its title, who may see it."""
    return rx.form(
        rx.el.fieldset(
            _legend("doc_add_title"),
            rx.vstack(
                rx.text(
                    tr("doc_kinds"), " ", say(DocumentsState.upload_limit), ".", id="doc-limit"
                ),
                rx.upload(
                    rx.hstack(
                        rx.button(
                            tr("doc_choose"), type="button", variant="outline", style=FOCUS_STYLE
                        ),
                        rx.cond(
                            rx.selected_files(UPLOAD_ID).length() > 0,
                            rx.text(
                                rx.foreach(rx.selected_files(UPLOAD_ID), rx.text.span),
                                id="doc-chosen",
                                weight="medium",
                            ),
                            rx.text(tr("doc_drop"), size="2", color_scheme="gray"),
                        ),
                        align="center",
                        spacing="3",
                    ),
                    id=UPLOAD_ID,
                    accept=ACCEPTED,
                    multiple=False,
                    max_files=1,
                    on_drop_rejected=DocumentsState.not_accepted,
                    border="1px dashed #8b8d98",
                    border_radius="6px",
                    padding="0.5em",
                    width="100%",
                ),
                input_field("doc_field_title", "title", "doc-title", required=True),
                _share_choices(),
                rx.button(tr("doc_add"), type="submit", id="doc-upload-submit", style=FOCUS_STYLE),
                spacing="2",
                width="100%",
            ),
            style=FIELDSET,
        ),
        on_submit=lambda form: [
            DocumentsState.upload(rx.upload_files(upload_id=UPLOAD_ID), form),  # type: ignore[operator]
            rx.clear_selected_files(UPLOAD_ID),
        ],
        id="doc-upload-form",
        width="100%",
    )


def _request_form() -> rx.Component:
    """Ask the citizen for a document, by a date."""
    return rx.form(
        rx.el.fieldset(
            _legend("doc_request_title"),
            rx.vstack(
                rx.text(tr("doc_request_hint"), size="2", color_scheme="gray"),
                input_field(
                    "doc_field_what",
                    "what",
                    "doc-what",
                    required=True,
                    placeholder=tr("doc_what_example"),
                ),
                field(
                    "doc_field_due",
                    "due_date",
                    "doc-due",
                    rx.input(id="doc-due", name="due_date", type="date", required=True),
                ),
                rx.button(
                    tr("doc_request"), type="submit", id="doc-request-submit", style=FOCUS_STYLE
                ),
                spacing="2",
                width="100%",
            ),
            style=FIELDSET,
        ),
        on_submit=DocumentsState.request_document,
        id="doc-request-form",
        width="100%",
    )


def documents() -> rx.Component:
    """The documents kept with the case, adding one, and asking the citizen for one."""
    return section(
        "documents",
        "section-documents",
        _outcome(),
        table(
            "documents-table",
            [
                "col_title",
                "col_type",
                "col_size",
                "doc_col_by",
                "col_when",
                "doc_col_shared",
                "doc_col_file",
            ],
            cast("list[DocumentRow]", DocumentsState.document_rows),
            _row,
        ),
        rx.grid(
            _upload_form(),
            rx.vstack(
                _request_form(),
                rx.heading(tr("doc_requested"), size="3", as_="h3"),
                table(
                    "doc-requested-table",
                    ["doc_field_what", "doc_field_due", "doc_col_asked"],
                    cast("list[RequestRow]", DocumentsState.requested),
                    lambda r: rx.table.row(
                        rx.table.cell(r.what),
                        rx.table.cell(r.due_on, white_space="nowrap"),
                        rx.table.cell(r.at, white_space="nowrap"),
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            columns="2",
            spacing="4",
            width="100%",
            padding_top="0.75em",
        ),
    )
