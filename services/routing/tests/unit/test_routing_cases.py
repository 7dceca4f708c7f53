"""Cases a caseworker would recognise: for each life event, who is sent where — and who is not.

Each case is an intake as it arrives (`IntakeSubmitted`), turned into facts and routed the way
the routing service does it (`IntakeFacts.from_submitted`, then `route` over the shipped
directory and rules). The needs are the codes the intake sets for such a person; gate needs
(`unemployment_benefit`, `sickness_benefit`, `survivor_benefit` …) are set only when the
person meets the agency's conditions (see the vocabulary in `data/v1/directory.toml`).
Issue 18: the rules these cases pin down were wrong before (WW for everyone losing income,
the gemeente instead of UWV's Toeslagenwet for a low benefit, Anw for a parent whose child
died, Wlz on low self-reliance plus any care need …).
"""

from __future__ import annotations

from datetime import UTC, datetime

from voorportaal_contracts.events.intake import IntakeSubmitted
from voorportaal_contracts.types import LifeEvent, Redzaamheid
from voorportaal_routing.adapters.data_files import load_directory, load_rules
from voorportaal_routing.domain.rules import IntakeFacts, PlannedReferral, route

SUBMITTED = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def refer(
    event: LifeEvent,
    *needs: str,
    risks: tuple[str, ...] = (),
    redzaamheid: Redzaamheid = Redzaamheid.MIDDENGROEP,
    share_with: tuple[str, ...] = (),
) -> dict[str, PlannedReferral]:
    """The referrals routing plans for such an intake, by service."""
    intake = IntakeSubmitted(
        case_id="vp-case-0000000001",
        intake_id="intake-1",
        life_events=[event],
        channel="web",
        redzaamheid=redzaamheid,
        urgency="normal",
        needs=list(needs),
        risks=list(risks),
        share_with=list(share_with),
        submitted_at=SUBMITTED,
    )
    planned = route(IntakeFacts.from_submitted(intake), load_directory(), load_rules())
    return {p.service_id: p for p in planned}


# --- losing a job or income ------------------------------------------------------------------

JOB = LifeEvent.INCOME_LOSS


def test_dismissed_employee_who_worked_26_of_36_weeks_gets_ww_and_the_toeslagenwet_first() -> None:
    sent = refer(JOB, "income_gap", "unemployment_benefit", "allowances")
    # A WW below the social minimum is topped up by UWV (Toeslagenwet), not by the gemeente:
    # UWV looks at the toeslag with the WW application (one referral, both reasons), and
    # bijstand waits until UWV decided on both.
    ww = sent["uwv_ww"]
    assert ww.rule_ids == ("job_loss_ww", "job_loss_top_up")
    assert "Toeslagenwet" in ww.reasons[1].nl and "6 weken" in ww.reasons[1].nl
    assert ww.waits_on is None
    top_up = sent["gemeente_aanvullende_bijstand"]
    assert top_up.waits_on == "uwv_ww"
    assert top_up.rule_id == "job_loss_bijstand_after_top_up"


def test_self_employed_person_losing_all_income_gets_no_ww_but_bbz_at_the_gemeente() -> None:
    sent = refer(JOB, "income_gap", "self_employed_income", "taxes")
    assert "uwv_ww" not in sent
    assert "uwv_toeslagenwet" not in sent
    assert sent["gemeente_bbz"].agency_code == "gemeente"
    assert sent["gemeente_bbz"].rule_id == "self_employed_bbz"


def test_employee_who_resigned_is_not_sent_to_uwv_for_ww() -> None:
    # Resigning makes one culpably unemployed (WW art. 24): the intake sets no
    # unemployment_benefit, so no WW, no toeslag on a WW and no top-up waiting on one.
    sent = refer(JOB, "income_gap", "allowances", "work")
    assert "uwv_ww" not in sent
    assert "uwv_toeslagenwet" not in sent
    assert "gemeente_aanvullende_bijstand" not in sent


