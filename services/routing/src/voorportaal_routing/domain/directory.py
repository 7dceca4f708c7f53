"""The agency and service directory, modelled on Open Referral HSDS.

An *organization* is an agency (UWV, SVB, the gemeente …); a *service* is one thing it does
for a citizen (WW, bijstand, a first conversation about debts …), with who it is for, where it
is offered, how to reach it, and how fast it answers a referral. The directory is data in
`voorportaal_routing/data/<version>/directory.toml`; this module says what a valid directory
looks like and finds what is wrong with one (`problems`).

Where a service is offered: `"national"` (everyone, everywhere — including the citizen's own
gemeente, which every gemeente offers) or a list of CBS municipality codes. A local service
may declare itself the `variant_of` a national one (a city's own buurtteam instead of the
generic wijkteam); routing then swaps it in for citizens of that municipality.

Tenancy: an organisation marked `per_municipality` (gemeente, wijkteam, schuldhulp) is not one
agency but one per municipality. Each onboarded municipality (a *tenant*, listed in
`data/tenants.toml` by `voorportaal onboard-agency GM….`) has its own agency of each such kind,
`gemeente-gm0363` (`voorportaal_contracts.topics.municipal_agency_code`), with its own topic,
principal and key. `agency_for` resolves a service to the agency that receives the referral:
the citizen's own municipality's, or none when that municipality is unknown or not onboarded
(routing then plans a self-contact referral — the citizen gets in touch with their own
gemeente, the casemanager sees it in the case — and nothing goes to any topic).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, time
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from voorportaal_contracts.topics import (
    MUNICIPAL_AGENCIES,
    municipal_agency,
    municipal_agency_code,
)
from voorportaal_contracts.types import LifeEvent

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")]
"""A service, need or risk id: lowercase letters, digits and underscores."""

AgencyCode = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,31}$")]
"""An organization's code; the same code names its Kafka topic `referrals.<code>` (a
per-municipality organisation's code is a kind: its agencies are `<code>-gm0363` …)."""

MunicipalityCode = Annotated[str, Field(pattern=r"^GM\d{4}$")]
"""A CBS municipality code, e.g. GM0344 (Utrecht)."""

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(_Strict):
    """A text in plain Dutch (B1) with its English translation."""

    nl: str = Field(min_length=1, max_length=1000)
    en: str = Field(min_length=1, max_length=1000)


class OpeningHours(_Strict):
    """When a channel is staffed: the same hours on each of the listed days (local time)."""

    days: list[Weekday] = Field(min_length=1)
    opens: time
    closes: time

    @model_validator(mode="after")
    def _opens_before_closing(self) -> OpeningHours:
        if self.opens >= self.closes:
            raise ValueError(f"opens at {self.opens} but closes at {self.closes}")
        if len(set(self.days)) != len(self.days):
            raise ValueError("a day is listed twice")
        return self


class ContactChannel(_Strict):
    """One way to reach a service: a web page, a phone number or a desk."""

    kind: Literal["web", "phone", "desk"]
    value: str = Field(min_length=1, max_length=300)
    """The address (https URL), the phone number, or where the desk is."""
    hours: list[OpeningHours] = Field(default_factory=list)
    """Opening hours; empty for the web (always open) or when they differ per place."""

    @model_validator(mode="after")
    def _web_is_https(self) -> ContactChannel:
        if self.kind == "web" and not self.value.startswith("https://"):
            raise ValueError(f"a web channel needs an https:// address, not {self.value!r}")
        return self


class Eligibility(_Strict):
    """Who a service is for: needs it answers and, when set, the life events it belongs to."""

    needs: list[Id] = Field(min_length=1)
    life_events: list[LifeEvent] = Field(default_factory=list)
    """Empty: the service is not tied to a life event."""
    description: Text | None = None


class Organization(_Strict):
    """An agency (HSDS *organization*)."""

    code: AgencyCode
    name: Text
    web: str = Field(pattern=r"^https://")
    per_municipality: bool = False
    """Every municipality has its own (gemeente, wijkteam, schuldhulp): one agency per tenant."""


