"""The citizen's "who looked at my dossier" covers every service: reads and changes recorded
by routing, intake and notify (`PersonalDataAccessed` on `access.log`) are shown beside the
dossier's own records, each with the service that recorded it, once per record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import IntakeSubmitted, PersonalDataAccessed
from voorportaal_contracts.registry import Event
from voorportaal_dossier.app import definition
from voorportaal_dossier.service_layer import access_elsewhere
from voorportaal_dossier.settings import DossierSettings
from voorportaal_kit.auth import issue_token
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.runtime import ServiceRuntime

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CASE = "vp-case-000001"
OTHER = "vp-case-000002"


def accessed(seq: int, *, case_id: str = CASE, service: str = "routing", **changes: Any) -> Event:
    fields: dict[str, Any] = {
        "case_id": case_id,
        "service": service,
        "actor": "cm-elders",
        "role": "casemanager",
        "data_kind": "referrals",
        "purpose": "referral_history",
        "action": "read",
        "outcome": "allowed",
        "basis": "owner",
        "at": START + timedelta(minutes=seq),
        "record_seq": seq,
        "record_hash": f"{seq:064x}",
    }
    return PersonalDataAccessed(**{**fields, **changes})


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[TestClient[Any], ServiceRuntime, DossierSettings]]:
    settings = DossierSettings(data_dir=tmp_path, kafka_bootstrap_servers="127.0.0.1:1")
    runtime = ServiceRuntime(definition(settings), clock=FixedClock(START + timedelta(hours=1)))
    runtime.migrate()
    with TestClient(runtime.app()) as client:
        yield client, runtime, settings


def _feed(client: TestClient[Any], runtime: ServiceRuntime, *events: Event) -> None:
    async def run() -> None:
        for event in events:
            envelope = Envelope(event, source="/test", time=START)
            async with runtime.sessions.begin() as session:
                if isinstance(event, PersonalDataAccessed):
                    await access_elsewhere.on_accessed(session, envelope)
                else:
                    await runtime.state["dossier"].projection.on_event(session, envelope)

    client.blocking_portal.call(run)


def test_the_dossier_reads_access_log_with_its_own_group(api: Any) -> None:
    _, runtime, _ = api
    found = {s.topic: s for s in runtime.definition.subscriptions(runtime)}
    assert found["access.log"].group == "dossier.access"
    assert set(found["access.log"].handlers) == {PersonalDataAccessed}


def test_the_citizen_sees_who_looked_in_every_service_once_per_record(api: Any) -> None:
    client, runtime, settings = api
    intake = IntakeSubmitted(
        case_id=CASE,
        intake_id="intake-1",
        life_events=["income_loss"],
        channel="web",
        redzaamheid="middengroep",
        urgency="normal",
        needs=["income_gap"],
        submitted_at=START,
    )
    refused = accessed(2, service="intake", actor="cm-other", outcome="refused", basis="none")
    _feed(client, runtime, intake, accessed(1), refused, accessed(1), accessed(3, case_id=OTHER))
    anna = {"Authorization": f"Bearer {issue_token(settings.auth, 'cm-anna', ['casemanager'])}"}
    assert client.post(f"/cases/{CASE}/claim", headers=anna).status_code == 200
    made = client.post(f"/cases/{CASE}/citizen-link", headers=anna)
    assert made.status_code == 201, made.text
    link = {"link": made.json()["link"]}
    log = client.get(f"/citizen/cases/{CASE}/access-log", params=link)
    assert log.status_code == 200, log.text
    entries = log.json()
    elsewhere = [(e["service"], e["who"], e["data"], e["allowed"]) for e in entries]
    assert ("routing", "cm-elders", "referrals", True) in elsewhere
    assert ("intake", "cm-other", "referrals", False) in elsewhere
    assert [e["service"] for e in entries].count("routing") == 1, "a redelivery shows once"
    assert all(e["case_id"] == CASE for e in entries), "never another case's records"
    # The citizen's own look at the log is the dossier's record, in the dossier's chain.
    assert entries[-1]["service"] == "dossier" and entries[-1]["purpose"] == "access_log"
    # A service whose chain starts afresh (a new database) numbers from 1 again: kept too.
    _feed(client, runtime, accessed(1, record_hash="f" * 64, actor="cm-new"))
    again = client.get(f"/citizen/cases/{CASE}/access-log", params=link).json()
    assert {e["who"] for e in again if e["service"] == "routing"} == {"cm-elders", "cm-new"}
    export = client.get(f"/citizen/cases/{CASE}/export", params=link).json()
    assert {a["service"] for a in export["access_log"]} == {"dossier", "routing", "intake"}
