"""The console's only door to data: the dossier and routing HTTP APIs.

Every path the console calls is in `DOSSIER_PATHS` / `ROUTING_PATHS`, and every response is
turned into the small row dicts the pages render here, so when an API's shape changes the
wiring changes in this one module. Reads come from the dossier (its case page is authorised
and audited per part, so the console shows what the user may see and says what was refused);
actions go to the dossier, and nudging an agency or adding a referral to routing.

Errors come back as exceptions the pages show as states: `Unreachable` (no connection, or the
endpoint does not exist yet), `Refused` (401/403), `NotFound` (404 on one case), `ApiError`;
an action the API turns down raises `ActionFailed` with the API's own problem message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import httpx
import structlog

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
    "grants": "/cases/{case_id}/grants",
    "overrides": "/cases/{case_id}/overrides",
    "override_decision": "/cases/{case_id}/overrides/{override_id}/{decision}",
    "close": "/cases/{case_id}/close",
    "figures": "/supervisor/figures",
}
"""Dossier endpoints (services/dossier entrypoints/http/routes.py)."""

ROUTING_PATHS: Final = {
    "referrals": "/cases/{case_id}/referrals",
    "nudge": "/referrals/{referral_id}/nudge",
}
"""Routing endpoints (services/routing entrypoints/http/routes.py)."""

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


class ActionFailed(ApiProblem):
    """The API turned an action down (4xx): `detail` is its problem message, with fields."""

    def __init__(self, service: str, status: int, detail: str) -> None:
        super().__init__(service, detail)
        self.status = status


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
        "state": _text(raw.get("state") or raw.get("ownership_status")),
        "handover_to": _text(raw.get("handover_to")),
        "owner": _text(raw.get("owner") or raw.get("owner_id")),
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


def _problem_detail(response: httpx.Response) -> str:
    """The problem-details message of a refused call: its detail and each field's reason."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if not isinstance(body, dict):
        return f"HTTP {response.status_code}"
    parts = [_text(body.get("detail") or body.get("title"))]
    for error in body.get("errors") or []:
        if isinstance(error, dict):
            parts.append(
                f"{_text(error.get('field'))}: {_text(error.get('reason') or error.get('message'))}"
            )
    return " — ".join(p for p in parts if p)[:500] or f"HTTP {response.status_code}"


