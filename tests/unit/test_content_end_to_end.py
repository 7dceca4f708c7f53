"""Caseworker cases from the intake's answers to routing's referrals (issue 18).

Routing's rules for WW, Bbz, Ziektewet, the Toeslagenwet in the second sick year, Wlz, Anw, AOW,
housing after a divorce and the tenancy after a death fire only on gate needs
(`unemployment_benefit`, ...) that the intake sets when the person meets the agency's
conditions. Each case walks the intake's real questionnaire (`next_question`/`parse_answer`),
assesses it as submitting does (`assess`, then the intake's own `IntakeSubmitted` facts) and
hands that event to routing's handler on SQLite, then reads back which rules planned
referrals. Next to every case that must refer is one that must not.
"""

from __future__ import annotations

import asyncio
import tomllib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import content_cases
import pytest
from content_cases import PROFILE

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import IntakeSubmitted
from voorportaal_contracts.types import Channel, LifeEvent
from voorportaal_intake.adapters.content_files import load_life_events
from voorportaal_intake.domain.intake import Intake
from voorportaal_intake.domain.workflow import IntakeStatus
from voorportaal_intake.service_layer.assessment import assess, facts
from voorportaal_kit.auth import Principal
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_routing.app import definition
from voorportaal_routing.service_layer.routing import RoutingService
from voorportaal_routing.settings import RoutingSettings

TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
CASE = "vp-0000000000000000case"
INTAKE_ID = UUID("00000000-0000-4000-8000-000000000001")
STAFF = Principal(subject="sv-1", roles=frozenset({"supervisor"}))
"""Reads the referrals back: a supervisor sees every case (routing decides reads per case)."""
CATALOGUE = (
    Path(__file__).resolve().parents[2]
    / "services/intake/src/voorportaal_intake/content/v1/catalogue.toml"
)


def walk(event: LifeEvent, **picks: Any) -> dict[str, Any]:
    """The typed answers of one life event's questionnaire on `TODAY` (see `content_cases`)."""
    return content_cases.walk(event, today=TODAY, **picks)


def submitted(event: LifeEvent, answers: dict[str, Any]) -> IntakeSubmitted:
    """The event the intake publishes for these answers (its `assess` and its facts)."""
    assessment = assess({event: answers}, PROFILE)
    intake = Intake(
        id=INTAKE_ID,
        case_id=CASE,
        content_version="v1",
        life_events=[event],
        channel=Channel.WEB,
        started_by=None,
        started_by_role=None,
        answers={},
        profile=PROFILE,
        status=IntakeStatus.SUBMITTED,
        result=None,
        created_at=NOW,
        updated_at=NOW,
    )
    # the intake's own mapping from its assessment to the event (what `submit` publishes)
    return IntakeSubmitted(**facts(intake, assessment, None), submitted_at=NOW)


@dataclass
class Planned:
    rules: set[str]
    services: set[str]


@dataclass
class Routing:
    runtime: ServiceRuntime
    service: RoutingService

    async def plan(self, event: LifeEvent, **picks: Any) -> Planned:
        """Routing's referrals for the intake these answers make, as its consumer plans them."""
        data = submitted(event, walk(event, **picks))
        async with self.runtime.sessions.begin() as session:
            await self.service.on_intake_submitted(
                session, Envelope(data, source="/test", time=NOW)
            )
        rows = await self.service.case_referrals(CASE, STAFF)
        return Planned(
            rules={reason.rule for r in rows for reason in r.reasons},
            services={r.service_id for r in rows},
        )


@pytest.fixture
async def routing(tmp_path: Path) -> AsyncIterator[Routing]:
    settings = RoutingSettings(data_dir=tmp_path, kafka_bootstrap_servers="127.0.0.1:1")
    runtime = ServiceRuntime(definition(settings), clock=FixedClock(NOW))
    await asyncio.to_thread(runtime.migrate)
    yield Routing(runtime, runtime.state["routing"])
    await runtime.engine.dispose()


def test_every_need_routing_reads_is_one_the_intake_can_set() -> None:
    """A need code no signal sets is a dead rule in routing (issue 18's gap)."""
    with CATALOGUE.open("rb") as f:
        needs = {n["code"] for n in tomllib.load(f)["needs"]}
    set_by_signals = {s.code for content in load_life_events().values() for s in content.signals}
    assert needs - set_by_signals == set()


# -- losing a job or income -------------------------------------------------------------------

INCOME = LifeEvent.INCOME_LOSS


@pytest.mark.parametrize("cause", ["dismissed", "contract_ended"])
async def test_dismissed_or_contract_ended_with_26_weeks_worked_is_sent_for_ww(
    routing: Routing, cause: str
) -> None:
    planned = await routing.plan(INCOME, cause=cause, worked_26_weeks=True)
    assert "job_loss_ww" in planned.rules and "uwv_ww" in planned.services
    assert "self_employed_bbz" not in planned.rules


