"""The dossier API's dependencies, injected by name with Litestar's `Provide`: the caller
(`actor`, from the kit's verified `principal` with their team; `citizen` on the citizen's
pages), the moment of the request (`now`), and each part of the dossier's use cases
(`ownership`, `sharing` …)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, Request
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import QueryParameter

from voorportaal_contracts.citizen_links import InvalidLink as ShortLinkInvalid
from voorportaal_dossier.domain.citizen_link import InvalidLink
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.dossier import DossierService
from voorportaal_kit.auth import AuthenticationError, Principal
from voorportaal_kit.runtime import ServiceRuntime

Link = Annotated[str | None, QueryParameter(max_length=512, required=False)]


def dossier_of(state: State) -> DossierService:
    """The dossier's use cases, wired once by `app.py`."""
    dossier: DossierService = state["dossier"]
    return dossier


def staff_actor(
    principal: NamedDependency[Principal], dossier: NamedDependency[DossierService]
) -> Actor:
    """The verified caller (the kit's `principal`) with their team: the signed `team` claim,
    else the settings' mapping for tokens without one."""
    return Actor(principal, principal.team or dossier.cases.team_of(principal.subject))


class CitizenDoor:
    """The caller of a citizen's page, checked when the handler asks (after the request's
    path, query and body were validated, so a bad request is a 400 before the link is read):
    the citizen or a representative by their link (`?link=`, the dossier's long link or a
    message's short one). A bearer token is verified (401 when it is not valid) and then
    refused by the service, audited: the citizen's pages are not for staff or agencies."""

    def __init__(
        self, connection: ASGIConnection[Any, Any, Any, Any], state: State, link: str | None
    ) -> None:
        self._connection = connection
        self._state = state
        self._link = link

    async def actor(self) -> Actor:
        """The citizen, representative or (to be refused) staff member at the door."""
        dossier = dossier_of(self._state)
        if self._link:
            try:
                return dossier.citizen_links.citizen_actor(self._link)
            except (InvalidLink, ShortLinkInvalid) as exc:
                raise NotAuthorizedException(str(exc)) from None
        header = self._connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthorizedException("a signed link (?link=) is required")
        runtime: ServiceRuntime = self._state["runtime"]
        try:
            principal = await anyio.to_thread.run_sync(runtime.verifier.verify, token.strip())
        except AuthenticationError as exc:
            raise NotAuthorizedException(str(exc)) from None
        return staff_actor(principal, dossier)

    async def gated(self, case_id: str, purpose: str) -> Actor:
        """The caller at the door, let through to change `case_id` for `purpose` only with a
        link for this case that is still valid (refusals audited: `citizen_gate`)."""
        actor = await self.actor()
        await dossier_of(self._state).citizen_links.citizen_gate(actor, case_id, purpose)
        return actor


def citizen_door(request: Request[Any, Any, Any], state: State, link: Link = None) -> CitizenDoor:
    """The citizen's door of this request (the caller is checked when a handler asks)."""
    return CitizenDoor(request, state, link)


def now_of(dossier: NamedDependency[DossierService]) -> datetime:
    """The moment of this request on the service's clock (the settings' offset applied).
    A moment, not the clock: Litestar validates what it injects, and `Clock` is a protocol."""
    return dossier.cases.now()


def _use_case(name: str) -> Provide:
    """A dependency that hands a handler one part of the dossier's use cases."""

    def provide(dossier: NamedDependency[DossierService]) -> Any:
        return getattr(dossier, name)

    return Provide(provide, sync_to_thread=False)


DEPENDENCIES: dict[str, Provide] = {
    "dossier": Provide(dossier_of, sync_to_thread=False),
    "actor": Provide(staff_actor, sync_to_thread=False),
    "now": Provide(now_of, sync_to_thread=False),
    "citizen": Provide(citizen_door, sync_to_thread=False),
    **{
        name: _use_case(name)
        for name in (
            "queue",
            "supervision",
            "case_page",
            "ownership",
            "contacts",
            "promises",
            "sharing",
            "doorbraak",
            "documents",
            "retention",
            "citizen_links",
            "citizen_view",
            "citizen_work",
            "audit",
            "case_search",
            "staff_notices",
        )
    },
}
"""What the dossier's handlers ask for by name: the caller (`actor`, from the kit's
`principal`; `citizen`, the door of the citizen's pages) and the use cases they call."""


class DossierController(Controller):
    """A controller of the dossier API: its handlers ask for the caller and use cases by name
    (a handler resolves only what it asks for, so `citizen`'s `?link=` is a parameter of the
    citizen's pages alone)."""

    dependencies = DEPENDENCIES
