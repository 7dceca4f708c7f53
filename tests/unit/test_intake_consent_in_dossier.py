"""The consent the intake publishes is a grant the dossier keeps and decides with.

The intake is driven over HTTP (SQLite); what it staged in its outbox is decoded as the relay
would put it on Kafka and folded into the dossier's own projection.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import create_engine, text

from voorportaal_contracts.consent import intake_grant_id
from voorportaal_contracts.envelope import Envelope, from_kafka
from voorportaal_dossier.domain.projection import CaseState, apply
from voorportaal_dossier.domain.sharing import DataKind, decide
from voorportaal_intake.app import definition
from voorportaal_intake.demo import sample_answer
from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.auth import Principal
from voorportaal_kit.outbox import decode_headers
from voorportaal_kit.runtime import ServiceRuntime


@pytest.fixture
def intake_api(tmp_path: Path) -> Iterator[tuple[TestClient[Any], Path]]:
    settings = IntakeSettings(data_dir=tmp_path, kafka_bootstrap_servers="127.0.0.1:1")
    runtime = ServiceRuntime(definition(settings))
    runtime.migrate()
    with TestClient(runtime.app()) as client:
        yield client, tmp_path / "intake.db"


def _staged(db: Path) -> list[Envelope]:
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT message_key, headers, value FROM outbox WHERE value IS NOT NULL")
        ).all()
    engine.dispose()
    return [from_kafka(k.encode(), bytes(v), decode_headers(h)) for k, h, v in rows]


def test_the_intakes_consent_lets_the_shared_agency_see_the_summary_and_identity(
    intake_api: tuple[TestClient[Any], Path],
) -> None:
    client, db = intake_api
    intake = client.post("/intakes", json={"life_events": ["turning_18"]}).json()
    auth = {"Authorization": f"Bearer {intake['token']}"}
    contact = {"channels": ["email"], "email": "a@example.org", "share_with": ["uwv"]}
    assert client.put(f"/intakes/{intake['id']}/contact", json=contact, headers=auth).is_success
    while intake["next"] is not None:
        step, question = intake["next"]["step"], intake["next"]["question"]
        intake = client.put(
            f"/intakes/{intake['id']}/answers/{step}/{question['id']}",
            json={"value": sample_answer(question)},
            headers=auth,
        ).json()
    assert client.post(f"/intakes/{intake['id']}/submit", headers=auth).is_success

    case: CaseState | None = None
    for envelope in _staged(db):
        if envelope.topic in ("intake.events", "case.events"):
            case = apply(case, envelope)
    assert case is not None
    (grant,) = case.grants
    assert grant.grant_id == intake_grant_id(intake["id"], "uwv")
    now = grant.valid_from + timedelta(days=1)
    uwv = Principal("uwv-app", frozenset({"agency:uwv"}))
    svb = Principal("svb-app", frozenset({"agency:svb"}))
    for kind in (DataKind.SUMMARY, DataKind.IDENTITY):
        assert decide(uwv, case, kind, now).allowed, kind
        assert not decide(svb, case, kind, now).allowed, kind
    assert not decide(uwv, case, DataKind.SUMMARY, grant.valid_until + timedelta(days=1)).allowed