class Service(_Strict):
    """Something an organization does for citizens (HSDS *service*), with its referral norms."""

    id: Id
    organization: AgencyCode
    name: Text
    description: Text
    eligibility: Eligibility
    service_areas: Literal["national"] | list[MunicipalityCode]
    variant_of: Id | None = None
    """The national service this local one stands in for, in its own municipalities."""
    contact: list[ContactChannel] = Field(min_length=1)
    accepts_electronic_referrals: bool
    """False: the voorportaal cannot refer; the checklist tells the citizen to get in touch."""
    response_norm_working_days: int = Field(ge=1, le=60)
    """Working days within which the service answers a referral (accepts or declines)."""
    urgent_response_norm_working_days: int | None = Field(default=None, ge=1, le=60)
    """A shorter norm for urgent referrals (e.g. eviction threatens), when the service has one."""
    reminder_lead_working_days: int = Field(default=1, ge=0, le=20)
    """How many working days before the norm passes the agency gets a reminder."""
    expiry_working_days: int = Field(ge=1, le=120)
    """Working days after which an unanswered referral expires (and is looked at by a person)."""
    norm_basis: Text
    """Where the norm comes from, in words (a law, an agreement, or our own service level)."""
    source: str | None = Field(default=None, min_length=1, max_length=300)
    """The agency's page (https URL) or the article of law the service's facts rest on."""
    checked: date | None = None
    """When someone last checked the service's facts against `source`."""

    @property
    def is_national(self) -> bool:
        """Whether the service is offered everywhere."""
        return self.service_areas == "national"

    def serves(self, municipality_code: str | None) -> bool:
        """Whether a citizen of this municipality (None: unknown) can use the service."""
        if self.service_areas == "national":
            return True
        return municipality_code is not None and municipality_code in self.service_areas


class Vocabulary(_Strict):
    """The need and risk codes the directory and the rules may use (the intake's codes)."""

    needs: list[Id] = Field(min_length=1)
    risks: list[Id] = Field(min_length=1)


class Municipality(_Strict):
    """A municipality the directory names in a service area."""

    code: MunicipalityCode
    name: str = Field(min_length=1, max_length=100)


class Directory(_Strict):
    """The whole directory of one data version."""

    vocabulary: Vocabulary
    municipalities: list[Municipality] = Field(default_factory=list)
    organizations: list[Organization] = Field(min_length=1)
    services: list[Service] = Field(min_length=1)
    tenants: list[Municipality] = Field(default_factory=list)
    """The onboarded municipalities (`data/tenants.toml`): each has its own agency of every
    per-municipality organisation."""

    def agency_for(self, service: Service, municipality_code: str | None) -> str | None:
        """The agency that receives a referral to `service` for a citizen of this municipality:
        the organisation itself, or for a per-municipality one the citizen's own municipality's
        agency — None when the municipality is unknown or not onboarded (no topic to go to)."""
        organization = self.organization(service.organization)
        if not organization.per_municipality:
            return organization.code
        if municipality_code is None or municipality_code not in self.tenant_codes():
            return None
        return municipal_agency_code(organization.code, municipality_code)

    def tenant_codes(self) -> frozenset[str]:
        """The CBS codes of the onboarded municipalities."""
        return frozenset(t.code for t in self.tenants)

    def agency_codes(self) -> list[str]:
        """Every agency with a referral topic and a principal: each national organisation and,
        per tenant, its own agency of each per-municipality organisation."""
        national = [o.code for o in self.organizations if not o.per_municipality]
        municipal = [
            municipal_agency_code(o.code, t.code)
            for t in self.tenants
            for o in self.organizations
            if o.per_municipality
        ]
        return national + municipal

    def agency_organization(self, agency_code: str) -> Organization:
        """The organisation an agency code belongs to (`gemeente-gm0363` → the gemeente);
        KeyError for a code that names no agency (a bare per-municipality kind, a municipality
        that is not onboarded)."""
        if agency_code not in self.agency_codes():
            raise KeyError(agency_code)
        municipal = municipal_agency(agency_code)
        return self.organization(municipal[0] if municipal else agency_code)

    def service(self, service_id: str) -> Service:
        """The service with this id (KeyError when there is none)."""
        for service in self.services:
            if service.id == service_id:
                return service
        raise KeyError(service_id)

    def organization(self, code: str) -> Organization:
        """The organization with this code (KeyError when there is none)."""
        for organization in self.organizations:
            if organization.code == code:
                return organization
        raise KeyError(code)

    def local_service(self, service_id: str, municipality_code: str | None) -> Service:
        """The service a citizen of this municipality gets for `service_id`.

        A local variant that serves the municipality stands in for the national service; when
        several do (the data should prevent that), the first in the file wins.
        """
        for service in self.services:
            if service.variant_of == service_id and service.serves(municipality_code):
                return service
        return self.service(service_id)


