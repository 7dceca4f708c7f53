"""The suite behind the portal's browser tests: the four services as real processes on the
real Kafka broker, each with a fresh PostgreSQL database, the local mail server and SMS stub on
free ports, and the portal served in prod mode (`scripts/portal.sh run`) on a free port.

Free ports everywhere: other engineers run browser tests on the same machine at the same time.
`portal-b` reuses this harness for the status page and "talk to a person".
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Final

import httpx
from sqlalchemy.engine import make_url

REPO: Final = Path(__file__).resolve().parents[3]
SCREENSHOTS: Final = REPO / "var" / "screenshots" / "portal"
"""Where the browser tests write a screenshot of each step (the README names it)."""
CHROMIUM: Final = Path("/usr/bin/chromium")
CHROMEDRIVER: Final = Path("/usr/bin/chromedriver")
KAFKA: Final = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
PG_ADMIN_URL: Final = os.environ.get(
    "VOORPORTAAL_TEST_PG_URL",
    "postgresql+asyncpg://voorportaal:voorportaal@127.0.0.1:5432/postgres",
)
SERVICES: Final = ("intake", "routing", "dossier", "notify")


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_answering(url: str, proc: subprocess.Popen[bytes], what: str, timeout_s: float) -> None:
    """Poll `url` until it answers 200; fail early when `proc` exits."""
    deadline = time.monotonic() + timeout_s
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer at {url} within {timeout_s} s")
        time.sleep(0.5)


def _stop(proc: subprocess.Popen[bytes], *, group: bool = False) -> None:
    if proc.poll() is not None:
        return
    if group:
        os.killpg(proc.pid, signal.SIGTERM)
    else:
        proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        if group:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
        proc.wait(timeout=10)


@dataclass
class Suite:
    """The four services on the real broker, each on a fresh PostgreSQL database."""

    logs: Path
    urls: dict[str, str] = field(default_factory=dict)
    portal_port: int = field(default_factory=free_port)
    """The port the portal will serve on, known before the services start: notify's message
    links point at the portal's status page there (`/l/<token>`)."""
    staff_key: Path | None = None
    """The console's private key for staff tokens (the services hold the public half)."""
    outbox: Path | None = None
    """Where the local mail server and SMS stub keep what notify sent (`read_sent_emails`)."""
    _procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    _databases: list[str] = field(default_factory=list)
    _log_files: list[IO[bytes]] = field(default_factory=list)
    _dev_servers: object | None = None

    def start(self) -> None:
        """Create the databases, start mail and SMS stand-ins, start and await the services."""
        from voorportaal.devservers import start_dev_servers
        from voorportaal_kit.auth import generate_staff_key_pair
        from voorportaal_kit.db import create_database

        self.logs.mkdir(parents=True, exist_ok=True)
        self.outbox = self.logs / "outbox"
        smtp_port, sms_port = free_port(), free_port()
        self._dev_servers = start_dev_servers(self.outbox, smtp_port, sms_port)
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": KAFKA,
            "VOORPORTAAL_NOTIFY_SMTP_PORT": str(smtp_port),
            "VOORPORTAAL_NOTIFY_SMS_GATEWAY_URL": f"http://127.0.0.1:{sms_port}/messages",
            "VOORPORTAAL_NOTIFY_DEV_STORE_DIR": str(self.outbox),
            # Message links open the portal's status page (as `ck-notify` makes the default).
            "VOORPORTAAL_NOTIFY_CITIZEN_LINK_BASE_URL": f"http://127.0.0.1:{self.portal_port}/l",
            # A message goes out at once, whatever the hour the tests run at (the bundling
            # and quiet hours have tests of their own in notify's suite).
            "VOORPORTAAL_NOTIFY_QUIET_HOURS_START": "00:00",
            "VOORPORTAAL_NOTIFY_QUIET_HOURS_END": "00:00",
            "VOORPORTAAL_NOTIFY_BUNDLE_WINDOW_S": "0",
        }
        # A staff key pair, as `voorportaal up` makes one: a console signs, the services verify.
        private, public = generate_staff_key_pair()
        self.staff_key, public_file = (
            self.logs / "console-staff.key",
            self.logs / "console-staff.pub",
        )
        self.staff_key.touch(mode=0o600)
        self.staff_key.write_bytes(private)
        public_file.write_bytes(public)
        for service in SERVICES:
            name = f"vp_portal_{service}_{uuid.uuid4().hex[:8]}"
            url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
            asyncio.run(create_database(url))
            self._databases.append(url)
            port = free_port()
            prefix = f"VOORPORTAAL_{service.upper()}_"
            env[f"{prefix}DATABASE_URL"] = url
            env[f"{prefix}HTTP_PORT"] = str(port)
            env[f"{prefix}DATA_DIR"] = str(self.logs / service)
            env[f"{prefix}AUTH__STAFF_PUBLIC_KEY_FILE"] = str(public_file)
            self.urls[service] = f"http://127.0.0.1:{port}"
        for service in SERVICES:
            log = (self.logs / f"{service}.log").open("ab")
            self._log_files.append(log)
            self._procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "voorportaal", "serve", service],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        for service, proc in zip(SERVICES, self._procs, strict=True):
            wait_answering(f"{self.urls[service]}/ready", proc, service, 180)

    def stop(self) -> None:
        """Stop the services and the stand-ins, drop the databases."""
        from voorportaal_kit.db import drop_database

        for proc in self._procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self._procs:
            _stop(proc)
        for log in self._log_files:
            log.close()
        stop = getattr(self._dev_servers, "stop", None)
        if stop is not None:
            stop()
        for url in self._databases:
            asyncio.run(drop_database(url))


class PortalProcess:
    """`scripts/portal.sh run` on `port` against the suite's APIs."""

    def __init__(self, port: int, suite: Suite, log_path: Path) -> None:
        self.port = port
        self.url = f"http://localhost:{port}"
        self._env = {
            **os.environ,
            "VOORPORTAAL_PORTAL_PORT": str(port),
            "VOORPORTAAL_INTAKE_URL": suite.urls["intake"],
            "VOORPORTAAL_ROUTING_URL": suite.urls["routing"],
            "VOORPORTAAL_DOSSIER_URL": suite.urls["dossier"],
        }
        self._log_path = log_path
        self._log: IO[bytes] | None = None
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 400) -> None:
        """Build and serve the portal; wait until it answers (a cold build takes a minute)."""
        self._log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self._log_path.open("wb")
        self.proc = subprocess.Popen(
            ["bash", str(REPO / "scripts" / "portal.sh"), "run"],
            cwd=REPO,
            env=self._env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_answering(f"{self.url}/ping", self.proc, f"portal (see {self._log_path})", timeout_s)

    def stop(self) -> None:
        """Stop the portal and everything it started."""
        if self.proc is not None:
            _stop(self.proc, group=True)
            self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
