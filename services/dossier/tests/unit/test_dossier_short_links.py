"""A message's short link (signed by notify with the shared key) opens the citizen's view."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from litestar.testing import TestClient

from voorportaal_contracts.citizen_links import sign_link_token
from voorportaal_dossier.app import definition
from voorportaal_dossier.settings import DossierSettings
from voorportaal_kit.runtime import ServiceRuntime


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[TestClient[object], DossierSettings]]:
    settings = DossierSettings(data_dir=tmp_path, kafka_bootstrap_servers="127.0.0.1:1")
    runtime = ServiceRuntime(definition(settings))
    runtime.migrate()
    with TestClient(runtime.app()) as test_client:
        yield test_client, settings


def test_a_valid_short_link_leads_to_the_view_with_a_link_that_expires_no_later(
    client: tuple[TestClient[object], DossierSettings],
) -> None:
    http, settings = client
    expires = datetime.now(UTC) + timedelta(days=2)
    token = sign_link_token(
        settings.link_key, case_id="vp-short-link-0001", page="promises", expires_at=expires
    )
    response = http.get(f"/citizen/l/{token}", follow_redirects=False)
    assert response.status_code == 303, response.text
    target = urlparse(response.headers["location"])
    assert target.path == "/citizen/cases/vp-short-link-0001"
    assert target.fragment == "promises"
    assert parse_qs(target.query)["link"][0]


@pytest.mark.parametrize("damage", ["x", "forged", "expired"])
def test_a_damaged_forged_or_expired_short_link_is_refused(
    client: tuple[TestClient[object], DossierSettings], damage: str
) -> None:
    http, settings = client
    key = settings.link_key if damage != "forged" else b"another-key-" + b"0" * 32
    expires = datetime.now(UTC) + timedelta(days=1)
    if damage == "expired":
        expires = datetime.now(UTC) - timedelta(seconds=5)
    token = sign_link_token(key, case_id="vp-short-link-0001", page="overview", expires_at=expires)
    if damage == "x":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = http.get(f"/citizen/l/{token}", follow_redirects=False)
    assert response.status_code == 401