async def test_someone_who_resigned_gets_no_ww_referral(routing: Routing) -> None:
    planned = await routing.plan(INCOME, cause="resigned", worked_26_weeks=True)
    assert "job_loss_ww" not in planned.rules and "uwv_ww" not in planned.services


async def test_dismissed_without_26_weeks_worked_gets_no_ww_referral(routing: Routing) -> None:
    planned = await routing.plan(INCOME, cause="dismissed", worked_26_weeks=False)
    assert "job_loss_ww" not in planned.rules and "uwv_ww" not in planned.services


async def test_ww_too_low_goes_to_the_uwv_top_up_and_only_then_to_bijstand(
    routing: Routing,
) -> None:
    planned = await routing.plan(
        INCOME, cause="dismissed", worked_26_weeks=True, has_money_to_live=False
    )
    assert {"job_loss_top_up", "job_loss_bijstand_after_top_up"} <= planned.rules
    rows = await routing.service.case_referrals(CASE, STAFF)
    bijstand = next(r for r in rows if r.service_id == "gemeente_aanvullende_bijstand")
    ww = next(r for r in rows if r.service_id == "uwv_ww")
    assert bijstand.waits_on == ww.id


async def test_self_employed_losing_all_income_gets_bbz_at_the_gemeente_and_no_ww(
    routing: Routing,
) -> None:
    planned = await routing.plan(INCOME, cause="self_employed", has_money_to_live=False)
    assert "self_employed_bbz" in planned.rules and "gemeente_bbz" in planned.services
    assert "job_loss_ww" not in planned.rules and "uwv_ww" not in planned.services


async def test_an_employee_who_was_dismissed_is_not_sent_for_bbz(routing: Routing) -> None:
    planned = await routing.plan(INCOME, cause="dismissed", worked_26_weeks=True)
    assert "gemeente_bbz" not in planned.services


# -- falling ill ------------------------------------------------------------------------------

ILL = LifeEvent.FALLING_ILL


@pytest.mark.parametrize(
    "situation",
    [
        {"work_situation": "contract_ended_recently"},
        {"work_situation": "ww_benefit"},
        {"work_situation": "employee_temporary", "contract_ends": True},
    ],
    ids=["contract ended within 4 weeks", "on WW", "temporary contract ending"],
)
async def test_ill_without_an_employer_who_pays_is_sent_to_uwv_for_ziektewet(
    routing: Routing, situation: dict[str, Any]
) -> None:
    planned = await routing.plan(ILL, money_situation="ok", **situation)
    assert "illness_income" in planned.rules and "uwv_ziekte" in planned.services


@pytest.mark.parametrize(
    "situation",
    [
        {"work_situation": "employee_permanent"},
        {"work_situation": "employee_temporary", "contract_ends": False},
        {"work_situation": "no_income"},
    ],
    ids=["permanent contract", "temporary contract running on", "no work no benefit"],
)
async def test_ill_with_an_employer_who_pays_or_without_work_gets_no_ziektewet_referral(
    routing: Routing, situation: dict[str, Any]
) -> None:
    planned = await routing.plan(ILL, money_situation="cannot_pay", **situation)
    assert "illness_income" not in planned.rules and "uwv_ziekte" not in planned.services


async def test_ziektewet_too_low_goes_to_the_uwv_top_up_before_bijstand(routing: Routing) -> None:
    planned = await routing.plan(
        ILL, work_situation="contract_ended_recently", money_situation="cannot_pay"
    )
    assert {"illness_top_up", "illness_bijstand_after_top_up"} <= planned.rules


async def test_second_sick_year_on_lower_pay_is_sent_for_the_toeslagenwet(
    routing: Routing,
) -> None:
    planned = await routing.plan(
        ILL,
        work_situation="employee_permanent",
        expected_duration="long",
        second_year_lower_pay=True,
        money_situation="cannot_pay",
    )
    assert "illness_second_year_top_up" in planned.rules
    assert "uwv_toeslagenwet" in planned.services


@pytest.mark.parametrize(
    ("lower_pay", "money"),
    [(False, "cannot_pay"), (True, "ok")],
    ids=["full pay", "lower pay but enough to live on"],
)
async def test_a_sick_employee_on_full_pay_or_with_enough_money_gets_no_toeslagenwet_referral(
    routing: Routing, lower_pay: bool, money: str
) -> None:
    planned = await routing.plan(
        ILL,
        work_situation="employee_permanent",
        expected_duration="long",
        second_year_lower_pay=lower_pay,
        money_situation=money,
    )
    assert "illness_second_year_top_up" not in planned.rules


async def test_the_second_sick_year_question_is_not_asked_of_the_self_employed() -> None:
    answers = walk(ILL, work_situation="self_employed", expected_duration="long")
    assert "second_year_lower_pay" not in answers


