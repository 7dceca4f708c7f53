"""Finding a case through the dossier (`GET /cases/search`, `GET /cases/recent`), as the rows
the find page shows (`buddy.rows.lists`).

The dossier decides what the searcher may find and audits every search; the console only asks
and shows. A term the dossier turns down (400, naming `q`) or too many searches (429) come back
as `SearchRefused` with a reason the page says in words (`find_bad_<kind>`, `find_too_many`),
never the API's own text.
"""

from __future__ import annotations

from typing import Final

import httpx
import structlog
from pydantic import TypeAdapter

from buddy import api
from buddy.rows.lists import FoundRow, found_row
from voorportaal_contracts.api.dossier import CaseSearchHit, CaseSearchResult

log = structlog.get_logger()

SEARCH_KINDS: Final = ("", "name", "bsn", "case_id", "postcode", "phone")
"""What a term may be: the empty kind lets the dossier guess it from the term."""
_RESULT: Final = TypeAdapter(CaseSearchResult)
_RECENT: Final = TypeAdapter(list[CaseSearchHit])


class SearchRefused(api.ApiProblem):
    """The dossier turned the search down: `reason` is `bad_term` or `too_many`."""

    def __init__(self, reason: str) -> None:
        super().__init__("dossier", reason)
        self.reason = reason


async def _get(endpoints: api.Endpoints, path: str, token: str, params: dict[str, str]) -> object:
    try:
        async with httpx.AsyncClient(
            base_url=endpoints.dossier_url, timeout=endpoints.timeout_s
        ) as client:
            response = await client.get(
                path, params=params, headers={"Authorization": f"Bearer {token}"}
            )
    except httpx.TransportError as exc:
        log.info("api.unreachable", service="dossier", path=path, error=type(exc).__name__)
        raise api.Unreachable("dossier", type(exc).__name__) from exc
    status = response.status_code
    if status in (401, 403):
        raise api.Refused("dossier", str(status))
    if status == 400:
        raise SearchRefused("bad_term")
    if status == 429:
        raise SearchRefused("too_many")
    if status == 404:
        raise api.Unreachable("dossier", "404")
    if status >= 400:
        log.warning("api.error", service="dossier", path=path, status=status)
        raise api.ApiError("dossier", str(status))
    try:
        return response.json()
    except ValueError as exc:
        raise api.ApiError("dossier", "response is not JSON") from exc


async def search(endpoints: api.Endpoints, token: str, term: str, kind: str) -> list[FoundRow]:
    """The cases the dossier finds for `term` (of `kind`, or guessed when empty)."""
    if kind not in SEARCH_KINDS:
        raise ValueError(f"unknown search kind {kind!r}")
    path = api.DOSSIER_PATHS["search"]
    params = {"q": term} | ({"kind": kind} if kind else {})
    result = api._answer(_RESULT, await _get(endpoints, path, token, params), path)
    return [found_row(hit) for hit in result.hits]


async def recent(endpoints: api.Endpoints, token: str) -> list[FoundRow]:
    """The cases the signed-in user opened lately (`GET /cases/recent`)."""
    path = api.DOSSIER_PATHS["recent"]
    hits = api._answer(_RECENT, await _get(endpoints, path, token, {}), path)
    return [found_row(hit) for hit in hits]
