"""The supervisor's caseload is counted by the database (a `GROUP BY` over the cases table) on
SQLite and PostgreSQL alike, and the monthly trends read the same stored cases."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from live_service import project

from voorportaal_contracts.events import PersonRequested
from voorportaal_dossier.app import definition
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.dossier import DossierService
from voorportaal_dossier.settings import DossierSettings
from voorportaal_kit.auth import Principal
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.errors import Forbidden
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_kit.testing import buddy_recommended, intake_submitted, referral_issued

pytestmark = pytest.mark.integration
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TEAMS = {"cm-anna": "team-noord", "cm-bram": "team-noord", "cm-chantal": "team-zuid"}


def _staff(subject: str) -> Actor:
    return Actor(Principal(subject=subject, roles=frozenset({"casemanager"})), TEAMS[subject])


SOPHIE = Actor(Principal(subject="sv-sophie", roles=frozenset({"supervisor"})), "team-noord")


async def _case(runtime: ServiceRuntime, case_id: str) -> None:
    await project(
        runtime,
        [
            intake_submitted(case_id, START, risks=[], share_with=[]),
            buddy_recommended(case_id, START, rule="acute_risk", nl="Acuut.", en="Acute."),
            referral_issued(
                case_id,
                f"ref-{case_id}",
                START,
                service="ww",
                rule_id="income_loss.ww",
                summary_shared=False,
                reasons=[],
            ),
        ],
        START,
    )


async def _wish(runtime: ServiceRuntime, case_id: str) -> None:
    wish = PersonRequested(
        case_id=case_id,
        request_id=f"wish-{case_id}",
        channel="phone",
        preferred_time="morning",
        language="nl",
        via="portal_status",
        requested_at=START + timedelta(hours=3),
        answer_by=START + timedelta(days=2),
    )
    await project(runtime, [wish], START + timedelta(hours=3))


async def test_caseload_per_casemanager_is_counted_in_the_database(
    database_url: str, tmp_path: Path
) -> None:
    settings = DossierSettings(
        data_dir=tmp_path,
        database_url=database_url,
        kafka_bootstrap_servers="127.0.0.1:1",
        teams=TEAMS,
    )
    runtime = ServiceRuntime(definition(settings), clock=FixedClock(START + timedelta(hours=2)))
    await asyncio.to_thread(runtime.migrate)
    dossier: DossierService = runtime.state["dossier"]
    anna, chantal = _staff("cm-anna"), _staff("cm-chantal")
    try:
        for n in range(1, 6):
            await _case(runtime, f"vp-load-000{n}")
        for n in (1, 2, 3):
            await dossier.ownership.claim(anna, f"vp-load-000{n}")
        await dossier.ownership.claim(chantal, "vp-load-0004")
        # A wish after the claim waits on Anna; a handover Anna offers waits on Bram.
        await _wish(runtime, "vp-load-0001")
        await dossier.ownership.request_handover(
            anna, "vp-load-0002", to_id="cm-bram", to_name="Bram", note="Warme overdracht."
        )
        await dossier.retention.close(chantal, "vp-load-0004", outcome="completed")

        with pytest.raises(Forbidden):
            await dossier.supervision.caseload(anna)
        load = await dossier.supervision.caseload(SOPHIE)
        rows = {r["owner_id"]: r for r in load["casemanagers"]}
        assert set(rows) == {"cm-anna", "cm-bram"}  # Chantal's only case is closed
        assert rows["cm-anna"]["open_cases"] == 3
        assert rows["cm-anna"]["person_requests"] == 1
        assert rows["cm-anna"]["waiting"] == 1
        assert rows["cm-anna"]["team"] == "team-noord"
        assert (rows["cm-bram"]["open_cases"], rows["cm-bram"]["handovers_offered"]) == (0, 1)
        assert rows["cm-bram"]["waiting"] == 1

        trends = await dossier.supervision.trends(SOPHIE, 2)
        assert [(m["month"], m["referrals"]) for m in trends["months"]] == [
            ("2026-11", 0),
            ("2026-12", 5),
        ]
    finally:
        await runtime.engine.dispose()