def test_temp_worker_with_too_few_weeks_and_no_money_goes_to_the_gemeente_urgently_not_uwv() -> (
    None
):
    sent = refer(JOB, "income_gap", risks=("no_income",))
    assert "uwv_ww" not in sent
    assert sent["gemeente_bijstand"].urgent
    assert sent["gemeente_bijstand"].response_norm_working_days == 2


# --- falling ill -----------------------------------------------------------------------------

ILL = LifeEvent.FALLING_ILL


def test_temp_worker_ill_after_the_contract_ended_reports_sick_to_uwv_for_ziektewet() -> None:
    sent = refer(ILL, "income_gap", "sickness_benefit", share_with=("uwv",))
    ziektewet = sent["uwv_ziekte"]
    assert ziektewet.mode == "warm_handover"
    assert "tweede ziektedag" in ziektewet.reasons[0].nl
    assert "4 weken" in ziektewet.reasons[0].nl
    assert ziektewet.rule_ids == ("illness_income", "illness_top_up")  # with the Toeslagenwet
    assert sent["gemeente_aanvullende_bijstand"].waits_on == "uwv_ziekte"


def test_permanent_employee_ill_and_short_of_money_is_not_sent_to_uwv_for_ziektewet() -> None:
    # The employer pays wages during illness; Ziektewet is for people without an employer.
    sent = refer(ILL, "income_gap", "allowances", "work")
    assert "uwv_ziekte" not in sent
    assert "uwv_toeslagenwet" not in sent
    assert "gemeente_aanvullende_bijstand" not in sent


def test_employee_in_the_second_sick_year_on_lower_pay_gets_the_toeslagenwet_not_ziektewet() -> (
    None
):
    sent = refer(ILL, "income_gap", "sick_pay_top_up")
    assert sent["uwv_toeslagenwet"].rule_id == "illness_second_year_top_up"
    assert "uwv_ziekte" not in sent


def test_someone_who_needs_supervision_day_and_night_is_sent_to_the_ciz_for_wlz() -> None:
    sent = refer(ILL, "care", "long_term_care", "income_gap")
    assert sent["ciz_wlz_indicatie"].rule_id == "long_term_care"
    # Only the Wlz contribution depends on income: the CAK comes after the CIZ decided.
    assert sent["cak_eigen_bijdrage"].waits_on == "ciz_wlz_indicatie"
    assert "vast bedrag" in sent["cak_eigen_bijdrage"].reasons[0].nl


def test_low_digital_skills_and_help_with_the_household_is_no_wlz_case() -> None:
    sent = refer(ILL, "care", "income_gap", redzaamheid=Redzaamheid.NIET_REDZAAM)
    assert "ciz_wlz_indicatie" not in sent
    assert "cak_eigen_bijdrage" not in sent
    assert "wijkteam_ondersteuning" in sent
    assert "cliëntondersteuner" in sent["wijkteam_ondersteuning"].reasons[0].nl


# --- death of a close relative -----------------------------------------------------------------

DEATH = LifeEvent.DEATH_OF_RELATIVE


def test_partner_died_survivor_below_aow_age_with_young_children_gets_anw_not_aow() -> None:
    sent = refer(DEATH, "pension_benefits", "survivor_benefit", "children", share_with=("svb",))
    assert sent["svb_anw"].mode == "warm_handover"
    assert "svb_kinderbijslag" in sent
    assert "svb_aow" not in sent


def test_partner_died_survivor_above_aow_age_gets_the_aow_adjusted_not_anw() -> None:
    sent = refer(DEATH, "pension_benefits", "state_pension")
    assert "svb_aow" in sent
    assert "svb_anw" not in sent


def test_parent_whose_child_died_is_not_sent_to_the_svb_for_a_survivor_benefit() -> None:
    # The intake sets pension_benefits for a child under 18 (child benefit stops), never
    # survivor_benefit: the Anw is for a partner (or an orphan), not for a parent.
    sent = refer(DEATH, "pension_benefits", "estate", "taxes")
    assert "svb_anw" not in sent
    assert "svb_aow" not in sent


