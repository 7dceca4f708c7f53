"""Buddy recommendation: which signals call for one steady person, with reasons."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from voorportaal_contracts.types import LifeEvent, Redzaamheid, Urgency
from voorportaal_routing.adapters.data_files import load_buddy_policy, load_directory, load_rules
from voorportaal_routing.domain.buddy import (
    BuddyPolicy,
    CaseSummary,
    case_summary,
    recommend_buddy,
)
from voorportaal_routing.domain.rules import IntakeFacts, route

POLICY = load_buddy_policy()


def reasons(summary: CaseSummary) -> list[str]:
    return [r.rule_id for r in recommend_buddy(summary, POLICY).reasons]


def test_a_self_reliant_case_with_one_agency_gets_no_buddy() -> None:
    summary = CaseSummary(redzaamheid=Redzaamheid.ZELFREDZAAM, agencies=frozenset({"uwv"}))
    recommendation = recommend_buddy(summary, POLICY)
    assert not recommendation.recommended
    assert recommendation.reasons == ()


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (CaseSummary(redzaamheid=Redzaamheid.NIET_REDZAAM), ["niet_redzaam"]),
        (CaseSummary(Redzaamheid.MIDDENGROEP, risks=("eviction",)), ["acute_risk"]),
        (CaseSummary(Redzaamheid.MIDDENGROEP, urgency=Urgency.ACUTE), ["acute_risk"]),
        (CaseSummary(Redzaamheid.MIDDENGROEP, urgency=Urgency.HIGH), []),
        (CaseSummary(Redzaamheid.MIDDENGROEP, agencies=frozenset({"a", "b"})), []),
        (
            CaseSummary(Redzaamheid.MIDDENGROEP, agencies=frozenset({"a", "b", "c"})),
            ["many_agencies"],
        ),
        (CaseSummary(Redzaamheid.MIDDENGROEP, declined_referrals=1), []),
        (CaseSummary(Redzaamheid.MIDDENGROEP, declined_referrals=2), ["repeated_declines"]),
        (CaseSummary(Redzaamheid.MIDDENGROEP, overdue_referrals=1), []),
        (CaseSummary(Redzaamheid.MIDDENGROEP, overdue_referrals=2), ["repeated_overdue"]),
        (
            CaseSummary(
                Redzaamheid.NIET_REDZAAM,
                risks=("no_income",),
                agencies=frozenset({"a", "b", "c", "d"}),
                declined_referrals=3,
                overdue_referrals=2,
            ),
            [
                "niet_redzaam",
                "acute_risk",
                "many_agencies",
                "repeated_declines",
                "repeated_overdue",
            ],
        ),
    ],
)
def test_each_signal_is_a_reason(summary: CaseSummary, expected: list[str]) -> None:
    assert reasons(summary) == expected


def test_reasons_carry_plain_dutch_and_english() -> None:
    (reason,) = recommend_buddy(CaseSummary(Redzaamheid.NIET_REDZAAM), POLICY).reasons
    assert reason.text.nl and reason.text.en


def test_a_freshly_routed_case_counts_every_agency_involved() -> None:
    facts = IntakeFacts(
        life_events=(LifeEvent.INCOME_LOSS,),
        redzaamheid=Redzaamheid.MIDDENGROEP,
        needs=("income_gap", "unemployment_benefit", "allowances", "taxes"),
    )
    planned = route(facts, load_directory(), load_rules())
    summary = case_summary(facts, planned, overdue_referrals=2)
    assert summary.agencies == {
        "uwv",
        "gemeente",
        "toeslagen",
        "waterschap",
        "belastingdienst",
    }
    assert reasons(summary) == ["many_agencies", "repeated_overdue"]


@pytest.mark.parametrize(
    "rule",
    [
        {"id": "xx", "kind": "agencies", "text": {"nl": "a", "en": "a"}},
        {"id": "xx", "kind": "niet_redzaam", "at_least": 2, "text": {"nl": "a", "en": "a"}},
        {"id": "xx", "kind": "moon_phase", "text": {"nl": "a", "en": "a"}},
    ],
)
def test_a_policy_with_a_threshold_on_the_wrong_kind_is_refused(rule: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        BuddyPolicy.model_validate({"rules": [rule]})


def test_a_policy_with_repeated_ids_is_refused() -> None:
    rule = {"id": "xx", "kind": "acute_risk", "text": {"nl": "a", "en": "a"}}
    with pytest.raises(ValidationError, match="repeat"):
        BuddyPolicy.model_validate({"rules": [rule, rule]})
