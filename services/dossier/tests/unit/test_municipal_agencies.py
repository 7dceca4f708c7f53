"""Every municipality is its own agency: a grant to Amsterdam's gemeente opens nothing to
Rotterdam's, and people read the municipality's name, not a code."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

from dossier_factories import CASE, at, principal

from voorportaal_contracts.types import SharingScope
from voorportaal_dossier.domain.agencies import MUNICIPALITY_NAMES, agency_name, in_sentence
from voorportaal_dossier.domain.projection import CaseState
from voorportaal_dossier.domain.sharing import DataKind, Grant, decide

TENANTS = Path(__file__).parents[3] / "routing/src/voorportaal_routing/data/tenants.toml"
AMSTERDAM_GRANT = Grant(
    "g-gm0363",
    "gemeente-gm0363",
    frozenset({SharingScope.SUMMARY, SharingScope.IDENTITY}),
    at(0),
    at(days=30),
)
STATE = replace(CaseState.new(CASE), grants=(AMSTERDAM_GRANT,))


def test_consent_for_amsterdams_gemeente_does_not_open_the_dossier_to_rotterdams() -> None:
    amsterdam = decide(principal("a", "agency:gemeente-gm0363"), STATE, DataKind.SUMMARY, at(1))
    assert (amsterdam.allowed, amsterdam.basis) == (True, "grant:g-gm0363")
    for other in ("agency:gemeente-gm0599", "agency:gemeente", "agency:wijkteam-gm0363"):
        refused = decide(principal("r", other), STATE, DataKind.SUMMARY, at(1))
        assert refused.allowed is False, other


def test_a_municipalitys_agencies_read_with_its_name() -> None:
    assert agency_name("gemeente-gm0363").nl == "Gemeente Amsterdam"
    assert agency_name("gemeente-gm0363").en == "Amsterdam municipality"
    assert agency_name("wijkteam-gm0599").nl == "Het wijkteam in Rotterdam"
    assert agency_name("schuldhulp-gm0344").en == "Debt counselling in Utrecht"
    assert in_sentence(agency_name("gemeente-gm0363").nl) == "Gemeente Amsterdam"
    # A municipality onboarded after this table was written still reads as a gemeente.
    assert agency_name("gemeente-gm9999").nl == "De gemeente"


def test_the_municipality_names_are_routings_tenants() -> None:
    # Onboarding appends to routing's tenants file; a name missing here reads "De gemeente".
    tenants = {t["code"]: t["name"] for t in tomllib.loads(TENANTS.read_text("utf-8"))["tenant"]}
    assert {code: tenants.get(code) for code in MUNICIPALITY_NAMES} == dict(MUNICIPALITY_NAMES)
    assert len(MUNICIPALITY_NAMES) >= 19