def problems(directory: Directory) -> list[str]:
    """Everything wrong with a directory (empty when it is valid)."""
    out: list[str] = []
    needs = set(directory.vocabulary.needs)
    out += _repeats("need code", directory.vocabulary.needs)
    out += _repeats("risk code", directory.vocabulary.risks)
    out += _repeats("municipality", [m.code for m in directory.municipalities])
    out += _repeats("tenant", [m.code for m in directory.tenants])
    out += [
        f"organization {o.code}: per_municipality must be "
        f"{str(o.code in MUNICIPAL_AGENCIES).lower()} (voorportaal_contracts.topics names "
        f"the per-municipality organizations: {', '.join(MUNICIPAL_AGENCIES)})"
        for o in directory.organizations
        if o.per_municipality != (o.code in MUNICIPAL_AGENCIES)
    ]
    out += _repeats("organization", [o.code for o in directory.organizations])
    out += _repeats("service id", [s.id for s in directory.services])

    organizations = {o.code for o in directory.organizations}
    municipalities = {m.code for m in directory.municipalities}
    services = {s.id: s for s in directory.services}
    offered = {s.organization for s in directory.services}
    out += [f"organization {code} offers no service" for code in sorted(organizations - offered)]

    for service in directory.services:
        where = f"service {service.id}"
        if service.organization not in organizations:
            out.append(f"{where}: unknown organization {service.organization}")
        out += [
            f"{where}: unknown need {need}"
            for need in service.eligibility.needs
            if need not in needs
        ]
        if service.service_areas != "national":
            if not service.service_areas:
                out.append(f'{where}: an empty service area (use "national" or list codes)')
            out += [f"{where}: {p}" for p in _repeats("municipality", service.service_areas)]
            out += [
                f"{where}: municipality {code} is not in the municipality list"
                for code in service.service_areas
                if code not in municipalities
            ]
        out += [f"{where}: {p}" for p in _norm_problems(service)]
        if service.variant_of is not None:
            out += [f"{where}: {p}" for p in _variant_problems(service, services)]
    out += _overlapping_variants(directory.services)
    return out


def _overlapping_variants(services: list[Service]) -> list[str]:
    claimed: dict[tuple[str, str], str] = {}
    out: list[str] = []
    for service in services:
        if service.variant_of is None or service.service_areas == "national":
            continue
        for code in service.service_areas:
            earlier = claimed.setdefault((service.variant_of, code), service.id)
            if earlier != service.id:
                out.append(
                    f"services {earlier} and {service.id} both stand in for "
                    f"{service.variant_of} in {code}"
                )
    return out


def _norm_problems(service: Service) -> list[str]:
    out: list[str] = []
    norm = service.response_norm_working_days
    urgent = service.urgent_response_norm_working_days
    if urgent is not None and urgent > norm:
        out.append(f"urgent norm ({urgent}) is longer than the normal norm ({norm})")
    if service.reminder_lead_working_days >= norm:
        out.append(
            f"reminder lead ({service.reminder_lead_working_days}) does not fall after the "
            f"day of issue (norm {norm})"
        )
    if service.expiry_working_days <= norm:
        out.append(f"expiry ({service.expiry_working_days}) is not after the norm ({norm})")
    return out


def _variant_problems(service: Service, services: dict[str, Service]) -> list[str]:
    general = services.get(service.variant_of or "")
    if general is None:
        return [f"variant of unknown service {service.variant_of}"]
    out: list[str] = []
    if general.organization != service.organization:
        out.append(f"variant of {general.id}, which belongs to {general.organization}")
    if not general.is_national:
        out.append(f"variant of {general.id}, which is not national itself")
    if general.variant_of is not None:
        out.append(f"variant of {general.id}, which is a variant itself")
    if service.is_national:
        out.append("a variant must be local (list its municipalities)")
    return out


def _repeats(what: str, values: list[str]) -> list[str]:
    return [f"{what} {value} appears {n} times" for value, n in Counter(values).items() if n > 1]
