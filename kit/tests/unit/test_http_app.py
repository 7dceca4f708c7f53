"""The shared HTTP app: operational endpoints, problem details, no 500 leaks."""

from __future__ import annotations

from typing import Annotated

import msgspec
import pytest
from kit_apps import small_app
from litestar import get, post
from litestar.params import Body
from litestar.testing import TestClient

from voorportaal_contracts.api.operations import MessagingStatus
from voorportaal_kit.auth import AuthSettings, TokenVerifier, issue_token, requires_role
from voorportaal_kit.errors import Conflict

SECRET = "x" * 40


class Claim(msgspec.Struct):
    case_id: Annotated[str, msgspec.Meta(min_length=6)]
    note: str


@post("/claims", operation_id="createClaim", guards=[requires_role("casemanager")])
async def create_claim(data: Annotated[Claim, Body()]) -> dict[str, str]:
    """Claim a case."""
    if data.case_id == "case-taken":
        raise Conflict("case-taken already has an owner")
    return {"case_id": data.case_id}


@get("/boom", operation_id="boom", guards=[requires_role("operator")])
async def boom() -> None:
    """Fail unexpectedly."""
    raise RuntimeError("secret internal detail 999999990")


async def ok() -> None:
    return None


async def down() -> None:
    raise ConnectionError("db down")


def client(*, db_ok: bool = True) -> TestClient:
    settings = AuthSettings(hs256_secret=SECRET)
    checks = {"database": ok if db_ok else down, "broker": ok}
    app = small_app(create_claim, boom, verifier=TokenVerifier(settings), checks=checks)
    return TestClient(app)


def auth(*roles: str) -> dict[str, str]:
    token = issue_token(AuthSettings(hs256_secret=SECRET), "cm-1", list(roles))
    return {"Authorization": f"Bearer {token}"}


def test_health_ready_metrics_and_schema_need_no_token() -> None:
    with client() as c:
        assert c.get("/health").json() == {"status": "ok", "service": "t"}
        assert c.get("/ready").json()["checks"] == {"database": "ok", "broker": "ok"}
        c.get("/health")
        metrics = c.get("/metrics")
        assert metrics.status_code == 200
        assert "voorportaal_http_request_seconds" in metrics.text
        assert c.get("/schema/openapi.json").json()["info"]["title"] == "T"


def test_ready_is_503_and_names_the_failing_dependency() -> None:
    with client(db_ok=False) as c:
        response = c.get("/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("unavailable")


def test_protected_route_is_401_without_token_and_403_with_wrong_role() -> None:
    with client() as c:
        assert c.post("/claims", json={"case_id": "case-123456", "note": "x"}).status_code == 401
        assert (
            c.post(
                "/claims", json={"case_id": "case-123456", "note": "x"}, headers=auth("supervisor")
            ).status_code
            == 403
        )


def test_validation_error_is_problem_details_naming_the_field() -> None:
    with client() as c:
        response = c.post("/claims", json={"case_id": "x"}, headers=auth("casemanager"))
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 400
    fields = {e["field"] for e in body["errors"]}
    assert fields & {"case_id", "note"}, body


def test_service_error_maps_to_its_status_and_code() -> None:
    with client() as c:
        response = c.post(
            "/claims", json={"case_id": "case-taken", "note": "x"}, headers=auth("casemanager")
        )
    assert response.status_code == 409
    assert response.json()["type"] == "urn:voorportaal:problem:conflict"


def test_unexpected_error_is_a_plain_500_that_reveals_nothing() -> None:
    with client() as c:
        response = c.get("/boom", headers=auth("operator"))
    assert response.status_code == 500
    assert "999999990" not in response.text and "RuntimeError" not in response.text
    assert response.json()["type"] == "urn:voorportaal:problem:internal"


def test_malformed_json_body_is_400_not_500() -> None:
    with client() as c:
        response = c.post(
            "/claims",
            content=b"{nope",
            headers={**auth("casemanager"), "content-type": "application/json"},
        )
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/claims", "/boom"])
def test_every_route_has_an_operation_id(path: str) -> None:
    with client() as c:
        spec = c.get("/schema/openapi.json").json()
    assert all("operationId" in op for op in spec["paths"][path].values())


def test_ready_reports_messaging_but_stays_200_when_the_probe_itself_fails() -> None:
    async def broken_probe() -> MessagingStatus:
        raise ConnectionError("broker gone")

    app = small_app(secret=SECRET, checks={"database": ok}, messaging=broken_probe)
    with TestClient(app) as c:
        response = c.get("/ready")
    assert response.status_code == 200
    assert response.json()["messaging"]["status"] == "degraded"
    assert response.json()["messaging"]["broker"] == "unknown: ConnectionError"
    assert response.json()["messaging"]["consumers"] == "unknown"


def test_openapi_describes_ready_with_its_messaging_status() -> None:
    with client() as c:
        spec = c.get("/schema/openapi.json").json()
    ready = spec["paths"]["/ready"]["get"]["responses"]
    assert set(ready) >= {"200", "503"}
    schemas = spec["components"]["schemas"]
    assert set(schemas["ReadyAnswer"]["properties"]) == {"status", "service", "checks", "messaging"}
    messaging = schemas["MessagingStatus"]["properties"]
    assert {"broker", "consumers", "relay", "outbox_backlog"} <= set(messaging)
