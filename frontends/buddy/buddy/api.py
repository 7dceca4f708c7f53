"""The console's only door to data: the dossier and routing HTTP APIs.

Every path the console calls is in `DOSSIER_PATHS` / `ROUTING_PATHS`. Every dossier answer is
validated once into its model from `voorportaal_contracts.api.dossier` (the models the dossier
itself answers with) and turned into the rows the pages render (`buddy.rows`), so a changed
answer fails here, by name, not somewhere in a page. Reads come from the dossier (its case
page is authorised and audited per part, so the console shows what the user may see and says
what was refused); actions go to the dossier, and nudging an agency or adding a referral to
routing.

Errors come back as exceptions the pages show as states: `Unreachable` (no connection, or the
endpoint does not exist yet), `Refused` (401/403), `NotFound` (404 on one case), `ApiError`;
an action the API turns down raises `ActionFailed` with the API's own problem message, in Dutch
(its `detail_nl` and the fields' `reason_nl`) and in English, for the page to say in the user's
language.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Final, TypeVar

import httpx
import structlog
from pydantic import TypeAdapter, ValidationError

from buddy.labels import Words
from buddy.rows.case import case_view
from buddy.rows.case_parts import CaseView
from buddy.rows.figures import SupervisorView, supervisor_view
from buddy.rows.formats import when
from buddy.rows.lists import QueueRow, filter_queue, queue_row, sort_queue
from voorportaal_contracts.api.dossier import (
    Caseload,
    CasePage,
    DocumentOut,
    MonthlyTrends,
    QueueItem,
    StaffNotifications,
    StaffNotificationSettings,
    SupervisorFigures,
)
from voorportaal_contracts.api.notify import ContactLoadOut

log = structlog.get_logger()

DOSSIER_PATHS: Final = {
    "queue": "/queue",
    "case": "/cases/{case_id}",
    "claim": "/cases/{case_id}/claim",
    "handover": "/cases/{case_id}/handover",
    "handover_step": "/cases/{case_id}/handover/{step}",
    "release": "/cases/{case_id}/release",
    "contacts": "/cases/{case_id}/contacts",
    "promises": "/cases/{case_id}/promises",
    "fulfil": "/cases/{case_id}/promises/{promise_id}/fulfil",
    "messages": "/cases/{case_id}/messages",
    "documents": "/cases/{case_id}/documents",
    "document": "/cases/{case_id}/documents/{document_id}",
    "actions": "/cases/{case_id}/actions",
    "grants": "/cases/{case_id}/grants",
    "grant_revoke": "/cases/{case_id}/grants/{grant_id}/revoke",
    "mandates": "/cases/{case_id}/mandates",
    "mandate_revoke": "/cases/{case_id}/mandates/{mandate_id}/revoke",
    "overrides": "/cases/{case_id}/overrides",
    "override_decision": "/cases/{case_id}/overrides/{override_id}/{decision}",
    "close": "/cases/{case_id}/close",
    "reassign": "/cases/{case_id}/reassign",
    "reopen": "/cases/{case_id}/reopen",
    "figures": "/supervisor/figures",
    "search": "/cases/search",
    "recent": "/cases/recent",
    "trends": "/supervisor/trends",
    "caseload": "/supervisor/caseload",
    "notifications": "/me/notifications",
    "notification_read": "/me/notifications/{notification_id}/read",
    "notification_settings": "/me/notification-settings",
}
"""Dossier endpoints (services/dossier entrypoints/http/routes.py)."""

ROUTING_PATHS: Final = {
    "referrals": "/cases/{case_id}/referrals",
    "nudge": "/referrals/{referral_id}/nudge",
}
"""Routing endpoints (services/routing entrypoints/http/routes.py)."""

NOTIFY_PATHS: Final = {
    "contact_load": "/cases/{case_id}/contact-load",
}
"""Notify endpoints (services/notify entrypoints/http/routes.py)."""

QUEUE_VIEWS: Final = ("recommended", "mine", "team")
"""Work queue views: recommended for a buddy, my cases, my team's cases."""

