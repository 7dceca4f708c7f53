"""Who may change how a citizen is reached (issue 13, item 2), over HTTP.

The case is owned by `cm-owner` of team `noord` (as `BuddyAssigned` on case.events said). Only
the citizen (their own link or token for this case), the owner, the owner's team or a
supervisor may change contact details; every attempt is audited in the kit's hash-chained log,
allowed or refused, with who, in which role and why.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from notify_factories import CASE, buddy, contact_points, mandate

from voorportaal_contracts.citizen_links import short_link_id, sign_link_token
from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    CaseHandedOver,
    CitizenLinkRevoked,
    MandateRevoked,
)
from voorportaal_contracts.registry import Event
from voorportaal_kit.audit import AuditOutcome, AuditRecord
from voorportaal_kit.audit_log import AuditLog
from voorportaal_kit.auth import issue_token
from voorportaal_kit.db import create_engine, create_sessions
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_notify.adapters.orm import audit_log
from voorportaal_notify.app import definition
from voorportaal_notify.settings import NotifySettings

OTHER_CASE = "vp-0000000000000000othr"
URL = f"/cases/{CASE}/preferences"


@dataclass
class Api:
    client: TestClient[Any]
    settings: NotifySettings
    runtime: ServiceRuntime

    def bearer(
        self, subject: str, *roles: str, case_id: str | None = None, team: str | None = None
    ) -> dict[str, str]:
        token = issue_token(self.settings.auth, subject, list(roles), case_id=case_id, team=team)
        return {"Authorization": f"Bearer {token}"}

    def link(self, case_id: str = CASE, holder: str | None = None, *, days: int = 1) -> str:
        return sign_link_token(
            self.settings.link_key.get_secret_value().encode(),
            case_id=case_id,
            page="overview",
            expires_at=datetime.now(UTC) + timedelta(days=days),
            holder=holder,
        )

    def consume(self, *events: Event) -> None:
        """Feed `events` to the service's `case.events` handlers as its consumers would, with
        an engine of its own (the service's serves another loop)."""

        async def run() -> None:
            engine = create_engine(self.settings.effective_database_url, pool_size=1)
            try:
                for event in events:
                    envelope = Envelope(event, source="/test")
                    for subscription in self.runtime.definition.subscriptions(self.runtime):
                        handler = subscription.handlers.get(type(event))
                        if handler is not None:
                            async with create_sessions(engine).begin() as session:
                                await handler(session, envelope)
            finally:
                await engine.dispose()

        asyncio.run(run())

    def audit(self) -> list[AuditRecord]:
        """The audit log, read with an engine of its own (the service's serves another loop)."""

        async def read() -> list[AuditRecord]:
            engine = create_engine(self.settings.effective_database_url, pool_size=1)
            try:
                async with create_sessions(engine)() as session:
                    return await AuditLog(audit_log).query(session)
            finally:
                await engine.dispose()

        return asyncio.run(read())


def _apply(runtime: ServiceRuntime, *events: Event) -> None:
    async def run() -> None:
        for event in events:
            envelope = Envelope(event, source="/test")
            for subscription in runtime.definition.subscriptions(runtime):
                handler = subscription.handlers.get(type(event))
                if handler is not None:
                    async with runtime.sessions.begin() as session:
                        await handler(session, envelope)
        await runtime.engine.dispose()  # its connections belong to this loop only

    asyncio.run(run())


@contextmanager
def _running(tmp_path: Path, *events: Event) -> Iterator[Api]:
    """The service with two cases' contact points and CASE owned by cm-owner (team noord), plus
    `events`, applied before it serves (its connections then belong to the client's loop)."""
    settings = NotifySettings(
        data_dir=tmp_path / "data",
        kafka_bootstrap_servers="127.0.0.1:1",
        dev_store_dir=tmp_path / "outbox-dev",
        worker_interval_s=3600,
        audit_anchor_interval_s=3600,
    )
    runtime = ServiceRuntime(definition(settings))
    runtime.migrate()
    _apply(
        runtime,
        contact_points(),
        contact_points(OTHER_CASE),
        buddy(by="cm-owner", team="noord"),
        *events,
    )
    with TestClient(runtime.app()) as client:
        yield Api(client, settings, runtime)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    with _running(tmp_path) as running:
        yield running


CHANGE = {"language": "en", "channels": ["email", "sms"]}
"""A change every allowed party may make (a citizen does not change addresses themselves)."""


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("citizen_of_this_case", True),
        ("citizen_of_this_case_by_link", True),
        ("citizen_of_another_case", False),
        ("representative_by_link", False),
        ("owner", True),
        ("same_team", True),
        ("other_team", False),
        ("casemanager_without_team", False),
        ("supervisor", True),
        ("agency", False),
        ("operator", False),
    ],
)
def test_only_the_citizen_the_owner_the_team_or_a_supervisor_change_contact_details_audited(
    api: Api, who: str, allowed: bool
) -> None:
    staff_reason = {**CHANGE, "reason": "citizen_request"}
    own_reason = {**CHANGE, "reason": "own_choice"}
    if who == "citizen_of_this_case_by_link":
        response = api.client.put(f"/citizen/{api.link()}/preferences", json=CHANGE)
    elif who == "representative_by_link":
        link = api.link(holder="mandate-0001")
        response = api.client.put(f"/citizen/{link}/preferences", json=CHANGE)
    else:
        headers, body = {
            "citizen_of_this_case": (api.bearer("citizen-1", "citizen", case_id=CASE), own_reason),
            "citizen_of_another_case": (
                api.bearer("citizen-2", "citizen", case_id=OTHER_CASE),
                own_reason,
            ),
            "owner": (api.bearer("cm-owner", "casemanager", team="noord"), staff_reason),
            "same_team": (api.bearer("cm-colleague", "casemanager", team="noord"), staff_reason),
            "other_team": (api.bearer("cm-elsewhere", "casemanager", team="zuid"), staff_reason),
            "casemanager_without_team": (api.bearer("cm-loose", "casemanager"), staff_reason),
            "supervisor": (api.bearer("sup-1", "supervisor"), staff_reason),
            "agency": (api.bearer("uwv-1", "agency:uwv"), staff_reason),
            "operator": (api.bearer("op-1", "operator"), staff_reason),
        }[who]
        response = api.client.put(URL, json=body, headers=headers)
    assert response.status_code == (200 if allowed else 403), response.text
    (record,) = api.audit()
    assert record.case_id == CASE
    assert record.action.value == "change"
    assert record.outcome is (AuditOutcome.ALLOWED if allowed else AuditOutcome.REFUSED)
    assert record.purpose in ("citizen_request", "own_choice"), "why is recorded"
    assert record.data_kind == "contact_preferences"
    if who == "representative_by_link":
        assert record.actor == "representative:mandate-0001"
    if not allowed:
        assert record.basis == "none"
        settings = api.client.get(URL, headers=api.bearer("sup-1", "supervisor")).json()
        assert settings["language"] == "tr", "a refused change changes nothing"