async def _send(
    endpoints: Endpoints, service: str, path: str, token: str, body: Mapping[str, Any] | None
) -> Any:
    """POST an action; the API's answer (or None), else `ActionFailed`/`Unreachable`."""
    base = endpoints.dossier_url if service == "dossier" else endpoints.routing_url
    try:
        async with httpx.AsyncClient(base_url=base, timeout=endpoints.timeout_s) as client:
            response = await client.post(
                path, json=body, headers={"Authorization": f"Bearer {token}"}
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


async def work_queue(
    endpoints: Endpoints, token: str, view: str, filters: Mapping[str, str], me: str = ""
) -> list[dict[str, str]]:
    """The cases in one queue view (`GET /queue`), filtered here by parts of codes and sorted
    by what is overdue and urgent; a handover addressed to `me` is marked and comes first."""
    if view not in QUEUE_VIEWS:
        raise ValueError(f"unknown queue view {view!r}")
    params = {"view": view, "sort": "overdue", "limit": "500"}
    body = await _get(endpoints, "dossier", DOSSIER_PATHS["queue"], token, params, collection=True)
    rows = [case_row(i) for i in _items(body, "dossier")]
    if view == "mine" and me:
        # A handover addressed to me is not mine yet: find it among my team's cases.
        pending = {"view": "team", "state": "handover_requested", "limit": "500"}
        body = await _get(endpoints, "dossier", DOSSIER_PATHS["queue"], token, pending)
        seen = {r["case_id"] for r in rows}
        rows += [
            row
            for row in (case_row(i) for i in _items(body, "dossier"))
            if row["handover_to"] == me and row["case_id"] not in seen
        ]
    for row in rows:
        row["for_me"] = "1" if me and row["handover_to"] == me else ""
    ordered = sort_queue(filter_queue(rows, filters))
    return sorted(ordered, key=lambda r: r["for_me"] != "1")


def _when(value: Any) -> str:
    """An ISO timestamp as `YYYY-MM-DD HH:MM` (UTC), or the text as is."""
    text = _text(value)
    return text[:16].replace("T", " ") if len(text) >= 16 and text[10:11] == "T" else text


def _reasons(reasons: Any, lang: str) -> str:
    if not isinstance(reasons, list):
        return ""
    return "; ".join(_text(r.get(lang)) for r in reasons if isinstance(r, dict))


def _header(case_id: str, summary: Mapping[str, Any], identity: Any) -> dict[str, str]:
    own = summary.get("ownership") or {}
    owner = own.get("owner") or {}
    pending = own.get("pending_handover") or {}
    pending_to = pending.get("to") or {}
    notes = summary.get("notifications") or {}
    header = {
        "case_id": case_id,
        "urgency": _text(summary.get("urgency")),
        "redzaamheid": _text(summary.get("redzaamheid")),
        "life_events": _text(summary.get("life_events")),
        "needs": _text(summary.get("needs")),
        "risks": _text(summary.get("risks")),
        "municipality": _text(summary.get("municipality_code")),
        "opened_at": _when(summary.get("opened_at")),
        "closed_at": _when(summary.get("closed_at")),
        "status": _text(own.get("status")),
        "owner_id": _text(owner.get("id")),
        "owner_name": _text(owner.get("name")),
        "owner_team": _text(owner.get("team")),
        "owner_since": _when(own.get("owner_since")),
        "pending_to_id": _text(pending_to.get("id")),
        "pending_to_name": _text(pending_to.get("name")),
        "pending_note": _text(pending.get("note")),
        "reasons_nl": _reasons(summary.get("recommendation"), "nl"),
        "reasons_en": _reasons(summary.get("recommendation"), "en"),
        "notifications_sent": _text(notes.get("sent") or 0),
        "notifications_failed": _text(notes.get("failed") or 0),
        "citizen": "",
        "household": "",
        "language": "",
        "channels": "",
        "representative": "",
    }
    if isinstance(identity, dict):
        rep = identity.get("representative") or {}
        header.update(
            citizen=_text(identity.get("name")),
            household=", ".join(
                f"{_text(m.get('name'))} ({_text(m.get('relation'))})"
                for m in identity.get("household") or []
                if isinstance(m, dict)
            ),
            language=_text(identity.get("language")),
            channels=_text(identity.get("channels")),
            representative=(
                f"{_text(rep.get('name'))} ({_text(rep.get('relation'))})" if rep else ""
            ),
        )
    return header


def _rows(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


async def case_page(endpoints: Endpoints, token: str, case_id: str) -> dict[str, Any]:
    """The whole case page from the dossier (`GET /cases/{id}`), as rows of strings; the parts
    the dossier refused this user are listed in `refused` (and left empty)."""
    body = await _get(endpoints, "dossier", DOSSIER_PATHS["case"].format(case_id=case_id), token)
    if not isinstance(body, dict):
        raise ApiError("dossier", "expected an object")
    summary = body.get("summary") if isinstance(body.get("summary"), dict) else {}
    referrals = _rows(body.get("referrals"))
    agency_of = {_text(r.get("referral_id")): _text(r.get("agency_code")) for r in referrals}
    sharing = body.get("sharing") if isinstance(body.get("sharing"), dict) else {}
    return {
        "refused": sorted(_text(k) for k in (body.get("refused") or {})),
        "header": _header(case_id, summary, body.get("identity")),
        "referrals": [
            {
                "id": _text(r.get("referral_id")),
                "agency_code": _text(r.get("agency_code")),
                "service_id": _text(r.get("service_code")),
                "state": _text(r.get("status")),
                "mode": _text(r.get("mode")),
                "due_at": _when(r.get("due_at")),
                "overdue": "1" if r.get("overdue") else "",
                "waits_on": (
                    f"{agency_of.get(_text(r.get('waits_on')), '')} ({_text(r.get('waits_on'))})"
                    if r.get("waits_on")
                    else ""
                ),
                "decline_reason": _text(r.get("decline_reason")),
                "reminders": _text(r.get("reminders") or 0),
                "outcome": _text(r.get("outcome") or r.get("stalled_reason")),
                "open": "" if r.get("status") in FINAL_REFERRAL_STATES else "1",
            }
            for r in sorted(referrals, key=lambda r: _text(r.get("agency_code")))
        ],
        "timeline": [
            {
                "at": _when(t.get("at")),
                "nl": _text(t.get("nl")),
                "en": _text(t.get("en")),
                "type": _text(t.get("type")).rsplit(".", 1)[-1],
            }
            for t in reversed(_rows(body.get("timeline")))
        ],
        "contacts": [
            {
                "at": _when(c.get("at")),
                "channel": _text(c.get("channel")),
                "by": _text(c.get("by")),
                "summary": _text(c.get("summary")),
                "next_steps": _text(c.get("next_steps")),
                "confirmation": "1" if c.get("confirmation_requested") else "",
            }
            for c in reversed(_rows(body.get("contact_moments")))
        ],
        "promises": [
            {
                "id": _text(p.get("promise_id")),
                "made_by": f"{_text(p.get('made_by'))} ({_text(p.get('made_by_kind'))})",
                "what": _text(p.get("what")),
                "due_at": _when(p.get("due_at")),
                "state": _text(p.get("status")),
                "overdue": "1" if p.get("status") == "broken" else "",
                "open": "1" if p.get("status") in ("open", "broken") else "",
            }
            for p in _rows(body.get("promises"))
        ],
        "documents": [
            {
                "id": _text(d.get("id")),
                "title": _text(d.get("title")) or _text(d.get("id")),
                "media_type": _text(d.get("media_type")),
                "size": _text(d.get("size")),
                "by": _text(d.get("uploaded_by")),
                "at": _when(d.get("uploaded_at")),
            }
            for d in _rows(body.get("documents"))
        ],
        "grants": [
            {
                "agency_code": _text(g.get("agency_code")),
                "scopes": _text(g.get("scopes")),
                "valid_until": _when(g.get("valid_until"))[:10],
                "by": _text(g.get("granted_by")),
                "channel": _text(g.get("channel")),
                "revoked": "1" if g.get("revoked_at") else "",
            }
            for g in _rows(sharing.get("grants"))
        ]
        + [
            {
                "agency_code": f"{_text(m.get('holder_name'))} ({_text(m.get('relation'))})",
                "scopes": _text(m.get("scopes")),
                "valid_until": _when(m.get("valid_until"))[:10],
                "by": "mandate",
                "channel": "",
                "revoked": "1" if m.get("revoked_at") else "",
            }
            for m in _rows(sharing.get("mandates"))
        ],
        "messages": [
            {
                "kind": _text(i.get("kind")),
                "text": _text(i.get("text")),
                "by": _text(i.get("by")),
                "at": _when(i.get("at")),
            }
            for i in reversed(_rows(summary.get("citizen_items")))
        ],
        "doorbraak": [
            {
                "id": _text(o.get("id")),
                "reason_code": _text(o.get("reason_code")),
                "note": _text(o.get("note")),
                "status": _text(o.get("status")),
                "proposed_by": _text(o.get("proposed_by")),
                "decided_by": _text(o.get("decided_by")),
            }
            for o in _rows(summary.get("doorbraak"))
        ],
    }


FINAL_REFERRAL_STATES: Final = frozenset(
    {"declined", "completed", "returned", "withdrawn", "expired"}
)


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
            "due_at": _when(r.get("due_at")),
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


def _rate(value: Any) -> str:
    return f"{round(float(value) * 100)}%" if isinstance(value, int | float) else "-"


async def supervisor_overview(endpoints: Endpoints, token: str) -> dict[str, Any]:
    """Queue health, overdue referrals, broken promises and per-agency figures
    (`GET /supervisor/figures`); `chart` holds the numbers for the charts."""
    body = await _get(endpoints, "dossier", DOSSIER_PATHS["figures"], token, collection=True)
    if not isinstance(body, dict):
        raise ApiError("dossier", "expected an object")
    queue = body.get("queue") if isinstance(body.get("queue"), dict) else {}
    agencies = _rows(body.get("agencies"))
    return {
        "open_cases": _text(queue.get("open_cases")),
        "unassigned": _text(queue.get("in_queue")),
        "handover_requested": _text(queue.get("handover_requested")),
        "acute_cases": _text(queue.get("acute_cases")),
        "overdue_referrals": _text(body.get("overdue_referrals")),
        "broken_promises": _text(body.get("broken_promises")),
        "agencies": [
            {
                "agency_code": _text(a.get("agency_code")),
                "referrals": _text(a.get("referrals")),
                "median_accept_hours": _text(a.get("median_accept_hours")) or "-",
                "decline_rate": _rate(a.get("decline_rate")),
                "redirect_rate": _rate(a.get("redirect_rate")),
                "overdue_referrals": _text(a.get("overdue_referrals")),
                "broken_promises": _text(a.get("broken_promises")),
            }
            for a in agencies
        ],
        "chart": [
            {
                "agency": _text(a.get("agency_code")),
                "accept_hours": float(a.get("median_accept_hours") or 0),
                "decline_pct": round(float(a.get("decline_rate") or 0) * 100),
                "redirect_pct": round(float(a.get("redirect_rate") or 0) * 100),
                "broken_promises": int(a.get("broken_promises") or 0),
            }
            for a in agencies
        ],
    }