AnswerT = TypeVar("AnswerT")
_QUEUE: Final = TypeAdapter(list[QueueItem])
_CASE_PAGE: Final = TypeAdapter(CasePage)
_FIGURES: Final = TypeAdapter(SupervisorFigures)
_TRENDS: Final = TypeAdapter(MonthlyTrends)
_CASELOAD: Final = TypeAdapter(Caseload)


class ApiProblem(Exception):
    """A call did not give the data asked for."""

    problem: ClassVar[str] = "error"
    """What a page says went wrong: `unreachable`, `refused`, or else `error`."""

    def __init__(self, service: str, detail: str) -> None:
        super().__init__(f"{service}: {detail}")
        self.service = service
        self.detail = detail
        self.said = Words(nl=detail, en=detail)
        """What a page shows of it: the same text in both languages unless the API said more."""


class Unreachable(ApiProblem):
    """No connection, a timeout, or the endpoint is not there (yet)."""

    problem = "unreachable"


class Refused(ApiProblem):
    """The API refused this user (401/403)."""

    problem = "refused"


class NotFound(ApiProblem):
    """The thing asked for does not exist."""


class ApiError(ApiProblem):
    """Any other failure (5xx, malformed body)."""


class ActionFailed(ApiProblem):
    """The API turned an action down (4xx): `said` is its problem message, with fields, in
    Dutch and English (`detail` the English, for logs and pages without a language)."""

    def __init__(self, service: str, status: int, said: Words) -> None:
        super().__init__(service, said.en)
        self.status = status
        self.said = said


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Base URLs of the APIs and the per-call timeout."""

    dossier_url: str
    routing_url: str
    timeout_s: float = 5.0
    notify_url: str = "http://127.0.0.1:8004"


def _base(endpoints: Endpoints, service: str) -> str:
    """The base URL of `service` (`dossier`, `routing` or `notify`)."""
    if service == "notify":
        return endpoints.notify_url
    return endpoints.dossier_url if service == "dossier" else endpoints.routing_url


async def _get(
    endpoints: Endpoints,
    service: str,
    path: str,
    token: str,
    params: Mapping[str, str] | None = None,
    *,
    collection: bool = False,
) -> Any:
    base = _base(endpoints, service)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=endpoints.timeout_s) as client:
            response = await client.get(
                path, params=params, headers={"Authorization": f"Bearer {token}"}
            )
    except httpx.TransportError as exc:
        log.info("api.unreachable", service=service, path=path, error=type(exc).__name__)
        raise Unreachable(service, type(exc).__name__) from exc
    status = response.status_code
    if status in (401, 403):
        raise Refused(service, str(status))
    if status == 404:
        # A collection that 404s is an endpoint the API does not offer (yet).
        raise (Unreachable if collection else NotFound)(service, "404")
    if status >= 400:
        log.warning("api.error", service=service, path=path, status=status)
        raise ApiError(service, str(status))
    try:
        return response.json()
    except ValueError as exc:
        raise ApiError(service, "response is not JSON") from exc


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return str(value.get("code") or value.get("id") or value.get("nl") or "")
    return str(value)


def _items(body: Any, service: str) -> list[dict[str, Any]]:
    items = body.get("items") if isinstance(body, dict) else body
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ApiError(service, "expected a list of objects")
    return items


def _answer(shape: TypeAdapter[AnswerT], body: Any, path: str) -> AnswerT:
    """The dossier's answer validated into its model, once; else `ApiError`, and the fields
    that do not match are logged (where they are, never their values: personal data)."""
    try:
        return shape.validate_python(body)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
        log.warning("api.malformed_answer", service="dossier", path=path, fields=fields[:10])
        raise ApiError("dossier", "the answer does not match its model") from exc


def _problem_text(body: dict[str, Any], dutch: bool) -> str:
    """A problem's detail and each field's reason in one language: the Dutch ones (`detail_nl`,
    `reason_nl`) where the API sent them, else the English."""
    english = _text(body.get("detail") or body.get("title"))
    parts = [(_text(body.get("detail_nl")) or english) if dutch else english]
    for error in body.get("errors") or []:
        if isinstance(error, dict):
            said = _text(error.get("reason") or error.get("message"))
            reason = (_text(error.get("reason_nl")) or said) if dutch else said
            if said == english:  # the detail is this field's reason: say it once, named
                parts[0] = ""
            parts.append(f"{_text(error.get('field'))}: {reason}")
    return " — ".join(p for p in parts if p)[:500]


def _problem_detail(response: httpx.Response) -> Words:
    """The problem-details message of a refused call, its detail and each field's reason, in
    Dutch and in English (the English where the API sent no Dutch)."""
    status = f"HTTP {response.status_code}"
    try:
        body = response.json()
    except ValueError:
        return Words(nl=status, en=status)
    if not isinstance(body, dict):
        return Words(nl=status, en=status)
    return Words(nl=_problem_text(body, True) or status, en=_problem_text(body, False) or status)


async def _send(
    endpoints: Endpoints,
    service: str,
    path: str,
    token: str,
    body: Mapping[str, Any] | None,
    method: str = "POST",
) -> Any:
    """POST (or `method`) an action; the API's answer (or None), else
    `ActionFailed`/`Unreachable`."""
    base = _base(endpoints, service)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=endpoints.timeout_s) as client:
            response = await client.request(
                method, path, json=body, headers={"Authorization": f"Bearer {token}"}
            )
    except httpx.TransportError as exc:
        log.info("api.unreachable", service=service, path=path, error=type(exc).__name__)
        raise Unreachable(service, type(exc).__name__) from exc
    if response.status_code >= 500:
        log.warning("api.error", service=service, path=path, status=response.status_code)
        raise ApiError(service, str(response.status_code))
    if response.status_code >= 400:
        log.info("api.action_refused", service=service, path=path, status=response.status_code)
        raise ActionFailed(service, response.status_code, _problem_detail(response))
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


async def _queue(endpoints: Endpoints, token: str, params: Mapping[str, str]) -> list[QueueRow]:
    path = DOSSIER_PATHS["queue"]
    body = await _get(endpoints, "dossier", path, token, params, collection=True)
    return [queue_row(item) for item in _answer(_QUEUE, body, path)]


async def work_queue(
    endpoints: Endpoints, token: str, view: str, filters: Mapping[str, str], me: str = ""
) -> list[QueueRow]:
    """The cases in one queue view (`GET /queue`), filtered here by parts of codes and sorted
    by what is overdue and urgent; a handover addressed to `me` is marked and comes first."""
    if view not in QUEUE_VIEWS:
        raise ValueError(f"unknown queue view {view!r}")
    rows = await _queue(endpoints, token, {"view": view, "sort": "overdue", "limit": "500"})
    if view == "mine" and me:
        # A handover addressed to me is not mine yet: find it among my team's cases.
        pending = {"view": "team", "state": "handover_requested", "limit": "500"}
        seen = {r.case_id for r in rows}
        rows += [
            row
            for row in await _queue(endpoints, token, pending)
            if row.handover_to == me and row.case_id not in seen
        ]
    for row in rows:
        row.for_me = bool(me) and row.handover_to == me
    ordered = sort_queue(filter_queue(rows, filters))
    return sorted(ordered, key=lambda r: not r.for_me)


async def case_page(endpoints: Endpoints, token: str, case_id: str) -> CaseView:
    """The whole case page from the dossier (`GET /cases/{id}`); the parts the dossier refused
    this user are listed in `refused` (and left empty)."""
    path = DOSSIER_PATHS["case"].format(case_id=case_id)
    body = await _get(endpoints, "dossier", path, token)
    return case_view(_answer(_CASE_PAGE, body, path))


async def case_referrals(endpoints: Endpoints, token: str, case_id: str) -> list[dict[str, str]]:
    """Routing's view of a case's referrals (`GET /cases/{id}/referrals`), with their history."""
    path = ROUTING_PATHS["referrals"].format(case_id=case_id)
    body = await _get(endpoints, "routing", path, token, collection=True)
    return [
        {
            "id": _text(r.get("id")),
            "agency_code": _text(r.get("agency_code")),
            "service_id": _text(r.get("service_id")),
            "state": _text(r.get("state")),
            "due_at": when(_text(r.get("due_at"))),
            "overdue": "1" if r.get("overdue") else "",
            "waits_on": _text(r.get("waits_on")),
            "decline_reason": _text(r.get("decline_reason")),
        }
        for r in _items(body, "routing")
    ]


async def act(
    endpoints: Endpoints,
    token: str,
    action: str,
    *,
    case_id: str,
    body: Mapping[str, Any] | None = None,
    **ids: str,
) -> Any:
    """One action on a case, by its name in `DOSSIER_PATHS` (or `nudge`/`refer` on routing)."""
    if action == "nudge":
        return await _send(endpoints, "routing", ROUTING_PATHS["nudge"].format(**ids), token, body)
    if action == "refer":
        path = ROUTING_PATHS["referrals"].format(case_id=case_id)
        return await _send(endpoints, "routing", path, token, body)
    path = DOSSIER_PATHS[action].format(case_id=case_id, **ids)
    return await _send(endpoints, "dossier", path, token, body)


async def supervisor_overview(endpoints: Endpoints, token: str) -> SupervisorView:
    """Queue health, overdue referrals, broken promises and per-agency figures
    (`GET /supervisor/figures`), with the numbers for the charts."""
    path = DOSSIER_PATHS["figures"]
    body = await _get(endpoints, "dossier", path, token, collection=True)
    return supervisor_view(_answer(_FIGURES, body, path))


async def supervisor_trends(endpoints: Endpoints, token: str, months: int = 12) -> MonthlyTrends:
    """The kastje-muur figures per month (`GET /supervisor/trends`)."""
    path = DOSSIER_PATHS["trends"]
    params = {"months": str(months)}
    body = await _get(endpoints, "dossier", path, token, params, collection=True)
    return _answer(_TRENDS, body, path)


async def supervisor_caseload(endpoints: Endpoints, token: str) -> Caseload:
    """Open cases and what waits per casemanager (`GET /supervisor/caseload`)."""
    path = DOSSIER_PATHS["caseload"]
    body = await _get(endpoints, "dossier", path, token, collection=True)
    return _answer(_CASELOAD, body, path)


_NOTIFICATIONS: Final = TypeAdapter(StaffNotifications)


async def my_notifications(endpoints: Endpoints, token: str) -> StaffNotifications:
    """The signed-in user's newest notifications and unread count (`GET /me/notifications`)."""
    path = DOSSIER_PATHS["notifications"]
    body = await _get(endpoints, "dossier", path, token, {"limit": "50"}, collection=True)
    return _answer(_NOTIFICATIONS, body, path)


