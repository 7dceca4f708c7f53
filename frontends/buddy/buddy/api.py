"""The console's only door to data: the dossier and routing HTTP APIs.

Every path the console calls is in `DOSSIER_PATHS` / `ROUTING_PATHS`, and every response is
turned into the small row dicts the pages render here, so when an API's shape changes the
wiring changes in this one module. The dossier's HTTP API is still being built: its paths
below are the console's expectation, not yet a contract.

Errors come back as exceptions the pages show as states: `Unreachable` (no connection, or the
endpoint does not exist yet), `Refused` (401/403), `NotFound` (404 on one case), `ApiError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import httpx
import structlog

log = structlog.get_logger()

DOSSIER_PATHS: Final = {
    "queue": "/cases",
    "case": "/cases/{case_id}",
    "timeline": "/cases/{case_id}/timeline",
    "promises": "/cases/{case_id}/promises",
    "contacts": "/cases/{case_id}/contact-moments",
    "supervisor": "/supervisor/overview",
}
"""Dossier endpoints (expected shapes; adjust here when the dossier API settles)."""

ROUTING_PATHS: Final = {
    "referrals": "/cases/{case_id}/referrals",
}
"""Routing endpoints (exist: services/routing entrypoints/http/routes.py)."""

QUEUE_VIEWS: Final = ("recommended", "mine", "team")
"""Work queue views: recommended for a buddy, my cases, my team's cases."""

URGENCY_ORDER: Final = {"acute": 0, "high": 1, "normal": 2}


class ApiProblem(Exception):
    """A call did not give the data asked for."""

    def __init__(self, service: str, detail: str) -> None:
        super().__init__(f"{service}: {detail}")
        self.service = service
        self.detail = detail


class Unreachable(ApiProblem):
    """No connection, a timeout, or the endpoint is not there (yet)."""


class Refused(ApiProblem):
    """The API refused this user (401/403)."""


class NotFound(ApiProblem):
    """The thing asked for does not exist."""


class ApiError(ApiProblem):
    """Any other failure (5xx, malformed body)."""


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Base URLs of the APIs and the per-call timeout."""

    dossier_url: str
    routing_url: str
    timeout_s: float = 5.0


async def _get(
    endpoints: Endpoints,
    service: str,
    path: str,
    token: str,
    params: Mapping[str, str] | None = None,
    *,
    collection: bool = False,
) -> Any:
    base = endpoints.dossier_url if service == "dossier" else endpoints.routing_url
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


def case_row(raw: Mapping[str, Any]) -> dict[str, str]:
    """One work-queue row: strings only, so the page can render and filter it as is."""
    urgency = _text(raw.get("urgency")) or "normal"
    overdue = bool(raw.get("overdue") or raw.get("overdue_referrals") or raw.get("broken_promises"))
    return {
        "case_id": _text(raw.get("case_id") or raw.get("id")),
        "urgency": urgency,
        "urgency_rank": str(URGENCY_ORDER.get(urgency, 3)),
        "overdue": "1" if overdue else "",
        "life_events": _text(raw.get("life_events")),
        "agencies": _text(raw.get("agencies") or raw.get("agency_codes")),
        "municipality": _text(raw.get("municipality_code") or raw.get("municipality")),
        "state": _text(raw.get("state") or raw.get("status")),
        "owner": _text(raw.get("owner") or raw.get("owner_subject")),
        "team": _text(raw.get("team")),
        "redzaamheid": _text(raw.get("redzaamheid")),
        "opened_at": _text(raw.get("opened_at")),
    }


def sort_queue(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Overdue first, then by urgency (acute, high, normal), then oldest first."""
    return sorted(rows, key=lambda r: (r["overdue"] != "1", r["urgency_rank"], r["opened_at"]))


def filter_queue(rows: list[dict[str, str]], filters: Mapping[str, str]) -> list[dict[str, str]]:
    """The rows whose fields contain each non-empty filter value (case-insensitive)."""
    wanted = {k: v.strip().lower() for k, v in filters.items() if v and v.strip()}
    return [r for r in rows if all(v in r.get(k, "").lower() for k, v in wanted.items())]


