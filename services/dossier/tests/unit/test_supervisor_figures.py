"""The supervisor's figures (queue health and kastje-muur per agency), the console's team
claim, and the dossier's dev/test clock offset."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from dossier_factories import (
    at,
    case_from,
    change,
    env,
    intake_submitted,
    project,
    queued_case,
    referral_issued,
)
from litestar.testing import TestClient
from pydantic import ValidationError

from voorportaal_contracts.events import (
    PromiseRecorded,
    ReferralAccepted,
    ReferralDeclined,
)
from voorportaal_contracts.types import DeclineReason
from voorportaal_dossier.adapters.clock import OffsetClock
from voorportaal_dossier.app import definition
from voorportaal_dossier.domain.figures import supervisor_figures
from voorportaal_dossier.service_layer.dossier import DossierService
from voorportaal_dossier.settings import DossierSettings
from voorportaal_kit import testing as kit
from voorportaal_kit.auth import AuthSettings, issue_token
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.runtime import ServiceRuntime

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CASE = "vp-case-000101"


def test_figures_give_accept_time_decline_and_redirect_rates_per_agency() -> None:
    a = case_from(
        env(intake_submitted("case-a"), time=at(0), key="a1"),
        env(referral_issued("case-a", "r-uwv", "uwv"), time=at(0), key="a2"),
        env(change(ReferralAccepted, "case-a", "r-uwv", "uwv"), time=at(120), key="a3"),
        env(referral_issued("case-a", "r-svb", "svb"), time=at(0), key="a4"),
        env(
            change(
                ReferralDeclined, "case-a", "r-svb", "svb", reason=DeclineReason.REFERRED_ELSEWHERE
            ),
            time=at(30),
            key="a5",
        ),
        env(
            PromiseRecorded(case_id="case-a", promise_id="p-1", made_by="uwv", due_at=at(days=1)),
            time=at(1),
            key="a6",
        ),
    )
    b = case_from(
        env(intake_submitted("case-b"), time=at(0), key="b1"),
        env(referral_issued("case-b", "r-svb2", "svb"), time=at(0), key="b2"),
        env(
            change(ReferralDeclined, "case-b", "r-svb2", "svb", reason=DeclineReason.NO_CAPACITY),
            time=at(60),
            key="b3",
        ),
        env(referral_issued("case-b", "r-uwv2", "uwv"), time=at(0), key="b4"),
        env(change(ReferralAccepted, "case-b", "r-uwv2", "uwv"), time=at(360), key="b5"),
    )

    figures = supervisor_figures([a, b], now=at(days=2))

    by_code = {f["agency_code"]: f for f in figures["agencies"]}
    assert by_code["uwv"]["median_accept_hours"] == 4.0  # 2 h and 6 h
    assert by_code["uwv"]["decline_rate"] == 0.0
    assert by_code["uwv"]["broken_promises"] == 1  # due after a day, never kept
    assert by_code["svb"]["decline_rate"] == 1.0
    assert by_code["svb"]["redirect_rate"] == 0.5  # one of two declines: "go elsewhere"
    assert by_code["svb"]["median_accept_hours"] is None
    assert figures["broken_promises"] == 1
    assert figures["queue"]["open_cases"] == 2


def test_figures_before_the_promise_date_count_no_broken_promise() -> None:
    a = case_from(
        env(intake_submitted("case-a"), time=at(0), key="a1"),
        env(
            PromiseRecorded(case_id="case-a", promise_id="p-1", made_by="uwv", due_at=at(days=1)),
            time=at(1),
            key="a2",
        ),
    )
    assert supervisor_figures([a], now=at(60))["broken_promises"] == 0


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[TestClient[Any], DossierSettings, DossierService]]:
    settings = DossierSettings(data_dir=tmp_path, kafka_bootstrap_servers="127.0.0.1:1")
    runtime = ServiceRuntime(definition(settings), clock=FixedClock(START))
    runtime.migrate()
    with TestClient(runtime.app()) as test_client:
        dossier: DossierService = runtime.state["dossier"]
        events = [
            *queued_case(CASE, START, reason_nl="Huisuitzetting.", intake_id="intake-101"),
            kit.referral_issued(
                CASE,
                "ref-uwv-101",
                START,
                service="ww",
                rule_id="income_loss.ww",
                reasons=[],
            ),
        ]
        test_client.blocking_portal.call(project, runtime, events, START)  # type: ignore[attr-defined]
        yield test_client, settings, dossier


def _h(settings: DossierSettings, subject: str, role: str, team: str | None) -> dict[str, str]:
    token = issue_token(settings.auth, subject, [role], name=subject, team=team)
    return {"Authorization": f"Bearer {token}"}


def test_supervisor_figures_are_for_supervisors_and_audited_as_one_aggregate_read(
    client: tuple[TestClient[Any], DossierSettings, DossierService],
) -> None:
    http, settings, _ = client
    refused = http.get("/supervisor/figures", headers=_h(settings, "cm-anna", "casemanager", "t"))
    assert refused.status_code == 403
    figures = http.get("/supervisor/figures", headers=_h(settings, "sv-sophie", "supervisor", "t"))
    assert figures.status_code == 200, figures.text
    body = figures.json()
    assert body["queue"]["in_queue"] == 1
    assert [a["agency_code"] for a in body["agencies"]] == ["uwv"]
    log = http.get(
        "/audit?subject=cm-anna", headers=_h(settings, "sv-sophie", "supervisor", None)
    ).json()
    assert [(r["case_id"], r["data"], r["allowed"]) for r in log] == [
        ("all-cases", "aggregate_figures", False)
    ]
    log = http.get(
        "/audit?subject=sv-sophie", headers=_h(settings, "sv-sophie", "supervisor", None)
    ).json()
    assert ("all-cases", "aggregate_figures", True) in [
        (r["case_id"], r["data"], r["allowed"]) for r in log
    ]


def test_a_casemanager_outside_the_owners_team_is_refused_the_case_and_it_is_audited(
    client: tuple[TestClient[Any], DossierSettings, DossierService],
) -> None:
    """The team comes from the token's `team` claim (no settings mapping here)."""
    http, settings, _ = client
    anna = _h(settings, "cm-anna", "casemanager", "team-noord")
    assert http.post(f"/cases/{CASE}/claim", headers=anna).json()["team"] == "team-noord"
    bram = _h(settings, "cm-bram", "casemanager", "team-noord")
    assert http.get(f"/cases/{CASE}", headers=bram).status_code == 200
    chantal = _h(settings, "cm-chantal", "casemanager", "team-zuid")
    assert http.get(f"/cases/{CASE}", headers=chantal).status_code == 403
    log = http.get(
        "/audit?subject=cm-chantal", headers=_h(settings, "sv-sophie", "supervisor", None)
    ).json()
    assert log and all(r["case_id"] == CASE and not r["allowed"] for r in log)
    assert {r["role"] for r in log} == {"casemanager"}


def test_the_clock_offset_shifts_time_and_is_refused_in_production(tmp_path: Path) -> None:
    clock = OffsetClock(FixedClock(START), timedelta(days=2))
    assert clock.now() == START + timedelta(days=2)
    with pytest.raises(ValidationError, match="clock_offset_s: development default"):
        DossierSettings(
            data_dir=tmp_path,
            environment="production",
            clock_offset_s=60,
            citizen_link_key="x" * 40,
            audit_anchor_key="y" * 40,
            auth=AuthSettings(hs256_secret="z" * 40),
        )
