"""One-time codes under any history of contact steps, resends, right and wrong codes and
passing time, against a model of the rules (hypothesis): the answer to each step, and which
address counts as confirmed, are what the model says."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient
from sqlalchemy import create_engine, text

from voorportaal_intake.app import definition
from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.runtime import ServiceRuntime

PHONES = {"A": "+31611111111", "B": "+31622222222"}
TTL = timedelta(minutes=15)
MAX_ATTEMPTS = 5

STEPS = st.lists(
    # "wrong" weighs three times: spending a code takes five of them in a row.
    st.sampled_from(
        ["contact:A", "contact:B", "resend", "verify:latest", "verify:first", "tick"]
        + ["wrong"] * 3
    ),
    min_size=1,
    max_size=20,
)


@dataclass
class Code:
    address: str
    code: str
    issued: datetime
    status: str = "pending"
    attempts: int = 0


@dataclass
class Model:
    """The rules, written once more in the plainest way."""

    now: datetime
    address: str | None = None
    codes: list[Code] = field(default_factory=list)
    confirmed: set[str] = field(default_factory=set)

    def live(self) -> list[Code]:
        return [c for c in self.codes if c.status == "pending" and self.now < c.issued + TTL]

    def needs_code(self, address: str, again: bool) -> bool:
        if address in self.confirmed:
            return False
        return again or not any(c.address == address for c in self.live())

    def issue(self, address: str, code: str) -> None:
        for old in self.codes:
            if old.status == "pending":
                old.status = "superseded"
        self.codes.append(Code(address, code, self.now))

    def verify(self, code: str) -> bool:
        live = self.live()
        for candidate in live:
            if candidate.code == code:
                candidate.status = "confirmed"
                self.confirmed.add(candidate.address)
                return True
        for candidate in live:
            candidate.attempts += 1
            if candidate.attempts >= MAX_ATTEMPTS:
                candidate.status = "spent"
        return False


START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, FixedClock, Path]]:
    tmp = tmp_path_factory.mktemp("code-histories")
    config = IntakeSettings(
        data_dir=tmp,
        kafka_bootstrap_servers="127.0.0.1:1",
        codes_per_address_hour=10_000,
        codes_per_address_day=10_000,
        codes_per_intake_day=10_000,
        starts_per_client_hour=10_000,
        starts_per_client_day=10_000,
    )
    clock = FixedClock(START)
    runtime = ServiceRuntime(definition(config), clock=clock)
    runtime.migrate()
    with TestClient(runtime.app()) as client:
        yield client, clock, tmp / "intake.db"


def _codes_of(db: Path, case_id: str) -> list[str]:
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT value FROM outbox WHERE topic = 'contact.verifications' "
                "AND message_key = :case ORDER BY id"
            ),
            {"case": case_id},
        ).all()
    engine.dispose()
    return [json.loads(bytes(r[0]))["code"] for r in rows]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
@example(steps=["contact:A", *["wrong"] * MAX_ATTEMPTS, "verify:latest"])  # spent
@example(steps=["contact:A", "tick", "tick", "tick", "verify:latest"])  # expired
@example(steps=["contact:A", "tick", "tick", "tick", "contact:A", "verify:latest"])  # a new one
@example(steps=["contact:A", "resend", "verify:first", "verify:latest"])  # superseded
@example(steps=["contact:A", "verify:latest", "contact:B", "contact:A", "resend"])  # kept
def test_codes_follow_the_rules_in_any_history(harness: Any, steps: list[str]) -> None:
    client, clock, db = harness
    intake = client.post("/intakes", json={"life_events": ["divorce"]}).json()
    auth = {"Authorization": f"Bearer {intake['token']}"}
    url = f"/intakes/{intake['id']}"
    model = Model(now=clock.now())
    for step in steps:
        issued_before = len(_codes_of(db, intake["case_id"]))
        if step.startswith("contact:"):
            address = PHONES[step[-1]]
            expect_code = model.needs_code(address, again=False)
            response = client.put(
                f"{url}/contact", json={"channels": ["sms"], "phone": address}, headers=auth
            )
            assert response.status_code == 204, response.text
            model.address = address
        elif step == "resend":
            expect_code = model.address is not None and model.needs_code(model.address, True)
            response = client.post(f"{url}/contact/resend", headers=auth)
            assert response.status_code == (202 if expect_code else 409), (step, response.text)
        elif step == "tick":
            clock.advance(timedelta(minutes=6))
            model.now = clock.now()
            continue
        else:
            issued = _codes_of(db, intake["case_id"])
            if step == "wrong":
                code = next(f"{n:06d}" for n in range(10**6) if f"{n:06d}" not in issued)
            elif not issued:
                continue
            else:
                code = issued[-1] if step == "verify:latest" else issued[0]
            right = model.verify(code)
            response = client.post(f"{url}/contact/verify", json={"code": code}, headers=auth)
            assert response.status_code == (200 if right else 400), (step, response.text)
            if right:
                verified = response.json()["verified"]
                assert verified == (["sms"] if model.address in model.confirmed else [])
            continue
        codes = _codes_of(db, intake["case_id"])
        assert len(codes) == issued_before + (1 if expect_code else 0), step
        if expect_code:
            assert model.address is not None
            model.issue(model.address, codes[-1])
