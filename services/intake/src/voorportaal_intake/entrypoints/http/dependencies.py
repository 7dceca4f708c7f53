"""What the intake's handlers ask for by name, provided once (Litestar dependency injection).

The principal comes from the kit (`principal`); the use cases from the service the composition
root keeps in the app's state; the start route's optional caller and client from the request.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException

from voorportaal_intake.domain.rate_limits import client_address, limited_client
from voorportaal_intake.service_layer.intakes import IntakeService
from voorportaal_intake.service_layer.status_links import StatusLinks
from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.auth import AuthenticationError, Principal


def _intakes(state: State) -> IntakeService:
    service: IntakeService = state["intakes"]
    return service


def _use_case(name: str) -> Provide:
    """One of the facade's use cases (`Starting`, `Answering` …), by its attribute."""

    def provide(state: State) -> Any:
        return getattr(_intakes(state), name)

    return Provide(provide, sync_to_thread=False)


def _settings(state: State) -> IntakeSettings:
    settings: IntakeSettings = state["runtime"].settings
    return settings


def _status_links(state: State) -> StatusLinks:
    links: StatusLinks = state["status_links"]
    return links


def _optional_principal(request: Request[Any, Any, Any], state: State) -> Principal | None:
    """The caller of the one public intake route (start), if a bearer token came along."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    try:
        principal: Principal = state["runtime"].verifier.verify(header[7:].strip())
    except AuthenticationError as exc:
        raise NotAuthorizedException(f"invalid token: {exc.reason}") from None
    return principal


def _client(request: Request[Any, Any, Any], settings: IntakeSettings) -> str:
    """Who the per-client limits count: the peer, or a trusted proxy's client (see
    `domain.rate_limits.client_address`)."""
    return limited_client(
        client_address(
            request.client.host if request.client else None,
            request.headers.get("x-forwarded-for"),
            settings.trusted_proxies,
        )
    )


DEPENDENCIES: dict[str, Provide] = {
    "settings": Provide(_settings, sync_to_thread=False),
    "caller": Provide(_optional_principal, sync_to_thread=False),
    "client": Provide(_client, sync_to_thread=False),
    "starting": _use_case("starting"),
    "answering": _use_case("answering"),
    "personal_details": _use_case("personal_details"),
    "confirming": _use_case("confirming"),
    "submitting": _use_case("submitting"),
    "amending": _use_case("amending"),
    "checklist": _use_case("checklist"),
    "person_requests": _use_case("person_requests"),
    "status_links": Provide(_status_links, sync_to_thread=False),
}
"""The intake controller's dependencies by the name a handler gives its parameter (the
`principal` is the kit's, on every app)."""
