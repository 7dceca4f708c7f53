"""The intake API end to end over HTTP (SQLite; the outbox is checked, Kafka is not needed)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import create_engine, text

from voorportaal_intake.app import definition
from voorportaal_intake.demo import sample_answer
from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.auth import issue_token
from voorportaal_kit.runtime import ServiceRuntime


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[TestClient[Any], ServiceRuntime, Path]]:
    settings = IntakeSettings(data_dir=tmp_path, kafka_bootstrap_servers="127.0.0.1:1")
    runtime = ServiceRuntime(definition(settings))
    runtime.migrate()
    with TestClient(runtime.app()) as client:
        yield client, runtime, tmp_path / "intake.db"


def outbox(db: Path) -> list[tuple[str, str]]:
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT topic, event_type FROM outbox ORDER BY id")).all()
    engine.dispose()
    return [(r[0], r[1]) for r in rows]


def walk(client: TestClient[Any], intake: dict[str, Any], auth: dict[str, str]) -> dict[str, Any]:
    while intake["next"] is not None:
        step, question = intake["next"]["step"], intake["next"]["question"]
        response = client.put(
            f"/intakes/{intake['id']}/answers/{step}/{question['id']}",
            json={"value": sample_answer(question)},
            headers=auth,
        )
        assert response.status_code == 200, response.text
        intake = response.json()
    return intake


def start(client: TestClient[Any], *events: str) -> tuple[dict[str, Any], dict[str, str]]:
    response = client.post("/intakes", json={"life_events": list(events)})
    assert response.status_code == 201, response.text
    body = response.json()
    return body, {"Authorization": f"Bearer {body['token']}"}


def test_life_events_and_questionnaires_are_public(api: Any) -> None:
    client, _, _ = api
    events = client.get("/life-events").json()
    assert len(events) == 6
    questionnaire = client.get("/life-events/divorce").json()
    assert questionnaire["questions"] and questionnaire["checklist"]
    assert client.get("/life-events/lottery").status_code == 404


def test_a_citizen_walks_two_life_events_and_submits_once(api: Any) -> None:
    client, _, db = api
    intake, auth = start(client, "moving_rented_home", "income_loss")
    assert intake["next"]["step"] == "moving_rented_home"
    done = walk(client, intake, auth)
    response = client.put(
        f"/intakes/{intake['id']}/contact",
        headers=auth,
        json={
            "channels": ["sms"],
            "language": "tr",
            "phone": "06 1234 5678",
            "share_with": ["uwv", "gemeente"],
        },
    )
    assert response.status_code == 204, response.text
    submitted = client.post(f"/intakes/{done['id']}/submit", headers=auth)
    assert submitted.status_code == 200, submitted.text
    result = submitted.json()
    assert result["status"] == "submitted"
    assert result["status_link"] == f"/citizen/cases/{intake['case_id']}"
    triage = result["result"]["triage"]
    assert triage["redzaamheid"] in ("zelfredzaam", "middengroep", "niet_redzaam")
    assert all(reason["text"]["nl"] for reason in triage["reasons"])
    assert result["result"]["checklist"]
    again = client.post(f"/intakes/{done['id']}/submit", headers=auth).json()
    assert again["case_id"] == result["case_id"]
    assert outbox(db) == [
        ("intake.events", "nl.voorportaal.intake.submitted"),
        ("contact.points", "nl.voorportaal.contact.points-updated"),
    ]


def test_submitting_an_incomplete_intake_is_refused_and_changes_nothing(api: Any) -> None:
    client, _, db = api
    intake, auth = start(client, "turning_18")
    response = client.post(f"/intakes/{intake['id']}/submit", headers=auth)
    assert response.status_code == 409
    assert outbox(db) == []


def test_bad_answers_name_the_field_and_the_reason(api: Any) -> None:
    client, _, _ = api
    intake, auth = start(client, "death_of_relative")
    question = intake["next"]["question"]
    url = f"/intakes/{intake['id']}/answers/death_of_relative/{question['id']}"
    response = client.put(url, json={"value": "2999-01-01"}, headers=auth)
    assert response.status_code == 400
    problem = response.json()
    assert problem["errors"][0]["field"] == f"answers.death_of_relative.{question['id']}"
    assert "future" in problem["detail"]
    unknown = client.put(
        f"/intakes/{intake['id']}/answers/death_of_relative/nope",
        json={"value": True},
        headers=auth,
    )
    assert unknown.status_code == 400
    wrong_step = client.put(
        f"/intakes/{intake['id']}/answers/divorce/x", json={"value": True}, headers=auth
    )
    assert wrong_step.status_code == 400


def test_going_back_asks_the_last_question_again(api: Any) -> None:
    client, _, _ = api
    intake, auth = start(client, "divorce")
    first = intake["next"]["question"]
    after = client.put(
        f"/intakes/{intake['id']}/answers/divorce/{first['id']}",
        json={"value": sample_answer(first)},
        headers=auth,
    ).json()
    assert after["answered"] == 1
    back = client.post(f"/intakes/{intake['id']}/back", headers=auth).json()
    assert back["answered"] == 0
    assert back["next"]["question"]["id"] == first["id"]


def test_contact_details_are_validated_at_the_edge(api: Any) -> None:
    client, _, _ = api
    intake, auth = start(client, "falling_ill")
    url = f"/intakes/{intake['id']}/contact"
    for body, field in [
        ({"channels": ["sms"], "phone": "12345"}, "phone"),
        ({"channels": ["email"], "email": "not-an-address"}, "email"),
        ({"channels": ["post"], "share_with": ["mi6"]}, "share_with"),
        ({"channels": ["post"], "quiet_from": "25:00"}, "quiet_from"),
        ({"channels": []}, "channels"),
    ]:
        response = client.put(url, json=body, headers=auth)
        assert response.status_code == 400, body
        assert field in json.dumps(response.json()), response.json()


def test_tokens_are_scoped_to_one_intake(api: Any) -> None:
    client, runtime, _ = api
    mine, my_auth = start(client, "divorce")
    other, _ = start(client, "divorce")
    assert client.get(f"/intakes/{mine['id']}").status_code == 401
    assert client.get(f"/intakes/{other['id']}", headers=my_auth).status_code == 403
    assert client.get(f"/intakes/{mine['id']}", headers=my_auth).status_code == 200
    staff = issue_token(runtime.settings.auth, "cm-7", ["casemanager"])
    assert (
        client.get(
            f"/intakes/{other['id']}", headers={"Authorization": f"Bearer {staff}"}
        ).status_code
        == 200
    )


def test_staff_start_on_behalf_and_get_no_citizen_token(api: Any) -> None:
    client, runtime, _ = api
    staff = issue_token(runtime.settings.auth, "cm-7", ["casemanager"])
    response = client.post(
        "/intakes",
        json={"life_events": ["divorce"], "channel": "phone"},
        headers={"Authorization": f"Bearer {staff}"},
    )
    assert response.status_code == 201
    assert response.json()["token"] is None
    assert response.json()["channel"] == "phone"
    agency = issue_token(runtime.settings.auth, "uwv-1", ["agency:uwv"])
    refused = client.post(
        "/intakes", json={"life_events": ["divorce"]}, headers={"Authorization": f"Bearer {agency}"}
    )
    assert refused.status_code == 403


def test_unknown_life_event_and_extra_fields_are_refused(api: Any) -> None:
    client, _, _ = api
    assert client.post("/intakes", json={"life_events": ["lottery"]}).status_code == 400
    assert client.post("/intakes", json={"life_events": []}).status_code == 400
    assert client.post("/intakes", json={"life_events": ["divorce"], "bsn": "1"}).status_code == 400
