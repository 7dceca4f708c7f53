"""The portal's settings and security headers: port 3001, both loopback names, its own CSP."""

from __future__ import annotations

import pytest

from portal.headers import portal_csp
from portal.settings import PortalSettings


def test_the_portal_listens_on_port_3001_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("VOORPORTAAL_PORTAL_PORT", "VOORPORTAAL_PORTAL_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = PortalSettings()
    assert settings.port == 3001
    assert settings.effective_public_url == "http://localhost:3001"


def test_a_loopback_portal_accepts_both_localhost_and_127_0_0_1() -> None:
    settings = PortalSettings(port=3001)
    assert set(settings.allowed_origins) == {"http://localhost:3001", "http://127.0.0.1:3001"}
    csp = portal_csp(settings)
    assert "ws://localhost:3001" in csp
    assert "ws://127.0.0.1:3001" in csp


def test_a_public_portal_accepts_only_its_own_origin() -> None:
    settings = PortalSettings(public_url="https://voorportaal.example.nl/")
    assert settings.allowed_origins == ("https://voorportaal.example.nl",)
    csp = portal_csp(settings)
    assert "wss://voorportaal.example.nl" in csp
    assert "localhost" not in csp
    assert "frame-ancestors 'none'" in csp


def test_the_api_urls_come_from_the_suites_shared_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOORPORTAAL_INTAKE_URL", "http://127.0.0.1:9101")
    monkeypatch.setenv("VOORPORTAAL_ROUTING_URL", "http://127.0.0.1:9102")
    monkeypatch.setenv("VOORPORTAAL_PORTAL_DOSSIER_URL", "http://127.0.0.1:9103")
    settings = PortalSettings()
    assert settings.intake_url == "http://127.0.0.1:9101"
    assert settings.routing_url == "http://127.0.0.1:9102"
    assert settings.dossier_url == "http://127.0.0.1:9103"
