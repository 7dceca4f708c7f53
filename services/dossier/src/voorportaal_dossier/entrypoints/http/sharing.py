"""HTTP: sharing grants and mandates recorded by a casemanager on the citizen's behalf."""

from __future__ import annotations

from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from voorportaal_contracts.api.dossier import GrantCreated, MandateCreated
from voorportaal_dossier.entrypoints.http.dependencies import DossierController
from voorportaal_dossier.entrypoints.http.inputs import (
    CaseId,
    GrantIn,
    ItemId,
    MandateIn,
    RevokeIn,
)
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.sharing import Asked, Sharing


class SharingController(DossierController):
    """Sharing grants and mandates recorded by a casemanager on the citizen's behalf."""

    path = "/cases/{case_id:str}"
    tags = ["sharing"]

    @post("/grants", operation_id="grantSharing", status_code=201)
    async def grant(
        self,
        actor: NamedDependency[Actor],
        sharing: NamedDependency[Sharing],
        case_id: CaseId,
        data: JSONBody[GrantIn],
    ) -> GrantCreated:
        """Share the case with an agency (the channel the citizen used is noted)."""
        return await record_grant(sharing, actor, case_id, data)

    @post("/grants/{grant_id:str}/revoke", operation_id="revokeSharing", status_code=204)
    async def revoke(
        self,
        actor: NamedDependency[Actor],
        sharing: NamedDependency[Sharing],
        case_id: CaseId,
        grant_id: ItemId,
        data: JSONBody[RevokeIn],
    ) -> None:
        """Stop sharing with an agency."""
        await sharing.revoke(actor, case_id, grant_id, channel=data.channel)

    @post("/mandates", operation_id="grantMandate", status_code=201)
    async def mandate(
        self,
        actor: NamedDependency[Actor],
        sharing: NamedDependency[Sharing],
        case_id: CaseId,
        data: JSONBody[MandateIn],
    ) -> MandateCreated:
        """Record a mandate for a representative."""
        return await record_mandate(sharing, actor, case_id, data)

    @post("/mandates/{mandate_id:str}/revoke", operation_id="revokeMandate", status_code=204)
    async def revoke_mandate(
        self,
        actor: NamedDependency[Actor],
        sharing: NamedDependency[Sharing],
        case_id: CaseId,
        mandate_id: ItemId,
        data: JSONBody[RevokeIn],
    ) -> None:
        """Revoke a mandate."""
        await sharing.revoke_mandate(actor, case_id, mandate_id, channel=data.channel)


def asked(data: GrantIn | MandateIn) -> Asked:
    """The terms a grant's or mandate's body asks for."""
    return Asked(frozenset(data.scopes), data.valid_from, data.valid_until, data.channel)


async def record_grant(sharing: Sharing, actor: Actor, case_id: str, data: GrantIn) -> GrantCreated:
    """The one path of a grant, a casemanager's or the citizen's own: the body into the use case."""
    grant_id = await sharing.grant(
        actor,
        case_id,
        agency_code=data.agency_code,
        asked=asked(data),
    )
    return GrantCreated(grant_id=grant_id)


async def record_mandate(
    sharing: Sharing, actor: Actor, case_id: str, data: MandateIn
) -> MandateCreated:
    """The one path of a mandate, a casemanager's or the citizen's own: the body into the use
    case."""
    mandate_id = await sharing.grant_mandate(
        actor,
        case_id,
        holder_name=data.holder_name,
        relation=data.relation,
        asked=asked(data),
    )
    return MandateCreated(mandate_id=mandate_id)