async def mark_notification_read(endpoints: Endpoints, token: str, notification_id: str) -> None:
    """Mark one of the user's notifications read (`POST /me/notifications/{id}/read`)."""
    path = DOSSIER_PATHS["notification_read"].format(notification_id=notification_id)
    await _send(endpoints, "dossier", path, token, None)


_NOTIFICATION_SETTINGS: Final = TypeAdapter(StaffNotificationSettings)


async def notification_settings(endpoints: Endpoints, token: str) -> StaffNotificationSettings:
    """Whether the user also gets an e-mail (a link only) per notification."""
    path = DOSSIER_PATHS["notification_settings"]
    body = await _get(endpoints, "dossier", path, token, collection=True)
    return _answer(_NOTIFICATION_SETTINGS, body, path)


async def choose_notification_email(
    endpoints: Endpoints, token: str, email: bool
) -> StaffNotificationSettings:
    """Choose whether the user also gets an e-mail (a link only) per notification."""
    path = DOSSIER_PATHS["notification_settings"]
    body = await _send(endpoints, "dossier", path, token, {"email": email}, method="PUT")
    return _answer(_NOTIFICATION_SETTINGS, body, path)


_DOCUMENT: Final = TypeAdapter(DocumentOut)
UPLOAD_TIMEOUT_S: Final = 60.0
"""An upload or a download carries up to the dossier's size limit: more time than a read."""


