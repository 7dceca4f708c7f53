"""Who may read and change an intake: every route by every relation to the case, allowed or
refused as the dossier decides (plus whoever started the intake for the citizen), and audited
(and published for the citizen's access log) in both cases."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from intake_api import walk
from litestar.testing import TestClient

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.registry import Event
from voorportaal_intake.app import definition
from voorportaal_intake.demo import sample_answer
from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.auth import issue_token
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_kit.testing import RELATION_NAMES, access_facts, audit_records, relations

OTHER_CASE = "vp-0000000000000000other"

RELATIONS = RELATION_NAMES
"""Every relation to the case (`voorportaal_kit.testing`); citizens' links are made per intake."""
READERS = {
    "owner",
    "same_team",
    "supervisor",
    "agency_with_grant",
    "citizen_of_this_case",
    "representative",
}
CHANGERS = {"owner", "same_team", "supervisor", "citizen_of_this_case"}
"""A representative whose mandate covers only `summary` reads, but does not act."""


@dataclass
class Intake:
    id: str
    case_id: str
    citizen: str
    """The citizen's own link (from starting the intake)."""
    body: dict[str, Any]


@dataclass
class Api:
    client: TestClient[Any]
    runtime: ServiceRuntime
    settings: IntakeSettings
    db: Path
    open: Intake
    submitted: Intake

    def headers(self, who: str, intake: Intake) -> dict[str, str]:
        if who == "citizen_of_this_case":
            return {"Authorization": f"Bearer {intake.citizen}"}
        c = relations(intake.case_id, OTHER_CASE)[who]
        token = issue_token(
            self.settings.auth, c.subject, list(c.roles), team=c.team, case_id=c.case_id
        )
        return {"Authorization": f"Bearer {token}"}

    def subject(self, who: str, intake: Intake) -> str:
        if who == "citizen_of_this_case":
            return f"intake:{intake.id}"
        return relations(intake.case_id, OTHER_CASE)[who].subject

    def feed(self, data: Event) -> None:
        access = self.runtime.state["intakes"].access

        async def run() -> None:
            envelope = Envelope(data, source="/test", time=datetime.now(UTC))
            async with self.runtime.sessions.begin() as session:
                await access.on_event(session, envelope)

        self.client.blocking_portal.call(run)

    def feed_access(self) -> None:
        """Both intakes' cases as every relation in `RELATIONS` sees them."""
        now = datetime.now(UTC)
        for case_id in (self.open.case_id, self.submitted.case_id):
            for fact in access_facts(case_id, now):
                self.feed(fact)

    def audit(self) -> list[tuple[str, str, str, str]]:
        """(actor, data kind, purpose, outcome) of every record; each is also published."""
        records = audit_records(self.db, "intake_audit_log")
        return [(r["actor"], r["data_kind"], r["purpose"], r["outcome"]) for r in records]


def _start(client: TestClient[Any]) -> Intake:
    response = client.post("/intakes", json={"life_events": ["divorce"]})
    assert response.status_code == 201, response.text
    body = response.json()
    return Intake(body["id"], body["case_id"], body["token"], body)


def _walk_and_submit(client: TestClient[Any], intake: Intake) -> Intake:
    auth = {"Authorization": f"Bearer {intake.citizen}"}
    walk(client, intake.body, auth)
    submitted = client.post(f"/intakes/{intake.id}/submit", headers=auth)
    assert submitted.status_code == 200, submitted.text
    return Intake(intake.id, intake.case_id, intake.citizen, submitted.json())


@contextmanager
def matrix(tmp: Path, **settings: Any) -> Iterator[Api]:
    """The intake served (SQLite in `tmp`, no broker, `settings` added) with one intake just
    started and one submitted; their cases' relations are not fed yet (`feed_access`)."""
    config = IntakeSettings(data_dir=tmp, kafka_bootstrap_servers="127.0.0.1:1", **settings)
    runtime = ServiceRuntime(definition(config))
    runtime.migrate()
    with TestClient(runtime.app()) as client:
        opened = _start(client)
        submitted = _walk_and_submit(client, _start(client))
        yield Api(client, runtime, config, tmp / "intake.db", opened, submitted)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with matrix(tmp_path_factory.mktemp("intake-matrix")) as api:
        api.feed_access()
        yield api


