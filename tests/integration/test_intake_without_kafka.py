"""The intake API stays up while Kafka is down: it starts without a broker, accepts intakes
(kept in its outbox), stays ready, and the intakes flow once the broker is back — also when
the broker goes away while it runs. On a broker of the test's own (never the shared one)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from intake_flow import ready, serve, stop, submit_intake, wait_for_events, wait_until
from own_kafka import own_broker

from voorportaal_contracts.events import IntakeSubmitted
from voorportaal_contracts.topics import INTAKE_EVENTS

pytestmark = pytest.mark.integration
PORT = 18961
BASE = f"http://127.0.0.1:{PORT}"


def _messaging() -> dict[str, object]:
    answer = ready(BASE)
    assert answer is not None, "/ready must stay 200 whatever Kafka does"
    return answer["messaging"]  # type: ignore[no-any-return]


def test_intake_starts_and_accepts_intakes_while_kafka_is_down_and_they_flow_once_it_is_back(
    pg_database_url: str, tmp_path: Path
) -> None:
    with own_broker(tmp_path / "state") as kafka:
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap,
            "VOORPORTAAL_INTAKE_DATABASE_URL": pg_database_url,
            "VOORPORTAAL_INTAKE_HTTP_PORT": str(PORT),
        }
        intake = serve("intake", env, tmp_path)
        try:
            # 1. No broker at all: the service starts, is ready, and takes intakes.
            first = wait_until("intake ready without a broker", lambda: ready(BASE), 120)
            assert first["checks"] == {"database": "ok"}
            assert first["messaging"]["broker"].startswith("unavailable")
            assert first["messaging"]["consumers"] == "starting"
            before = [submit_intake(BASE) for _ in range(2)]
            assert _messaging()["outbox_backlog"] >= 2

            kafka.start()
            arrived = asyncio.run(
                wait_for_events(
                    kafka.bootstrap, INTAKE_EVENTS, before, IntakeSubmitted.event_type, 120
                )
            )
            assert {len({e.id for e in events}) for events in arrived.values()} == {1}
            wait_until(
                "messaging ok once the broker is up",
                lambda: _messaging()["status"] == "ok",
                90,
            )

            # 2. The broker goes away while the service runs: still ready, still taking intakes.
            kafka.stop()
            wait_until(
                "the broker reported unavailable",
                lambda: str(_messaging()["broker"]).startswith("unavailable"),
                30,
            )
            during = [submit_intake(BASE) for _ in range(2)]
            assert ready(BASE) is not None

            kafka.start()
            arrived = asyncio.run(
                wait_for_events(
                    kafka.bootstrap, INTAKE_EVENTS, during, IntakeSubmitted.event_type, 150
                )
            )
            assert {len({e.id for e in events}) for events in arrived.values()} == {1}
            wait_until("the outbox drained", lambda: _messaging()["outbox_backlog"] == 0, 60)
        finally:
            stop([intake])
            print("--- intake log (problems only) ---")
            for line in (tmp_path / "intake.log").read_text().splitlines():
                if '"level": "warning"' in line or '"level": "error"' in line:
                    print(line[:400])