async def test_self_employed_and_ill_without_insurance_is_sent_for_bbz(routing: Routing) -> None:
    planned = await routing.plan(
        ILL, work_situation="self_employed", income_insurance=False, money_situation="ok"
    )
    assert "self_employed_bbz" in planned.rules and "gemeente_bbz" in planned.services
    assert "uwv_ziekte" not in planned.services


async def test_self_employed_and_ill_with_insurance_and_enough_money_gets_no_bbz(
    routing: Routing,
) -> None:
    planned = await routing.plan(
        ILL, work_situation="self_employed", income_insurance=True, money_situation="ok"
    )
    assert "gemeente_bbz" not in planned.services


async def test_someone_who_needs_supervision_day_and_night_is_sent_to_the_ciz(
    routing: Routing,
) -> None:
    planned = await routing.plan(ILL, help_needed=["supervision"], money_situation="cannot_pay")
    assert "long_term_care" in planned.rules and "ciz_wlz_indicatie" in planned.services
    assert "care_contribution" in planned.rules


async def test_help_with_housework_is_no_reason_for_a_wlz_referral(routing: Routing) -> None:
    planned = await routing.plan(ILL, help_needed=["household", "personal_care"])
    assert "long_term_care" not in planned.rules and "ciz_wlz_indicatie" not in planned.services
    assert "care_at_home" in planned.rules


# -- death of a relative ----------------------------------------------------------------------

DEATH = LifeEvent.DEATH_OF_RELATIVE


async def test_a_partner_below_aow_age_is_sent_to_the_svb_for_anw(routing: Routing) -> None:
    planned = await routing.plan(DEATH, relation="partner", you_aow_age=False)
    assert "survivor_benefit" in planned.rules and "svb_anw" in planned.services
    assert "svb_aow" not in planned.services


async def test_a_parent_whose_child_died_gets_no_anw_referral(routing: Routing) -> None:
    planned = await routing.plan(DEATH, relation="child", child_under_18=True)
    assert "survivor_benefit" not in planned.rules and "svb_anw" not in planned.services


async def test_a_partner_at_aow_age_gets_the_single_aow_and_no_anw(routing: Routing) -> None:
    planned = await routing.plan(DEATH, relation="partner", you_aow_age=True)
    assert "state_pension_single" in planned.rules and "svb_aow" in planned.services
    assert "survivor_benefit" not in planned.rules and "svb_anw" not in planned.services


async def test_someone_whose_parent_died_gets_no_aow_referral(routing: Routing) -> None:
    planned = await routing.plan(DEATH, relation="parent", young_orphan=False)
    assert "svb_aow" not in planned.services


async def test_living_with_the_deceased_in_a_rented_home_is_sent_to_the_landlord(
    routing: Routing,
) -> None:
    planned = await routing.plan(DEATH, relation="parent", lived_together=True, housing="rent")
    assert "tenancy_after_death" in planned.rules and "verhuurder_huur" in planned.services


@pytest.mark.parametrize(
    "home",
    [{"lived_together": True, "housing": "own"}, {"lived_together": False}],
    ids=["owned home", "lived elsewhere"],
)
async def test_an_owner_or_someone_who_lived_elsewhere_gets_no_tenancy_referral(
    routing: Routing, home: dict[str, Any]
) -> None:
    planned = await routing.plan(DEATH, relation="partner", **home)
    assert "tenancy_after_death" not in planned.rules


# -- divorce ----------------------------------------------------------------------------------

DIVORCE = LifeEvent.DIVORCE


async def test_leaving_the_rented_home_without_a_new_one_is_sent_to_the_gemeente(
    routing: Routing,
) -> None:
    planned = await routing.plan(DIVORCE, housing="rent", who_stays="ex", new_home=False)
    assert "housing_after_divorce" in planned.rules and "gemeente_wonen" in planned.services


@pytest.mark.parametrize(
    "home",
    [
        {"housing": "rent", "who_stays": "me"},
        {"housing": "rent", "who_stays": "ex", "new_home": True},
        {"housing": "own", "who_stays": "ex", "new_home": False},
    ],
    ids=["stays in the home", "has a new home", "owned home"],
)
async def test_staying_or_with_a_new_home_or_owning_gets_no_divorce_housing_referral(
    routing: Routing, home: dict[str, Any]
) -> None:
    planned = await routing.plan(DIVORCE, **home)
    assert "housing_after_divorce" not in planned.rules


async def test_divorcing_at_aow_age_gets_the_single_aow(routing: Routing) -> None:
    planned = await routing.plan(DIVORCE, relation_form="married", housing="own", aow_age=True)
    assert "state_pension_single" in planned.rules and "svb_aow" in planned.services


async def test_a_divorcing_parent_below_aow_age_gets_no_aow_referral(routing: Routing) -> None:
    planned = await routing.plan(
        DIVORCE,
        relation_form="married",
        children_under_18=True,
        children_live_with="with_me",
        aow_age=False,
    )
    assert "state_pension_single" not in planned.rules and "svb_aow" not in planned.services
    assert "child_benefit_change" in planned.rules