def _first_answer(intake: Intake) -> tuple[str, str, Any]:
    step = next(s for s in intake.body["answers"] if intake.body["answers"][s])
    question, value = next(iter(intake.body["answers"][step].items()))
    return step, question, value


Call = Callable[[Api, str], Any]


def _get(api: Api, who: str) -> Any:
    return api.client.get(f"/intakes/{api.open.id}", headers=api.headers(who, api.open))


def _answer(api: Api, who: str) -> Any:
    question = api.open.body["next"]
    return api.client.put(
        f"/intakes/{api.open.id}/answers/{question['step']}/{question['question']['id']}",
        json={"value": sample_answer(question["question"])},
        headers=api.headers(who, api.open),
    )


def _back(api: Api, who: str) -> Any:
    return api.client.post(f"/intakes/{api.open.id}/back", headers=api.headers(who, api.open))


def _contact(api: Api, who: str) -> Any:
    body = {"channels": ["email"], "email": "t@example.org", "share_with": []}
    return api.client.put(
        f"/intakes/{api.open.id}/contact", json=body, headers=api.headers(who, api.open)
    )


def _citizen(api: Api, who: str) -> Any:
    return api.client.put(
        f"/intakes/{api.open.id}/citizen",
        json={"name": "T. Est"},
        headers=api.headers(who, api.open),
    )


def _submit(api: Api, who: str) -> Any:
    return api.client.post(
        f"/intakes/{api.submitted.id}/submit", headers=api.headers(who, api.submitted)
    )


def _amend(api: Api, who: str) -> Any:
    step, question, value = _first_answer(api.submitted)
    return api.client.post(
        f"/intakes/{api.submitted.id}/amendments",
        json={"changes": [{"step": step, "question": question, "value": value}]},
        headers=api.headers(who, api.submitted),
    )


ROUTES: dict[str, tuple[Call, str, str, set[str], int, bool]] = {
    # route: (call, data kind, purpose, who may, status when allowed, on the submitted intake)
    "getIntake": (_get, "intake_answers", "read_intake", READERS, 200, False),
    "answer": (_answer, "intake_answers", "answer", CHANGERS, 200, False),
    "goBack": (_back, "intake_answers", "go_back", CHANGERS, 200, False),
    "setContact": (_contact, "identity", "set_contact", CHANGERS, 204, False),
    "setCitizen": (_citizen, "identity", "set_citizen", CHANGERS, 204, False),
    "submitIntake": (_submit, "intake_answers", "submit", CHANGERS, 200, True),
    "amendIntake": (_amend, "intake_answers", "amend", CHANGERS, 200, True),
}


@pytest.mark.parametrize("who", sorted(RELATIONS))
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_every_intake_route_is_decided_per_case_and_audited(api: Api, route: str, who: str) -> None:
    call, kind, purpose, may, ok, on_submitted = ROUTES[route]
    intake = api.submitted if on_submitted else api.open
    before = len(api.audit())
    response = call(api, who)
    allowed = who in may
    assert response.status_code == (ok if allowed else 403), (route, who, response.text)
    outcome = "allowed" if allowed else "refused"
    assert api.audit()[before:] == [(api.subject(who, intake), kind, purpose, outcome)]


def test_whoever_started_the_intake_for_the_citizen_continues_it_and_is_audited(api: Api) -> None:
    desk = issue_token(api.settings.auth, "cm-desk", ["casemanager"], team="zuid")
    auth = {"Authorization": f"Bearer {desk}"}
    started = api.client.post(
        "/intakes", json={"life_events": ["divorce"], "channel": "phone"}, headers=auth
    ).json()
    before = len(api.audit())
    assert api.client.get(f"/intakes/{started['id']}", headers=auth).status_code == 200
    colleague = issue_token(api.settings.auth, "cm-desk-2", ["casemanager"], team="zuid")
    refused = api.client.get(
        f"/intakes/{started['id']}", headers={"Authorization": f"Bearer {colleague}"}
    )
    assert refused.status_code == 403
    assert [(a, o) for a, _, _, o in api.audit()[before:]] == [
        ("cm-desk", "allowed"),
        ("cm-desk-2", "refused"),
    ]
