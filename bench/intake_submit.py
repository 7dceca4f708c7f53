"""Intake submit throughput and latency, against a trivial Litestar endpoint in the same run.

    uv run python bench/intake_submit.py [--intakes 400] [--concurrency 20]

Both servers run as real uvicorn processes on 127.0.0.1 (one worker each, the same settings);
the intake service uses PostgreSQL and Kafka as in production. Intakes are walked to the end
first; then their submits are fired (a) as fast as `--concurrency` clients allow, for
throughput, and (b) at a fixed 100 submits/s, for latency. Targets (issue 3): submit at least
40 % of the trivial endpoint's requests/s; p99 below 100 ms at 100 submits/s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from voorportaal_intake.demo import sample_answer
from voorportaal_kit.db import create_database, drop_database

ROOT = Path(__file__).resolve().parents[1]
PG = "postgresql+asyncpg://voorportaal:voorportaal@127.0.0.1:5432/voorportaal_bench"


async def wait_up(url: str) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(240):
            try:
                await http.get(url, timeout=2)
                return
            except httpx.HTTPError:
                await asyncio.sleep(0.25)
    raise TimeoutError(url)


async def prepare(base: str, n: int) -> list[tuple[str, dict[str, str]]]:
    """`n` intakes answered to the end (not yet submitted)."""
    ready: list[tuple[str, dict[str, str]]] = []

    async def one(http: httpx.AsyncClient) -> None:
        intake = (await http.post("/intakes", json={"life_events": ["income_loss"]})).json()
        auth = {"Authorization": f"Bearer {intake['token']}"}
        while intake["next"] is not None:
            step, q = intake["next"]["step"], intake["next"]["question"]
            intake = (
                await http.put(
                    f"/intakes/{intake['id']}/answers/{step}/{q['id']}",
                    json={"value": sample_answer(q)},
                    headers=auth,
                )
            ).json()
        ready.append((intake["id"], auth))

    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        for start in range(0, n, 20):
            await asyncio.gather(*(one(http) for _ in range(min(20, n - start))))
    return ready


async def flood(calls: list[Any], concurrency: int) -> tuple[float, list[float]]:
    """Run the calls with `concurrency` workers; (requests/s, latencies in s)."""
    queue = list(calls)
    latencies: list[float] = []

    async def worker() -> None:
        while queue:
            call = queue.pop()
            t = time.perf_counter()
            response = await call()
            latencies.append(time.perf_counter() - t)
            response.raise_for_status()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(calls) / (time.perf_counter() - started), latencies


async def paced(calls: list[Any], per_second: float) -> list[float]:
    """Fire the calls at a fixed rate; latencies in s."""
    latencies: list[float] = []

    async def timed(call: Any) -> None:
        t = time.perf_counter()
        response = await call()
        latencies.append(time.perf_counter() - t)
        response.raise_for_status()

    tasks = []
    started = time.perf_counter()
    for i, call in enumerate(calls):
        delay = started + i / per_second - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(timed(call)))
    await asyncio.gather(*tasks)
    return latencies


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * p), len(ordered) - 1)] * 1000


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--intakes", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()

    db = PG.replace("voorportaal_bench", f"voorportaal_bench_{uuid.uuid4().hex[:6]}")
    await create_database(db)
    env = {
        **os.environ,
        "VOORPORTAAL_INTAKE_DATABASE_URL": db,
        "VOORPORTAAL_INTAKE_HTTP_PORT": "8961",
        "VOORPORTAAL_INTAKE_LOG_LEVEL": "WARNING",
        # Every intake comes from 127.0.0.1: lift the per-client limit of anonymous starts.
        "VOORPORTAAL_INTAKE_STARTS_PER_CLIENT_HOUR": "1000000",
        "VOORPORTAAL_INTAKE_STARTS_PER_CLIENT_DAY": "1000000",
    }
    intake = subprocess.Popen(
        [sys.executable, "-m", "voorportaal", "serve", "intake"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    trivial = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "trivial_app.py"), "8962"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        await wait_up("http://127.0.0.1:8961/health")
        await wait_up("http://127.0.0.1:8962/echo")
        total = args.intakes
        ready = await prepare("http://127.0.0.1:8961", total * 2)
        body = {"intake_id": str(uuid.uuid4()), "answers": {"a": 1}}
        async with (
            httpx.AsyncClient(base_url="http://127.0.0.1:8962") as trivial_http,
            httpx.AsyncClient(base_url="http://127.0.0.1:8961", timeout=30) as http,
        ):
            trivial_rps, _ = await flood(
                [lambda: trivial_http.post("/echo", json=body)] * total, args.concurrency
            )
            submit_rps, flood_lat = await flood(
                [
                    lambda i=i, a=a: http.post(f"/intakes/{i}/submit", headers=a)
                    for i, a in ready[:total]
                ],
                args.concurrency,
            )
            paced_lat = await paced(
                [
                    lambda i=i, a=a: http.post(f"/intakes/{i}/submit", headers=a)
                    for i, a in ready[total:]
                ],
                100.0,
            )
    finally:
        for proc in (intake, trivial):
            proc.terminate()
            proc.wait(30)
        await drop_database(db)

    ratio = submit_rps / trivial_rps
    print(
        f"trivial endpoint {trivial_rps:.0f} req/s; submit {submit_rps:.0f} req/s "
        f"at concurrency {args.concurrency} -> {ratio:.0%} (target >= 40%): "
        f"{'OK' if ratio >= 0.4 else 'BELOW TARGET'}"
    )
    print(
        f"submit under full load: p50 {pct(flood_lat, 0.5):.1f} ms, "
        f"p99 {pct(flood_lat, 0.99):.1f} ms"
    )
    p99 = pct(paced_lat, 0.99)
    print(
        f"submit at 100/s ({len(paced_lat)} submits): p50 {pct(paced_lat, 0.5):.1f} ms, "
        f"p99 {p99:.1f} ms, mean {statistics.mean(paced_lat) * 1000:.1f} ms "
        f"(target p99 < 100 ms): {'OK' if p99 < 100 else 'ABOVE TARGET'}"
    )


if __name__ == "__main__":
    asyncio.run(main())
