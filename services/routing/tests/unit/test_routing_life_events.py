"""The shipped rules, per life event: what a realistic intake is referred to, and how."""

from __future__ import annotations

import pytest

from voorportaal_contracts.types import LifeEvent, Redzaamheid
from voorportaal_routing.adapters.data_files import load_directory, load_rules
from voorportaal_routing.domain.rules import IntakeFacts, route

Row = tuple[str, str, str | None, bool]
"""(service, mode, waits_on, urgent)"""


def routed(
    event: LifeEvent,
    *,
    needs: tuple[str, ...],
    risks: tuple[str, ...] = (),
    redzaamheid: Redzaamheid = Redzaamheid.MIDDENGROEP,
    municipality: str | None = None,
    share_with: tuple[str, ...] = (),
) -> list[Row]:
    facts = IntakeFacts(
        life_events=(event,),
        redzaamheid=redzaamheid,
        needs=needs,
        risks=risks,
        municipality_code=municipality,
        share_with=share_with,
    )
    return [
        (p.service_id, p.mode, p.waits_on, p.urgent)
        for p in route(facts, load_directory(), load_rules())
    ]


def test_job_loss_with_eviction_threatening_in_utrecht() -> None:
    assert routed(
        LifeEvent.INCOME_LOSS,
        needs=(
            "income_gap",
            "unemployment_benefit",
            "allowances",
            "debts",
            "taxes",
            "housing_costs",
        ),
        risks=("eviction",),
        municipality="GM0344",
        share_with=("uwv", "gemeente-gm0344", "schuldhulp-gm0344"),
    ) == [
        ("schuldhulp_gesprek", "warm_handover", None, True),
        ("wijkteam_buurtteam_utrecht", "anonymous", None, True),
        ("verhuurder_huur", "self_contact", None, True),
        ("uwv_ww", "warm_handover", None, False),
        ("toeslagen_wijziging", "anonymous", None, False),
        ("gemeente_kwijtschelding", "warm_handover", None, False),
        ("waterschap_kwijtschelding_bghu", "self_contact", None, False),
        ("belastingdienst_aangifte", "self_contact", None, False),
        ("gemeente_aanvullende_bijstand", "warm_handover", "uwv_ww", False),
    ]


def test_schuldhulp_gets_three_working_days_when_eviction_threatens() -> None:
    facts = IntakeFacts(
        life_events=(LifeEvent.INCOME_LOSS,),
        redzaamheid=Redzaamheid.MIDDENGROEP,
        needs=("debts",),
        risks=("utilities_cut_off",),
    )
    (schuldhulp,) = route(facts, load_directory(), load_rules())
    assert schuldhulp.response_norm_working_days == 3
    assert schuldhulp.rule_ids == ("acute_eviction_or_cut_off", "debts_help")
    calm = facts.model_copy(update={"risks": ()})
    (later,) = route(calm, load_directory(), load_rules())
    assert later.response_norm_working_days == 20


def test_falling_ill_without_much_self_reliance_in_amsterdam() -> None:
    assert routed(
        LifeEvent.FALLING_ILL,
        needs=("income_gap", "sickness_benefit", "care", "long_term_care", "allowances"),
        redzaamheid=Redzaamheid.NIET_REDZAAM,
        municipality="GM0363",
        share_with=("uwv", "wijkteam-gm0363"),
    ) == [
        ("uwv_ziekte", "warm_handover", None, False),
        ("toeslagen_wijziging", "anonymous", None, False),
        ("wijkteam_buurtteam_amsterdam", "warm_handover", None, False),
        ("ciz_wlz_indicatie", "anonymous", None, False),
        ("zorgverzekeraar_wijkverpleging", "self_contact", None, False),
        ("gemeente_aanvullende_bijstand", "anonymous", "uwv_ziekte", False),
        ("cak_eigen_bijdrage", "self_contact", "ciz_wlz_indicatie", False),
    ]


def test_death_of_a_partner_with_children_municipality_unknown() -> None:
    assert routed(
        LifeEvent.DEATH_OF_RELATIVE,
        needs=(
            "pension_benefits",
            "survivor_benefit",
            "children",
            "estate",
            "taxes",
            "tenancy_of_deceased",
            "allowances",
        ),
        redzaamheid=Redzaamheid.ZELFREDZAAM,
        share_with=("svb",),
    ) == [
        ("toeslagen_wijziging", "anonymous", None, False),
        ("belastingdienst_aangifte", "self_contact", None, False),
        ("verhuurder_huur", "self_contact", None, False),
        ("svb_anw", "warm_handover", None, False),
        ("svb_kinderbijslag", "warm_handover", None, False),
        ("juridisch_loket_advies", "self_contact", None, False),
    ]


def test_divorce_when_home_is_not_safe_in_rotterdam() -> None:
    assert routed(
        LifeEvent.DIVORCE,
        needs=("legal", "children", "leaving_rented_home", "allowances", "registration"),
        risks=("unsafe_at_home",),
        municipality="GM0599",
    ) == [
        ("wijkteam_rotterdam", "anonymous", None, True),
        ("toeslagen_wijziging", "anonymous", None, False),
        ("gemeente_wonen", "anonymous", None, False),
        ("juridisch_loket_advies", "self_contact", None, False),
        ("gemeente_inschrijving", "anonymous", None, False),
        ("rechtbank_procedure", "self_contact", "juridisch_loket_advies", False),
    ]


def test_turning_18_without_health_insurance() -> None:
    assert routed(
        LifeEvent.TURNING_18,
        needs=("health_insurance", "study_finance", "mobility", "allowances"),
        risks=("no_health_insurance",),
        redzaamheid=Redzaamheid.ZELFREDZAAM,
        municipality="GM0014",
    ) == [
        ("zorgverzekeraar_polis", "self_contact", None, True),
        ("toeslagen_wijziging", "anonymous", None, False),
        ("duo_studiefinanciering", "self_contact", None, False),
        ("cbr_rijbewijs", "self_contact", None, False),
    ]


def test_moving_out_with_nowhere_to_live_in_amsterdam() -> None:
    assert routed(
        LifeEvent.MOVING_RENTED_HOME,
        needs=("registration", "allowances", "housing_costs", "income_gap"),
        risks=("homeless",),
        municipality="GM0363",
        share_with=("gemeente-gm0363",),
    ) == [
        ("gemeente_wonen", "warm_handover", None, True),
        ("gemeente_briefadres", "warm_handover", None, True),
        ("gemeente_bijstand", "warm_handover", None, False),
        ("toeslagen_wijziging", "anonymous", None, False),
        ("wijkteam_buurtteam_amsterdam", "anonymous", None, False),
        ("gemeente_inschrijving", "warm_handover", None, False),
    ]


def test_no_income_at_all_gets_the_gemeente_within_two_working_days() -> None:
    facts = IntakeFacts(
        life_events=(LifeEvent.DIVORCE,),
        redzaamheid=Redzaamheid.MIDDENGROEP,
        needs=("income_gap",),
        risks=("no_income",),
    )
    (bijstand,) = route(facts, load_directory(), load_rules())
    assert (bijstand.service_id, bijstand.response_norm_working_days) == ("gemeente_bijstand", 2)
    assert bijstand.rule_ids == ("acute_no_income", "income_gap_bijstand")


@pytest.mark.parametrize("event", list(LifeEvent))
def test_someone_who_cannot_manage_always_gets_the_wijkteam(event: LifeEvent) -> None:
    rows = routed(event, needs=(), redzaamheid=Redzaamheid.NIET_REDZAAM, municipality="GM0014")
    assert rows == [("wijkteam_ondersteuning", "anonymous", None, False)]
