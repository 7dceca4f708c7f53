"""HTTP: finding a case, and the cases a staff member opened lately."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from voorportaal_contracts.api.dossier import CaseSearchHit, CaseSearchResult
from voorportaal_dossier.entrypoints.http.dependencies import DossierController
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.case_search import CaseSearch


class CaseSearchController(DossierController):
    """Find a case by name, BSN, case id, postcode or phone; recent cases."""

    path = "/cases"
    tags = ["cases"]

    @get("/search", operation_id="searchCases")
    async def search(
        self,
        actor: NamedDependency[Actor],
        case_search: NamedDependency[CaseSearch],
        q: Annotated[str | None, QueryParameter(max_length=200, required=False)] = None,
        kind: Annotated[
            Literal["name", "bsn", "case_id", "postcode", "phone"] | None, QueryParameter()
        ] = None,
    ) -> CaseSearchResult:
        """Cases the term names within what the caller may see; audited, rate-limited."""
        return CaseSearchResult.model_validate(await case_search.search(actor, q, kind))

    @get("/recent", operation_id="recentCases")
    async def recent(
        self, actor: NamedDependency[Actor], case_search: NamedDependency[CaseSearch]
    ) -> list[CaseSearchHit]:
        """The cases the caller opened lately and may still see (ids and codes only)."""
        return [CaseSearchHit.model_validate(hit) for hit in await case_search.recent(actor)]
