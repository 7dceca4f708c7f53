"""Fixtures of the buddy console tests: the console served in prod mode, and headless Chromium."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest
from console_harness import ARTIFACTS, CHROMEDRIVER, CHROMIUM, IDLE_TIMEOUT_S, REPO


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def console_url() -> Iterator[str]:
    """The console, built and served by `scripts/console.sh run` on a free port."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("chromium/chromedriver missing: run scripts/console-tools.sh first")
    port = _free_port()
    url = f"http://localhost:{port}"
    env = {
        **os.environ,
        "VOORPORTAAL_CONSOLE_PORT": str(port),
        "VOORPORTAAL_CONSOLE_SESSION_IDLE_TIMEOUT_S": str(IDLE_TIMEOUT_S),
        "VOORPORTAAL_CONSOLE_REFRESH_INTERVAL_S": "1",
        # Nothing listens here: the console must show the dossier as unreachable, not data.
        "VOORPORTAAL_DOSSIER_URL": f"http://127.0.0.1:{_free_port()}",
        "VOORPORTAAL_ROUTING_URL": f"http://127.0.0.1:{_free_port()}",
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
