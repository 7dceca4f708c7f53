"""The portal's door to the citizen's own routes: opening a message's short link, the status
view, ticking a checklist item off, and asking to talk to a person.

- `GET {dossier}/citizen/l/{token}`: the dossier checks the short token from the SMS or e-mail
  and answers 303 with the case id and its own long link in `Location` (or, where the dossier
  offers it, the same as JSON). The redirect is never followed: the long link stays in the
  portal's backend and never reaches the browser's address bar, a Referer or a log line.
- `GET {dossier}/citizen/cases/{id}?link=…&lang=xx`: the view (`CitizenView`).
- `PUT {dossier}/citizen/cases/{id}/checklist/{item_id}?link=…`: `ChecklistMarkIn`.
- `POST {dossier}/citizen/cases/{id}/documents?link=…`: a document the citizen sends
  (multipart `file`, `title`), checked by content and size at the dossier.
- `POST {dossier}/citizen/cases/{id}/person?link=…` and, during an intake,
  `POST {intake}/intakes/{id}/person` with the intake's token: `PersonRequestIn` →
  `PersonRequestOut`.

Failures come back as exceptions the pages turn into words: `LinkRefused` (the link is
expired, revoked, changed or for another case: show no data), `Unreachable` (no answer, or
the service failed), `Rejected` (the service turned the request down, with its reason).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import structlog
from pydantic import ValidationError

from voorportaal_contracts.api.citizen import ChecklistMarkIn, PersonRequestIn, PersonRequestOut
from voorportaal_contracts.api.dossier import CitizenView

log = structlog.get_logger()

# httpx logs every request's full URL at INFO; the citizen's long link is in those URLs
# (`?link=`), and it must not end up in the portal's logs. Our own lines name the case only.
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)

DOSSIER_PATHS: Final = {
    "short_link": "/citizen/l/{token}",
    "view": "/citizen/cases/{case_id}",
    "checklist_item": "/citizen/cases/{case_id}/checklist/{item_id}",
    "person": "/citizen/cases/{case_id}/person",
    "documents": "/citizen/cases/{case_id}/documents",
}
"""The dossier's citizen routes (services/dossier entrypoints/http/citizen.py, short_links.py)."""

INTAKE_PATHS: Final = {"person": "/intakes/{intake_id}/person"}
"""The intake's route for "I want to talk to a person" during the questionnaire."""

_TIMEOUT_S: Final = 10.0


class CitizenApiProblem(Exception):
    """A call for the citizen did not give what was asked for."""


class LinkRefused(CitizenApiProblem):
    """The dossier refused the link (expired, revoked, changed, another case): show no data."""


class Unreachable(CitizenApiProblem):
    """No connection, a timeout, a server error, or an answer that is not what was agreed."""