def test_an_address_change_is_audited_with_who_the_role_and_why(api: Api) -> None:
    response = api.client.put(
        URL,
        json={"phone": "+31687654321", "reason": "undeliverable"},
        headers=api.bearer("cm-colleague", "casemanager", team="noord"),
    )
    assert response.status_code == 200, response.text
    (record,) = api.audit()
    assert (record.actor, record.role, record.basis) == ("cm-colleague", "casemanager", "team")
    assert (record.data_kind, record.purpose) == ("contact_details", "undeliverable")
    assert "+3168" not in str(record), "the audit log holds ids and codes, never the address"


def test_a_change_without_a_reason_is_refused_naming_the_field(api: Api) -> None:
    supervisor = api.bearer("sup-1", "supervisor")
    missing = api.client.put(URL, json={"language": "en"}, headers=supervisor)
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "reason"
    unknown = api.client.put(URL, json={"language": "en", "reason": "because"}, headers=supervisor)
    assert unknown.status_code == 400 and "reason" in unknown.text
    staff_own = api.client.put(
        URL, json={"language": "en", "reason": "own_choice"}, headers=supervisor
    )
    assert staff_own.status_code == 400 and "reason" in staff_own.text
    assert api.audit() == [], "bad input never reaches the service"


def test_after_a_handover_the_old_owner_may_no_longer_change_contact_details(
    tmp_path: Path,
) -> None:
    handover = CaseHandedOver(
        case_id=CASE,
        from_casemanager_id="cm-owner",
        to_casemanager_id="cm-new",
        to_casemanager_name="Piet Smit",
        handed_over_at=datetime.now(UTC),
        to_team="zuid",
    )
    with _running(tmp_path, handover) as api:
        body = {**CHANGE, "reason": "citizen_request"}
        old_owner = api.bearer("cm-owner", "casemanager", team="noord")
        assert api.client.put(URL, json=body, headers=old_owner).status_code == 403
        new_owner = api.bearer("cm-new", "casemanager", team="zuid")
        new = api.client.put(URL, json=body, headers=new_owner)
        assert new.status_code == 200, new.text


