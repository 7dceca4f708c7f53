"""Who may read and change a case's referrals in routing: every route by every relation to the
case, allowed or refused as the dossier decides, and audited (and published for the citizen's
access log) in both cases."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import IntakeSubmitted
from voorportaal_contracts.registry import Event
from voorportaal_kit.auth import issue_token
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_kit.testing import access_facts, audit_records, relations
from voorportaal_routing.adapters.data_files import load_directory
from voorportaal_routing.app import definition
from voorportaal_routing.settings import RoutingSettings

CASE = "vp-0000000000000000matrix"
OTHER_CASE = "vp-0000000000000000other"


RELATIONS = relations(CASE, OTHER_CASE)
READERS = {
    "owner",
    "same_team",
    "supervisor",
    "agency_with_grant",
    "citizen_of_this_case",
    "representative",
}
CHANGERS = {"owner", "same_team", "supervisor"}
SPARE_SERVICES = iter(
    [
        s.id
        for s in load_directory().services
        if s.organization not in {"gemeente", "uwv", "toeslagen", "wijkteam", "waterschap"}
    ]
)
"""Services to refer to by hand, one per call (an open referral to a service stops a second)."""


@dataclass
class Api:
    client: TestClient[Any]
    runtime: ServiceRuntime
    settings: RoutingSettings
    db: Path

    def headers(self, who: str) -> dict[str, str]:
        c = RELATIONS[who]
        token = issue_token(
            self.settings.auth, c.subject, list(c.roles), team=c.team, case_id=c.case_id
        )
        return {"Authorization": f"Bearer {token}"}

    def feed(self, handler: str, data: Event) -> None:
        service = self.runtime.state["routing"]
        target = service.access if handler == "access" else service

        async def run() -> None:
            envelope = Envelope(data, source="/test", time=datetime.now(UTC))
            async with self.runtime.sessions.begin() as session:
                await getattr(target, "on_event" if handler == "access" else handler)(
                    session, envelope
                )

        self.client.blocking_portal.call(run)

    def audit(self) -> list[tuple[str, str, str]]:
        """(actor, purpose, outcome) of every record, and the access.log events match them."""
        parsed = audit_records(self.db, "routing_audit_log")
        return [(r["actor"], r["purpose"], r["outcome"]) for r in parsed]

    def spare_referral(self) -> str:
        """A fresh open referral, added by hand by the supervisor."""
        response = self.client.post(
            f"/cases/{CASE}/referrals",
            json={"service_id": next(SPARE_SERVICES), "note": "voor de test"},
            headers=self.headers("supervisor"),
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    tmp = tmp_path_factory.mktemp("routing-matrix")
    settings = RoutingSettings(data_dir=tmp, kafka_bootstrap_servers="127.0.0.1:1")
    runtime = ServiceRuntime(definition(settings))
    runtime.migrate()
    with TestClient(runtime.app()) as client:
        api = Api(client, runtime, settings, tmp / "routing.db")
        now = datetime.now(UTC)
        api.feed(
            "on_intake_submitted",
            IntakeSubmitted(
                case_id=CASE,
                intake_id="intake-matrix",
                life_events=["income_loss"],
                channel="web",
                redzaamheid="middengroep",
                urgency="normal",
                needs=["income_gap", "allowances"],
                municipality_code="GM0344",
                submitted_at=now,
            ),
        )
        for fact in access_facts(CASE, now):
            api.feed("access", fact)
        yield api


def _open_referral(api: Api) -> dict[str, Any]:
    rows = api.client.get(f"/cases/{CASE}/referrals", headers=api.headers("supervisor")).json()
    return next(r for r in rows if r["state"] == "issued" and r["mode"] != "self_contact")


@pytest.mark.parametrize("who", sorted(RELATIONS))
def test_reading_a_cases_referrals_is_decided_per_case_and_audited(api: Api, who: str) -> None:
    before = len(api.audit())
    response = api.client.get(f"/cases/{CASE}/referrals", headers=api.headers(who))
    allowed = who in READERS
    assert response.status_code == (200 if allowed else 403), (who, response.text)
    new = api.audit()[before:]
    outcome = "allowed" if allowed else "refused"
    assert new == [(RELATIONS[who].subject, "referral_history", outcome)]
    if who == "agency_with_grant":
        assert {r["agency_code"] for r in response.json()} <= {"uwv"}


@pytest.mark.parametrize("who", sorted(RELATIONS))
def test_adding_a_referral_by_hand_is_for_the_cases_staff_and_audited(api: Api, who: str) -> None:
    allowed = who in CHANGERS
    service = next(SPARE_SERVICES) if allowed else "svb_aow"
    before = len(api.audit())
    response = api.client.post(
        f"/cases/{CASE}/referrals",
        json={"service_id": service, "note": "ook dit nagaan"},
        headers=api.headers(who),
    )
    assert response.status_code == (201 if allowed else 403), (who, response.text)
    outcome = "allowed" if allowed else "refused"
    assert api.audit()[before:] == [(RELATIONS[who].subject, "add_referral", outcome)]


@pytest.mark.parametrize("who", sorted(RELATIONS))
def test_withdrawing_a_referral_is_for_the_cases_staff_and_audited(api: Api, who: str) -> None:
    referral = api.spare_referral()
    before = len(api.audit())
    response = api.client.post(
        f"/referrals/{referral}/withdraw",
        json={"note": "niet meer nodig"},
        headers=api.headers(who),
    )
    allowed = who in CHANGERS
    assert response.status_code == (200 if allowed else 403), (who, response.text)
    outcome = "allowed" if allowed else "refused"
    assert api.audit()[before:] == [(RELATIONS[who].subject, "withdraw_referral", outcome)]
    state = next(
        r["state"]
        for r in api.client.get(
            f"/cases/{CASE}/referrals", headers=api.headers("supervisor")
        ).json()
        if r["id"] == referral
    )
    assert state == ("withdrawn" if allowed else "issued")


@pytest.mark.parametrize("who", sorted(RELATIONS))
def test_nudging_an_agency_is_for_the_cases_staff_and_audited(api: Api, who: str) -> None:
    referral = _open_referral(api)["id"]
    before = len(api.audit())
    response = api.client.post(f"/referrals/{referral}/nudge", headers=api.headers(who))
    allowed = who in CHANGERS
    assert response.status_code == (204 if allowed else 403), (who, response.text)
    outcome = "allowed" if allowed else "refused"
    assert api.audit()[before:] == [(RELATIONS[who].subject, "nudge_agency", outcome)]
