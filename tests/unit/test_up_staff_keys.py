"""`voorportaal up` gives the console a private key and every service its public key."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from buddy.session import Session, service_token
from buddy.settings import ConsoleSettings
from voorportaal import cli
from voorportaal_kit.auth import TokenVerifier
from voorportaal_routing.settings import RoutingSettings


def test_up_makes_one_key_pair_the_console_signs_with_and_the_services_verify_with(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(cli, "STAFF_KEYS_DIR", tmp_path / "keys")
    env: dict[str, str] = {}
    cli._staff_token_keys(env)
    private = Path(env["VOORPORTAAL_CONSOLE_STAFF_KEY_FILE"])
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    first = private.read_bytes()
    cli._staff_token_keys({})
    assert private.read_bytes() == first  # made once, kept across runs
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    now = datetime.now(UTC)
    signer = ConsoleSettings().staff_token_signer()
    assert signer.key is not None
    token = service_token(
        Session("cm-anna", "Anna", "casemanager", "team-noord", now, now), signer, now, 300
    )
    assert TokenVerifier(RoutingSettings().auth).verify(token).subject == "cm-anna"
