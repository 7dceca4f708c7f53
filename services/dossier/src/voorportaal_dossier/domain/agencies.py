"""Display names of the agencies, as a citizen reads them in a sentence.

The routing directory is the authority on agencies; this small table only turns a code into
a name for the timeline. An unknown code is shown as written, upper-cased, so a new agency
never breaks a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from voorportaal_contracts.topics import municipal_agency


@dataclass(frozen=True, slots=True)
class AgencyName:
    """How an agency is called in Dutch and in English."""

    nl: str
    en: str


def _same(name: str) -> AgencyName:
    return AgencyName(name, name)


AGENCY_NAMES: Final = MappingProxyType(
    {
        "uwv": _same("UWV"),
        "svb": _same("SVB"),
        "gemeente": AgencyName("De gemeente", "The municipality"),
        "toeslagen": AgencyName("Dienst Toeslagen", "The Benefits Agency (Dienst Toeslagen)"),
        "belastingdienst": AgencyName("De Belastingdienst", "The Tax Administration"),
        "duo": _same("DUO"),
        "cak": AgencyName("Het CAK", "The CAK"),
        "cjib": AgencyName("Het CJIB", "The CJIB"),
        "ciz": AgencyName("Het CIZ", "The CIZ"),
        "zorgverzekeraar": AgencyName("De zorgverzekeraar", "The health insurer"),
        "wijkteam": AgencyName("Het wijkteam", "The neighbourhood team"),
        "schuldhulp": AgencyName("De schuldhulpverlening", "Debt counselling"),
        "waterschap": AgencyName("Het waterschap", "The water board"),
        "cbr": AgencyName("Het CBR", "The CBR"),
        "rdw": AgencyName("De RDW", "The RDW"),
        "verhuurder": AgencyName("De verhuurder", "The landlord"),
        "rechtbank": AgencyName("De rechtbank", "The court"),
        "juridisch-loket": AgencyName("Het Juridisch Loket", "The Legal Services Counter"),
    }
)
"""Known agency codes and their names; the first letter is upper case (sentence start)."""


MUNICIPALITY_NAMES: Final = MappingProxyType(
    {
        "GM0363": "Amsterdam",
        "GM0599": "Rotterdam",
        "GM0518": "'s-Gravenhage",
        "GM0344": "Utrecht",
        "GM0772": "Eindhoven",
        "GM0014": "Groningen",
        "GM0855": "Tilburg",
        "GM0034": "Almere",
        "GM0758": "Breda",
        "GM0268": "Nijmegen",
        "GM0392": "Haarlem",
        "GM0202": "Arnhem",
        "GM0307": "Amersfoort",
        "GM0200": "Apeldoorn",
        "GM0153": "Enschede",
        "GM0193": "Zwolle",
        "GM0546": "Leiden",
        "GM0935": "Maastricht",
        "GM0505": "Dordrecht",
    }
)
"""The onboarded municipalities' names by CBS code (as in routing's `data/tenants.toml`, which a
unit test compares). A municipality onboarded later and missing here reads as "De gemeente"."""

_MUNICIPAL: Final = MappingProxyType(
    {
        "gemeente": ("Gemeente {}", "{} municipality"),
        "wijkteam": ("Het wijkteam in {}", "The neighbourhood team in {}"),
        "schuldhulp": ("De schuldhulpverlening van {}", "Debt counselling in {}"),
    }
)


def agency_name(code: str) -> AgencyName:
    """The display name of an agency code; a municipality's own agency (`gemeente-gm0363`)
    reads with its municipality: "Gemeente Amsterdam"."""
    known = AGENCY_NAMES.get(code)
    if known is not None:
        return known
    municipal = municipal_agency(code)
    if municipal is not None:
        kind, municipality = municipal
        place = MUNICIPALITY_NAMES.get(municipality)
        if place is None:
            return AGENCY_NAMES[kind]
        nl, en = _MUNICIPAL[kind]
        return AgencyName(nl.format(place), en.format(place))
    return _same(code.upper())


def in_sentence(name: str) -> str:
    """A name as it reads inside a sentence: `De gemeente` → `de gemeente`, `UWV` stays."""
    head, _, rest = name.partition(" ")
    if rest and head in {"De", "Het", "The"}:
        return f"{head.lower()} {rest}"
    return name
