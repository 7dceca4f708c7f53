"""The dossier's OpenAPI document describes what the API really answers: real answers of
every typed endpoint validate against their published schemas, read strictly (no field the
document does not name, none it requires missing)."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest
from jsonschema_rs import Draft202012Validator  # schemathesis's validator
from test_dossier_api import CASE, PDF, START, Api, api

from voorportaal_contracts.events import CitizenIdentified
from voorportaal_kit.testing import referral_issued

__all__ = ["api"]  # the fixture, shared with the API tests

FUTURE = (START + timedelta(days=30)).isoformat()


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


def test_every_typed_answer_matches_the_published_schema(api: Api) -> None:
    doc = api.client.get("/schema/openapi.json").json()
    anna, sup = api.h("cm-anna", "casemanager"), api.h("sv-1", "supervisor")
    api.feed(
        CitizenIdentified(case_id=CASE, name="Fatima El Amrani", bsn="123456782"),
        referral_issued(CASE, "ref-openapi-1", START),
    )
    answers: list[tuple[str, str, int, Any]] = []

    def call(method: str, template: str, url: str, status: int, **kwargs: Any) -> Any:
        response = api.client.request(method.upper(), url, **kwargs)
        assert response.status_code == status, (url, response.text)
        answers.append((template, method, status, response.json()))
        return response.json()

    case = f"/cases/{CASE}"
    tpl = "/cases/{case_id}"
    call("get", "/queue", "/queue?view=all", 200, headers=sup)
    call("post", f"{tpl}/claim", f"{case}/claim", 200, headers=anna)
    call(
        "post",
        f"{tpl}/contacts",
        f"{case}/contacts",
        201,
        json={
            "channel": "phone",
            "summary": "Gebeld",
            "next_steps": "Brief",
            "send_confirmation": False,
        },
        headers=anna,
    )
    call(
        "post",
        f"{tpl}/promises",
        f"{case}/promises",
        201,
        json={"made_by_kind": "agency", "made_by": "uwv", "what": "Terugbellen", "due_at": FUTURE},
        headers=anna,
    )
    call("post", f"{tpl}/messages", f"{case}/messages", 201, json={"text": "Welkom"}, headers=anna)
    call(
        "post",
        f"{tpl}/actions",
        f"{case}/actions",
        201,
        json={"text": "Stuur loonstrook", "due_at": FUTURE},
        headers=anna,
    )
    call(
        "post",
        f"{tpl}/overrides",
        f"{case}/overrides",
        201,
        json={"reason_code": "blocking_rule", "note": "Nu nodig"},
        headers=anna,
    )
    call(
        "post",
        f"{tpl}/grants",
        f"{case}/grants",
        201,
        json={
            "agency_code": "uwv",
            "scopes": ["summary"],
            "valid_until": FUTURE,
            "channel": "phone",
        },
        headers=anna,
    )
    call(
        "post",
        f"{tpl}/mandates",
        f"{case}/mandates",
        201,
        json={
            "holder_name": "Samira El Amrani",
            "relation": "family",
            "scopes": ["summary"],
            "valid_until": FUTURE,
            "channel": "desk",
        },
        headers=anna,
    )
    call(
        "post",
        f"{tpl}/documents",
        f"{case}/documents",
        201,
        files={"file": ("brief.pdf", PDF)},
        headers=anna,
    )
    link = call("post", f"{tpl}/citizen-link", f"{case}/citizen-link", 201, headers=anna)
    page = call("get", tpl, case, 200, headers=anna)
    # An agency with summary only gets a page without the parts it may not read.
    shared = call("get", tpl, case, 200, headers=api.h("uwv-1", "agency:uwv"))
    assert "identity" not in shared and "identity" in shared["refused"]
    assert {"summary", "identity", "timeline", "documents", "sharing"} <= set(page)
    assert page["identity"]["name"] == "Fatima El Amrani" and page["referrals"]
    call("get", "/audit", f"/audit?case_id={CASE}", 200, headers=sup)
    figures = call("get", "/supervisor/figures", "/supervisor/figures", 200, headers=sup)
    assert figures["agencies"], "an agency's figures are in the answer checked"
    call(
        "get",
        "/citizen/cases/{case_id}/access-log",
        f"/citizen/cases/{CASE}/access-log",
        200,
        params={"link": link["link"]},
    )
    view = call(
        "get",
        "/citizen/cases/{case_id}",
        f"/citizen/cases/{CASE}",
        200,
        params={"link": link["link"]},
    )
    assert view["links"] and view["mandates"] and view["sharing"] and view["messages"]
    call(
        "get",
        "/citizen/cases/{case_id}/export",
        f"/citizen/cases/{CASE}/export",
        200,
        params={"link": link["link"]},
    )
    call(
        "post",
        "/citizen/cases/{case_id}/documents",
        f"/citizen/cases/{CASE}/documents",
        201,
        params={"link": link["link"]},
        files={"file": ("loonstrook.pdf", PDF)},
    )
    body = {"to_casemanager_id": "cm-cees", "to_casemanager_name": "Cees", "note": "Bel na 10"}
    call("post", f"{tpl}/handover", f"{case}/handover", 200, json=body, headers=anna)
    for template, method, status, answer in answers:
        errors = [e.message for e in _validator(doc, template, method, status).iter_errors(answer)]
        assert errors == [], (method, template, errors[:3])


def test_a_drifted_answer_would_be_caught(api: Api) -> None:
    doc = api.client.get("/schema/openapi.json").json()
    anna = api.h("cm-anna", "casemanager")
    api.client.post(f"/cases/{CASE}/claim", headers=anna)
    page = api.client.get(f"/cases/{CASE}", headers=anna).json()
    validator = _validator(doc, "/cases/{case_id}", "get", 200)
    assert validator.is_valid(page)
    drifted = copy.deepcopy(page)
    drifted["timeline"][0]["sentence"] = drifted["timeline"][0].pop("nl")
    assert not validator.is_valid(drifted)


@pytest.mark.parametrize(
    "path", ["/cases/{case_id}", "/queue", "/audit", "/cases/{case_id}/documents"]
)
def test_the_console_endpoints_publish_a_real_schema(api: Api, path: str) -> None:
    doc = api.client.get("/schema/openapi.json").json()
    method = "post" if path.endswith("documents") else "get"
    content = doc["paths"][path][method]["responses"]
    schema = next(iter(content.values()))["content"]["application/json"]["schema"]
    assert schema != {"additionalProperties": {}, "type": "object"}
    assert "$ref" in schema or "$ref" in schema.get("items", {})
