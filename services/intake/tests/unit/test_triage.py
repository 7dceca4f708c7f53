"""Triage: every shipped rule, the thresholds, urgency and the buddy proposal."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voorportaal_contracts.types import Redzaamheid, Urgency
from voorportaal_intake.adapters.content_files import load_catalogue, load_triage
from voorportaal_intake.domain.triage import TriageContent, facts, triage, triage_problems

RULES = load_triage()
CALM = {
    "digital_skills": "good",
    "dutch_language": "good",
    "failed_contacts": 0,
    "overwhelmed": False,
    "wants_personal_help": False,
}


def run(
    profile: dict[str, Any] | None = None,
    risks: list[str] | None = None,
    agencies: int = 1,
    life_events: int = 1,
) -> Any:
    known = facts(
        {**CALM, **(profile or {})}, risks or [], {f"a{i}" for i in range(agencies)}, life_events
    )
    return triage(RULES, known)


def test_the_shipped_triage_content_is_valid() -> None:
    assert triage_problems(RULES, {r.code for r in load_catalogue().risks}) == []


def test_a_calm_citizen_with_one_agency_is_zelfredzaam_with_no_reasons() -> None:
    result = run()
    assert result.redzaamheid is Redzaamheid.ZELFREDZAAM
    assert result.urgency is Urgency.NORMAL
    assert result.reasons == []
    assert not result.buddy_proposed


@pytest.mark.parametrize(
    ("rule", "kwargs"),
    [
        ("digital_not", {"profile": {"digital_skills": "not"}}),
        ("digital_with_help", {"profile": {"digital_skills": "with_help"}}),
        ("language_hardly", {"profile": {"dutch_language": "hardly"}}),
        ("language_partly", {"profile": {"dutch_language": "partly"}}),
        ("sent_elsewhere_often", {"profile": {"failed_contacts": 2}}),
        ("overwhelmed", {"profile": {"overwhelmed": True}}),
        ("wants_personal_help", {"profile": {"wants_personal_help": True}}),
        ("many_agencies", {"agencies": 3}),
        ("very_many_agencies", {"agencies": 5}),
        ("several_life_events", {"life_events": 2}),
        ("acute_risk", {"risks": ["growing_debts"]}),
        ("eviction", {"risks": ["eviction"]}),
        ("no_income", {"risks": ["no_income"]}),
        ("unsafe_at_home", {"risks": ["unsafe_at_home"]}),
        ("homeless", {"risks": ["homeless"]}),
        ("utilities_cut_off", {"risks": ["utilities_cut_off"]}),
    ],
)
def test_each_rule_fires_and_gives_its_reason(rule: str, kwargs: dict[str, Any]) -> None:
    result = run(**kwargs)
    assert rule in [r.rule for r in result.reasons]
    reason = next(r for r in result.reasons if r.rule == rule)
    assert reason.text.nl and reason.text.en


def test_every_shipped_rule_is_covered_by_the_table_above() -> None:
    covered = {
        "digital_not",
        "digital_with_help",
        "language_hardly",
        "language_partly",
        "sent_elsewhere_often",
        "overwhelmed",
        "wants_personal_help",
        "many_agencies",
        "very_many_agencies",
        "several_life_events",
        "acute_risk",
        "eviction",
        "no_income",
        "unsafe_at_home",
        "homeless",
        "utilities_cut_off",
    }
    assert {r.id for r in RULES.rules} == covered


def test_points_just_below_and_at_the_thresholds() -> None:
    assert run({"digital_skills": "with_help", "dutch_language": "partly"}).redzaamheid is (
        Redzaamheid.ZELFREDZAAM
    )  # 2 points
    assert run({"digital_skills": "not", "dutch_language": "partly"}).redzaamheid is (
        Redzaamheid.MIDDENGROEP
    )  # 3 points
    assert (
        run(
            {"digital_skills": "not", "dutch_language": "hardly", "overwhelmed": True},
        ).redzaamheid
        is Redzaamheid.NIET_REDZAAM
    )  # 6 points


def test_eviction_is_acute_and_proposes_a_buddy_whatever_the_points() -> None:
    result = run(risks=["eviction"])
    assert result.urgency is Urgency.ACUTE
    assert result.buddy_proposed
    assert result.redzaamheid is Redzaamheid.MIDDENGROEP  # proposes; a person decides


def test_a_rule_reading_an_unknown_fact_is_caught() -> None:
    data = RULES.model_dump(by_alias=True, exclude_none=True)
    data["rules"][0]["when"] = {"question": "shoe_size", "at_least": 44}
    broken = TriageContent.model_validate(data)
    risks = {r.code for r in load_catalogue().risks}
    assert triage_problems(broken, risks) == [
        f"triage rule {RULES.rules[0].id} reads unknown fact shoe_size"
    ]


@given(
    st.fixed_dictionaries(
        {
            "digital_skills": st.sampled_from(["good", "with_help", "not"]),
            "dutch_language": st.sampled_from(["good", "partly", "hardly"]),
            "failed_contacts": st.integers(0, 100),
            "overwhelmed": st.booleans(),
            "wants_personal_help": st.booleans(),
        }
    ),
    st.lists(st.sampled_from([r.code for r in load_catalogue().risks]), unique=True),
    st.integers(0, 12),
    st.integers(1, 6),
)
def test_more_trouble_never_means_more_self_reliant(
    profile: dict[str, Any], risks: list[str], agencies: int, life_events: int
) -> None:
    order = [Redzaamheid.ZELFREDZAAM, Redzaamheid.MIDDENGROEP, Redzaamheid.NIET_REDZAAM]
    base = run(profile, risks, agencies, life_events)
    worse = run({**profile, "overwhelmed": True}, [*risks], agencies + 1, life_events)
    assert order.index(worse.redzaamheid) >= order.index(base.redzaamheid)
    assert base.points == sum(r.points for r in base.reasons)