class Rejected(CitizenApiProblem):
    """The service turned the request down (4xx other than the link): `detail` says why."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


@dataclass(frozen=True, slots=True)
class OpenedLink:
    """What a message's short link opened: the case, the dossier's long link, the page."""

    case_id: str
    link: str
    page: str

    def __repr__(self) -> str:
        # The link is a bearer credential: keep it out of reprs (tracebacks, debug output).
        return f"OpenedLink(case_id={self.case_id!r}, page={self.page!r})"


@dataclass(frozen=True, slots=True)
class StatusAnswer:
    """The citizen's view, validated against the contract, and the raw JSON for the parts the
    contract in this branch does not name yet (the other languages, the checklist)."""

    view: CitizenView
    raw: dict[str, Any]


def _problem_detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        detail = body.get("detail") or body.get("title") or ""
        extra = body.get("extra")
        return f"{detail} {extra}".strip() if extra else str(detail)
    return str(body)[:200]


def _check(response: httpx.Response, *, link_call: bool) -> None:
    """Raise the problem an answer means; nothing when it is a success."""
    status = response.status_code
    if status < 400:
        return
    if link_call and status in {401, 403}:
        raise LinkRefused(_problem_detail(response))
    if status >= 500:
        raise Unreachable(f"{status}")
    raise Rejected(status, _problem_detail(response))


def opened_from_location(location: str) -> OpenedLink:
    """The case id, long link and page of the dossier's redirect
    (`/citizen/cases/<case_id>?link=<link>#<page>`)."""
    parts = urlsplit(location)
    segments = [s for s in parts.path.split("/") if s]
    links = parse_qs(parts.query).get("link", [])
    if len(segments) != 3 or segments[:2] != ["citizen", "cases"] or len(links) != 1:
        raise Unreachable("the dossier's redirect is not a citizen view")
    return OpenedLink(case_id=segments[2], link=links[0], page=parts.fragment or "overview")


class CitizenApi:
    """The dossier's and the intake's citizen routes, with a timeout per call."""

    def __init__(
        self,
        dossier_url: str,
        intake_url: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._dossier = dossier_url.rstrip("/")
        self._intake = intake_url.rstrip("/")
        self._transport = transport

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            timeout=_TIMEOUT_S, follow_redirects=False, transport=self._transport
        )

    async def _send(self, request: httpx.Request) -> httpx.Response:
        try:
            async with self._client() as client:
                return await client.send(request)
        except httpx.TransportError as exc:
            raise Unreachable(type(exc).__name__) from None

    async def open_short_link(self, token: str) -> OpenedLink:
        """Exchange a message's short token for the case id and the dossier's long link."""
        path = DOSSIER_PATHS["short_link"].format(token=quote(token, safe=""))
        request = httpx.Request("GET", self._dossier + path, headers={"Accept": "application/json"})
        response = await self._send(request)
        if response.status_code in {301, 302, 303, 307, 308}:
            opened = opened_from_location(response.headers.get("location", ""))
        else:
            # A malformed token is refused before it is checked (400/404/422): to the citizen
            # it is the same as a forged one.
            if response.status_code in {400, 404, 422}:
                raise LinkRefused(_problem_detail(response))
            _check(response, link_call=True)
            opened = _opened_from_json(response)
        log.info("portal.short_link_opened", case_id=opened.case_id, page=opened.page)
        return opened

    async def status(self, case_id: str, link: str, language: str | None) -> StatusAnswer:
        """The citizen's view of `case_id` in `language` (None: the case's own language; the
        dossier falls back to Dutch where it lacks a text)."""
        path = DOSSIER_PATHS["view"].format(case_id=quote(case_id, safe=""))
        params = {"link": link} | ({"lang": language} if language else {})
        request = httpx.Request("GET", self._dossier + path, params=params)
        response = await self._send(request)
        _check(response, link_call=True)
        try:
            raw = response.json()
            view = CitizenView.model_validate(raw)
        except (ValueError, ValidationError) as exc:
            log.warning("portal.status_unreadable", case_id=case_id, error=type(exc).__name__)
            raise Unreachable("the dossier's answer is not a citizen view") from None
        log.info("portal.status_read", case_id=case_id, language=language)
        return StatusAnswer(view=view, raw=raw)

    async def mark_item(self, case_id: str, link: str, item_id: str, *, done: bool) -> None:
        """Tick a checklist item off (or undo that) from the status page."""
        path = DOSSIER_PATHS["checklist_item"].format(
            case_id=quote(case_id, safe=""), item_id=quote(item_id, safe="")
        )
        request = httpx.Request(
            "PUT",
            self._dossier + path,
            params={"link": link},
            json=ChecklistMarkIn(done=done).model_dump(mode="json"),
        )
        _check(await self._send(request), link_call=True)
        log.info("portal.checklist_marked", case_id=case_id, item_id=item_id, done=done)

    async def upload_document(
        self, case_id: str, link: str, *, filename: str, content: bytes, title: str
    ) -> None:
        """Send a document the citizen chose to their dossier (`Rejected` with the dossier's
        reason when it refuses the file: wrong type, too large, empty)."""
        path = DOSSIER_PATHS["documents"].format(case_id=quote(case_id, safe=""))
        request = httpx.Request(
            "POST",
            self._dossier + path,
            params={"link": link},
            files={"file": (filename, content, "application/octet-stream")},
            data={"title": title[:200]},
        )
        _check(await self._send(request), link_call=True)
        log.info("portal.document_sent", case_id=case_id, size=len(content))

    async def person_on_case(
        self, case_id: str, link: str, wish: PersonRequestIn
    ) -> PersonRequestOut:
        """Ask to talk to a person from the status page (the dossier records the wish)."""
        path = DOSSIER_PATHS["person"].format(case_id=quote(case_id, safe=""))
        request = httpx.Request(
            "POST",
            self._dossier + path,
            params={"link": link},
            json=wish.model_dump(mode="json", exclude_none=True),
        )
        answer = await self._person(request, link_call=True)
        log.info("portal.person_requested", case_id=case_id, via="portal_status")
        return answer

    async def person_in_intake(
        self, intake_id: str, token: str, wish: PersonRequestIn
    ) -> PersonRequestOut:
        """Ask to talk to a person during the questionnaire (the intake records the wish)."""
        path = INTAKE_PATHS["person"].format(intake_id=quote(intake_id, safe=""))
        request = httpx.Request(
            "POST",
            self._intake + path,
            headers={"Authorization": f"Bearer {token}"},
            json=wish.model_dump(mode="json", exclude_none=True),
        )
        answer = await self._person(request, link_call=True)
        log.info("portal.person_requested", case_id=answer.case_id, via="portal_intake")
        return answer

    async def _person(self, request: httpx.Request, *, link_call: bool) -> PersonRequestOut:
        response = await self._send(request)
        _check(response, link_call=link_call)
        try:
            return PersonRequestOut.model_validate(response.json())
        except (ValueError, ValidationError):
            raise Unreachable("the answer is not a PersonRequestOut") from None


def _opened_from_json(response: httpx.Response) -> OpenedLink:
    """The short link's JSON answer (`{case_id, link, page, …}`), where the dossier gives one."""
    try:
        body = response.json()
        return OpenedLink(
            case_id=str(body["case_id"]),
            link=str(body["link"]),
            page=str(body.get("page") or "overview"),
        )
    except (ValueError, KeyError, TypeError):
        raise Unreachable("the dossier's answer to a short link is not understood") from None
