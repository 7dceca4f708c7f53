"""Intake → routing → the agency's own topic → a signed answer → case.events, on the real
broker and PostgreSQL, with the services as real processes and the agency played by the
`voorportaal agency` reference integration."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from intake_flow import running, submitted_on

from voorportaal_contracts.envelope import from_kafka
from voorportaal_kit.auth import issue_token
from voorportaal_routing.settings import RoutingSettings

pytestmark = pytest.mark.integration
INTAKE_PORT, ROUTING_PORT = 8954, 8955


@pytest.fixture
def services(
    pg_database_url: str, second_pg_database_url: str, kafka_bootstrap: str, tmp_path: Path
) -> Iterator[dict[str, str]]:
    routing_db = second_pg_database_url
    if True:
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "VOORPORTAAL_INTAKE_DATABASE_URL": pg_database_url,
            "VOORPORTAAL_INTAKE_HTTP_PORT": str(INTAKE_PORT),
            "VOORPORTAAL_ROUTING_DATABASE_URL": routing_db,
            "VOORPORTAAL_ROUTING_HTTP_PORT": str(ROUTING_PORT),
            "VOORPORTAAL_AGENCY_DIR": str(tmp_path / "agency"),
        }
        with running(env, tmp_path, {"intake": INTAKE_PORT, "routing": ROUTING_PORT}):
            yield env


AGENCY = "toeslagen"
"""The agency the test plays; the sample intake shares with it."""


def _submit_intake(port: int = INTAKE_PORT) -> str:
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
        submitted = submitted_on(http)
    assert submitted["awaiting_confirmation"] is False
    return str(submitted["case_id"])


def _referrals(
    case_id: str, until: Any, wait_s: float = 60, port: int = ROUTING_PORT
) -> list[dict[str, Any]]:
    token = issue_token(RoutingSettings().auth, "sv-test", ["supervisor"])
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            response = http.get(
                f"/cases/{case_id}/referrals", headers={"Authorization": f"Bearer {token}"}
            )
            if response.status_code == 200 and until(response.json()):
                return list(response.json())
            time.sleep(0.5)
    raise AssertionError(f"referrals of {case_id} never got there")


def _dead_letters(env: dict[str, str], wanted: Any, wait_s: float = 60) -> list[dict[str, Any]]:
    """The dead letters of `referral.responses` that `wanted` picks, once there is one."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        listed = subprocess.run(
            [sys.executable, "-m", "voorportaal", "dlq", "list", "referral.responses", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.splitlines()
        found = [letter for letter in map(json.loads, listed) if wanted(letter)]
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError("no such dead letter on referral.responses.dlq")


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "voorportaal", "agency", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def _case_events(bootstrap: str, case_id: str, wait_for: str) -> list[str]:
    consumer = AIOKafkaConsumer(
        "case.events",
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found: list[str] = []
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and wait_for not in found:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found += [
                    from_kafka(r.key, r.value, r.headers).type
                    for r in records
                    if r.key == case_id.encode()
                ]
    finally:
        await consumer.stop()
    return found


def test_an_agency_reads_its_referral_and_its_signed_answer_moves_it(
    services: dict[str, str], kafka_bootstrap: str
) -> None:
    # The demo answers: dismissed after too few weeks for WW, with allowances, no money: the
    # allowances office (Dienst Toeslagen) gets one referral, with the story (shared).
    case_id = _submit_intake()
    rows = _referrals(case_id, lambda rows: any(r["agency_code"] == AGENCY for r in rows))
    referral = next(r for r in rows if r["agency_code"] == AGENCY)
    assert referral["state"] == "issued" and referral["reasons"]

    group = f"test-{uuid.uuid4().hex[:8]}"
    mine: list[dict[str, Any]] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the agency keeps listening until the story is there
        listened = _cli(services, "listen", AGENCY, "--once", "--json", "--group", group)
        mine += [
            m
            # other lines are notes about messages it cannot read (other branches' event
            # types on the shared broker's topic), not offers
            for m in map(json.loads, (x for x in listened.splitlines() if x.startswith("{")))
            if m.get("case_id") == case_id and m["type"].endswith("offered")
        ]
        if mine and mine[-1]["handover"]["name"]:
            break
    assert {m["referral_id"] for m in mine} == {referral["id"]}
    # The citizen shares with the agency: the latest offer (the identity may come after the first)
    # carries who they are.
    assert mine[-1]["handover"]["name"] == "T. Est"

    assert "accept sent" in _cli(services, "respond", referral["id"], "accept")
    _referrals(case_id, lambda rows: any(r["state"] == "accepted" for r in rows))

    # A forged answer (wrong key) is refused: the referral does not move, the DLQ says why.
    forged = {**services, "VOORPORTAAL_AGENCY_KEY": "not-the-agencys-key-" + "x" * 32}
    _cli(forged, "respond", referral["id"], "complete", "--outcome", "klaar")
    # Routing has handled the forged answer once its dead letter is there; only then can it be
    # said that the referral did not move.
    refused = _dead_letters(
        services,
        lambda letter: letter["code"] == "response_rejected" and referral["id"] in letter["reason"],
    )
    assert refused
    after = _referrals(case_id, lambda rows: True)
    assert next(r for r in after if r["id"] == referral["id"])["state"] == "accepted"

    kinds = asyncio.run(
        _case_events(kafka_bootstrap, case_id, "nl.voorportaal.case.referral-accepted")
    )
    assert "nl.voorportaal.case.referral-issued" in kinds
    assert "nl.voorportaal.case.referral-accepted" in kinds
    assert "nl.voorportaal.case.referral-completed" not in kinds
