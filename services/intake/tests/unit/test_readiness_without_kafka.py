"""`/ready` means "can serve its API": with no broker at all the intake answers 200, keeps
taking intakes into its outbox, and reports the messaging side as degraded."""

from __future__ import annotations

from pathlib import Path

from litestar.testing import TestClient

from voorportaal_intake.app import definition
from voorportaal_intake.demo import sample_answer
from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.runtime import ServiceRuntime

NO_BROKER = "127.0.0.1:1"  # nothing listens on port 1


def _runtime(tmp_path: Path) -> ServiceRuntime:
    runtime = ServiceRuntime(
        definition(IntakeSettings(data_dir=tmp_path, kafka_bootstrap_servers=NO_BROKER))
    )
    runtime.migrate()
    return runtime


def test_ready_is_200_while_kafka_is_down_and_reports_messaging_degraded(tmp_path: Path) -> None:
    with TestClient(_runtime(tmp_path).app()) as client:
        response = client.get("/ready")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"] == {"database": "ok"}
    messaging = body["messaging"]
    assert messaging["status"] == "degraded"
    assert messaging["broker"].startswith("unavailable: ")
    assert messaging["consumers"] == "starting"
    assert messaging["outbox_backlog"] == 0


def _make_unopenable(database: Path) -> None:
    """A folder where the database file was. The service's background jobs keep connecting,
    and SQLite creates a missing file on connect: take the file away until the folder wins."""
    for _ in range(100):
        database.unlink(missing_ok=True)
        try:
            database.mkdir()
        except FileExistsError:  # a job's connection made the file again in between
            continue
        return
    raise AssertionError("the database file kept coming back")


def test_ready_is_503_when_the_database_is_down_whatever_kafka_does(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path)
    with TestClient(runtime.app()) as client:
        _make_unopenable(tmp_path / "intake.db")
        runtime.engine.sync_engine.dispose()
        response = client.get("/ready")
    assert response.status_code == 503, response.text
    assert response.json()["checks"]["database"].startswith("unavailable: ")
    assert response.json()["status"] == "not_ready"


def test_intakes_are_accepted_while_kafka_is_down_and_wait_in_the_outbox(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path)
    with TestClient(runtime.app()) as client:
        started = client.post("/intakes", json={"life_events": ["income_loss"]})
        assert started.status_code == 201, started.text
        token = {"Authorization": f"Bearer {started.json()['token']}"}
        url = f"/intakes/{started.json()['id']}"
        put = client.put(f"{url}/citizen", json={"name": "T. Est"}, headers=token)
        assert put.status_code == 204, put.text
        before = client.get("/ready").json()["messaging"]["outbox_backlog"]
        intake = started.json()
        while intake["next"] is not None:
            step, q = intake["next"]["step"], intake["next"]["question"]
            intake = client.put(
                f"{url}/answers/{step}/{q['id']}", json={"value": sample_answer(q)}, headers=token
            ).json()
        submitted = client.post(f"{url}/submit", headers=token)
        assert submitted.status_code == 200, submitted.text
        ready = client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["messaging"]["outbox_backlog"] > before
