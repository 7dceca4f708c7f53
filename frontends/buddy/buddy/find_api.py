"""Finding a case through the dossier (`GET /cases/search`, `GET /cases/recent`), and the rows
the find page shows.

The dossier decides what the searcher may find and audits every search; the console only asks
and shows. A term the dossier turns down (400, naming `q`) or too many searches (429) come back
as `SearchRefused` with a reason the page says in words (`find_bad_<kind>`, `find_too_many`),
never the API's own text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import httpx
import structlog
from pydantic import TypeAdapter

from buddy import api
from buddy.labels import Words, words, words_of
from buddy.rows import when
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


@dataclass
class FoundRow:
    """A case a search or the recent cases list shows."""

    case_id: str
    name: str
    """The citizen's name; empty when the searcher may not read it (or in recent cases)."""
    opened_at: str
    closed: bool
    owner: str
    basis_words: Words = field(default_factory=Words)
    life_events_words: Words = field(default_factory=Words)
    state_words: Words = field(default_factory=Words)
    urgency_words: Words = field(default_factory=Words)
    municipality_words: Words = field(default_factory=Words)


def found_row(hit: CaseSearchHit) -> FoundRow:
    """A row from the dossier's `CaseSearchHit`."""
    return FoundRow(
        case_id=hit.case_id,
        name=hit.name or "",
        opened_at=when(hit.opened_at),
        closed=hit.closed,
        owner=hit.owner_id or "",
        basis_words=words("access_basis", hit.basis),
        life_events_words=words_of("life_event", hit.life_events),
        state_words=words("ownership", hit.ownership_status),
        urgency_words=words("urgency", hit.urgency or "normal"),
        municipality_words=words("municipality", hit.municipality_code),
    )


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
