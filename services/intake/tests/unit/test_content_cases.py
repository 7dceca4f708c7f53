"""The content as a caseworker reads it: per life event, cases they would recognise.

Each case answers only the questions a citizen in that situation is shown (the walk refuses an
answer to a question that is never asked), through the same steps the API takes: the flow
picks the next question, `parse_answer` checks each answer, and `assess` makes the checklist+,
the needs and the triage exactly as submitting an intake does. Questions a case does not name
get a neutral answer (no, nothing, today). Every life event has at least one case where an
item must *not* appear.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from voorportaal_contracts.types import LifeEvent, Urgency
from voorportaal_intake.adapters.content_files import load_life_events
from voorportaal_intake.domain.checklist import ChecklistEntry
from voorportaal_intake.domain.content import Question
from voorportaal_intake.domain.flow import next_question, parse_answer
from voorportaal_intake.entrypoints.http.schemas import ContactIn
from voorportaal_intake.service_layer.assessment import Assessment, assess

TODAY = date(2026, 12, 6)
PROFILE = {
    "digital_skills": "good",
    "dutch_language": "good",
    "failed_contacts": 0,
    "overwhelmed": False,
    "wants_personal_help": False,
}

INCOME = LifeEvent.INCOME_LOSS
ILL = LifeEvent.FALLING_ILL
DIVORCE = LifeEvent.DIVORCE
DEATH = LifeEvent.DEATH_OF_RELATIVE
MOVING = LifeEvent.MOVING_RENTED_HOME
EIGHTEEN = LifeEvent.TURNING_18


def neutral(question: Question) -> Any:
    """An answer that says "nothing special" (no, none, the first choice, today)."""
    values = [o.value for o in question.options]
    if question.type == "yes_no":
        return False
    if question.type == "multi":
        return ["none"] if "none" in values else [values[0]]
    if question.type == "single":
        for calm in ("ok", "none", "other", "dont_know"):
            if calm in values:
                return calm
        return values[0]
    if question.type == "date":
        return TODAY.isoformat()
    if question.type == "number":
        return question.minimum or 0
    if question.type == "postcode":
        return "3511 AB"
    return "x"


def walk(event: LifeEvent, picks: dict[str, Any]) -> dict[str, Any]:
    """The typed answers of one life event, answered question by question as the API does."""
    questions = load_life_events()[event].questions
    answers: dict[str, Any] = {}
    while (question := next_question(questions, answers)) is not None:
        raw = picks[question.id] if question.id in picks else neutral(question)
        answers[question.id] = parse_answer(question, raw, today=TODAY)
    never_asked = set(picks) - set(answers)
    assert not never_asked, f"the case answers questions {never_asked} nobody is shown"
    return answers


def case(*events: tuple[LifeEvent, dict[str, Any]], **profile: Any) -> Assessment:
    """What submitting an intake with these answers computes."""
    return assess({e: walk(e, picks) for e, picks in events}, {**PROFILE, **profile})


def items(result: Assessment) -> dict[str, ChecklistEntry]:
    return {entry.id: entry for entry in result.checklist}


def nl(entry: ChecklistEntry) -> str:
    return " ".join(why.nl for why in entry.why)


# --- losing a job or income ---------------------------------------------------------------


def test_self_employed_losing_all_income_gets_bbz_at_the_gemeente_and_no_ww() -> None:
    found = items(case((INCOME, {"cause": "self_employed", "has_money_to_live": False})))
    assert found["self_employed_support"].agency == "gemeente"
    assert "apply_ww" not in found
    assert "uwv_supplement" not in found
    assert "social_assistance" not in found


def test_someone_who_resigned_without_26_weeks_of_work_gets_no_ww() -> None:
    found = items(case((INCOME, {"cause": "resigned", "worked_26_weeks": False})))
    assert "apply_ww" not in found
    assert "work_plan" not in found


def test_ww_too_low_goes_to_the_uwv_supplement_first_and_bijstand_only_after() -> None:
    last_day = date(2027, 1, 27)  # a Wednesday: WW starts on Thursday the 28th
    result = case(
        (
            INCOME,
            {
                "last_work_day": last_day.isoformat(),
                "cause": "contract_ended",
                "worked_26_weeks": True,
                "has_money_to_live": False,
            },
        )
    )
    found = items(result)
    supplement = found["uwv_supplement"]
    assert supplement.agency == "uwv"
    assert supplement.deadline == date(2027, 3, 11)  # 6 weeks after WW starts
    assert supplement.depends_on == ["apply_ww"]
    assert found["social_assistance_top_up"].agency == "gemeente"
    assert found["social_assistance_top_up"].depends_on == ["uwv_supplement"]
    ids = [e.id for e in result.checklist]
    assert ids.index("uwv_supplement") < ids.index("social_assistance_top_up")
    assert result.triage.urgency is Urgency.ACUTE  # no money to live on at all


def test_ww_is_due_a_week_after_the_first_day_without_work() -> None:
    found = items(
        case(
            (
                INCOME,
                {"last_work_day": "2027-01-27", "cause": "dismissed", "worked_26_weeks": True},
            )
        )
    )
    assert found["apply_ww"].deadline == date(2027, 2, 4)  # Thursday 28 January + 1 week


def test_ww_can_be_applied_for_from_4_weeks_before_the_first_day_without_work() -> None:
    # UWV counts the 4 weeks back from becoming unemployed, not from the last working day.
    found = items(case((INCOME, {"cause": "dismissed", "worked_26_weeks": True})))
    text = nl(found["apply_ww"])
    assert "als u binnen 4 weken werkloos wordt" in text
    assert "voor uw laatste werkdag" not in text


def test_looking_for_work_starts_when_you_know_you_will_lose_your_job() -> None:
    found = items(case((INCOME, {"cause": "dismissed", "worked_26_weeks": True})))
    work_plan = found["work_plan"]
    assert work_plan.depends_on == []  # not held up until the WW is applied for
    assert "voordat uw WW begint" in nl(work_plan)


def test_a_signed_settlement_agreement_can_be_cancelled_within_14_days() -> None:
    found = items(
        case(
            (
                INCOME,
                {
                    "cause": "dismissed",
                    "settlement_signed": True,
                    "settlement_date": "2026-12-01",
                },
            )
        )
    )
    assert found["settlement_cooling_off"].agency == "werkgever"
    assert found["settlement_cooling_off"].deadline == date(2026, 12, 15)


def test_no_settlement_agreement_no_cooling_off_item() -> None:
    found = items(case((INCOME, {"cause": "dismissed", "settlement_signed": False})))
    assert "settlement_cooling_off" not in found


def test_bijstand_2026_may_go_3_months_back_and_young_people_may_ask_to_start_early() -> None:
    # Since 1 January 2026 the municipality *may* grant bijstand up to 3 months back and *may*
    # deal with a young person's application before the 4-week search period ends; neither is
    # a right, so the text must not promise either.
    found = items(case((INCOME, {"cause": "other", "has_money_to_live": False})))
    text = nl(found["social_assistance"])
    assert "3 maanden" in text
    assert "reken daar niet op" in text
    assert "uw aanvraag eerder wil behandelen" in text
    assert "U mag de aanvraag al doen" not in text
    assert "pas vanaf de dag dat u zich meldt" not in text


# --- falling ill ----------------------------------------------------------------------------


def test_an_employee_reports_sick_to_the_employer_not_to_uwv() -> None:
    found = items(case((ILL, {"work_situation": "employee_permanent"})))
    report = found["report_sick_employer"]
    assert report.agency == "werkgever"
    assert "in week 42 nog ziek" in nl(report)  # the report is due in week 42, not after it
    assert "na 6 weken" not in nl(report).lower()
    assert not any(i.startswith("report_sick_uwv") for i in found)


def test_falling_ill_on_a_saturday_is_reported_that_day_not_on_monday() -> None:
    saturday = date(2026, 12, 5)
    answers = {"first_sick_day": saturday.isoformat(), "work_situation": "employee_temporary"}
    found = items(case((ILL, answers)))
    assert found["report_sick_employer"].deadline == saturday


def test_ill_within_four_weeks_after_the_contract_ended_reports_to_uwv_by_day_two() -> None:
    found = items(
        case((ILL, {"first_sick_day": "2026-12-03", "work_situation": "contract_ended_recently"}))
    )
    report = found["report_sick_uwv_after_contract"]
    assert report.agency == "uwv"
    assert report.deadline == date(2026, 12, 4)
    assert "report_sick_employer" not in found


def test_wia_is_due_650_days_after_the_first_sick_day() -> None:
    first = date(2026, 12, 1)
    found = items(
        case(
            (
                ILL,
                {
                    "first_sick_day": first.isoformat(),
                    "expected_duration": "long",
                    "work_situation": "employee_permanent",
                },
            )
        )
    )
    assert found["apply_wia"].deadline == first + timedelta(days=650) == date(2028, 9, 11)


def test_the_wia_deadline_on_a_sunday_is_not_moved_to_monday_into_week_94() -> None:
    monday = date(2026, 11, 30)
    found = items(
        case(
            (
                ILL,
                {
                    "first_sick_day": monday.isoformat(),
                    "expected_duration": "long",
                    "work_situation": "employee_permanent",
                },
            )
        )
    )
    deadline = found["apply_wia"].deadline
    assert deadline == date(2028, 9, 10)  # a Sunday: the last day of week 93
    assert deadline is not None and (deadline - monday).days // 7 + 1 == 93


def test_short_of_money_while_ill_goes_to_the_uwv_supplement_before_bijstand() -> None:
    found = items(
        case(
            (
                ILL,
                {
                    "expected_duration": "long",
                    "work_situation": "employee_permanent",
                    "money_situation": "nothing",
                },
            )
        )
    )
    assert found["uwv_supplement"].agency == "uwv"
    assert "tweede ziektejaar" in nl(found["uwv_supplement"])
    assert found["social_assistance"].depends_on == ["uwv_supplement"]


def test_low_digital_skills_and_help_with_housework_do_not_send_anyone_to_ciz() -> None:
    result = case((ILL, {"help_needed": ["household"]}), digital_skills="not")
    found = items(result)
    assert "wlz_indication" not in found
    assert {"client_support", "wmo_request", "care_contribution"} <= set(found)


def test_needing_someone_nearby_day_and_night_goes_to_ciz_for_the_wlz() -> None:
    found = items(case((ILL, {"help_needed": ["supervision"]})))
    assert found["wlz_indication"].agency == "ciz"


def test_the_wmo_contribution_at_cak_is_a_flat_rate() -> None:
    found = items(case((ILL, {"help_needed": ["household"]})))
    text = nl(found["care_contribution"])
    assert "abonnementstarief" in text
    assert "hoe hoog uw inkomen ook is" in text


def test_the_employer_is_not_counted_among_the_agencies_in_triage() -> None:
    result = case(
        (
            ILL,
            {
                "work_situation": "employee_temporary",
                "contract_ends": True,
                "money_situation": "tight",
                "health_insured": True,
            },
        )
    )
    assert {e.agency for e in result.checklist} == {"werkgever", "uwv", "toeslagen"}
    assert "many_agencies" not in [reason.rule for reason in result.triage.reasons]


# --- divorce --------------------------------------------------------------------------------


def test_married_separated_no_divorce_request_yet_are_still_toeslagpartners() -> None:
    found = items(case((DIVORCE, {"relation_form": "married", "divorce_requested": False})))
    assert "allowances_still_partners" in found
    assert "toeslagpartner" in nl(found["allowances_still_partners"])
    assert "allowances_request_date" not in found
    assert "allowances_change" not in found


def test_married_with_a_divorce_request_reports_its_date_to_dienst_toeslagen() -> None:
    found = items(
        case(
            (
                DIVORCE,
                {
                    "separation_date": "2026-12-01",
                    "relation_form": "registered",
                    "divorce_requested": True,
                },
            )
        )
    )
    assert found["allowances_request_date"].agency == "toeslagen"
    assert found["allowances_request_date"].deadline == date(2026, 12, 29)
    assert "allowances_still_partners" not in found


def test_unmarried_partners_get_no_divorce_pension_or_maintenance_items() -> None:
    found = items(case((DIVORCE, {"relation_form": "cohabiting"})))
    assert "allowances_change" in found
    for item in ("divorce_request", "pension_division", "partner_maintenance"):
        assert item not in found


def test_a_married_couple_arranges_pension_division_and_partner_maintenance() -> None:
    found = items(case((DIVORCE, {"relation_form": "married", "divorce_requested": True})))
    assert found["pension_division"].agency == "pensioenfonds"
    assert "2 jaar" in nl(found["pension_division"])
    assert found["partner_maintenance"].agency == "juridisch-loket"


def test_a_divorcing_parent_below_aow_age_gets_child_benefit_and_no_aow_item() -> None:
    found = items(
        case(
            (
                DIVORCE,
                {
                    "relation_form": "cohabiting",
                    "children_under_18": True,
                    "children_live_with": "with_me",
                    "aow_age": False,
                },
            )
        )
    )
    assert "child_benefit" in found
    assert "aow_single" not in found


# --- death of a close relative --------------------------------------------------------------


def test_a_parent_whose_child_died_gets_no_anw() -> None:
    found = items(case((DEATH, {"relation": "child", "child_under_18": True})))
    assert "anw_benefit" not in found
    assert "orphan_benefit" not in found
    assert "child_benefit" in found


def test_a_partner_above_aow_age_gets_the_aow_check_and_no_anw() -> None:
    found = items(case((DEATH, {"relation": "partner", "you_aow_age": True})))
    assert "aow_single" in found
    assert "anw_benefit" not in found


def test_a_car_of_the_deceased_brings_the_rdw_item_and_the_mobility_need() -> None:
    died = date(2026, 11, 18)
    result = case((DEATH, {"date_of_death": died.isoformat(), "deceased_vehicle": True}))
    assert "mobility" in result.needs  # routing's RDW rule reads this need
    vehicle = items(result)["vehicle_registration"]
    assert vehicle.agency == "rdw"
    assert vehicle.deadline == date(2026, 12, 23)  # 5 weeks


def test_no_vehicle_no_rdw_item_and_no_mobility_need() -> None:
    result = case((DEATH, {"deceased_vehicle": False}))
    assert "mobility" not in result.needs
    assert "vehicle_registration" not in items(result)


def test_the_partner_of_an_employee_on_a_uwv_benefit_gets_both_death_payments() -> None:
    found = items(case((DEATH, {"relation": "partner", "deceased_income": ["employer", "uwv"]})))
    assert found["death_payment_employer"].agency == "werkgever"
    assert found["death_payment_uwv"].agency == "uwv"
    assert "stop_deceased_benefits" in found


def test_the_employers_death_payment_is_one_month_of_wages_from_the_day_after_the_death() -> None:
    # BW 7:674 since 31 December 1997: one month counted from the day after the death; "up to
    # the end of the month after the month of death" is what some collective agreements give.
    found = items(case((DEATH, {"relation": "partner", "deceased_income": ["employer"]})))
    text = nl(found["death_payment_employer"])
    assert "het loon over één maand, vanaf de dag na het overlijden" in text
    assert "tot het einde van de maand na de maand" not in text


def test_an_orphan_benefit_after_16_needs_day_education_not_illness() -> None:
    found = items(case((DEATH, {"relation": "parent", "young_orphan": True})))
    text = nl(found["orphan_benefit"])
    assert "volledig dagonderwijs" in text
    assert "ziekte" not in text


def test_someone_who_stays_in_an_owned_home_gets_no_tenancy_item() -> None:
    found = items(case((DEATH, {"relation": "partner", "lived_together": True, "housing": "own"})))
    assert "lease_transfer" not in found


# --- moving to or from a rented home --------------------------------------------------------


def test_someone_on_bijstand_moving_in_with_a_partner_tells_the_gemeente_too() -> None:
    found = items(
        case(
            (
                MOVING,
                {
                    "household_change": True,
                    "income_sources": ["benefit"],
                    "benefit_payers": ["gemeente"],
                },
            )
        )
    )
    assert found["household_to_gemeente"].agency == "gemeente"
    assert "allowances_household" in found
    assert "household_to_svb" not in found


def test_an_aow_pensioner_moving_in_together_tells_the_svb() -> None:
    found = items(
        case(
            (
                MOVING,
                {
                    "household_change": True,
                    "income_sources": ["pension"],
                    "benefit_payers": ["svb"],
                },
            )
        )
    )
    assert found["household_to_svb"].agency == "svb"


def test_someone_living_on_wages_is_not_sent_to_a_benefit_payer() -> None:
    found = items(case((MOVING, {"household_change": True, "income_sources": ["work"]})))
    assert not any(i.startswith("household_to_") for i in found)


def test_children_moving_along_are_registered_with_the_move() -> None:
    found = items(
        case(
            (
                MOVING,
                {"move_date": "2026-12-14", "household_change": True, "children_move": True},
            )
        )
    )
    assert found["register_children"].depends_on == ["register_move"]
    assert found["register_children"].deadline == date(2026, 12, 21)  # Saturday 19th runs on


def test_a_family_moving_together_also_registers_the_children() -> None:
    # Nobody joins or leaves the household, but the children still move address.
    found = items(case((MOVING, {"household_change": False, "children_move": True})))
    assert found["register_children"].agency == "gemeente"
    assert "allowances_household" not in found


def test_moving_without_children_has_no_children_item() -> None:
    found = items(case((MOVING, {"household_change": False, "children_move": False})))
    assert "register_children" not in found


# --- turning 18 -----------------------------------------------------------------------------


def test_youth_care_after_18_can_run_on_until_23_and_foster_care_until_21() -> None:
    # Jeugdwet art. 1.1: a "jeugdige" can be 18 to 23 for continued youth care.
    found = items(case((EIGHTEEN, {"living": "youth_care"})))
    text = nl(found["care_after_18"])
    assert "tot uw 23e (verlengde jeugdhulp)" in text
    assert "pleeggezin" in text


def test_an_18_year_old_renting_a_self_contained_home_can_get_huurtoeslag() -> None:
    found = items(case((EIGHTEEN, {"living": "own_home", "self_contained_home": True})))
    assert found["huurtoeslag_18"].agency == "toeslagen"


def test_an_18_year_old_in_a_student_room_gets_no_huurtoeslag_item() -> None:
    found = items(case((EIGHTEEN, {"living": "own_home", "self_contained_home": False})))
    assert "huurtoeslag_18" not in found


def test_an_18_year_old_living_with_parents_without_income_is_not_sent_to_bijstand() -> None:
    found = items(case((EIGHTEEN, {"living": "with_parents", "income_sources": ["none"]})))
    assert "social_assistance" not in found


def test_an_18_year_old_on_their_own_without_income_may_ask_to_be_dealt_with_before_4_weeks() -> (
    None
):
    found = items(case((EIGHTEEN, {"living": "own_home", "income_sources": ["none"]})))
    text = nl(found["social_assistance"])
    assert "uw aanvraag eerder wil behandelen" in text
    assert "U mag de aanvraag al doen" not in text
    assert "reken daar niet op" in text


# --- the parties that are no agency ---------------------------------------------------------


@pytest.mark.parametrize("party", ["werkgever", "pensioenfonds"])
def test_a_citizen_cannot_share_their_dossier_with_an_employer_or_a_pension_fund(
    party: str,
) -> None:
    with pytest.raises(ValidationError, match=party):
        ContactIn(channels=["sms"], share_with=[party])
    assert ContactIn(channels=["sms"], share_with=["uwv"]).share_with == ["uwv"]
