"""Session checks every handler makes, the API token it signs, and the API client's states."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from pydantic import SecretStr, ValidationError

from buddy import api
from buddy.headers import console_csp
from buddy.session import Denial, Session, check, service_token
from buddy.settings import ConsoleSettings
from voorportaal_kit.auth import (
    AuthenticationError,
    AuthSettings,
    TokenVerifier,
    generate_staff_key_pair,
)
from voorportaal_kit.settings import DEV_JWT_SECRET

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def session(role: str = "casemanager", last: datetime = T0) -> Session:
    return Session("cm-anna", "Anna Jansen", role, "team-noord", T0, last)


def test_no_session_is_signed_out() -> None:
    assert check(None, T0, 900) is Denial.SIGNED_OUT


def test_a_check_after_the_expiry_keeps_saying_the_session_expired(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The queue's live refresh can reach the server right after the check that ended the
    # session: the sign-in page must still say why (it flaked in the browser test).
    from buddy import state

    tab = state.SessionState(_reflex_internal_init=True)
    tab._session = session(last=T0)
    monkeypatch.setattr(state, "now", lambda: T0 + timedelta(hours=1))
    assert tab._authorize(None, touch=False) is Denial.EXPIRED
    assert tab._authorize(None, touch=False) is Denial.SIGNED_OUT
    assert tab.notice == "expired"
    fresh = state.SessionState(_reflex_internal_init=True)
    assert fresh._authorize(None, touch=False) is Denial.SIGNED_OUT
    assert fresh.notice == "signed_out"


def test_active_session_may_act() -> None:
    assert check(session(), T0 + timedelta(seconds=899), 900) is None


def test_idle_session_expires_at_the_limit() -> None:
    assert check(session(), T0 + timedelta(seconds=900), 900) is Denial.EXPIRED


def test_activity_moves_the_limit() -> None:
    touched = session().touched(T0 + timedelta(seconds=600))
    assert check(touched, T0 + timedelta(seconds=1200), 900) is None


def test_casemanager_is_forbidden_a_supervisor_handler() -> None:
    assert check(session(), T0, 900, ["supervisor"]) is Denial.FORBIDDEN
    assert check(session("supervisor"), T0, 900, ["supervisor"]) is None


def test_expiry_wins_over_role() -> None:
    late = T0 + timedelta(hours=1)
    assert check(session("supervisor"), late, 900, ["supervisor"]) is Denial.EXPIRED


def test_session_repr_has_no_name() -> None:
    assert "Anna" not in repr(session())


def test_service_token_is_signed_by_the_consoles_key_and_verified_by_its_public_key(
    tmp_path: Path,
) -> None:
    private, public = generate_staff_key_pair()
    (tmp_path / "console.key").write_bytes(private)
    signer = ConsoleSettings(staff_key_file=tmp_path / "console.key").staff_token_signer()
    # The services hold the public key only: no HS256 secret at all.
    services = AuthSettings(algorithms=["ES256"], staff_public_key_pem=public.decode())
    now = datetime.now(UTC)
    token = service_token(session(), signer, now, 300)
    principal = TokenVerifier(services).verify(token)
    assert principal.subject == "cm-anna"
    assert principal.roles == frozenset({"casemanager"})
    assert principal.name == "Anna Jansen"
    assert principal.team == "team-noord"
    assert jwt.get_unverified_header(token)["alg"] == "ES256"
    assert "BEGIN" not in repr(signer)
    # What the console used to send, HS256 with the shared secret, those services refuse.
    old = service_token(session(), ConsoleSettings().staff_token_signer(), now, 300)
    with pytest.raises(AuthenticationError, match="signing algorithm not allowed"):
        TokenVerifier(services).verify(old)


def test_without_a_key_development_falls_back_to_the_development_secret() -> None:
    settings = AuthSettings(hs256_secret=SecretStr(DEV_JWT_SECRET))
    now = datetime.now(UTC)
    teamless = Session("sv-oidc-1", "Sophie", "supervisor", "", T0, T0)
    signer = ConsoleSettings().staff_token_signer()
    assert signer.key is None
    principal = TokenVerifier(settings).verify(service_token(teamless, signer, now, 300))
    assert principal.subject == "sv-oidc-1"
    assert principal.team is None


PRODUCTION_OIDC: dict[str, Any] = {
    "environment": "production",
    "auth_mode": "oidc",
    "oidc_issuer": "https://login.example.nl",
    "oidc_client_id": "buddy",
}


def test_production_refuses_local_accounts_and_any_shared_secret(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="OIDC"):
        ConsoleSettings(environment="production")
    with pytest.raises(ValidationError, match="staff_key_file: production needs"):
        ConsoleSettings(**PRODUCTION_OIDC)
    (tmp_path / "console.key").write_bytes(generate_staff_key_pair()[0])
    with_key = {**PRODUCTION_OIDC, "staff_key_file": tmp_path / "console.key"}
    with pytest.raises(ValidationError, match="accounts_file: development default"):
        ConsoleSettings(**with_key)
    with_key["accounts_file"] = tmp_path / "colleagues.toml"
    with pytest.raises(ValidationError, match=r"token\.hs256_secret: development default"):
        ConsoleSettings(**with_key, token=AuthSettings(hs256_secret=SecretStr(DEV_JWT_SECRET)))
    with pytest.raises(ValidationError, match="never with a shared secret"):
        ConsoleSettings(**with_key, token=AuthSettings(hs256_secret=SecretStr("s" * 40)))
    settings = ConsoleSettings(**with_key)
    assert settings.staff_token_signer().key is not None
    assert settings.staff_token_signer().hs256 is None


@pytest.mark.parametrize("value", ["prod", "Production", "test"])
def test_an_unknown_console_environment_is_refused(value: str) -> None:
    with pytest.raises(ValidationError) as refused:
        ConsoleSettings(environment=value)
    assert refused.value.errors()[0]["loc"] == ("environment",)


def test_an_unreadable_or_wrong_staff_key_is_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="staff_key_file: cannot read"):
        ConsoleSettings(staff_key_file=tmp_path / "missing.key")
    (tmp_path / "public.pem").write_bytes(generate_staff_key_pair()[1])
    with pytest.raises(ValidationError, match="not an unencrypted PEM private key"):
        ConsoleSettings(staff_key_file=tmp_path / "public.pem")


def test_the_console_csp_allows_only_its_own_origin_and_websocket() -> None:
    csp = console_csp(ConsoleSettings(public_url="https://buddy.example.nl"))
    assert "connect-src 'self' wss://buddy.example.nl" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "http:" not in csp


def test_the_console_accepts_both_loopback_names_in_development() -> None:
    # `voorportaal up` prints http://127.0.0.1:3000; the default public URL is localhost.
    settings = ConsoleSettings(port=3000)
    assert settings.allowed_origins == ("http://localhost:3000", "http://127.0.0.1:3000")
    csp = console_csp(settings)
    assert "connect-src 'self' ws://localhost:3000 ws://127.0.0.1:3000;" in csp
    opened_at_ip = ConsoleSettings(public_url="http://127.0.0.1:3000/")
    assert opened_at_ip.allowed_origins == ("http://127.0.0.1:3000", "http://localhost:3000")


def test_a_public_console_accepts_only_its_own_origin() -> None:
    settings = ConsoleSettings(public_url="https://buddy.example.nl/")
    assert settings.allowed_origins == ("https://buddy.example.nl",)
    # OIDC sends the browser back to the public URL whatever origin the page claims.
    assert settings.url_at("https://evil.example") == "https://buddy.example.nl"


def test_oidc_returns_to_the_loopback_name_the_page_was_opened_at() -> None:
    settings = ConsoleSettings(port=3000)
    assert settings.url_at("http://127.0.0.1:3000") == "http://127.0.0.1:3000"
    assert settings.url_at("http://localhost:3000") == "http://localhost:3000"
    assert settings.url_at("http://127.0.0.1:4000") == "http://localhost:3000"
    with_path = ConsoleSettings(public_url="http://localhost:3000/buddy")
    assert with_path.url_at("http://127.0.0.1:3000") == "http://127.0.0.1:3000/buddy"


async def test_closed_port_is_unreachable_not_empty() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    endpoints = api.Endpoints(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}", 2.0)
    with pytest.raises(api.Unreachable):
        await api.work_queue(endpoints, "token", "mine", {})
    with pytest.raises(api.Unreachable):
        await api.case_referrals(endpoints, "token", "case-123456")