async def work_queue(
    endpoints: Endpoints, token: str, view: str, filters: Mapping[str, str]
) -> list[dict[str, str]]:
    """The cases in one queue view, filtered and sorted by what is overdue and urgent."""
    if view not in QUEUE_VIEWS:
        raise ValueError(f"unknown queue view {view!r}")
    params = {"view": view, **{k: v for k, v in filters.items() if v}}
    body = await _get(endpoints, "dossier", DOSSIER_PATHS["queue"], token, params, collection=True)
    rows = [case_row(i) for i in _items(body, "dossier")]
    return sort_queue(filter_queue(rows, filters))


async def case_header(endpoints: Endpoints, token: str, case_id: str) -> dict[str, str]:
    """The case page header: triage with its reasons, urgency, owner."""
    body = await _get(endpoints, "dossier", DOSSIER_PATHS["case"].format(case_id=case_id), token)
    if not isinstance(body, dict):
        raise ApiError("dossier", "expected an object")
    row = case_row(body)
    recommendation = body.get("recommendation") or {}
    reasons = body.get("triage_reasons") or recommendation.get("reasons") or []
    row["reasons_nl"] = "; ".join(_text(r.get("nl")) for r in reasons if isinstance(r, dict))
    row["reasons_en"] = "; ".join(_text(r.get("en")) for r in reasons if isinstance(r, dict))
    return row


async def case_section(
    endpoints: Endpoints, token: str, case_id: str, section: str
) -> list[dict[str, str]]:
    """One list section of a case from the dossier: `timeline`, `promises` or `contacts`."""
    if section not in ("timeline", "promises", "contacts"):
        raise ValueError(f"unknown case section {section!r}")
    path = DOSSIER_PATHS[section].format(case_id=case_id)
    body = await _get(endpoints, "dossier", path, token, collection=True)
    return [
        {
            "at": _text(i.get("at") or i.get("recorded_at") or i.get("due_at")),
            "what_nl": _text(i.get("nl") or i.get("text") or i.get("summary") or i.get("type")),
            "what_en": _text(i.get("en") or i.get("text") or i.get("summary") or i.get("type")),
            "who": _text(i.get("by") or i.get("agency_code") or i.get("actor")),
            "state": _text(i.get("state") or i.get("status")),
            "overdue": "1" if i.get("overdue") or i.get("broken") else "",
        }
        for i in _items(body, "dossier")
    ]


async def case_referrals(endpoints: Endpoints, token: str, case_id: str) -> list[dict[str, str]]:
    """The referrals board of a case, from routing (`GET /cases/{id}/referrals`)."""
    path = ROUTING_PATHS["referrals"].format(case_id=case_id)
    body = await _get(endpoints, "routing", path, token, collection=True)
    return [
        {
            "id": _text(r.get("id")),
            "agency_code": _text(r.get("agency_code")),
            "service_id": _text(r.get("service_id")),
            "state": _text(r.get("state")),
            "due_at": _text(r.get("due_at")),
            "overdue": "1" if r.get("overdue") else "",
            "urgent": "1" if r.get("urgent") else "",
            "waits_on": _text(r.get("waits_on")),
            "decline_reason": _text(r.get("decline_reason")),
        }
        for r in _items(body, "routing")
    ]


async def supervisor_overview(endpoints: Endpoints, token: str) -> dict[str, Any]:
    """Queue health, overdue referrals, broken promises and per-agency figures."""
    body = await _get(endpoints, "dossier", DOSSIER_PATHS["supervisor"], token, collection=True)
    if not isinstance(body, dict):
        raise ApiError("dossier", "expected an object")
    agencies = body.get("agencies") or []
    return {
        "open_cases": _text(body.get("open_cases")),
        "unassigned": _text(body.get("unassigned")),
        "overdue_referrals": _text(body.get("overdue_referrals")),
        "broken_promises": _text(body.get("broken_promises")),
        "agencies": [
            {
                "agency_code": _text(a.get("agency_code")),
                "median_accept_hours": _text(a.get("median_accept_hours")),
                "decline_rate": _text(a.get("decline_rate")),
                "redirect_rate": _text(a.get("redirect_rate")),
                "broken_promises": _text(a.get("broken_promises")),
            }
            for a in agencies
            if isinstance(a, dict)
        ],
    }
