"""Documents' files: removed only after the transaction that deleted their rows committed, and
only when no row refers to their hash any more; uploads by anyone who may not add a document
are refused before a byte of their body is read."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from test_citizen_routes import World, _world
from test_dossier_api import CASE, OTHER, PDF, Api, api

from voorportaal_contracts.citizen_links import sign_link_token
from voorportaal_dossier.service_layer import audit_log
from voorportaal_dossier.service_layer.retention import Retention
from voorportaal_kit.audit import AuditRecord

__all__ = ["api"]  # the fixture, shared with the API tests


def _upload(api: Api, case_id: str, content: bytes = PDF) -> dict[str, Any]:
    anna = api.h("cm-anna", "casemanager")
    response = api.client.post(
        f"/cases/{case_id}/documents", files={"file": ("brief.pdf", content)}, headers=anna
    )
    assert response.status_code == 201, response.text
    document: dict[str, Any] = response.json()
    return document


def _file(api: Api, sha256: str) -> Any:
    return api.settings.effective_documents_dir / sha256[:2] / sha256[2:4] / sha256


def _close_and_expire(api: Api, *case_ids: str) -> None:
    anna = api.h("cm-anna", "casemanager")
    for case_id in case_ids:
        assert api.client.post(f"/cases/{case_id}/close", json={}, headers=anna).status_code == 204
    api.clock.advance(timedelta(days=31))


def _claim(api: Api, *case_ids: str) -> None:
    for case_id in case_ids:
        claimed = api.client.post(
            f"/cases/{case_id}/claim", headers=api.h("cm-anna", "casemanager")
        )
        assert claimed.status_code == 200


def test_retention_removes_files_only_after_its_transaction_commits(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    _claim(api, CASE)
    document = _upload(api, CASE)
    _close_and_expire(api, CASE)
    strip = Retention.strip_rows

    async def strip_then_fail(self: Retention, session: Any, case_id: str) -> Any:
        await strip(self, session, case_id)
        raise RuntimeError("the database went away before the commit")

    monkeypatch.setattr(Retention, "strip_rows", strip_then_fail)
    with pytest.raises(RuntimeError):
        api.call(api.dossier.retention.retention_sweep)
    # The sweep rolled back: the row is still there, and so must its file be.
    assert _file(api, document["sha256"]).read_bytes() == PDF
    got = api.client.get(
        f"/cases/{CASE}/documents/{document['id']}", headers=api.h("sv-1", "supervisor")
    )
    assert got.status_code == 200 and got.content == PDF
    monkeypatch.undo()
    assert api.call(api.dossier.retention.retention_sweep) == 1
    assert not _file(api, document["sha256"]).exists()


def test_a_file_stored_for_two_cases_stays_until_no_row_refers_to_its_hash(api: Api) -> None:
    _claim(api, CASE, OTHER)
    mine, theirs = _upload(api, CASE), _upload(api, OTHER)
    assert mine["sha256"] == theirs["sha256"]  # stored once
    _close_and_expire(api, CASE)
    assert api.call(api.dossier.retention.retention_sweep) == 1
    assert _file(api, mine["sha256"]).exists()
    got = api.client.get(
        f"/cases/{OTHER}/documents/{theirs['id']}", headers=api.h("cm-anna", "casemanager")
    )
    assert got.status_code == 200 and got.content == PDF
    _close_and_expire(api, OTHER)
    assert api.call(api.dossier.retention.retention_sweep) == 1
    assert not _file(api, mine["sha256"]).exists()


def test_an_upload_whose_transaction_fails_leaves_no_file_behind(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    _claim(api, CASE)
    original = audit_log.append
    content = PDF + b"% a second document\n"

    async def fail_on_upload(session: Any, records: Any) -> Any:
        if any(r.purpose == "upload" and r.outcome.value == "allowed" for r in records):
            raise RuntimeError("the audit log could not be written")
        return await original(session, records)

    monkeypatch.setattr(audit_log, "append", fail_on_upload)
    digest = hashlib.sha256(content).hexdigest()
    failed = api.client.post(
        f"/cases/{CASE}/documents",
        files={"file": ("brief.pdf", content)},
        headers=api.h("cm-anna", "casemanager"),
    )
    assert failed.status_code == 500
    assert not _file(api, digest).exists()


# --------------------------------------------------------------------------- before the body


def _raw_upload(api: Api, path: str, query: str, headers: dict[str, str]) -> tuple[int, int]:
    """POST a multipart body larger than the limit straight to the ASGI app; returns the status
    and how many times the app asked for the body."""
    size = api.settings.max_upload_bytes * 20
    asked = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        return {"type": "http.request", "body": b"x" * size, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"multipart/form-data; boundary=xyz"),
            (b"content-length", str(size).encode()),
            *((k.lower().encode(), v.encode()) for k, v in headers.items()),
        ],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
        "state": {},
    }

    async def run() -> None:
        await api.client.app(scope, receive, send)  # type: ignore[arg-type]

    api.call(run)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], asked


def _refused_uploads(api: Api) -> list[AuditRecord]:
    async def run() -> list[AuditRecord]:
        async with api.runtime.sessions() as session:
            records = await audit_log.query(session, case_id=CASE, limit=100_000)
        return [r for r in records if r.purpose == "upload" and r.outcome.value == "refused"]

    return api.call(run)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous_intake_token", 403),
        ("agency_with_grant", 403),
        ("other_team", 403),
        ("citizen_token_on_the_citizen_route", 403),
        ("representative_without_documents", 403),
        ("citizen_of_another_case", 403),
    ],
)
def test_uploads_by_anyone_who_may_not_add_a_document_are_refused_before_the_body_is_read(
    api: Api, who: str, expected: int
) -> None:
    world: World = _world(api)
    staff_path, citizen_path = f"/cases/{CASE}/documents/", f"/citizen/cases/{CASE}/documents"
    if who == "anonymous_intake_token":
        bearer = api.h(f"intake:{CASE}", "citizen", case_id=CASE)
        status, asked = _raw_upload(api, staff_path, "", bearer)
    elif who == "agency_with_grant":
        status, asked = _raw_upload(api, staff_path, "", api.h("uwv-1", "agency:uwv"))
    elif who == "other_team":
        status, asked = _raw_upload(api, staff_path, "", api.h("cm-cees", "casemanager"))
    elif who == "citizen_token_on_the_citizen_route":
        bearer = api.h(f"intake:{CASE}", "citizen", case_id=CASE)
        status, asked = _raw_upload(api, citizen_path, "", bearer)
    elif who == "representative_without_documents":
        # m_spare holds summary only.
        token = sign_link_token(
            api.settings.link_key,
            case_id=CASE,
            page="overview",
            expires_at=api.clock.now() + timedelta(days=1),
            holder=world.m_spare,
        )
        status, asked = _raw_upload(api, citizen_path, urlencode({"link": token}), {})
    else:
        query = urlencode({"link": world.other_case_link})
        status, asked = _raw_upload(api, citizen_path, query, {})
    assert (status, asked) == (expected, 0)
    if expected == 403:
        assert _refused_uploads(api), "the refusal was not audited"


def test_the_citizen_and_a_representative_with_the_documents_scope_upload_with_their_link(
    api: Api,
) -> None:
    world = _world(api)
    for link in (world.citizen_link, world.rep_full):
        response = api.client.post(
            f"/citizen/cases/{CASE}/documents",
            params={"link": link},
            files={"file": ("loonstrook.pdf", PDF)},
        )
        assert response.status_code == 201, response.text
    staff = api.client.post(
        f"/cases/{CASE}/documents",
        files={"file": ("brief.pdf", PDF)},
        headers=api.h("cm-bram", "casemanager"),
    )
    assert staff.status_code == 201, staff.text