async def _transfer(
    endpoints: Endpoints,
    path: str,
    request: Callable[[httpx.AsyncClient], Awaitable[httpx.Response]],
) -> httpx.Response:
    """One upload or download on the dossier; its response, else `ActionFailed` (the dossier's
    own message), `Unreachable` or `ApiError`."""
    try:
        async with httpx.AsyncClient(
            base_url=endpoints.dossier_url, timeout=max(endpoints.timeout_s, UPLOAD_TIMEOUT_S)
        ) as client:
            response = await request(client)
    except httpx.TransportError as exc:
        log.info("api.unreachable", service="dossier", path=path, error=type(exc).__name__)
        raise Unreachable("dossier", type(exc).__name__) from exc
    if response.status_code >= 500:
        log.warning("api.error", service="dossier", path=path, status=response.status_code)
        raise ApiError("dossier", str(response.status_code))
    if response.status_code >= 400:
        log.info("api.action_refused", service="dossier", path=path, status=response.status_code)
        raise ActionFailed("dossier", response.status_code, _problem_detail(response))
    return response


async def upload_document(
    endpoints: Endpoints,
    token: str,
    case_id: str,
    *,
    filename: str,
    content: bytes,
    title: str,
    shared_with: list[str],
) -> DocumentOut:
    """Add a document to the case (`POST /cases/{id}/documents`, multipart: `file`, `title`,
    `shared_with`); the dossier checks its content and size and who may add it."""
    path = DOSSIER_PATHS["documents"].format(case_id=case_id)
    form = {"title": title, "shared_with": ",".join(shared_with)}
    files = {"file": (filename, content, "application/octet-stream")}
    headers = {"Authorization": f"Bearer {token}"}
    response = await _transfer(
        endpoints,
        path,
        lambda client: client.post(path, data=form, files=files, headers=headers),
    )
    try:
        body = response.json()
    except ValueError as exc:
        raise ApiError("dossier", "response is not JSON") from exc
    return _answer(_DOCUMENT, body, path)


async def download_document(
    endpoints: Endpoints, token: str, case_id: str, document_id: str
) -> tuple[bytes, str]:
    """A document's content and media type (`GET /cases/{id}/documents/{document_id}`); the
    dossier audits the read."""
    path = DOSSIER_PATHS["document"].format(case_id=case_id, document_id=document_id)
    headers = {"Authorization": f"Bearer {token}"}
    response = await _transfer(endpoints, path, lambda client: client.get(path, headers=headers))
    media_type = response.headers.get("content-type", "").split(";", 1)[0].strip()
    return response.content, media_type


_CONTACT_LOAD: Final = TypeAdapter(ContactLoadOut)


async def contact_load(endpoints: Endpoints, token: str, case_id: str) -> ContactLoadOut:
    """How many messages the household received lately, from notify
    (`GET /cases/{id}/contact-load`): the case page's contact-load meter."""
    path = NOTIFY_PATHS["contact_load"].format(case_id=case_id)
    body = await _get(endpoints, "notify", path, token, collection=True)
    try:
        return _CONTACT_LOAD.validate_python(body)
    except ValidationError as exc:
        log.warning("api.malformed_answer", service="notify", path=path)
        raise ApiError("notify", "the answer does not match its model") from exc
