"""The services a desk intake goes through, as real processes for the console's tests:
`python -m voorportaal serve <service>` on a free port with its own SQLite database, the
console's public key to verify staff tokens, and the broker the caller names (a closed port
when only the HTTP API is under test)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import IO

import httpx
from console_harness import ARTIFACTS, launch, staff_key_files, stop_group, wait_until_serving
from dossier_harness import TEAMS, free_port

CLOSED_BROKER = "127.0.0.1:1"
"""Nothing listens here: the HTTP API serves while messaging keeps retrying."""


def service_env(service: str, data_dir: Path, port: int, bootstrap: str) -> dict[str, str]:
    """The environment of one service in these tests."""
    prefix = f"VOORPORTAAL_{service.upper()}_"
    env = {
        f"{prefix}DATA_DIR": str(data_dir),
        f"{prefix}DATABASE_URL": f"sqlite+aiosqlite:///{data_dir / f'{service}.db'}",
        f"{prefix}HTTP_PORT": str(port),
        f"{prefix}ENVIRONMENT": "development",
        f"{prefix}AUTH__STAFF_PUBLIC_KEY_FILE": str(staff_key_files()[1]),
        f"{prefix}KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
    }
    if service == "dossier":
        import json

        env[f"{prefix}TEAMS"] = json.dumps(TEAMS)
    return env


class ServiceProcess:
    """One service on a free port; `start` waits until `/ready` answers 200."""

    def __init__(self, service: str, data_dir: Path, bootstrap: str = CLOSED_BROKER) -> None:
        self.service = service
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.log_path = ARTIFACTS / f"desk-{service}.log"
        self._env = {**os.environ, **service_env(service, data_dir, self.port, bootstrap)}
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self, timeout_s: float = 120, *, messaging: bool = False) -> None:
        """Start the service; wait until it serves (and, with `messaging`, until its
        consumers and relay run on the broker)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        self._proc = launch(
            ["uv", "run", "--frozen", "python", "-m", "voorportaal", "serve", self.service],
            self._env,
            self._log,
        )

        def ready() -> bool:
            answer = httpx.get(f"{self.url}/ready", timeout=2)
            body = answer.json() if answer.status_code == 200 else {}
            running = body.get("messaging", {}).get("consumers") == "running"
            return answer.status_code == 200 and (running or not messaging)

        wait_until_serving(self._proc, ready, self.service, self.log_path, timeout_s, pause_s=0.5)

    def stop(self) -> None:
        """Stop the service (its database stays)."""
        stop_group(self._proc, self._log)
        self._proc, self._log = None, None


__all__ = ["CLOSED_BROKER", "ServiceProcess", "free_port", "service_env"]
