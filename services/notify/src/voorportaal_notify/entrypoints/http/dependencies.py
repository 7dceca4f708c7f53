"""What the controllers get injected (Litestar `Provide`): the use cases the composition root
wired (`app._wire`), looked up here once instead of in each handler. Staff come from the
kit's `principal` dependency, a citizen from the personal link in the path (`citizen`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import PathParameter

from voorportaal_kit.auth import Principal
from voorportaal_notify.service_layer.case_messages import CaseMessages
from voorportaal_notify.service_layer.citizen_links import CitizenLinks, LinkRefused
from voorportaal_notify.service_layer.notifications import NotifyService
from voorportaal_notify.service_layer.preferences import Preferences


def provide_case_messages(state: State) -> CaseMessages:
    """The contact-load meter and deliveries use cases."""
    notify: NotifyService = state["notify"]
    return notify.case_messages


def provide_preferences(state: State) -> Preferences:
    """The preferences use cases (read, change, confirm)."""
    notify: NotifyService = state["notify"]
    return notify.preferences_of


def provide_citizen_links(state: State) -> CitizenLinks:
    """Who a personal link speaks for."""
    links: CitizenLinks = state["citizen_links"]
    return links


TokenParam = Annotated[str, PathParameter(min_length=10, max_length=120)]


@dataclass(frozen=True)
class LinkHolder:
    """Whom a personal link speaks for (the citizen, or a representative) and their case."""

    principal: Principal
    case_id: str


async def provide_citizen(token: TokenParam, links: NamedDependency[CitizenLinks]) -> LinkHolder:
    """Whom the link in the path speaks for; 401 when it is not one, or when the dossier
    revoked it."""
    try:
        principal, claims = await links.principal_for(token)
    except LinkRefused as exc:
        raise NotAuthorizedException(str(exc)) from None
    return LinkHolder(principal, claims.case_id)


CASE_DEPENDENCIES = {
    "case_messages": Provide(provide_case_messages, sync_to_thread=False),
    "preferences": Provide(provide_preferences, sync_to_thread=False),
}
CITIZEN_DEPENDENCIES = {
    "preferences": Provide(provide_preferences, sync_to_thread=False),
    "links": Provide(provide_citizen_links, sync_to_thread=False),
    "citizen": Provide(provide_citizen),
}
