"""The intake API end to end over HTTP (SQLite; the outbox is checked, Kafka is not needed)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from intake_api import sql, walk
from litestar.testing import TestClient
from sqlalchemy import create_engine, text

from voorportaal_intake.adapters.content_files import load_life_events
from voorportaal_intake.app import definition
from voorportaal_intake.demo import sample_answer
from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.auth import AuthSettings, issue_token
from voorportaal_kit.runtime import ServiceRuntime


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[TestClient[Any], ServiceRuntime, Path]]:
    settings = IntakeSettings(data_dir=tmp_path, kafka_bootstrap_servers="127.0.0.1:1")
    runtime = ServiceRuntime(definition(settings))
    runtime.migrate()
    with TestClient(runtime.app()) as client:
        yield client, runtime, tmp_path / "intake.db"


def outbox(db: Path) -> list[tuple[str, str]]:
    """The intake's facts in the outbox (the access log's events are tested on their own)."""
    rows = sql(db, "SELECT topic, event_type FROM outbox WHERE topic != 'access.log' ORDER BY id")
    return [(r[0], r[1]) for r in rows]


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


def test_a_questionnaire_is_answered_as_its_content_file_says_it(api: Any) -> None:
    client, _, _ = api
    for event, content in load_life_events().items():
        response = client.get(f"/life-events/{event.value}")
        assert response.status_code == 200, response.text
        assert response.json() == content.model_dump(mode="json", by_alias=True, exclude_none=True)


def test_the_openapi_document_types_every_intake_answer(api: Any) -> None:
    client, _, _ = api
    document = client.get("/schema/openapi.json").json()
    untyped = []
    for path, operations in document["paths"].items():
        if not path.startswith(("/intakes", "/life-events")):
            continue
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if not status.startswith("2") or "content" not in response:
                    continue
                schema = response["content"]["application/json"]["schema"]
                if "$ref" not in schema and "$ref" not in schema.get("items", {}):
                    untyped.append(f"{method.upper()} {path} {status}")
    assert untyped == []
    questionnaire = document["components"]["schemas"]["QuestionnaireOut"]
    assert {"questions", "signals", "checklist"} <= set(questionnaire["properties"])
    question = document["components"]["schemas"]["QuestionContentOut"]["properties"]
    assert {"id", "type", "text", "options", "show_if", "required"} <= set(question)


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
    assert result["status_link"].startswith(f"http://127.0.0.1:3001/l/{intake['case_id']}.")
    assert result["language"] == "tr"
    triage = result["result"]["triage"]
    assert triage["redzaamheid"] in ("zelfredzaam", "middengroep", "niet_redzaam")
    assert all(reason["text"]["nl"] for reason in triage["reasons"])
    assert result["result"]["checklist"]
    again = client.post(f"/intakes/{done['id']}/submit", headers=auth).json()
    assert again["case_id"] == result["case_id"]
    assert outbox(db) == [
        ("contact.verifications", "nl.voorportaal.contact.verification-requested"),
        ("intake.events", "nl.voorportaal.intake.submitted"),
        ("contact.points", "nl.voorportaal.contact.points-updated"),
        # the walk answers the optional own-words question: it travels with the identity
        ("citizen.identity", "nl.voorportaal.citizen.identified"),
        ("case.events", "nl.voorportaal.case.checklist-issued"),
        ("case.events", "nl.voorportaal.case.consent-granted"),
        ("case.events", "nl.voorportaal.case.consent-granted"),
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
    # A casemanager who neither started it nor owns the case does not read it.
    staff = issue_token(runtime.settings.auth, "cm-7", ["casemanager"])
    assert (
        client.get(
            f"/intakes/{other['id']}", headers={"Authorization": f"Bearer {staff}"}
        ).status_code
        == 403
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


def submitted(client: TestClient[Any], *events: str) -> tuple[dict[str, Any], dict[str, str]]:
    intake, auth = start(client, *events)
    done = walk(client, intake, auth)
    response = client.post(f"/intakes/{done['id']}/submit", headers=auth)
    assert response.status_code == 200, response.text
    return response.json(), auth


def test_an_amendment_recomputes_the_facts_and_publishes_them_once(api: Any) -> None:
    client, _, db = api
    intake, auth = submitted(client, "income_loss")
    assert intake["answers"]["income_loss"]["has_money_to_live"] is False
    assert "no_income" in intake["result"]["risks"]
    url = f"/intakes/{intake['id']}/amendments"
    change = {"step": "income_loss", "question": "has_money_to_live", "value": True}
    amended = client.post(url, json={"changes": [change]}, headers=auth)
    assert amended.status_code == 200, amended.text
    body = amended.json()
    assert body["revision"] == 2
    assert "no_income" not in body["result"]["risks"]
    assert body["case_id"] == intake["case_id"]
    same = client.post(url, json={"changes": [change]}, headers=auth).json()
    assert same["revision"] == 2  # nothing changed: nothing published
    assert outbox(db).count(("intake.events", "nl.voorportaal.intake.amended")) == 1


def test_a_bad_amendment_changes_nothing(api: Any) -> None:
    client, _, db = api
    intake, auth = submitted(client, "income_loss")
    before = outbox(db)
    url = f"/intakes/{intake['id']}/amendments"
    good = {"step": "income_loss", "question": "has_money_to_live", "value": True}
    bad = {"step": "income_loss", "question": "last_work_day", "value": "2999-01-01"}
    response = client.post(url, json={"changes": [good, bad]}, headers=auth)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "answers.income_loss.last_work_day"
    unknown = {"step": "income_loss", "question": "lottery", "value": True}
    assert client.post(url, json={"changes": [unknown]}, headers=auth).status_code == 400
    assert client.post(url, json={"changes": []}, headers=auth).status_code == 400
    after = client.get(f"/intakes/{intake['id']}", headers=auth).json()
    assert after["revision"] == 1
    assert after["answers"] == intake["answers"]
    assert outbox(db) == before
    fresh, fresh_auth = start(client, "divorce")
    not_yet = client.post(
        f"/intakes/{fresh['id']}/amendments",
        json={"changes": [{"step": "divorce", "question": "x", "value": 1}]},
        headers=fresh_auth,
    )
    assert not_yet.status_code == 409


def test_who_the_citizen_is_goes_only_to_citizen_identity(api: Any) -> None:
    client, _, db = api
    intake, auth = start(client, "moving_rented_home")
    citizen = {
        "name": "S. Yilmaz",
        "bsn": "1112.22.333",
        "date_of_birth": "1988-04-02",
        "postcode": "3512 jk",
        "house_number": "12a",
        "representative": {
            "name": "A. de Vries",
            "relation": "bewindvoerder",
            "email": "bewind@example.org",
        },
    }
    response = client.put(f"/intakes/{intake['id']}/citizen", json=citizen, headers=auth)
    assert response.status_code == 204, response.text
    client.put(
        f"/intakes/{intake['id']}/contact",
        json={"channels": ["email"], "email": "burger@example.org"},
        headers=auth,
    )
    done = walk(client, intake, auth)
    result = client.post(f"/intakes/{done['id']}/submit", headers=auth).json()
    assert result["result"]["municipality_code"] == "GM0344"  # the new postcode, 3511 AB
    assert outbox(db) == [
        # the representative's address (for copies) and the citizen's each get a code
        ("contact.verifications", "nl.voorportaal.contact.verification-requested"),
        ("contact.verifications", "nl.voorportaal.contact.verification-requested"),
        ("intake.events", "nl.voorportaal.intake.submitted"),
        ("contact.points", "nl.voorportaal.contact.points-updated"),
        ("citizen.identity", "nl.voorportaal.citizen.identified"),
        ("case.events", "nl.voorportaal.case.checklist-issued"),
    ]
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT topic, value FROM outbox")).all()
        values = {topic: bytes(value).decode() for topic, value in rows}
    engine.dispose()
    assert "111222333" not in values["intake.events"]
    assert "Yilmaz" not in values["intake.events"]
    assert json.loads(values["citizen.identity"])["bsn"] == "111222333"
    assert json.loads(values["citizen.identity"])["municipality_code"] == "GM0344"
    assert json.loads(values["contact.points"])["representative"]["name"] == "A. de Vries"
    again = client.put(f"/intakes/{intake['id']}/citizen", json={"name": "S. Y."}, headers=auth)
    assert again.status_code == 204  # after submission a change is published at once
    assert outbox(db)[-2:] == [
        ("citizen.identity", "nl.voorportaal.citizen.identified"),
        ("contact.points", "nl.voorportaal.contact.points-updated"),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"bsn": "123456789"}, "bsn"),
        ({"bsn": "000000000"}, "bsn"),
        ({"bsn": "12345678"}, "bsn"),
        ({"postcode": "0123 AB"}, "postcode"),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"representative": {"name": "X", "relation": "neighbour"}}, "representative.relation"),
        ({"representative": {"name": "X", "relation": "family", "phone": "12"}}, "phone"),
    ],
)
def test_citizen_details_are_checked_with_field_and_reason(
    api: Any, body: dict[str, Any], field: str
) -> None:
    client, _, db = api
    intake, auth = start(client, "divorce")
    response = client.put(f"/intakes/{intake['id']}/citizen", json=body, headers=auth)
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert any(field in e["field"] for e in errors), errors
    assert all(e["reason"] and e["reason_nl"] for e in errors)
    if field == "bsn" and body["bsn"] == "123456789":
        assert "elfproef" in errors[0]["reason_nl"] and "11-proof" in errors[0]["reason"]
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM intake_citizens")).scalar() == 0
    engine.dispose()


def test_a_signaleerder_sees_only_the_intakes_they_started(api: Any) -> None:
    client, runtime, _ = api
    wijkteam = issue_token(runtime.settings.auth, "wijk-3", ["signaleerder"])
    police = issue_token(runtime.settings.auth, "politie-9", ["signaleerder"])
    started = client.post(
        "/intakes",
        json={"life_events": ["income_loss"], "channel": "home_visit"},
        headers={"Authorization": f"Bearer {wijkteam}"},
    )
    assert started.status_code == 201, started.text
    intake = started.json()
    assert intake["token"] is None
    url = f"/intakes/{intake['id']}"
    assert client.get(url, headers={"Authorization": f"Bearer {wijkteam}"}).status_code == 200
    assert client.get(url, headers={"Authorization": f"Bearer {police}"}).status_code == 403
    citizen_intake, citizen_auth = start(client, "divorce")
    other = f"/intakes/{citizen_intake['id']}"
    assert client.get(other, headers={"Authorization": f"Bearer {wijkteam}"}).status_code == 403
    assert client.get(other, headers=citizen_auth).status_code == 200


def test_without_a_key_for_citizen_links_citizens_get_a_clear_503(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    settings = IntakeSettings(
        data_dir=tmp_path,
        kafka_bootstrap_servers="127.0.0.1:1",
        auth=AuthSettings(algorithms=["ES256"], public_key_pem=pem),
    )
    runtime = ServiceRuntime(definition(settings))
    runtime.migrate()
    with TestClient(runtime.app()) as client:
        response = client.post("/intakes", json={"life_events": ["divorce"]})
    assert response.status_code == 503
    assert response.json()["type"] == "urn:voorportaal:problem:citizen_links_unavailable"
    engine = create_engine(f"sqlite:///{tmp_path / 'intake.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM intakes")).scalar() == 0
    engine.dispose()
