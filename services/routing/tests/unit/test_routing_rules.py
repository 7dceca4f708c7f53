"""Routing rules: conditions, consent and modes, deduplication, estafettes, local services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from routing_factories import directory, facts, find, rules, t

from voorportaal_contracts.events.intake import IntakeSubmitted
from voorportaal_contracts.topics import MUNICIPAL_AGENCIES
from voorportaal_contracts.types import Channel, LifeEvent, Redzaamheid, Urgency
from voorportaal_routing.adapters.data_files import load_directory, load_rules
from voorportaal_routing.domain.rules import (
    Condition,
    IntakeFacts,
    PlannedReferral,
    route,
    rule_problems,
)

INCOME_LOSS = LifeEvent.INCOME_LOSS


def plan(f: IntakeFacts, edit: Any = None) -> list[PlannedReferral]:
    return route(f, directory(), rules(edit))


def by_service(planned: list[PlannedReferral]) -> dict[str, PlannedReferral]:
    return {p.service_id: p for p in planned}


# --- conditions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "f", "holds"),
    [
        ({"needs_any": ["debts", "care"]}, facts(needs=("care",)), True),
        ({"needs_any": ["debts"]}, facts(needs=("care",)), False),
        ({"needs_all": ["debts", "care"]}, facts(needs=("care", "debts", "taxes")), True),
        ({"needs_all": ["debts", "care"]}, facts(needs=("care",)), False),
        ({"risks_any": ["eviction"]}, facts(risks=("eviction",)), True),
        ({"risks_any": ["eviction"]}, facts(needs=("eviction",)), False),
        ({"life_events_any": ["divorce"]}, facts(LifeEvent.DIVORCE, INCOME_LOSS), True),
        ({"life_events_any": ["divorce"]}, facts(INCOME_LOSS), False),
        ({"redzaamheid_in": ["niet_redzaam"]}, facts(redzaamheid=Redzaamheid.NIET_REDZAAM), True),
        ({"redzaamheid_in": ["niet_redzaam"]}, facts(redzaamheid=Redzaamheid.ZELFREDZAAM), False),
        ({"municipality_in": ["GM0344"]}, facts(municipality="GM0344"), True),
        ({"municipality_in": ["GM0344"]}, facts(municipality="GM0363"), False),
        ({"municipality_in": ["GM0344"]}, facts(municipality=None), False),
        (
            {"needs_any": ["debts"], "life_events_any": ["divorce"]},
            facts(INCOME_LOSS, needs=("debts",)),
            False,
        ),
    ],
)
def test_a_condition_holds_only_when_every_given_part_holds(
    condition: dict[str, Any], f: IntakeFacts, holds: bool
) -> None:
    assert Condition.model_validate(condition).holds(f) is holds


@pytest.mark.parametrize(
    "condition",
    [{}, {"needs_any": []}, {"needs_any": ["Debts"]}, {"municipality_in": ["0344"]}, {"x": [1]}],
)
def test_a_condition_without_parts_or_with_bad_parts_is_refused(
    condition: dict[str, Any],
) -> None:
    with pytest.raises(ValidationError):
        Condition.model_validate(condition)


# --- what routing plans ---------------------------------------------------------------------


def test_job_loss_is_referred_to_uwv_and_the_top_up_waits_on_uwvs_decision() -> None:
    planned = plan(facts(INCOME_LOSS, needs=("income_gap",)))
    assert [(p.service_id, p.waits_on) for p in planned] == [
        ("uwv_ww", None),
        ("gemeente_top_up", "uwv_ww"),
    ]
    ww = planned[0]
    assert ww.agency_code == "uwv"
    assert ww.rule_ids == ("ww",)
    assert ww.rule_id == "ww"
    assert ww.reasons[0].nl == "apply for WW"
    assert ww.needs == ("income_gap",)


def test_without_consent_an_agency_gets_an_anonymous_referral() -> None:
    planned = by_service(
        plan(facts(INCOME_LOSS, needs=("income_gap",), municipality="GM0344", share_with=("uwv",)))
    )
    assert (planned["uwv_ww"].mode, planned["uwv_ww"].may_share) == ("warm_handover", True)
    assert (planned["gemeente_top_up"].mode, planned["gemeente_top_up"].may_share) == (
        "anonymous",
        False,
    )


@pytest.mark.parametrize("shared", [(), ("belastingdienst",)])
def test_an_agency_without_electronic_referrals_means_the_citizen_gets_in_touch(
    shared: tuple[str, ...],
) -> None:
    (referral,) = plan(facts(needs=("taxes",), share_with=shared))
    assert referral.mode == "self_contact"
    assert referral.may_share is bool(shared)


def test_one_referral_per_service_with_every_rule_and_reason_that_chose_it() -> None:
    planned = plan(facts(needs=("debts",), risks=("eviction",)))
    assert [p.service_id for p in planned] == ["schuldhulp_gesprek", "wijkteam_hulp"]
    schuldhulp = planned[0]
    assert schuldhulp.rule_ids == ("eviction", "debts")
    assert [r.nl for r in schuldhulp.reasons] == ["eviction threatens", "debts"]


def test_an_urgent_rule_applies_the_services_urgent_norm() -> None:
    urgent = by_service(plan(facts(risks=("eviction",))))["schuldhulp_gesprek"]
    assert (urgent.urgent, urgent.response_norm_working_days) == (True, 3)
    assert urgent.reminder_lead_working_days == 2  # 3 days before a 3-day norm is the issue day
    assert urgent.expiry_working_days == 30
    normal = by_service(plan(facts(needs=("debts",))))["schuldhulp_gesprek"]
    assert (normal.urgent, normal.response_norm_working_days) == (False, 20)
    assert normal.reminder_lead_working_days == 3


def test_the_citizens_own_local_team_stands_in_for_the_national_service() -> None:
    utrecht = plan(facts(needs=("debts",), municipality="GM0344", share_with=("wijkteam-gm0344",)))
    assert [p.service_id for p in utrecht] == ["schuldhulp_gesprek", "wijkteam_utrecht"]
    assert utrecht[1].agency_code == "wijkteam-gm0344"
    assert utrecht[1].mode == "warm_handover"
    elsewhere = plan(facts(needs=("debts",), municipality="GM0363"))
    assert [p.service_id for p in elsewhere] == ["schuldhulp_gesprek", "wijkteam_hulp"]


def test_waiting_is_the_exception_when_another_rule_refers_at_once() -> None:
    planned = by_service(plan(facts(needs=("care", "debts"))))
    assert planned["wijkteam_hulp"].rule_ids == ("debts", "care_after_debts")
    assert planned["wijkteam_hulp"].waits_on is None


def _only_care_after_debts(data: dict[str, Any]) -> None:
    find(data, "rules", "debts")["refer"] = ["schuldhulp_gesprek"]


def test_a_referral_waits_on_the_local_variant_of_what_its_rule_names() -> None:
    planned = plan(facts(needs=("care", "debts"), municipality="GM0344"), _only_care_after_debts)
    assert [(p.service_id, p.waits_on) for p in planned] == [
        ("schuldhulp_gesprek", None),
        ("wijkteam_utrecht", "schuldhulp_gesprek"),
    ]


def test_the_waiting_rule_applies_to_the_first_predecessor_when_it_was_not_planned() -> None:
    def ww_only_for_the_young(data: dict[str, Any]) -> None:
        find(data, "rules", "ww")["when"] = {"life_events_any": ["turning_18"]}

    planned = plan(facts(INCOME_LOSS, needs=("income_gap",)), ww_only_for_the_young)
    assert [(p.service_id, p.waits_on) for p in planned] == [("gemeente_top_up", None)]


def test_referrals_that_wait_come_after_what_they_wait_on() -> None:
    def top_up_first(data: dict[str, Any]) -> None:
        data["rules"].sort(key=lambda r: r["id"] != "top_up")

    planned = plan(facts(INCOME_LOSS, needs=("income_gap",)), top_up_first)
    assert [p.service_id for p in planned] == ["uwv_ww", "gemeente_top_up"]


def test_no_rule_applies_means_no_referrals() -> None:
    assert plan(facts(LifeEvent.TURNING_18, needs=("legal",))) == []


def test_facts_come_from_the_intake_submitted_event() -> None:
    event = IntakeSubmitted(
        case_id="case-000001",
        intake_id="i-1",
        life_events=[LifeEvent.DIVORCE],
        channel=Channel.WEB,
        redzaamheid=Redzaamheid.NIET_REDZAAM,
        urgency=Urgency.HIGH,
        needs=["debts"],
        risks=["eviction"],
        municipality_code="GM0344",
        share_with=["schuldhulp"],
        submitted_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
    )
    assert IntakeFacts.from_submitted(event) == IntakeFacts(
        life_events=(LifeEvent.DIVORCE,),
        redzaamheid=Redzaamheid.NIET_REDZAAM,
        urgency=Urgency.HIGH,
        needs=("debts",),
        risks=("eviction",),
        municipality_code="GM0344",
        share_with=("schuldhulp",),
    )


# --- the rule validator ---------------------------------------------------------------------

Edit = Callable[[dict[str, Any]], None]


def _rule(rid: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda d: find(d, "rules", rid)


def _add(rule: dict[str, Any]) -> Edit:
    base = {"reason": t("r"), "when": {"needs_any": ["care"]}, "refer": ["wijkteam_hulp"]}
    return lambda d: d["rules"].append({**base, **rule})


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (_add({"id": "ww"}), "rule id ww appears 2 times"),
        (_add({"id": "uwv_ww"}), "rule id uwv_ww is also a service id"),
        (_add({"id": "xx", "when": {"needs_any": ["fun"]}}), "rule xx: unknown need fun"),
        (_add({"id": "xx", "when": {"risks_any": ["rain"]}}), "rule xx: unknown risk rain"),
        (
            _add({"id": "xx", "when": {"municipality_in": ["GM0014"]}}),
            "rule xx: municipality GM0014 is not in the municipality list",
        ),
        (_add({"id": "xx", "refer": ["nothing"]}), "rule xx: unknown service nothing"),
        (
            _add({"id": "xx", "refer": ["wijkteam_hulp", "wijkteam_hulp"]}),
            "rule xx: service wijkteam_hulp appears 2 times",
        ),
        (
            _add({"id": "xx", "refer": ["wijkteam_utrecht"]}),
            "rule xx: service wijkteam_utrecht is not offered everywhere the rule applies; "
            "name the national service or limit the rule with municipality_in",
        ),
        (
            _add({"id": "xx", "refer": ["uwv_ww"]}),
            "rule xx: service uwv_ww answers none of the needs ['care']",
        ),
        (
            _add({"id": "xx", "urgent": True}),
            "rule xx: urgent, but service wijkteam_hulp has no urgent norm",
        ),
        (_add({"id": "xx", "after": "nothing"}), "rule xx: waits on nothing, which is neither"),
        (_add({"id": "xx", "after": "debts"}), "rule xx: waits on rule debts, which refers to"),
        (_add({"id": "xx", "after": "wijkteam_hulp"}), "rule xx: waits on its own service"),
        (
            lambda d: _rule("ww")(d).update(after="gemeente_top_up"),
            "estafette goes round: gemeente_top_up -> uwv_ww -> gemeente_top_up",
        ),
    ],
)
def test_rule_problems_are_found(edit: Edit, expected: str) -> None:
    found = rule_problems(rules(edit), directory())
    assert any(p.startswith(expected) for p in found), found


def test_a_local_service_may_be_named_by_a_rule_limited_to_its_municipality() -> None:
    edit = _add(
        {"id": "xx", "refer": ["wijkteam_utrecht"], "when": {"municipality_in": ["GM0344"]}}
    )
    assert rule_problems(rules(edit), directory()) == []
    assert "wijkteam_utrecht" in by_service(plan(facts(municipality="GM0344"), edit))


def test_a_service_tied_to_life_events_refuses_a_rule_for_others() -> None:
    def tie_ww(data: dict[str, Any]) -> None:
        find(data, "services", "uwv_ww")["eligibility"]["life_events"] = ["falling_ill"]

    found = rule_problems(rules(), directory(tie_ww))
    assert found == [
        "rule ww: service uwv_ww is for life events ['falling_ill'], "
        "the rule also applies to ['income_loss']"
    ]


def test_the_sample_rules_are_valid() -> None:
    assert rule_problems(rules(), directory()) == []


# --- properties over the shipped data ------------------------------------------------------

SHIPPED_DIRECTORY = load_directory()
SHIPPED_RULES = load_rules()
NEEDS = SHIPPED_DIRECTORY.vocabulary.needs
RISKS = SHIPPED_DIRECTORY.vocabulary.risks
# Every agency, and the bare per-municipality kinds (`gemeente`), which name no agency.
AGENCIES = [*SHIPPED_DIRECTORY.agency_codes(), *MUNICIPAL_AGENCIES]

intakes = st.builds(
    IntakeFacts,
    life_events=st.lists(st.sampled_from(list(LifeEvent)), min_size=1, unique=True).map(tuple),
    redzaamheid=st.sampled_from(list(Redzaamheid)),
    urgency=st.sampled_from(list(Urgency)),
    needs=st.lists(st.sampled_from(NEEDS), unique=True).map(tuple),
    risks=st.lists(st.sampled_from(RISKS), unique=True).map(tuple),
    # GM0000 is no tenant: a municipality the Voorportaal has not onboarded.
    municipality_code=st.sampled_from([None, "GM0363", "GM0344", "GM0599", "GM0014", "GM0000"]),
    share_with=st.lists(st.sampled_from(AGENCIES), unique=True).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(intakes)
def test_the_rule_index_finds_exactly_the_rules_that_hold(f: IntakeFacts) -> None:
    assert SHIPPED_RULES.applicable(f) == [r for r in SHIPPED_RULES.rules if r.when.holds(f)]


@pytest.mark.parametrize(
    "when",
    [
        {"needs_all": ["debts", "care"]},
        {"needs_any": ["care"], "risks_any": ["eviction"]},
        {"risks_any": ["eviction", "debts"]},
        {"life_events_any": ["divorce"]},
        {"redzaamheid_in": ["niet_redzaam"]},
    ],
)
def test_the_rule_index_files_every_kind_of_condition(when: dict[str, Any]) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["rules"][0]["when"] = when

    ruleset = rules(edit)
    for f in (
        facts(LifeEvent.DIVORCE, needs=("care", "debts"), risks=("eviction",)),
        facts(needs=("care",), redzaamheid=Redzaamheid.NIET_REDZAAM),
        facts(risks=("debts",)),
        facts(),
    ):
        assert ruleset.applicable(f) == [r for r in ruleset.rules if r.when.holds(f)]


@settings(max_examples=300, deadline=None)
@given(intakes, st.randoms(use_true_random=False))
def test_routing_any_intake_is_consistent_and_does_not_depend_on_input_order(
    f: IntakeFacts, rnd: Any
) -> None:
    planned = route(f, SHIPPED_DIRECTORY, SHIPPED_RULES)
    ids = [p.service_id for p in planned]
    assert len(ids) == len(set(ids))
    rules_by_id = {r.id: r for r in SHIPPED_RULES.rules}
    for position, referral in enumerate(planned):
        service = SHIPPED_DIRECTORY.service(referral.service_id)
        assert service.serves(f.municipality_code)
        agency = SHIPPED_DIRECTORY.agency_for(service, f.municipality_code)
        assert referral.agency_code == (agency or service.organization)
        assert referral.agency_code not in MUNICIPAL_AGENCIES or referral.mode == "self_contact"
        assert all(rules_by_id[rid].when.holds(f) for rid in referral.rule_ids)
        assert referral.may_share is (agency is not None and agency in f.share_with)
        expected_mode = (
            "self_contact"
            if agency is None or not service.accepts_electronic_referrals
            else "warm_handover"
            if referral.may_share
            else "anonymous"
        )
        assert referral.mode == expected_mode
        if referral.waits_on is not None:
            assert referral.waits_on in ids[:position]
        assert 0 <= referral.reminder_lead_working_days < referral.response_norm_working_days
    shuffled = {
        name: tuple(rnd.sample(list(getattr(f, name)), len(getattr(f, name))))
        for name in ("life_events", "needs", "risks", "share_with")
    }
    again = route(f.model_copy(update=shuffled), SHIPPED_DIRECTORY, SHIPPED_RULES)
    assert [replace(p, needs=()) for p in again] == [replace(p, needs=()) for p in planned]
    assert [set(p.needs) for p in again] == [set(p.needs) for p in planned]
