"""The notify HTTP API: who may read and change what, with clear errors."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient
from notify_factories import CASE, EMAIL, contact_points
from pydantic import SecretStr, ValidationError

from voorportaal.devservers import SmsGatewayStub
from voorportaal_contracts.citizen_links import sign_link_token
from voorportaal_contracts.envelope import Envelope
from voorportaal_kit.auth import AuthSettings, generate_staff_key_pair, issue_token
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_notify.app import definition
from voorportaal_notify.settings import NotifySettings

STAFF_URLS = (
    f"/cases/{CASE}/contact-load",
    f"/cases/{CASE}/deliveries",
    f"/cases/{CASE}/preferences",
)


@dataclass
class Api:
    client: TestClient[Any]
    settings: NotifySettings
    runtime: ServiceRuntime

    def bearer(self, *roles: str, case_id: str | None = None) -> dict[str, str]:
        token = issue_token(self.settings.auth, "u-1", list(roles), case_id=case_id)
        return {"Authorization": f"Bearer {token}"}

    def link(self, case_id: str = CASE, *, expires_in: timedelta = timedelta(days=1)) -> str:
        return sign_link_token(
            self.settings.link_key.get_secret_value().encode(),
            case_id=case_id,
            page="overview",
            expires_at=datetime.now(UTC) + expires_in,
        )


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    settings = NotifySettings(
        data_dir=tmp_path / "data",
        kafka_bootstrap_servers="127.0.0.1:1",
        dev_store_dir=tmp_path / "outbox-dev",
        worker_interval_s=3600,
    )
    runtime = ServiceRuntime(definition(settings))
    runtime.migrate()

    async def seed() -> None:
        async with runtime.sessions.begin() as session:
            envelope = Envelope(contact_points(), source="/test")
            await runtime.state["notify"].on_contact_points(session, envelope)
        await runtime.engine.dispose()  # its connections belong to this loop only

    asyncio.run(seed())
    with TestClient(runtime.app()) as client:
        yield Api(client, settings, runtime)


def test_staff_endpoints_need_a_token_and_a_staff_role(api: Api) -> None:
    for url in STAFF_URLS:
        assert api.client.get(url).status_code == 401, url
        citizen = api.bearer("citizen", case_id=CASE)
        assert api.client.get(url, headers=citizen).status_code == 403, url
        assert api.client.get(url, headers=api.bearer("agency:uwv")).status_code == 403, url
        assert api.client.get(url, headers=api.bearer("supervisor")).status_code == 200, url
    body = {"language": "en", "reason": "citizen_request"}
    url = f"/cases/{CASE}/preferences"
    assert api.client.put(url, json=body).status_code == 401
    assert api.client.put(url, json=body, headers=api.bearer("agency:uwv")).status_code == 403


def test_the_contact_load_meter_reads_low_for_a_quiet_case(api: Api) -> None:
    load = api.client.get(f"/cases/{CASE}/contact-load", headers=api.bearer("supervisor")).json()
    assert load == {
        "case_id": CASE,
        "messages_24h": 0,
        "messages_7d": 0,
        "updates_7d": 0,
        "actions_7d": 0,
        "messages_30d": 0,
        "level": "low",
        "deferred": 0,
        "deferred_until": None,
    }


def test_a_casemanager_changes_preferences_and_sees_addresses_masked(api: Api) -> None:
    url = f"/cases/{CASE}/preferences"
    changed = api.client.put(
        url,
        json={
            "channels": ["sms", "email"],
            "phone": "+31687654321",
            "language": "ar",
            "reason": "citizen_request",
        },
        headers=api.bearer("supervisor"),
    )
    assert changed.status_code == 200, changed.text
    prefs = changed.json()
    assert prefs["channels"] == ["sms", "email"] and prefs["language"] == "ar"
    assert prefs["phone"] == "+316****4321" and prefs["email"] == "b***@example.org"
    assert EMAIL not in changed.text
    assert prefs["changed_by"] == "u-1"


def test_bad_preferences_are_refused_with_the_field(api: Api) -> None:
    url = f"/cases/{CASE}/preferences"
    staff = api.bearer("supervisor")
    why = {"reason": "correction"}
    bad = api.client.put(url, json={"phone": "0612", **why}, headers=staff)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "phone"
    half = api.client.put(url, json={"quiet_from": "22:00", **why}, headers=staff)
    assert half.status_code == 400 and "quiet" in half.text
    unknown = api.client.put(
        "/cases/vp-unknown-case/preferences", json={"language": "en", **why}, headers=staff
    )
    assert unknown.status_code == 404


def test_the_citizen_changes_their_own_preferences_through_their_link(api: Api) -> None:
    response = api.client.put(
        f"/citizen/{api.link()}/preferences",
        json={"language": "pl", "quiet_from": "20:00", "quiet_until": "09:00"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["changed_by"] == "citizen"
    assert response.json()["quiet_from"] == "20:00"


def test_a_forged_expired_or_foreign_link_changes_nothing(api: Api) -> None:
    body = {"language": "pl"}
    forged = api.link()[:-2] + "AA"
    assert api.client.put(f"/citizen/{forged}/preferences", json=body).status_code == 401
    expired = api.link(expires_in=timedelta(seconds=-5))
    assert api.client.put(f"/citizen/{expired}/preferences", json=body).status_code == 401
    other = api.link("vp-0000000000000000othr")
    assert api.client.put(f"/citizen/{other}/preferences", json=body).status_code == 404
    addresses = {"email": "x@example.org"}
    refused = api.client.put(f"/citizen/{api.link()}/preferences", json=addresses)
    assert refused.status_code == 400, "a citizen's link does not change addresses"
    prefs = api.client.get(f"/cases/{CASE}/preferences", headers=api.bearer("supervisor"))
    assert prefs.json()["language"] == "tr"


def test_the_dev_outbox_lists_what_the_local_servers_received(api: Api) -> None:
    store = api.settings.dev_store
    with SmsGatewayStub(store, port=0) as sms:
        httpx.post(sms.url, json={"to": "+31611111111", "text": "Hallo"}, timeout=5)
    listed = api.client.get("/dev/outbox").json()
    assert [s["text"] for s in listed["sms"]] == ["Hallo"] and listed["emails"] == []


_PRODUCTION_AUTH = AuthSettings(
    hs256_secret=SecretStr("p" * 40),
    hs256_staff_tokens=False,
    staff_public_key_pem=generate_staff_key_pair()[1].decode(),
)
_PRODUCTION_TRANSPORT: dict[str, Any] = {
    "smtp_host": "smtp.example.nl",
    "smtp_port": 587,
    "smtp_starttls": True,
    "sms_gateway_url": "https://sms.example.nl/messages",
    # PLAINTEXT Kafka is refused in production.
    "kafka_security_protocol": "SASL_SSL",
    "kafka_sasl_username": "voorportaal-notify",
    "kafka_sasl_password": "kafka-password-of-production",
}


def test_production_refuses_the_development_link_key() -> None:
    with pytest.raises(ValidationError, match="link_key: development default"):
        NotifySettings(
            environment="production",
            auth=_PRODUCTION_AUTH,
            audit_anchor_key=SecretStr("a" * 40),
            **_PRODUCTION_TRANSPORT,
        )
    NotifySettings(
        environment="production",
        auth=_PRODUCTION_AUTH,
        link_key=SecretStr("q" * 40),
        audit_anchor_key=SecretStr("a" * 40),
        **_PRODUCTION_TRANSPORT,
    )


def test_production_refuses_smtp_without_starttls() -> None:
    settings: dict[str, Any] = {
        "environment": "production",
        "auth": _PRODUCTION_AUTH,
        "link_key": SecretStr("q" * 40),
        "audit_anchor_key": SecretStr("a" * 40),
        **_PRODUCTION_TRANSPORT,
    }
    with pytest.raises(ValidationError, match="smtp_starttls: production requires STARTTLS"):
        NotifySettings(**{**settings, "smtp_starttls": False})
    with pytest.raises(ValidationError, match="smtp_validate_certs"):
        NotifySettings(**{**settings, "smtp_validate_certs": False})
    # Implicit TLS (port 465) is just as protected; development may still use plain SMTP.
    NotifySettings(**{**settings, "smtp_starttls": False, "smtp_implicit_tls": True})
    assert not NotifySettings(smtp_starttls=False).smtp_starttls


def test_the_dev_outbox_is_not_mounted_outside_development(tmp_path: Path) -> None:
    settings = NotifySettings(
        environment="production",
        data_dir=tmp_path,
        kafka_bootstrap_servers="127.0.0.1:1",
        auth=_PRODUCTION_AUTH,
        link_key=SecretStr("q" * 40),
        audit_anchor_key=SecretStr("a" * 40),
        worker_interval_s=3600,
        **_PRODUCTION_TRANSPORT,
    )
    runtime = ServiceRuntime(definition(settings))
    runtime.migrate()
    app = runtime.app()
    assert not [route.path for route in app.routes if route.path.startswith("/dev")]
    with TestClient(app) as client:
        assert client.get("/dev/outbox").status_code == 404