def test_the_confirm_routes_take_six_digits_and_name_the_field(api: Api) -> None:
    url = f"/citizen/{api.link()}/preferences/confirm"
    bad = api.client.post(url, json={"channel": "sms", "code": "12ab"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "code"
    nothing = api.client.post(url, json={"channel": "sms", "code": "123456"})
    assert nothing.status_code == 400 and "No code is waiting" in nothing.text
    staff = api.client.post(
        f"{URL}/confirm",
        json={"channel": "email", "code": "123456"},
        headers=api.bearer("uwv-1", "agency:uwv"),
    )
    assert staff.status_code == 403
    assert [(r.purpose, r.outcome.value) for r in api.audit()] == [("confirm_address", "refused")]
    rep = api.client.post(
        f"/citizen/{api.link(holder='mandate-0001')}/preferences/confirm",
        json={"channel": "sms", "code": "123456"},
    )
    assert rep.status_code == 403, "a representative's link confirms nothing"


@pytest.mark.parametrize(
    ("who", "roles", "team", "status"),
    [
        ("cm-owner", ("casemanager",), "noord", 200),
        ("cm-colleague", ("casemanager",), "noord", 200),
        ("cm-elsewhere", ("casemanager",), "zuid", 403),
        ("sup-1", ("supervisor",), None, 200),
        ("uwv-1", ("agency:uwv",), None, 403),
    ],
)
def test_preferences_are_read_by_the_owner_the_team_or_a_supervisor_audited(
    api: Api, who: str, roles: tuple[str, ...], team: str | None, status: int
) -> None:
    response = api.client.get(URL, headers=api.bearer(who, *roles, team=team))
    assert response.status_code == status, response.text
    (record,) = api.audit()
    assert (record.actor, record.action.value, record.data_kind) == (
        who,
        "read",
        "contact_details",
    )
    assert record.outcome is (AuditOutcome.ALLOWED if status == 200 else AuditOutcome.REFUSED)


def test_the_operator_command_verifies_notifys_audit_chain(
    api: Api, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from voorportaal_notify import __main__ as command
    from voorportaal_notify import settings as settings_module

    api.client.get(URL, headers=api.bearer("sup-1", "supervisor"))
    monkeypatch.setattr(settings_module, "get_settings", lambda: api.settings)
    monkeypatch.setattr(command, "get_settings", lambda: api.settings)
    assert command.main(["audit-anchor"]) == 0
    assert command.main(["audit-verify"]) == 0
    assert "audit chain intact" in capsys.readouterr().out


CASE_READS = [
    (f"/cases/{CASE}/contact-load", "contact_load"),
    (f"/cases/{CASE}/deliveries", "messages"),
]


@pytest.mark.parametrize(("url", "data_kind"), CASE_READS)
@pytest.mark.parametrize(
    ("who", "roles", "team", "case_id", "status"),
    [
        ("cm-owner", ("casemanager",), "noord", None, 200),
        ("cm-colleague", ("casemanager",), "noord", None, 200),
        ("cm-elsewhere", ("casemanager",), "zuid", None, 403),
        ("cm-loose", ("casemanager",), None, None, 403),
        ("sup-1", ("supervisor",), None, None, 200),
        ("uwv-1", ("agency:uwv",), None, None, 403),
        ("op-1", ("operator",), None, None, 403),
        ("citizen-1", ("citizen",), None, CASE, 403),
        ("citizen-2", ("citizen",), None, OTHER_CASE, 403),
    ],
)
def test_a_cases_contact_load_and_deliveries_are_read_by_the_owner_team_or_supervisor_audited(
    api: Api,
    url: str,
    data_kind: str,
    who: str,
    roles: tuple[str, ...],
    team: str | None,
    case_id: str | None,
    status: int,
) -> None:
    response = api.client.get(url, headers=api.bearer(who, *roles, team=team, case_id=case_id))
    assert response.status_code == status, response.text
    (record,) = api.audit()
    assert (record.actor, record.action.value, record.data_kind, record.case_id) == (
        who,
        "read",
        data_kind,
        CASE,
    )
    assert record.outcome is (AuditOutcome.ALLOWED if status == 200 else AuditOutcome.REFUSED)


def test_a_revoked_link_no_longer_changes_or_confirms_preferences(api: Api) -> None:
    revoked, other = api.link(days=1), api.link(days=2)
    assert revoked != other
    put = api.client.put(f"/citizen/{revoked}/preferences", json=CHANGE)
    assert put.status_code == 200, "the link works until it is revoked"
    api.consume(
        CitizenLinkRevoked(
            case_id=CASE, link_id=short_link_id(revoked), revoked_at=datetime.now(UTC)
        )
    )
    put = api.client.put(f"/citizen/{revoked}/preferences", json=CHANGE)
    assert put.status_code == 401 and "revoked" in put.text
    confirm = api.client.post(
        f"/citizen/{revoked}/preferences/confirm", json={"channel": "sms", "code": "123456"}
    )
    assert confirm.status_code == 401 and "revoked" in confirm.text
    still = api.client.put(f"/citizen/{other}/preferences", json=CHANGE)
    assert still.status_code == 200, "another link of the same case still works"


def test_a_representatives_link_is_refused_once_its_mandate_or_its_links_are_revoked(
    api: Api,
) -> None:
    now = datetime.now(UTC)
    url = "/citizen/{}/preferences/confirm"
    code = {"channel": "sms", "code": "123456"}
    acting: dict[str, Any] = {
        "scopes": ["summary", "act_on_behalf"],
        "valid_from": now - timedelta(days=1),
        "valid_until": now + timedelta(days=30),
    }
    api.consume(
        mandate(CASE, "mandate-0001", relation="bewindvoerder", **acting),
        mandate(CASE, "mandate-0002", relation="mentor", **acting),
    )
    first, second = api.link(holder="mandate-0001"), api.link(holder="mandate-0002")
    # Before: known, and refused for what a representative may not do here (403), not 401.
    assert api.client.post(url.format(first), json=code).status_code == 403
    assert api.client.post(url.format(second), json=code).status_code == 403
    api.consume(
        MandateRevoked(
            case_id=CASE, mandate_id="mandate-0001", revoked_by="citizen", revoked_at=now
        ),
        CitizenLinkRevoked(case_id=CASE, holder="mandate-0002", revoked_at=now),
    )
    for link in (first, second):
        refused = api.client.post(url.format(link), json=code)
        assert refused.status_code == 401 and "revoked" in refused.text
    assert api.client.put(f"/citizen/{api.link()}/preferences", json=CHANGE).status_code == 200
