"""Fixtures of the buddy console tests: a real dossier service (seeded with contract events,
see `dossier_harness.py`) and the console served in prod mode against it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest
from console_harness import ARTIFACTS, CHROMEDRIVER, CHROMIUM, IDLE_TIMEOUT_S, REPO
from dossier_harness import DossierProcess, free_port, seed


@pytest.fixture(scope="session")
def dossier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DossierProcess]:
    """The real dossier service on a free port, its SQLite database seeded with events."""
    data_dir = tmp_path_factory.mktemp("dossier")
    seed(data_dir)
    server = DossierProcess(data_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def console_url(dossier: DossierProcess) -> Iterator[str]:
    """The console, built and served by `scripts/console.sh run` on a free port, reading
    from the real dossier (routing is not started: its actions show it as unreachable)."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("chromium/chromedriver missing: run scripts/console-tools.sh first")
    port = free_port()
    url = f"http://localhost:{port}"
    env = {
        **os.environ,
        "VOORPORTAAL_CONSOLE_PORT": str(port),
        "VOORPORTAAL_CONSOLE_SESSION_IDLE_TIMEOUT_S": str(IDLE_TIMEOUT_S),
        "VOORPORTAAL_CONSOLE_REFRESH_INTERVAL_S": "1",
        "VOORPORTAAL_DOSSIER_URL": dossier.url,
        # Nothing listens here: nudging and referring show routing as unreachable.
        "VOORPORTAAL_ROUTING_URL": f"http://127.0.0.1:{free_port()}",
    }
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / "console.log").open("wb")
    proc = subprocess.Popen(
        ["bash", str(REPO / "scripts" / "console.sh"), "run"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300  # a cold first build takes about half a minute
        while True:
            if proc.poll() is not None:
                pytest.fail(f"console exited with {proc.returncode}; see {log.name}")
            try:
                if httpx.get(f"{url}/ping", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"console did not answer within 300 s; see {log.name}")
            time.sleep(1)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()