def test_who_lived_with_the_deceased_in_a_rented_home_asks_the_landlord_about_the_tenancy() -> None:
    sent = refer(DEATH, "tenancy_of_deceased", "allowances")
    assert sent["verhuurder_huur"].rule_id == "tenancy_after_death"


def test_an_owner_behind_with_the_mortgage_after_a_death_gets_no_tenancy_referral() -> None:
    sent = refer(DEATH, "housing_costs", "income_gap")
    assert "verhuurder_huur" not in sent


# --- divorce ---------------------------------------------------------------------------------

DIVORCE = LifeEvent.DIVORCE


def test_leaving_the_shared_rented_home_without_another_home_gets_the_gemeentes_help() -> None:
    sent = refer(DIVORCE, "leaving_rented_home", "registration", "allowances")
    assert "housing_after_divorce" in sent["gemeente_wonen"].rule_ids


def test_the_partner_who_stays_in_the_home_gets_no_help_searching_for_a_home() -> None:
    # The intake's housing_costs for who stays and finds the costs tight is no move.
    sent = refer(DIVORCE, "housing_costs", "income_gap", "allowances")
    assert "gemeente_wonen" not in sent


def test_a_divorcing_parent_below_aow_age_gets_child_benefit_moved_but_no_aow() -> None:
    sent = refer(DIVORCE, "pension_benefits", "children", "legal")
    assert "svb_kinderbijslag" in sent
    assert "svb_aow" not in sent
    assert sent["rechtbank_procedure"].waits_on == "juridisch_loket_advies"


def test_divorcing_at_aow_age_the_svb_adjusts_the_aow() -> None:
    sent = refer(DIVORCE, "pension_benefits", "state_pension", "allowances")
    assert "svb_aow" in sent


# --- turning 18 ------------------------------------------------------------------------------

EIGHTEEN = LifeEvent.TURNING_18


def test_a_student_turning_18_is_sent_to_duo_and_a_health_insurer() -> None:
    sent = refer(EIGHTEEN, "study_finance", "health_insurance", "allowances")
    assert {"duo_studiefinanciering", "zorgverzekeraar_polis", "toeslagen_wijziging"} <= set(sent)


def test_turning_18_without_income_gets_the_gemeente_never_ww() -> None:
    sent = refer(EIGHTEEN, "income_gap", "allowances")
    assert "gemeente_bijstand" in sent
    assert "uwv_ww" not in sent
    assert "uwv_toeslagenwet" not in sent


def test_turning_18_with_a_disability_gets_uwv_for_work_and_no_wlz() -> None:
    sent = refer(EIGHTEEN, "care", "work")
    assert "uwv_werk" in sent
    assert "ciz_wlz_indicatie" not in sent


# --- moving to or from a rented home -------------------------------------------------------

MOVING = LifeEvent.MOVING_RENTED_HOME


def test_moving_out_with_nowhere_to_sleep_gets_shelter_and_a_postal_address_urgently() -> None:
    sent = refer(MOVING, "registration", "housing_costs", risks=("homeless",))
    assert sent["gemeente_wonen"].urgent
    assert sent["gemeente_briefadres"].urgent


def test_moving_from_one_rented_home_to_another_reports_the_address_and_allowances() -> None:
    sent = refer(MOVING, "registration", "allowances")
    assert set(sent) == {"gemeente_inschrijving", "toeslagen_wijziging"}


def test_moving_with_enough_income_gets_no_bijstand_and_no_divorce_or_death_housing_rule() -> None:
    sent = refer(MOVING, "registration", "allowances", "housing_costs")
    assert "gemeente_bijstand" not in sent
    rules = {rule for p in sent.values() for rule in p.rule_ids}
    assert not rules & {"housing_after_divorce", "tenancy_after_death"}
