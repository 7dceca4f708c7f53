"""Display names of the agencies, as a citizen reads them in a sentence.

The routing directory is the authority on agencies; this small table only turns a code into
a name for the timeline. An unknown code is shown as written, upper-cased, so a new agency
never breaks a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


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


def agency_name(code: str) -> AgencyName:
    """The display name of an agency code; `gemeente-utrecht` reads as the municipality."""
    known = AGENCY_NAMES.get(code)
    if known is not None:
        return known
    if code.startswith("gemeente-"):
        return AGENCY_NAMES["gemeente"]
    return _same(code.upper())


def in_sentence(name: str) -> str:
    """A name as it reads inside a sentence: `De gemeente` → `de gemeente`, `UWV` stays."""
    head, _, rest = name.partition(" ")
    if rest and head in {"De", "Het", "The"}:
        return f"{head.lower()} {rest}"
    return name
