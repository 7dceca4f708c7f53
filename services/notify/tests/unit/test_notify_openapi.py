"""Notify's OpenAPI document describes what the API really answers: real answers of every
endpoint validate against their published schemas, read strictly, and what Litestar injects
(the caller, the use cases) never shows up as a parameter a client must send."""

from __future__ import annotations

from typing import Any

from jsonschema_rs import Draft202012Validator  # schemathesis's validator
from notify_factories import CASE
from test_notify_api import Api, api

__all__ = ["api"]  # the fixture, shared with the API tests

INJECTED = {"principal", "case_messages", "preferences", "links", "state", "request"}


def _strict(node: Any) -> Any:
    """The schema with every described object closed to other fields."""
    if isinstance(node, dict):
        out = {k: _strict(v) for k, v in node.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


def _validator(doc: dict[str, Any], path: str, method: str, status: int) -> Draft202012Validator:
    responses = doc["paths"][path][method]["responses"]
    schema = responses[str(status)]["content"]["application/json"]["schema"]
    return Draft202012Validator({**_strict(schema), "components": _strict(doc["components"])})


def test_every_answer_matches_the_published_schema(api: Api) -> None:
    doc = api.client.get("/schema/openapi.json").json()
    staff = api.bearer("supervisor")
    case, tpl = f"/cases/{CASE}", "/cases/{case_id}"
    answers = [
        (f"{tpl}/contact-load", "get", 200, api.client.get(f"{case}/contact-load", headers=staff)),
        (f"{tpl}/preferences", "get", 200, api.client.get(f"{case}/preferences", headers=staff)),
        (
            f"{tpl}/preferences",
            "put",
            200,
            api.client.put(
                f"{case}/preferences",
                json={"phone": "+31687654321", "reason": "correction"},
                headers=staff,
            ),
        ),
        (
            "/citizen/{token}/preferences",
            "put",
            200,
            api.client.put(f"/citizen/{api.link()}/preferences", json={"language": "en"}),
        ),
        (f"{tpl}/deliveries", "get", 200, api.client.get(f"{case}/deliveries", headers=staff)),
    ]
    for path, method, status, response in answers:
        assert response.status_code == status, (path, response.text)
        errors = [
            str(e) for e in _validator(doc, path, method, status).iter_errors(response.json())
        ]
        assert errors == [], (path, method, errors)


def test_answers_are_typed_models_and_injected_values_are_no_parameters(api: Api) -> None:
    doc = api.client.get("/schema/openapi.json").json()
    for path, operations in doc["paths"].items():
        if not path.startswith(("/cases", "/citizen")):
            continue
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", [])}
            assert not names & INJECTED, (path, method, names & INJECTED)
            ok = next(v for k, v in operation["responses"].items() if k.startswith("2"))
            schema = ok["content"]["application/json"]["schema"]
            ref = schema.get("$ref") or schema.get("items", {}).get("$ref")
            assert ref and ref.startswith("#/components/schemas/"), (path, method, schema)
    deliveries = doc["components"]["schemas"]["DeliveryOut"]
    assert deliveries["properties"]["attempts"]["items"]["$ref"].endswith("AttemptOut")
