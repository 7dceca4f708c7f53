"""The dossier HTTP API on SQLite: the buddy system, the ledger, sharing, documents, the
citizen's link, the audit log, and who may do what (401/403/404/409/4xx with a field)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from dossier_factories import STAFF_TEAMS, migrated_dossier, project, queued_case
from litestar.testing import TestClient
from sqlalchemy import text

from voorportaal_contracts.events import (
    CitizenIdentified,
    ContactPointsUpdated,
)
from voorportaal_contracts.registry import Event
from voorportaal_dossier.service_layer.audit_log import verify_audit
from voorportaal_dossier.service_layer.dossier import DossierService
from voorportaal_dossier.settings import DossierSettings
from voorportaal_kit.auth import issue_token
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.runtime import ServiceRuntime

_T = TypeVar("_T")
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CASE = "vp-case-000001"
OTHER = "vp-case-000002"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Api:
    client: TestClient[Any]
    runtime: ServiceRuntime
    settings: DossierSettings
    clock: FixedClock

    @property
    def dossier(self) -> DossierService:
        service: DossierService = self.runtime.state["dossier"]
        return service

    def call(self, fn: Callable[[], Awaitable[_T]]) -> _T:
        return self.client.blocking_portal.call(fn)  # type: ignore[attr-defined,no-any-return]

    def h(self, subject: str, *roles: str, case_id: str | None = None) -> dict[str, str]:
        token = issue_token(
            self.settings.auth, subject, list(roles), name=subject.title(), case_id=case_id
        )
        return {"Authorization": f"Bearer {token}"}

    def feed(self, *events: Event) -> None:
        self.client.blocking_portal.call(project, self.runtime, events, self.clock.now())

    def outbox(self) -> list[tuple[str, dict[str, Any]]]:
        async def run() -> list[tuple[str, dict[str, Any]]]:
            async with self.runtime.sessions() as session:
                rows = (
                    await session.execute(text("SELECT event_type, value FROM outbox ORDER BY id"))
                ).all()
            return [(r[0], json.loads(bytes(r[1]))) for r in rows]

        return self.call(run)

    def types(self) -> list[str]:
        return [t.rsplit(".", 1)[-1] for t, _ in self.outbox()]


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    clock = FixedClock(START)
    runtime = migrated_dossier(
        tmp_path,
        clock,
        teams=STAFF_TEAMS,
        max_upload_bytes=4096,
        retention_days=30,
        promise_interval_s=3600,
        retention_interval_s=3600,
    )
    with TestClient(runtime.app()) as client:
        api = Api(client, runtime, runtime.definition.settings, clock)  # type: ignore[arg-type]
        api.feed(*queued_case(CASE, START), *queued_case(OTHER, START))
        yield api


def test_the_queue_shows_recommended_cases_and_a_claim_makes_one_owner(api: Api) -> None:
    anna, bram = api.h("cm-anna", "casemanager"), api.h("cm-cees", "casemanager")
    queue = api.client.get("/queue?view=recommended&sort=urgency", headers=anna).json()
    assert {c["case_id"] for c in queue} == {CASE, OTHER}
    won = api.client.post(f"/cases/{CASE}/claim", headers=anna)
    assert won.status_code == 200, won.text
    assert won.json()["owner_id"] == "cm-anna" and won.json()["team"] == "team-noord"
    lost = api.client.post(f"/cases/{CASE}/claim", headers=bram)
    assert lost.status_code == 409
    assert api.client.post(f"/cases/{CASE}/claim", headers=anna).status_code == 200  # retry
    mine = api.client.get("/queue?view=mine", headers=anna).json()
    assert [c["case_id"] for c in mine] == [CASE]
    team = api.client.get("/queue?view=team", headers=api.h("cm-bram", "casemanager")).json()
    assert [c["case_id"] for c in team] == [CASE]
    assert api.types().count("buddy-assigned") == 1


def test_a_warm_handover_needs_the_colleague_to_accept(api: Api) -> None:
    anna, cees = api.h("cm-anna", "casemanager"), api.h("cm-cees", "casemanager")
    api.client.post(f"/cases/{CASE}/claim", headers=anna)
    body = {"to_casemanager_id": "cm-cees", "to_casemanager_name": "Cees", "note": "Bel na 10"}
    asked = api.client.post(f"/cases/{CASE}/handover", json=body, headers=anna)
    assert asked.json()["status"] == "handover_requested"
    assert api.client.post(f"/cases/{CASE}/handover/accept", headers=anna).status_code == 403
    page = api.client.get(f"/cases/{CASE}", headers=cees).json()
    assert page["summary"]["ownership"]["pending_handover"]["note"] == "Bel na 10"
    accepted = api.client.post(f"/cases/{CASE}/handover/accept", headers=cees)
    assert accepted.json()["owner_id"] == "cm-cees" and accepted.json()["team"] == "team-zuid"
    released = api.client.post(f"/cases/{CASE}/release", headers=cees)
    assert released.json()["status"] == "released"
    sup = api.h("sv-1", "supervisor")
    again = api.client.post(
        f"/cases/{CASE}/reassign",
        json={"to_casemanager_id": "cm-anna", "to_casemanager_name": "Anna"},
        headers=sup,
    )
    assert again.json()["owner_id"] == "cm-anna"
    assert (
        api.types()[-4:] == ["handover-requested", "handed-over", "released", "reassigned"]
        or "reassigned" in api.types()
    )


def test_contacts_promises_and_the_ledger_job_publish_each_fact_once(api: Api) -> None:
    anna = api.h("cm-anna", "casemanager")
    api.client.post(f"/cases/{CASE}/claim", headers=anna)
    contact = api.client.post(
        f"/cases/{CASE}/contacts",
        json={"channel": "phone", "summary": "Gebeld over huur", "send_confirmation": True},
        headers=anna,
    )
    assert contact.status_code == 201, contact.text
    due = (START + timedelta(days=2)).isoformat()
    promise = api.client.post(
        f"/cases/{CASE}/promises",
        json={"made_by_kind": "agency", "made_by": "uwv", "what": "Terugbellen", "due_at": due},
        headers=anna,
    )
    assert promise.status_code == 201, promise.text
    confirmation = [v for t, v in api.outbox() if t.endswith("contact-recorded")]
    assert confirmation[0]["confirmation_requested"] is True
    assert "Gebeld" not in json.dumps(api.outbox())  # the summary never travels
    api.clock.advance(timedelta(days=1, hours=1))
    assert api.call(api.dossier.promises.promise_sweep) == 1
    assert api.call(api.dossier.promises.promise_sweep) == 0
    api.clock.advance(timedelta(days=1))
    assert api.call(api.dossier.promises.promise_sweep) == 1
    assert api.call(api.dossier.promises.promise_sweep) == 0
    assert api.types().count("promise-due-soon") == 1
    assert api.types().count("promise-broken") == 1
    page = api.client.get(f"/cases/{CASE}", headers=anna).json()
    assert page["promises"][0]["status"] == "broken"
    assert page["contact_moments"][0]["summary"] == "Gebeld over huur"
    assert any("toezegging" in t["nl"] for t in page["timeline"])


def test_an_agency_without_a_grant_is_refused_and_audited_then_allowed_after_sharing(
    api: Api,
) -> None:
    anna, uwv = api.h("cm-anna", "casemanager"), api.h("uwv-1", "agency:uwv")
    api.client.post(f"/cases/{CASE}/claim", headers=anna)
    refused = api.client.get(f"/cases/{CASE}", headers=uwv)
    assert refused.status_code == 403
    granted = api.client.post(
        f"/cases/{CASE}/grants",
        json={
            "agency_code": "uwv",
            "scopes": ["summary"],
            "valid_until": (START + timedelta(days=30)).isoformat(),
            "channel": "phone",
        },
        headers=anna,
    )
    assert granted.status_code == 201, granted.text
    page = api.client.get(f"/cases/{CASE}", headers=uwv).json()
    assert "summary" in page and "documents" in page["refused"] and "sharing" in page["refused"]
    log = api.client.get(f"/audit?case_id={CASE}", headers=api.h("sv-1", "supervisor")).json()
    uwv_reads = [r for r in log if r["who"] == "uwv-1"]
    assert any(not r["allowed"] for r in uwv_reads)
    assert any(r["allowed"] and r["basis"].startswith("grant:") for r in uwv_reads)
    revoke = api.client.post(
        f"/cases/{CASE}/grants/{granted.json()['grant_id']}/revoke",
        json={"channel": "phone"},
        headers=anna,
    )
    assert revoke.status_code == 204
    assert api.client.get(f"/cases/{CASE}", headers=uwv).status_code == 403
    assert verify_audit(api.settings.effective_database_url) == []


def test_uploads_are_checked_by_content_and_size_and_downloads_are_audited(api: Api) -> None:
    anna = api.h("cm-anna", "casemanager")
    api.client.post(f"/cases/{CASE}/claim", headers=anna)
    url = f"/cases/{CASE}/documents"

    def upload(name: str, content: bytes) -> Any:
        return api.client.post(url, files={"file": (name, content)}, headers=anna)

    exe = upload("brief.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    assert exe.status_code == 415 and exe.json()["errors"][0]["field"] == "file"
    assert "Windows program" in exe.json()["detail"]
    assert upload("groot.pdf", PDF + b"0" * 5000).status_code == 413
    empty = upload("leeg.pdf", b"")
    assert empty.status_code == 400 and empty.json()["errors"][0]["field"] == "file"
    stored = upload("loonstrook.pdf", PDF)
    assert stored.status_code == 201, stored.text
    doc = stored.json()
    on_disk = api.settings.effective_documents_dir / doc["sha256"][:2] / doc["sha256"][2:4]
    assert (on_disk / doc["sha256"]).read_bytes() == PDF
    got = api.client.get(f"{url}/{doc['id']}", headers=anna)
    assert got.status_code == 200 and got.content == PDF
    uwv = api.client.get(f"{url}/{doc['id']}", headers=api.h("uwv-1", "agency:uwv"))
    assert uwv.status_code == 403
    log = api.client.get(f"/audit?case_id={CASE}", headers=api.h("sv-1", "supervisor")).json()
    downloads = [r for r in log if r["purpose"] == "download"]
    assert {r["allowed"] for r in downloads} == {True, False}
    assert all(r["object_id"] == doc["sha256"] for r in downloads)


def test_the_citizen_sees_their_case_and_who_looked_and_can_export_it(api: Api) -> None:
    anna = api.h("cm-anna", "casemanager")
    api.client.post(f"/cases/{CASE}/claim", headers=anna)
    api.client.post(f"/cases/{CASE}/messages", json={"text": "Welkom"}, headers=anna)
    link = api.client.post(f"/cases/{CASE}/citizen-link", headers=anna)
    assert link.status_code == 201, link.text
    token = link.json()["link"]
    view = api.client.get(f"/citizen/cases/{CASE}", params={"link": token})
    assert view.status_code == 200, view.text
    assert view.json()["buddy"]["name"] == "Cm-Anna"
    assert view.json()["messages"][0]["text"] == "Welkom"
    assert api.client.get(f"/citizen/cases/{CASE}").status_code == 401
    # Another case's link is a refusal (403, audited), like /cases/{id} would answer it.
    assert api.client.get(f"/citizen/cases/{OTHER}", params={"link": token}).status_code == 403
    assert api.client.get(f"/citizen/cases/{CASE}", params={"link": token + "x"}).status_code == 401
    looked = api.client.get(f"/citizen/cases/{CASE}/access-log", params={"link": token}).json()
    assert any(r["who"] == "cm-anna" for r in looked)
    export = api.client.get(f"/citizen/cases/{CASE}/export", params={"link": token}).json()
    assert export["format"] == "nl.voorportaal.dossier-export" and export["timeline"]
    page = api.client.get(f"/citizen/cases/{CASE}/export.html", params={"link": token})
    assert page.status_code == 200 and "<h1>Mijn dossier" in page.text
    shared = api.client.post(
        f"/citizen/cases/{CASE}/grants",
        params={"link": token},
        json={
            "agency_code": "svb",
            "scopes": ["summary"],
            "valid_until": (START + timedelta(days=10)).isoformat(),
        },
    )
    assert shared.status_code == 201, shared.text
    assert api.client.get(f"/cases/{CASE}", headers=api.h("svb-1", "agency:svb")).status_code == 200


def test_doorbraak_needs_a_supervisor_and_is_published_once_approved(api: Api) -> None:
    anna, sup = api.h("cm-anna", "casemanager"), api.h("sv-1", "supervisor")
    api.client.post(f"/cases/{CASE}/claim", headers=anna)
    proposed = api.client.post(
        f"/cases/{CASE}/overrides",
        json={"reason_code": "blocking_rule", "note": "Uitkering nu nodig"},
        headers=anna,
    )
    assert proposed.status_code == 201, proposed.text
    oid = proposed.json()["override_id"]
    assert (
        api.client.post(f"/cases/{CASE}/overrides/{oid}/approve", headers=anna).status_code == 403
    )
    assert api.client.post(f"/cases/{CASE}/overrides/{oid}/approve", headers=sup).status_code == 204
    assert api.client.post(f"/cases/{CASE}/overrides/{oid}/approve", headers=sup).status_code == 409
    assert api.types().count("override-decided") == 1


def test_a_closed_case_is_anonymised_after_the_retention_period(api: Api) -> None:
    anna = api.h("cm-anna", "casemanager")
    api.client.post(f"/cases/{CASE}/claim", headers=anna)
    api.client.post(
        f"/cases/{CASE}/contacts", json={"channel": "desk", "summary": "Geheim"}, headers=anna
    )
    assert api.client.post(f"/cases/{CASE}/close", json={}, headers=anna).status_code == 204
    assert api.call(api.dossier.retention.retention_sweep) == 0
    api.clock.advance(timedelta(days=31))
    assert api.call(api.dossier.retention.retention_sweep) == 1
    assert api.call(api.dossier.retention.retention_sweep) == 0
    page = api.client.get(f"/cases/{CASE}", headers=api.h("sv-1", "supervisor")).json()
    assert page["summary"]["anonymised_at"] is not None
    assert page["summary"]["needs"] == [] and page["contact_moments"][0]["summary"] is None
    assert api.client.post(f"/cases/{CASE}/reopen", headers=anna).status_code == 409


def test_the_audit_verify_detects_a_tampered_row(api: Api) -> None:
    anna = api.h("cm-anna", "casemanager")
    api.client.get(f"/cases/{CASE}", headers=anna)
    api.client.get(f"/cases/{CASE}", headers=api.h("uwv-1", "agency:uwv"))
    url = api.settings.effective_database_url
    assert verify_audit(url) == []

    async def tamper() -> None:
        async with api.runtime.sessions.begin() as session:
            await session.execute(
                text(
                    "UPDATE dossier_audit_log SET record = replace(record, 'refused', 'allowed')"
                    " WHERE outcome = 'refused'"
                )
            )

    api.call(tamper)
    kinds = {p.kind for p in verify_audit(url)}
    assert "modified" in kinds


# --------------------------------------------------------------------------- access matrix

ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "owner": ("cm-anna", ("casemanager",)),
    "teammate": ("cm-bram", ("casemanager",)),
    "stranger": ("cm-cees", ("casemanager",)),
    "supervisor": ("sv-1", ("supervisor",)),
    "operator": ("op-1", ("operator",)),
    "agency": ("uwv-1", ("agency:uwv",)),
    "signaleerder": ("sg-1", ("signaleerder",)),
}
FUTURE = (START + timedelta(days=5)).isoformat()
ENDPOINTS: list[tuple[str, str, dict[str, Any] | None, set[str]]] = [
    ("GET", f"/cases/{CASE}", None, {"owner", "teammate", "supervisor"}),
    (
        "POST",
        f"/cases/{CASE}/contacts",
        {"channel": "phone", "summary": "x"},
        {"owner", "teammate", "supervisor"},
    ),
    (
        "POST",
        f"/cases/{CASE}/promises",
        {"made_by_kind": "casemanager", "what": "Bellen", "due_at": FUTURE},
        {"owner", "teammate", "supervisor"},
    ),
    ("POST", f"/cases/{CASE}/messages", {"text": "Hallo"}, {"owner", "teammate", "supervisor"}),
    (
        "POST",
        f"/cases/{CASE}/actions",
        {"text": "Stuur loonstrook", "due_at": FUTURE},
        {"owner", "teammate", "supervisor"},
    ),
    (
        "POST",
        f"/cases/{CASE}/grants",
        {"agency_code": "svb", "scopes": ["summary"], "valid_until": FUTURE, "channel": "desk"},
        {"owner", "teammate"},
    ),
    (
        "POST",
        f"/cases/{CASE}/reassign",
        {"to_casemanager_id": "cm-cees", "to_casemanager_name": "Cees"},
        {"supervisor"},
    ),
    ("POST", f"/cases/{CASE}/citizen-link", None, {"owner", "teammate", "supervisor"}),
    ("GET", f"/audit?case_id={CASE}", None, {"supervisor"}),
    ("GET", "/queue", None, {"owner", "teammate", "stranger", "supervisor"}),
]


@pytest.mark.parametrize(("method", "url", "body", "allowed"), ENDPOINTS)
@pytest.mark.parametrize("role", sorted(ROLES))
def test_access_matrix(
    api: Api, role: str, method: str, url: str, body: dict[str, Any] | None, allowed: set[str]
) -> None:
    api.client.post(f"/cases/{CASE}/claim", headers=api.h("cm-anna", "casemanager"))
    assert api.client.request(method, url, json=body).status_code == 401
    subject, roles = ROLES[role]
    response = api.client.request(method, url, json=body, headers=api.h(subject, *roles))
    if role in allowed:
        assert response.status_code < 300, (role, url, response.text)
    else:
        assert response.status_code == 403, (role, url, response.text)


def test_unknown_cases_are_404_for_staff_and_403_for_anyone_else(api: Api) -> None:
    url = "/cases/vp-nobody-000/claim"
    assert (
        api.client.get("/cases/vp-nobody-000", headers=api.h("sv-1", "supervisor")).status_code
        == 404
    )
    assert api.client.post(url, headers=api.h("cm-anna", "casemanager")).status_code == 404
    agency = api.client.get("/cases/vp-nobody-000", headers=api.h("uwv-1", "agency:uwv"))
    assert agency.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {
                "made_by_kind": "agency",
                "made_by": "uwv",
                "what": "x",
                "due_at": "2020-01-01T00:00:00Z",
            },
            "due_at",
        ),
        ({"made_by_kind": "agency", "what": "x", "due_at": FUTURE}, "made_by"),
        ({"made_by_kind": "nobody", "what": "x", "due_at": FUTURE}, "made_by_kind"),
        (
            {
                "made_by_kind": "agency",
                "made_by": "uwv",
                "what": "x",
                "due_at": "2027-01-01T00:00:00",
            },
            "due_at",
        ),
    ],
)
def test_bad_promises_are_refused_with_the_field(
    api: Api, body: dict[str, Any], field: str
) -> None:
    anna = api.h("cm-anna", "casemanager")
    api.client.post(f"/cases/{CASE}/claim", headers=anna)
    response = api.client.post(f"/cases/{CASE}/promises", json=body, headers=anna)
    assert response.status_code == 400, response.text
    assert field in {e["field"] for e in response.json()["errors"]}


def test_an_agency_with_only_summary_reads_the_summary_but_not_who_the_citizen_is(
    api: Api,
) -> None:
    anna = api.h("cm-anna", "casemanager")
    api.client.post(f"/cases/{CASE}/claim", headers=anna)
    api.feed(
        CitizenIdentified(case_id=CASE, name="Fatima El Amrani", bsn="123456782"),
        ContactPointsUpdated(
            case_id=CASE, channels=["email"], language="nl", email="fatima@example.org"
        ),
    )

    def share(agency: str, scopes: list[str]) -> None:
        body = {"agency_code": agency, "scopes": scopes, "valid_until": FUTURE, "channel": "desk"}
        assert api.client.post(f"/cases/{CASE}/grants", json=body, headers=anna).status_code == 201

    share("uwv", ["summary"])
    share("svb", ["summary", "identity"])
    summary_only = api.client.get(f"/cases/{CASE}", headers=api.h("uwv-1", "agency:uwv"))
    assert summary_only.status_code == 200, summary_only.text
    assert summary_only.json()["summary"]["life_events"] == ["income_loss"]
    assert "identity" in summary_only.json()["refused"]
    for secret in ("Fatima", "123456782", "fatima@example.org"):
        assert secret not in summary_only.text
    with_identity = api.client.get(f"/cases/{CASE}", headers=api.h("svb-1", "agency:svb")).json()
    assert with_identity["identity"]["bsn"] == "123456782"
    assert with_identity["identity"]["email"] == "fatima@example.org"
