"""The demo confirms its addresses with the codes it reads back, or has the desk take the
intakes in when none arrive."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from intake_api import sql

from voorportaal_intake import demo
from voorportaal_intake.app import definition
from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.runtime import ServiceRuntime


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    settings = IntakeSettings(data_dir=tmp_path, kafka_bootstrap_servers="127.0.0.1:1")
    runtime = ServiceRuntime(definition(settings))
    runtime.migrate()
    config = uvicorn.Config(runtime.app(), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    monkeypatch.setenv("VOORPORTAAL_INTAKE_HTTP_PORT", str(port))
    monkeypatch.setattr(demo, "CODE_WAIT_S", 1.0)
    try:
        yield tmp_path / "intake.db"
    finally:
        server.should_exit = True
        thread.join(10)


def _codes_in_outbox(db: Path) -> dict[str, list[str]]:
    """What notify would have delivered: the codes staged for each address."""
    rows = sql(db, "SELECT value FROM outbox WHERE topic = 'contact.verifications' ORDER BY id")
    found: dict[str, list[str]] = {}
    for (value,) in rows:
        event: dict[str, Any] = json.loads(bytes(value))
        found.setdefault(event.get("phone") or event["email"], []).append(event["code"])
    return found


def _intakes(db: Path) -> list[tuple[Any, ...]]:
    rows = sql(db, "SELECT awaiting_confirmation, confirmed_by, taken_in_by FROM intakes")
    return [tuple(r) for r in rows]


def test_the_demo_confirms_every_address_with_the_code_it_received(served: Path) -> None:
    cases = demo.seed(read_codes=lambda: _codes_in_outbox(served))
    assert len(cases) == 4
    assert _intakes(served) == [(False, "citizen", None)] * 4


def test_without_codes_a_supervisor_takes_the_held_intake_in(served: Path) -> None:
    cases = demo.seed(read_codes=dict)
    assert len(cases) == 4
    rows = _intakes(served)
    assert rows.count((False, None, None)) == 3  # started at the desk: never held
    assert (False, "staff", "demo-supervisor") in rows  # the wijkteam's, taken in
