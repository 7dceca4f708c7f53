"""Submitting an intake on a running intake service publishes exactly one IntakeSubmitted;
amending it publishes one IntakeAmended after it, on the same key."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from intake_flow import ready, serve, stop, wait_until, walk
from kafka_reading import from_the_start

from voorportaal_contracts.envelope import from_kafka
from voorportaal_contracts.events import IntakeAmended, IntakeSubmitted

pytestmark = pytest.mark.integration
PORT = 8951


async def events_for(
    bootstrap: str, case_id: str, until: type[Any], wait_s: float = 60
) -> list[Any]:
    """The case's events on `intake.events`, read up to and including the first of type
    `until` (a marker published after everything the test looks at: one key, one partition,
    so nothing published before it can arrive after it)."""
    consumer = from_the_start(bootstrap, "intake.events")
    await consumer.start()
    found = []
    try:
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for r in records:
                    if r.key == case_id.encode():
                        found.append(from_kafka(r.key, r.value, r.headers))
            if any(isinstance(e.data, until) for e in found):
                return found
    finally:
        await consumer.stop()
    raise AssertionError(f"no {until.__name__} for {case_id} within {wait_s} s; got {found}")


def test_submit_and_amend_publish_one_event_each_with_the_contracted_envelope(
    pg_database_url: str, kafka_bootstrap: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "VOORPORTAAL_INTAKE_DATABASE_URL": pg_database_url,
        "VOORPORTAAL_INTAKE_HTTP_PORT": str(PORT),
    }
    proc = serve("intake", env, tmp_path)
    try:
        base = f"http://127.0.0.1:{PORT}"
        wait_until("intake ready", lambda: ready(base), 60)
        with httpx.Client(base_url=base, timeout=10) as http:
            intake = http.post("/intakes", json={"life_events": ["income_loss"]}).json()
            auth = {"Authorization": f"Bearer {intake['token']}"}
            intake = walk(http, intake, auth)
            first = http.post(f"/intakes/{intake['id']}/submit", headers=auth)
            second = http.post(f"/intakes/{intake['id']}/submit", headers=auth)
            change = {"step": "income_loss", "question": "has_money_to_live", "value": True}
            amended = http.post(
                f"/intakes/{intake['id']}/amendments", json={"changes": [change]}, headers=auth
            )
        assert first.status_code == second.status_code == amended.status_code == 200
        case_id = first.json()["case_id"]
        # The amendment came after both submits: once it is read, a second IntakeSubmitted
        # would have been read before it.
        events = asyncio.run(events_for(kafka_bootstrap, case_id, until=IntakeAmended))
    finally:
        stop([proc])
    assert len(events) == 2, "submitted twice and amended once: two events"
    event, amendment = events
    assert isinstance(event.data, IntakeSubmitted)
    assert event.subject == case_id
    assert event.source == "/voorportaal/intake"
    assert [e.value for e in event.data.life_events] == ["income_loss"]
    assert event.data.redzaamheid.value == first.json()["result"]["triage"]["redzaamheid"]
    assert isinstance(amendment.data, IntakeAmended)
    assert amendment.data.revision == 2
    assert amendment.data.changed == ["income_loss.has_money_to_live"]
    assert "no_income" in event.data.risks and "no_income" not in amendment.data.risks
