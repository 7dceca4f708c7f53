"""The supervisor's trends per month (Europe/Amsterdam months, every month present) and
caseload per casemanager, in the domain and through the API (supervisors only, audited)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from dossier_factories import (
    case_from,
    change,
    env,
    intake_submitted,
    referral_issued,
)
from litestar.testing import TestClient

from voorportaal_contracts.api.dossier import Caseload, MonthlyTrends
from voorportaal_contracts.events import (
    PromiseRecorded,
    ReferralAccepted,
    ReferralDeclined,
)
from voorportaal_contracts.types import DeclineReason
from voorportaal_dossier.app import definition
from voorportaal_dossier.domain.caseload import OwnerCounts, caseload
from voorportaal_dossier.domain.trends import month_key, monthly_trends, months_ending
from voorportaal_dossier.settings import DossierSettings
from voorportaal_kit.auth import issue_token
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.runtime import ServiceRuntime


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --------------------------------------------------------------------------- month buckets


@pytest.mark.parametrize(
    ("moment", "month"),
    [
        (utc(2026, 3, 31, 21, 59), "2026-03"),  # 23:59 summer time
        (utc(2026, 3, 31, 22, 0), "2026-04"),  # 00:00 on 1 April, summer time (UTC+2)
        (utc(2026, 1, 31, 22, 59), "2026-01"),  # 23:59 winter time
        (utc(2026, 1, 31, 23, 0), "2026-02"),  # 00:00 on 1 February, winter time (UTC+1)
        (utc(2026, 10, 31, 23, 30), "2026-11"),  # after the clocks went back on 25 October
        (utc(2025, 12, 31, 23, 0), "2026-01"),  # new year in Amsterdam, still 2025 in UTC
    ],
)
def test_a_moment_falls_in_its_europe_amsterdam_month(moment: datetime, month: str) -> None:
    assert month_key(moment) == month


def test_a_naive_moment_has_no_month() -> None:
    with pytest.raises(ValueError, match="timezone"):
        month_key(datetime(2026, 3, 1, 12, 0))  # noqa: DTZ001 - the naive moment under test


def test_the_window_ends_with_the_current_month_and_crosses_a_year_end() -> None:
    window = months_ending(utc(2026, 1, 15, 12), 3)
    assert [m.key for m in window] == ["2025-11", "2025-12", "2026-01"]
    # Each month starts at midnight in Amsterdam: 23:00 UTC the day before in winter.
    assert window[1].start == utc(2025, 11, 30, 23)
    assert window[1].end == window[2].start == utc(2025, 12, 31, 23)
    # On the first of a month just after Amsterdam midnight, that month is the current one.
    assert months_ending(utc(2026, 3, 31, 22, 30), 1)[0].key == "2026-04"


def test_twelve_months_have_twelve_buckets_with_the_empty_months_present() -> None:
    now = utc(2026, 12, 6, 12)
    a = case_from(
        env(intake_submitted("case-a"), time=utc(2026, 3, 2, 9), key="a1"),
        env(referral_issued("case-a", "r-uwv", "uwv"), time=utc(2026, 3, 2, 9), key="a2"),
    )
    trends = monthly_trends([a], now, 12)
    MonthlyTrends.model_validate(trends)
    assert [m["month"] for m in trends["months"]] == [f"2026-{n:02d}" for n in range(1, 13)]
    assert trends["zone"] == "Europe/Amsterdam"
    assert trends["complaints_recorded"] is False
    by_month = {m["month"]: m for m in trends["months"]}
    assert by_month["2026-03"]["referrals"] == 1
    empty = by_month["2026-07"]
    assert (empty["referrals"], empty["broken_promises"], empty["median_accept_hours"]) == (
        0,
        0,
        None,
    )
    assert empty["decline_rate"] is None  # nothing answered: no rate, not 0 %


def test_a_month_counts_referrals_issued_in_it_with_its_accept_time_and_rates() -> None:
    now = utc(2026, 12, 6, 12)
    # Issued 22:30 UTC on 31 October = 23:30 in Amsterdam: still an October referral.
    issued = utc(2026, 10, 31, 22, 30)
    a = case_from(
        env(intake_submitted("case-a"), time=issued, key="a1"),
        env(referral_issued("case-a", "r-uwv", "uwv"), time=issued, key="a2"),
        env(
            change(ReferralAccepted, "case-a", "r-uwv", "uwv"),
            time=issued + timedelta(hours=3),
            key="a3",
        ),
        env(referral_issued("case-a", "r-svb", "svb"), time=issued, key="a4"),
        env(
            change(
                ReferralDeclined, "case-a", "r-svb", "svb", reason=DeclineReason.REFERRED_ELSEWHERE
            ),
            time=issued + timedelta(hours=1),
            key="a5",
        ),
        # Issued 23:30 UTC on 31 October = 00:30 on 1 November in Amsterdam.
        env(referral_issued("case-a", "r-cak", "cak"), time=utc(2026, 10, 31, 23, 30), key="a6"),
    )
    months = {m["month"]: m for m in monthly_trends([a], now, 3)["months"]}
    october, november = months["2026-10"], months["2026-11"]
    assert october["referrals"] == 2
    assert october["median_accept_hours"] == 3.0
    assert (october["answered"], october["declined"], october["redirected"]) == (2, 1, 1)
    assert october["decline_rate"] == 0.5
    assert october["redirect_rate"] == 0.5
    assert november["referrals"] == 1  # the CAK referral, not yet answered
    assert november["decline_rate"] is None
    assert months["2026-12"]["referrals"] == 0


def test_a_broken_promise_counts_in_the_month_its_date_fell() -> None:
    now = utc(2026, 12, 6, 12)
    a = case_from(
        env(intake_submitted("case-a"), time=utc(2026, 9, 1), key="a1"),
        env(
            PromiseRecorded(
                case_id="case-a", promise_id="p-1", made_by="uwv", due_at=utc(2026, 9, 30, 22, 30)
            ),
            time=utc(2026, 9, 1),
            key="a2",
        ),
        env(
            PromiseRecorded(
                case_id="case-a", promise_id="p-2", made_by="svb", due_at=utc(2026, 12, 20)
            ),
            time=utc(2026, 9, 1),
            key="a3",
        ),
    )
    months = {m["month"]: m for m in monthly_trends([a], now, 4)["months"]}
    assert months["2026-10"]["broken_promises"] == 1  # 00:30 on 1 October in Amsterdam
    assert months["2026-09"]["broken_promises"] == 0
    assert months["2026-12"]["broken_promises"] == 0  # its date has not come yet


# --------------------------------------------------------------------------- caseload


def test_caseload_adds_a_colleague_with_only_a_handover_offered_and_sums_what_waits() -> None:
    rows = caseload(
        [
            OwnerCounts("cm-anna", "team-noord", 3, 1, 2),
            OwnerCounts("cm-chantal", "team-zuid", 5, 0, 0),
        ],
        {"cm-bram": 1, "cm-anna": 1},
    )
    Caseload.model_validate({"at": "2026-12-06T12:00:00+00:00", "casemanagers": rows})
    assert [(r["owner_id"], r["open_cases"], r["waiting"]) for r in rows] == [
        ("cm-chantal", 5, 0),
        ("cm-anna", 3, 2),  # one wish to talk to a person, one handover offered
        ("cm-bram", 0, 1),
    ]


# --------------------------------------------------------------------------- the API

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[TestClient[Any], DossierSettings]]:
    settings = DossierSettings(data_dir=tmp_path, kafka_bootstrap_servers="127.0.0.1:1")
    runtime = ServiceRuntime(definition(settings), clock=FixedClock(START))
    runtime.migrate()
    with TestClient(runtime.app()) as client:
        yield client, settings


def _h(settings: DossierSettings, subject: str, role: str) -> dict[str, str]:
    token = issue_token(settings.auth, subject, [role], name=subject, team="team-noord")
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("path", ["/supervisor/trends", "/supervisor/caseload"])
def test_trends_and_caseload_are_for_supervisors_and_audited_as_one_aggregate_read(
    api: tuple[TestClient[Any], DossierSettings], path: str
) -> None:
    http, settings = api
    assert http.get(path).status_code == 401
    assert http.get(path, headers=_h(settings, "cm-anna", "casemanager")).status_code == 403
    sophie = _h(settings, "sv-sophie", "supervisor")
    answer = http.get(path, headers=sophie)
    assert answer.status_code == 200, answer.text
    data = "aggregate_trends" if path.endswith("trends") else "aggregate_caseload"
    refused = http.get("/audit?subject=cm-anna", headers=sophie).json()
    assert [(r["case_id"], r["data"], r["allowed"]) for r in refused] == [
        ("all-cases", data, False)
    ]
    allowed = http.get("/audit?subject=sv-sophie", headers=sophie).json()
    assert ("all-cases", data, True) in [(r["case_id"], r["data"], r["allowed"]) for r in allowed]


def test_trends_default_to_twelve_months_and_refuse_a_window_out_of_range(
    api: tuple[TestClient[Any], DossierSettings],
) -> None:
    http, settings = api
    sophie = _h(settings, "sv-sophie", "supervisor")
    body = http.get("/supervisor/trends", headers=sophie).json()
    assert [m["month"] for m in body["months"]][-1] == "2026-12"
    assert len(body["months"]) == 12
    for bad in ("0", "37", "twelve"):
        refused = http.get(f"/supervisor/trends?months={bad}", headers=sophie)
        assert refused.status_code == 400, refused.text
        assert "months" in refused.text
