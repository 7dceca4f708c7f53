"""Services as real processes, an intake submitted over HTTP as a citizen does, and waiting
(on conditions, never fixed sleeps) for what then lands on a topic."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from aiokafka.admin import AIOKafkaAdminClient
from kafka_reading import from_the_start

from voorportaal_contracts.envelope import Envelope, from_kafka
from voorportaal_intake.demo import sample_answer
from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.auth import issue_token


def serve(service: str, env: dict[str, str], logs: Path) -> subprocess.Popen[bytes]:
    """`voorportaal serve SERVICE` as a child process, its output in `logs/SERVICE.log`."""
    out = (logs / f"{service}.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "voorportaal", "serve", service],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )


def stop(procs: Collection[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each, then wait for all (a service stopping while Kafka is away takes longer:
    its clients give up on the broker first)."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(60)


@contextmanager
def running(env: dict[str, str], logs: Path, ports: dict[str, int]) -> Iterator[None]:
    """The services `ports` names as processes, each ready on its port before the block runs;
    stopped after, with their logs' warnings and errors printed (pytest shows them when the
    test failed)."""
    procs = [serve(service, env, logs) for service in ports]
    try:
        for service, port in ports.items():
            base = f"http://127.0.0.1:{port}"
            wait_until(f"{service} ready", lambda base=base: ready(base), 120)
        yield
    finally:
        stop(procs)
        for name in ports:
            print(f"--- {name} log (problems only) ---")
            for line in (logs / f"{name}.log").read_text().splitlines():
                if '"level": "warning"' in line or '"level": "error"' in line:
                    print(line[:600])


def wait_until(
    what: str, condition: Callable[[], Any], timeout_s: float, every_s: float = 0.3
) -> Any:
    """Poll `condition` until it returns something true (returned) or `timeout_s` passes."""
    deadline = time.monotonic() + timeout_s
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = condition()
            if last:
                return last
        except httpx.HTTPError as exc:  # not listening yet: keep polling
            last = exc
        time.sleep(every_s)
    raise AssertionError(f"{what}: not within {timeout_s}s (last: {last!r})")


def ready(base: str) -> dict[str, Any] | None:
    """The `/ready` answer when it is 200, else None."""
    response = httpx.get(f"{base}/ready", timeout=5)
    return response.json() if response.status_code == 200 else None  # type: ignore[no-any-return]


def submit_intake(base: str) -> str:
    """Start, answer, take in (as a desk supervisor) and submit one intake; its case id."""
    with httpx.Client(base_url=base, timeout=15) as http:
        return submit_intake_on(http)


def submit_intake_on(http: httpx.Client) -> str:
    """`submit_intake` with a client of the caller's (e.g. Litestar's TestClient)."""
    return str(submitted_on(http)["case_id"])


def submitted_on(http: httpx.Client) -> Any:
    """`submit_intake_on`, answered with the whole answer to the submit."""
    intake = http.post("/intakes", json={"life_events": ["income_loss"]}).json()
    auth = {"Authorization": f"Bearer {intake['token']}"}
    url = f"/intakes/{intake['id']}"
    named = http.put(f"{url}/citizen", json={"name": "T. Est"}, headers=auth)
    assert named.status_code == 204, named.text
    # An address of its own: one-time codes are limited per address.
    email = f"t-{uuid.uuid4().hex[:12]}@example.org"
    contact = {"channels": ["email"], "email": email, "share_with": ["toeslagen"]}
    reachable = http.put(f"{url}/contact", json=contact, headers=auth)
    assert reachable.status_code == 204, reachable.text
    walk(http, intake, auth)
    # The e-mail is not confirmed: a supervisor takes the intake in, so routing does not
    # hold it.
    supervisor = issue_token(IntakeSettings().auth, "sv-desk", ["supervisor"])
    taken = http.post(f"{url}/take-in", headers={"Authorization": f"Bearer {supervisor}"})
    assert taken.status_code == 200, taken.text
    submitted = http.post(f"{url}/submit", headers=auth)
    assert submitted.status_code == 200, submitted.text
    return submitted.json()


def walk(http: httpx.Client, intake: Any, auth: dict[str, str]) -> Any:
    """Answer each question the intake asks next with the demo's sample answer; the intake
    once none is left."""
    while intake["next"] is not None:
        step, q = intake["next"]["step"], intake["next"]["question"]
        intake = http.put(
            f"/intakes/{intake['id']}/answers/{step}/{q['id']}",
            json={"value": sample_answer(q)},
            headers=auth,
        ).json()
    return intake


async def walk_async(http: httpx.AsyncClient, intake: Any, auth: dict[str, str]) -> Any:
    """`walk` on an async client (the service in-process, over ASGI)."""
    while intake["next"] is not None:
        step, q = intake["next"]["step"], intake["next"]["question"]
        answered = await http.put(
            f"/intakes/{intake['id']}/answers/{step}/{q['id']}",
            json={"value": sample_answer(q)},
            headers=auth,
        )
        intake = answered.json()
    return intake


async def wait_for_events(
    bootstrap: str, topic: str, keys: Collection[str], event_type: str, timeout_s: float
) -> dict[str, list[Envelope]]:
    """Read `topic` from the beginning until every key has an event of `event_type`; every
    such event per key (duplicates included: the caller decides what counts)."""
    deadline = time.monotonic() + timeout_s
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        while topic not in await admin.list_topics():
            assert time.monotonic() < deadline, f"{topic} was never created"
            await asyncio.sleep(0.5)
    finally:
        await admin.close()
    consumer = from_the_start(bootstrap, topic)
    await consumer.start()
    wanted = {key.encode() for key in keys}
    found: dict[str, list[Envelope]] = {key: [] for key in keys}
    try:
        while any(not events for events in found.values()):
            assert time.monotonic() < deadline, f"missing on {topic}: " + ", ".join(
                k for k, v in found.items() if not v
            )
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for r in records:
                    if r.key in wanted:
                        envelope = from_kafka(r.key, r.value, r.headers)
                        if envelope.type == event_type:
                            found[r.key.decode()].append(envelope)
    finally:
        await consumer.stop()
    return found
