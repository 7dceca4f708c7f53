"""When a case is anonymised the dossier keeps nothing that says who the citizen is: no row of
any of its tables and no stored file holds a name, BSN, address, e-mail, phone or free text,
the link records are gone, and `CaseAnonymised` (the case id and the moment only) is staged
for `case.events`, so every other service purges too."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import text
from test_citizen_routes import _world
from test_dossier_api import CASE, PDF, Api, api

from voorportaal_contracts.events import CitizenIdentified, ContactPointsUpdated
from voorportaal_contracts.events.contact import Representative
from voorportaal_contracts.topics import CASE_EVENTS
from voorportaal_dossier.adapters.orm import metadata

__all__ = ["api"]  # the fixture, shared with the API tests

SECRETS = (
    "Fatima El Amrani",
    "123456782",
    "3512JK",
    "fatima@example.org",
    "+31612345678",
    "Jan Jansen",  # a representative's name (mandate)
    "Oom Ahmed",  # a representative's name (identity)
    "schulden bij de buren",  # a contact moment
    "volgende week bellen",  # its next steps
    "Uw uitkering is geregeld",  # a message to the citizen
    "Stuur uw loonstrook",  # an action for the citizen
    "Acute nood bij de huur",  # a doorbraak note
    "loonstrook-maart",  # a document's title
)


def _dump(api: Api) -> dict[str, str]:
    """Every row of every dossier table, as text."""

    async def run() -> dict[str, str]:
        out: dict[str, str] = {}
        async with api.runtime.sessions() as session:
            names = [*metadata.tables, "outbox"]
            for name in names:
                rows = (await session.execute(text(f"SELECT * FROM {name}"))).all()  # noqa: S608
                out[name] = "\n".join(
                    " ".join(
                        v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
                        for v in row
                    )
                    for row in rows
                )
        return out

    return api.call(run)


def _fill(api: Api) -> dict[str, Any]:
    anna = api.h("cm-anna", "casemanager")
    world = _world(api)  # owned by cm-anna, mandates (one for Jan Jansen) and link records
    api.feed(
        CitizenIdentified(
            case_id=CASE,
            name="Fatima El Amrani",
            bsn="123456782",
            postcode="3512JK",
            house_number="7",
            representative=Representative(name="Oom Ahmed", relation="family"),
        ),
        ContactPointsUpdated(
            case_id=CASE,
            channels=["email", "sms"],
            language="nl",
            email="fatima@example.org",
            phone="+31612345678",
        ),
    )
    posts: list[tuple[str, dict[str, Any]]] = [
        (
            "contacts",
            {
                "channel": "desk",
                "summary": "schulden bij de buren",
                "next_steps": "volgende week bellen",
            },
        ),
        ("messages", {"text": "Uw uitkering is geregeld"}),
        ("actions", {"text": "Stuur uw loonstrook"}),
        ("overrides", {"reason_code": "blocking_rule", "note": "Acute nood bij de huur"}),
    ]
    for path, body in posts:
        made = api.client.post(f"/cases/{CASE}/{path}", json=body, headers=anna)
        assert made.status_code == 201, (path, made.text)
    document = api.client.post(
        f"/cases/{CASE}/documents",
        files={"file": ("brief.pdf", PDF)},
        data={"title": "loonstrook-maart"},
        headers=anna,
    )
    assert document.status_code == 201, document.text
    return {"world": world, "document": document.json()}


def test_an_anonymised_case_leaves_no_personal_data_in_any_dossier_table_or_file(
    api: Api,
) -> None:
    filled = _fill(api)
    before = _dump(api)
    assert any("Fatima El Amrani" in rows for rows in before.values())  # the scan sees it
    assert "dossier_citizen_links" in before and CASE in before["dossier_citizen_links"]
    anna = api.h("cm-anna", "casemanager")
    assert api.client.post(f"/cases/{CASE}/close", json={}, headers=anna).status_code == 204
    api.clock.advance(timedelta(days=31))
    assert api.call(api.dossier.retention.retention_sweep) == 1
    after = _dump(api)
    for table, rows in after.items():
        for secret in SECRETS:
            assert secret not in rows, (table, secret)
    assert CASE not in after["dossier_citizen_links"]
    digest = filled["document"]["sha256"]
    stored = api.settings.effective_documents_dir / digest[:2] / digest[2:4] / digest
    assert not stored.exists()
    # A citizen link of the anonymised case shows nothing of the stripped texts.
    view = api.client.get(f"/citizen/cases/{CASE}", params={"link": filled["world"].citizen_link})
    for secret in SECRETS:
        assert secret not in view.text


def test_case_anonymised_goes_out_on_case_events_with_the_case_id_and_nothing_else(
    api: Api,
) -> None:
    anna = api.h("cm-anna", "casemanager")
    api.client.post(f"/cases/{CASE}/claim", headers=anna)
    assert api.client.post(f"/cases/{CASE}/close", json={}, headers=anna).status_code == 204
    api.clock.advance(timedelta(days=31))
    assert api.call(api.dossier.retention.retention_sweep) == 1

    async def run() -> list[Any]:
        async with api.runtime.sessions() as session:
            return list(
                (
                    await session.execute(
                        text("SELECT topic, message_key, event_type, value FROM outbox ORDER BY id")
                    )
                ).all()
            )

    rows = [r for r in api.call(run) if r[2] == "nl.voorportaal.case.anonymised"]
    assert len(rows) == 1
    topic, key, _, value = rows[0]
    body = json.loads(bytes(value))
    assert topic == CASE_EVENTS
    assert key == CASE
    assert set(body) == {"case_id", "anonymised_at"} and body["case_id"] == CASE
