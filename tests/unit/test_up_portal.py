"""`voorportaal up` serves the citizen portal on port 3001 against the local services."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from voorportaal import cli
from voorportaal.services import PORTAL_PORT, SERVICES


class _Started:
    """Stands in for the portal's process: records how it was started."""

    calls: list[tuple[list[str], dict[str, Any]]] = []

    def __init__(self, args: list[str], **kwargs: Any) -> None:
        self.calls.append((args, kwargs))


def test_up_starts_the_portal_on_3001_with_the_intake_routing_and_dossier_it_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _Started.calls = []
    monkeypatch.setattr(subprocess, "Popen", _Started)
    cli._start_portal({"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092"}, tmp_path)
    (args, kwargs) = _Started.calls[0]
    assert args[-2:] == [str(cli.REPO_ROOT / "scripts" / "portal.sh"), "run"]
    env = kwargs["env"]
    assert PORTAL_PORT == 3001
    assert env["VOORPORTAAL_PORTAL_PORT"] == "3001"
    for name in ("intake", "routing", "dossier"):
        assert env[f"VOORPORTAAL_{name.upper()}_URL"] == f"http://127.0.0.1:{SERVICES[name].port}"
    # Its own session: Ctrl-C reaches `up`, which stops the portal with the rest.
    assert kwargs["start_new_session"] is True
    assert (tmp_path / "portal.log").exists()


def test_up_prints_the_portals_address_among_the_others(
    capsys: pytest.CaptureFixture[str],
) -> None:
    cli._print_urls({"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092"})
    assert f"portal   http://127.0.0.1:{PORTAL_PORT}" in capsys.readouterr().out
    cli._print_urls({"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092"}, portal=False)
    assert "portal   http" not in capsys.readouterr().out
