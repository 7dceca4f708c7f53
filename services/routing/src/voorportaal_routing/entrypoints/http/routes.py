"""HTTP: the agency directory (public), its admin, referrals per case, and staff actions.
Translation only: rules live in the service layer."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath, JSONBody, PathParameter
from pydantic import BaseModel, ConfigDict, Field

from voorportaal_contracts.api.routing import ReferralOut, ServiceChangeOut
from voorportaal_contracts.asyncapi import agency_document
from voorportaal_kit.auth import Principal
from voorportaal_kit.errors import NotFound
from voorportaal_routing.domain.directory import Directory, Service
from voorportaal_routing.service_layer.directory import DirectoryService
from voorportaal_routing.service_layer.routing import RoutingService
from voorportaal_routing.service_layer.staff import StaffActions

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


def _staff(state: State) -> StaffActions:
    """The referral routes' use cases, as the composition root built them."""
    routing: RoutingService = state["routing"]
    return routing.staff


def _directory(state: State) -> DirectoryService:
    """The directory's use cases, as the composition root built them."""
    service: DirectoryService = state["directory"]
    return service


class DirectoryController(Controller):
    """The agency and service directory (HSDS-like). Reading is public: no personal data."""

    path = "/directory"
    tags = ["directory"]
    dependencies = {"directory": Provide(_directory, sync_to_thread=False)}

    @get("/", operation_id="getDirectory")
    async def get_directory(self, directory: NamedDependency[DirectoryService]) -> Directory:
        """Organizations and their services, as they stand (data file plus recorded changes)."""
        return await directory.directory()

    @get("/services/{service_id:str}", operation_id="getService")
    async def get_service(
        self, directory: NamedDependency[DirectoryService], service_id: FromPath[str]
    ) -> Service:
        """One service with its referral norms."""
        current = await directory.directory()
        try:
            return current.service(service_id)
        except KeyError:
            raise NotFound(f"No service {service_id!r}.") from None

    @put("/services/{service_id:str}/settings", operation_id="changeService")
    async def change_service(
        self,
        directory: NamedDependency[DirectoryService],
        principal: NamedDependency[Principal],
        service_id: FromPath[str],
        data: JSONBody[ServiceChangeIn],
    ) -> Service:
        """Change a service's referral settings (supervisor, operator); kept in its history."""
        changed = await directory.change(service_id, data.changes, data.note, principal)
        return changed.service(service_id)

    @get("/services/{service_id:str}/history", operation_id="serviceHistory")
    async def history(
        self,
        directory: NamedDependency[DirectoryService],
        principal: NamedDependency[Principal],
        service_id: FromPath[str],
    ) -> list[ServiceChangeOut]:
        """Every change of a service: what, who, when and why (staff only)."""
        if not principal.is_staff:
            raise NotAuthorizedException("staff only")
        return [
            ServiceChangeOut.model_validate(change, from_attributes=True)
            for change in await directory.history(service_id)
        ]


class AgencyController(Controller):
    """What an agency's integrator needs: its own AsyncAPI page."""

    path = "/agencies"
    tags = ["agencies"]
    dependencies = {"directory": Provide(_directory, sync_to_thread=False)}

    @get("/{code:str}/asyncapi.json", operation_id="agencyAsyncApi")
    async def asyncapi(
        self, directory: NamedDependency[DirectoryService], code: Code
    ) -> dict[str, Any]:
        """The AsyncAPI document of one agency: its referral topic and the responses topic."""
        current = await directory.directory()
        try:
            current.agency_organization(code)  # a municipality's own: gemeente-gm0363
        except KeyError:
            raise NotFound(f"No agency {code!r}.") from None
        return agency_document(code)


class ReferralController(Controller):
    """Referrals per case, and what a casemanager does with them."""

    tags = ["referrals"]
    dependencies = {"staff": Provide(_staff, sync_to_thread=False)}

    @get("/cases/{case_id:str}/referrals", operation_id="caseReferrals")
    async def case_referrals(
        self,
        staff: NamedDependency[StaffActions],
        principal: NamedDependency[Principal],
        case_id: Code,
    ) -> list[ReferralOut]:
        """The referrals of a case with their history (staff, the agency its own, the citizen)."""
        return await staff.case_referrals(case_id, principal)

    @post("/cases/{case_id:str}/referrals", operation_id="addReferral", status_code=201)
    async def add_referral(
        self,
        staff: NamedDependency[StaffActions],
        principal: NamedDependency[Principal],
        case_id: Code,
        data: JSONBody[AddReferralIn],
    ) -> ReferralOut:
        """Refer the case to another service by hand (casemanager, supervisor)."""
        return await staff.add_referral(case_id, data.service_id, data.note, principal)

    @post("/referrals/{referral_id:str}/withdraw", operation_id="withdrawReferral", status_code=200)
    async def withdraw(
        self,
        staff: NamedDependency[StaffActions],
        principal: NamedDependency[Principal],
        referral_id: Code,
        data: JSONBody[WithdrawIn],
    ) -> ReferralOut:
        """Withdraw a referral that is no longer needed; the agency is told."""
        return await staff.withdraw(referral_id, data.note, principal)

    @post("/referrals/{referral_id:str}/nudge", operation_id="nudgeAgency", status_code=204)
    async def nudge(
        self,
        staff: NamedDependency[StaffActions],
        principal: NamedDependency[Principal],
        referral_id: Code,
    ) -> None:
        """Remind the agency of an open referral, on its own topic."""
        await staff.nudge(referral_id, principal)
