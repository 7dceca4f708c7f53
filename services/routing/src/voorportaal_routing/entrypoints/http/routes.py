"""HTTP: the agency directory (public), its admin, referrals per case, and staff actions.
Translation only: rules live in the service layer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, get, post, put
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath, JSONBody, PathParameter
from pydantic import BaseModel, ConfigDict, Field

from voorportaal_contracts.asyncapi import agency_document
from voorportaal_kit.auth import Principal
from voorportaal_kit.errors import NotFound
from voorportaal_routing.service_layer.directory import DirectoryService
from voorportaal_routing.service_layer.referrals import RoutingService

Code = Annotated[str, PathParameter(max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]{1,63}$")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServiceChangeIn(_In):
    """New referral settings for a service, and why."""

    changes: dict[str, bool | int | None] = Field(min_length=1, max_length=5)
    note: str = Field(min_length=3, max_length=500)


class WithdrawIn(_In):
    """Why a referral is withdrawn."""

    note: str = Field(min_length=3, max_length=500)


class AddReferralIn(_In):
    """A referral added by hand: the service and why."""

    service_id: str = Field(min_length=2, max_length=64)
    note: str = Field(min_length=3, max_length=500)


class TransitionOut(BaseModel):
    """One step in a referral's history."""

    from_state: str
    to_state: str
    action: str
    actor: str
    by: str
    note: str | None
    at: datetime


class ReferralOut(BaseModel):
    """A referral as staff, the agency and the citizen see it."""

    id: str
    case_id: str
    service_id: str
    agency_code: str
    state: str
    mode: str
    urgent: bool
    reasons: list[dict[str, str]]
    needs: list[str]
    waits_on: str | None
    issued_at: datetime | None
    remind_at: datetime | None
    due_at: datetime | None
    expires_at: datetime | None
    overdue: bool
    decline_reason: str | None
    outcome: str | None
    manual_by: str | None
    history: list[TransitionOut] = Field(default_factory=list)


def _referral(row: dict[str, Any]) -> ReferralOut:
    return ReferralOut(
        **{k: row[k] for k in ReferralOut.model_fields if k not in ("overdue", "history")},
        overdue="overdue" in (row.get("sla_done") or []),
        history=[TransitionOut(**h) for h in row.get("history", [])],
    )


def _actor(request: Request[Any, Any, Any]) -> Principal:
    principal = request.scope.get("user")
    if not isinstance(principal, Principal):
        raise NotAuthorizedException("a bearer token is required")
    return principal


def _routing(state: State) -> RoutingService:
    service: RoutingService = state["routing"]
    return service


def _directory(state: State) -> DirectoryService:
    service: DirectoryService = state["directory"]
    return service


class DirectoryController(Controller):
    """The agency and service directory (HSDS-like). Reading is public: no personal data."""

    path = "/directory"
    tags = ["directory"]

    @get("/", operation_id="getDirectory")
    async def get_directory(self, state: State) -> dict[str, Any]:
        """Organizations and their services, as they stand (data file plus recorded changes)."""
        directory = await _directory(state).directory()
        return directory.model_dump(mode="json")

    @get("/services/{service_id:str}", operation_id="getService")
    async def get_service(self, state: State, service_id: FromPath[str]) -> dict[str, Any]:
        """One service with its referral norms."""
        directory = await _directory(state).directory()
        try:
            return directory.service(service_id).model_dump(mode="json")
        except KeyError:
            raise NotFound(f"No service {service_id!r}.") from None

    @put("/services/{service_id:str}/settings", operation_id="changeService")
    async def change_service(
        self,
        request: Request[Any, Any, Any],
        state: State,
        service_id: FromPath[str],
        data: JSONBody[ServiceChangeIn],
    ) -> dict[str, Any]:
        """Change a service's referral settings (supervisor, operator); kept in its history."""
        directory = await _directory(state).change(
            service_id, data.changes, data.note, _actor(request)
        )
        return directory.service(service_id).model_dump(mode="json")

    @get("/services/{service_id:str}/history", operation_id="serviceHistory")
    async def history(
        self, request: Request[Any, Any, Any], state: State, service_id: FromPath[str]
    ) -> list[dict[str, Any]]:
        """Every change of a service: what, who, when and why (staff only)."""
        if not _actor(request).is_staff:
            raise NotAuthorizedException("staff only")
        return [
            {
                "changes": c.changes,
                "note": c.note,
                "changed_by": c.changed_by,
                "role": c.role,
                "changed_at": c.changed_at.isoformat(),
            }
            for c in await _directory(state).history(service_id)
        ]


class AgencyController(Controller):
    """What an agency's integrator needs: its own AsyncAPI page."""

    path = "/agencies"
    tags = ["agencies"]

    @get("/{code:str}/asyncapi.json", operation_id="agencyAsyncApi")
    async def asyncapi(self, state: State, code: Code) -> dict[str, Any]:
        """The AsyncAPI document of one agency: its referral topic and the responses topic."""
        directory = await _directory(state).directory()
        try:
            directory.agency_organization(code)  # a municipality's own: gemeente-gm0363
        except KeyError:
            raise NotFound(f"No agency {code!r}.") from None
        return agency_document(code)


class ReferralController(Controller):
    """Referrals per case, and what a casemanager does with them."""

    tags = ["referrals"]

    @get("/cases/{case_id:str}/referrals", operation_id="caseReferrals")
    async def case_referrals(
        self, request: Request[Any, Any, Any], state: State, case_id: Code
    ) -> list[ReferralOut]:
        """The referrals of a case with their history (staff, the agency its own, the citizen)."""
        rows = await _routing(state).case_referrals(case_id, _actor(request))
        return [_referral(r) for r in rows]

    @post("/cases/{case_id:str}/referrals", operation_id="addReferral", status_code=201)
    async def add_referral(
        self,
        request: Request[Any, Any, Any],
        state: State,
        case_id: Code,
        data: JSONBody[AddReferralIn],
    ) -> ReferralOut:
        """Refer the case to another service by hand (casemanager, supervisor)."""
        row = await _routing(state).add_referral(
            case_id, data.service_id, data.note, _actor(request)
        )
        return _referral(row)

    @post("/referrals/{referral_id:str}/withdraw", operation_id="withdrawReferral", status_code=200)
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        state: State,
        referral_id: Code,
        data: JSONBody[WithdrawIn],
    ) -> ReferralOut:
        """Withdraw a referral that is no longer needed; the agency is told."""
        row = await _routing(state).withdraw(referral_id, data.note, _actor(request))
        return _referral(row)

    @post("/referrals/{referral_id:str}/nudge", operation_id="nudgeAgency", status_code=204)
    async def nudge(self, request: Request[Any, Any, Any], state: State, referral_id: Code) -> None:
        """Remind the agency of an open referral, on its own topic."""
        await _routing(state).nudge(referral_id, _actor(request))
