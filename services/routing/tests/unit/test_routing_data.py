"""The shipped routing data is valid, and speaks the intake's language (its codes)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from voorportaal_routing.adapters import data_files
from voorportaal_routing.adapters.data_files import (
    DataProblems,
    load_buddy_policy,
    load_directory,
    load_rules,
)
from voorportaal_routing.domain.directory import problems
from voorportaal_routing.domain.rules import rule_problems

REPO = Path(__file__).resolve().parents[4]
INTAKE_CATALOGUE = REPO / "services/intake/src/voorportaal_intake/content/v1/catalogue.toml"


@pytest.fixture(scope="module")
def catalogue() -> dict[str, Any]:
    with INTAKE_CATALOGUE.open("rb") as f:
        return tomllib.load(f)


def test_the_shipped_directory_and_rules_have_no_problems() -> None:
    directory = load_directory()
    assert problems(directory) == []
    assert rule_problems(load_rules(), directory) == []
    assert load_buddy_policy().rules


def public_agencies(catalogue: dict[str, Any]) -> list[dict[str, Any]]:
    """The catalogue's public bodies: a party the checklist names that is none (`public =
    false`: the employer, a pension fund) is never referred to, so routing does not know it."""
    return [a for a in catalogue["agencies"] if a.get("public", True)]


def test_the_directory_covers_every_agency_of_the_intake(catalogue: dict[str, Any]) -> None:
    intake_agencies = {a["code"] for a in public_agencies(catalogue)}
    ours = {o.code for o in load_directory().organizations}
    assert intake_agencies - ours == set()
    offered = {s.organization for s in load_directory().services}
    assert intake_agencies - offered == set()


AWAITING_INTAKE = frozenset(
    {
        "unemployment_benefit",
        "self_employed_income",
        "sickness_benefit",
        "sick_pay_top_up",
        "survivor_benefit",
        "state_pension",
        "long_term_care",
        "leaving_rented_home",
        "tenancy_of_deceased",
    }
)
"""Gate needs routing's rules name (issue 18) that the intake's catalogue and signals do not
have yet: until the intake sets them, the rules gated on them do not fire. Remove a code here
when the intake emits it; the test below then insists on it."""


def test_the_vocabulary_is_the_intakes_need_and_risk_codes(catalogue: dict[str, Any]) -> None:
    vocabulary = load_directory().vocabulary
    intake_needs = {n["code"] for n in catalogue["needs"]}
    assert intake_needs <= set(vocabulary.needs)
    assert set(vocabulary.needs) - intake_needs == AWAITING_INTAKE, (
        "routing knows a need the intake does not have, or the intake now has one of "
        "AWAITING_INTAKE (remove it there)"
    )
    assert set(vocabulary.risks) == {r["code"] for r in catalogue["risks"]}


def test_electronic_referrals_agree_with_the_intake_catalogue(catalogue: dict[str, Any]) -> None:
    """The checklist promises a direct referral exactly where routing can make one."""
    directory = load_directory()
    for agency in public_agencies(catalogue):
        ours = {
            s.accepts_electronic_referrals
            for s in directory.services
            if s.organization == agency["code"]
        }
        assert ours == {agency.get("electronic_referral", False)}, agency["code"]


def test_every_rule_and_service_reads_only_known_codes() -> None:
    directory = load_directory()
    needs, risks = set(directory.vocabulary.needs), set(directory.vocabulary.risks)
    for service in directory.services:
        assert set(service.eligibility.needs) <= needs, service.id
    for rule in load_rules().rules:
        assert rule.when.needs() <= needs, rule.id
        assert set(rule.when.risks_any or ()) <= risks, rule.id


def test_every_need_and_risk_leads_somewhere() -> None:
    """No code the intake can emit is silently ignored by routing."""
    directory = load_directory()
    rules = load_rules().rules
    read_needs = set().union(*(r.when.needs() for r in rules))
    read_risks = set().union(*(set(r.when.risks_any or ()) for r in rules))
    assert set(directory.vocabulary.needs) - read_needs == set()
    assert set(directory.vocabulary.risks) - read_risks == set()


def test_loaders_are_cached() -> None:
    assert load_directory() is load_directory()
    assert load_rules() is load_rules()


def test_well_formed_but_wrong_data_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "vbad").mkdir()
    shipped = data_files.DATA_ROOT / "v1"
    text = (shipped / "directory.toml").read_text(encoding="utf-8")
    (tmp_path / "vbad" / "directory.toml").write_text(
        text.replace('variant_of = "wijkteam_ondersteuning"', 'variant_of = "nothing_here"', 1),
        encoding="utf-8",
    )
    monkeypatch.setattr(data_files, "DATA_ROOT", tmp_path)
    with pytest.raises(DataProblems) as refused:
        load_directory("vbad")
    assert refused.value.problems == [
        "service wijkteam_buurtteam_amsterdam: variant of unknown service nothing_here"
    ]
