"""The routing HTTP API: who may read and change what, with clear errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from voorportaal_kit.auth import issue_token
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_routing.app import definition
from voorportaal_routing.settings import RoutingSettings


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[TestClient[Any], RoutingSettings]]:
    settings = RoutingSettings(data_dir=tmp_path, kafka_bootstrap_servers="127.0.0.1:1")
    runtime = ServiceRuntime(definition(settings))
    runtime.migrate()
    with TestClient(runtime.app()) as client:
        yield client, settings


def bearer(settings: RoutingSettings, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(settings.auth, 'u-1', list(roles))}"}


def test_the_directory_is_public_and_complete(api: Any) -> None:
    client, _ = api
    directory = client.get("/directory").json()
    assert {o["code"] for o in directory["organizations"]} >= {"uwv", "svb", "gemeente"}
    service = client.get("/directory/services/uwv_ww").json()
    assert service["response_norm_working_days"] >= 1
    assert client.get("/directory/services/nope").status_code == 404
    page = client.get("/agencies/uwv/asyncapi.json").json()
    assert page["channels"]["referrals"]["address"] == "referrals.uwv"
    assert client.get("/agencies/nope/asyncapi.json").status_code == 404


def test_only_supervisors_and_operators_change_the_directory_with_history(api: Any) -> None:
    client, settings = api
    url = "/directory/services/uwv_ww/settings"
    body = {"changes": {"response_norm_working_days": 3}, "note": "Afspraak met UWV per 1 jan."}
    assert client.put(url, json=body).status_code == 401
    assert client.put(url, json=body, headers=bearer(settings, "casemanager")).status_code == 403
    changed = client.put(url, json=body, headers=bearer(settings, "supervisor"))
    assert changed.status_code == 200, changed.text
    assert changed.json()["response_norm_working_days"] == 3
    assert client.get("/directory/services/uwv_ww").json()["response_norm_working_days"] == 3
    history = client.get(
        "/directory/services/uwv_ww/history", headers=bearer(settings, "supervisor")
    ).json()
    assert [h["changes"] for h in history] == [{"response_norm_working_days": 3}]
    assert history[0]["role"] == "supervisor" and history[0]["note"]
    assert history[0]["changed_at"].endswith("+00:00"), "the moment as this answer always wrote it"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": 1}, "changes"),
        ({"response_norm_working_days": 0}, "changes"),
        ({"expiry_working_days": 1}, "changes"),
    ],
)
def test_a_change_that_would_break_the_directory_is_refused(
    api: Any, changes: dict[str, Any], field: str
) -> None:
    client, settings = api
    response = client.put(
        "/directory/services/uwv_ww/settings",
        json={"changes": changes, "note": "test"},
        headers=bearer(settings, "operator"),
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["field"] == field
    assert client.get("/directory/services/uwv_ww").json()["response_norm_working_days"] != 0


def test_referral_routes_need_a_token_and_the_right_role(api: Any) -> None:
    client, settings = api
    assert client.get("/cases/vp-x1/referrals").status_code == 401
    assert (
        client.get("/cases/vp-x1/referrals", headers=bearer(settings, "operator")).status_code
        == 403
    )
    nudge = client.post("/referrals/ref-1/nudge", headers=bearer(settings, "agency:uwv"))
    assert nudge.status_code == 403
    missing = client.post("/referrals/ref-1/nudge", headers=bearer(settings, "casemanager"))
    assert missing.status_code == 404
    added = client.post(
        "/cases/vp-x1/referrals",
        json={"service_id": "uwv_ww", "note": "hand"},
        headers=bearer(settings, "casemanager"),
    )
    assert added.status_code == 403  # not the owner of this case, nor in its team
    added = client.post(
        "/cases/vp-x1/referrals",
        json={"service_id": "uwv_ww", "note": "hand"},
        headers=bearer(settings, "supervisor"),
    )
    assert added.status_code == 404  # routing does not know the case


def test_every_answer_is_described_by_its_typed_model_in_the_openapi_document(api: Any) -> None:
    """Issue 14: each route answers with one typed model, so the OpenAPI document names it
    (the agency's AsyncAPI page is a document of its own, and health routes are the kit's)."""
    client, _ = api
    doc = client.get("/schema/openapi.json").json()
    untyped = {"/health", "/ready", "/metrics", "/agencies/{code}/asyncapi.json"}
    expected = {
        ("get", "/directory"): "Directory",
        ("get", "/directory/services/{service_id}"): "Service",
        ("put", "/directory/services/{service_id}/settings"): "Service",
        ("get", "/directory/services/{service_id}/history"): "ServiceChangeOut",
        ("get", "/cases/{case_id}/referrals"): "ReferralOut",
        ("post", "/cases/{case_id}/referrals"): "ReferralOut",
        ("post", "/referrals/{referral_id}/withdraw"): "ReferralOut",
    }
    found = {}
    for path, operations in doc["paths"].items():
        if path in untyped:
            continue
        for method, operation in operations.items():
            answer = next(r for code, r in operation["responses"].items() if code.startswith("2"))
            schema = answer.get("content", {}).get("application/json", {}).get("schema")
            if schema is None:
                continue  # 204: no body
            schema = schema.get("items", schema)
            found[(method, path)] = schema["$ref"].rsplit("/", 1)[-1]
    assert found == expected
    referral = doc["components"]["schemas"]["ReferralOut"]["properties"]
    assert referral["reasons"]["items"]["$ref"].endswith("/ReasonOut")
    assert referral["history"]["items"]["$ref"].endswith("/TransitionOut")


def test_each_municipality_has_its_own_asyncapi_page_and_the_bare_gemeente_none(api: Any) -> None:
    client, _ = api
    page = client.get("/agencies/gemeente-gm0363/asyncapi.json")
    assert page.status_code == 200
    assert page.json()["channels"]["referrals"]["address"] == "referrals.gemeente-gm0363"
    for code in ("gemeente", "gemeente-gm0000"):  # a kind, a municipality not onboarded
        assert client.get(f"/agencies/{code}/asyncapi.json").status_code == 404
