"""Paths and limits shared by the console's browser tests and `bench/console.py`, and the
console served in prod mode (`scripts/console.sh run`) as a subprocess."""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import httpx

REPO = Path(__file__).resolve().parents[3]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
IDLE_TIMEOUT_S = 15
"""Short inactivity limit the browser tests run the console with."""


@functools.cache
def staff_key_files() -> tuple[Path, Path]:
    """This test run's key pair for the console's staff tokens: (private, public). The console
    signs with the private key; the dossier verifies with the public key and holds no secret."""
    from voorportaal_kit.auth import generate_staff_key_pair

    folder = ARTIFACTS / "keys"
    folder.mkdir(parents=True, exist_ok=True)
    private, public = generate_staff_key_pair()
    private_file, public_file = folder / "console-staff.key", folder / "console-staff.pub"
    private_file.touch(mode=0o600)
    private_file.write_bytes(private)
    public_file.write_bytes(public)
    return private_file, public_file


def console_key_settings() -> dict[str, Any]:
    """The console's settings for signing with this run's key."""
    return {"staff_key_file": staff_key_files()[0]}


def dossier_key_env() -> dict[str, str]:
    """The dossier's auth for the browser tests: the console's public key only (ES256), no
    HS256 secret at all, so a shared-secret token is refused."""
    return {
        "VOORPORTAAL_DOSSIER_AUTH__ALGORITHMS": '["ES256"]',
        "VOORPORTAAL_DOSSIER_AUTH__STAFF_PUBLIC_KEY_FILE": str(staff_key_files()[1]),
    }


def staff_headers(subject: str) -> dict[str, str]:
    """The bearer header the console sends for the account `subject` (its own signed token)."""
    from buddy.accounts import AccountStore
    from buddy.session import Session, service_token
    from buddy.settings import DEFAULT_ACCOUNTS_FILE, ConsoleSettings

    account = AccountStore.from_file(DEFAULT_ACCOUNTS_FILE).by_subject(subject)
    if account is None:
        raise KeyError(subject)
    now = datetime.now(UTC)
    session = Session(account.subject, account.name, account.role, account.team, now, now)
    signer = ConsoleSettings(**console_key_settings()).staff_token_signer()
    token = service_token(session, signer, now, 300)
    return {"Authorization": f"Bearer {token}"}


def launch(argv: list[str], env: Mapping[str, str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    """Start `argv` in the repository, in a session of its own (so `stop_group` reaches all it
    starts), its output into `log`."""
    return subprocess.Popen(
        argv, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop_group(proc: subprocess.Popen[bytes] | None, log: IO[bytes] | None) -> None:
    """Stop a process `launch` started and everything it started, then close its log."""
    if proc is not None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    if log is not None:
        log.close()


def wait_until_serving(
    proc: subprocess.Popen[bytes],
    serving: Callable[[], bool],
    name: str,
    log_path: Path,
    timeout_s: float,
    pause_s: float,
) -> None:
    """Ask `serving()` every `pause_s` until it holds (a refused connection or a body that is
    not JSON means not yet); fail when the process exits first or `timeout_s` passes."""
    deadline = time.monotonic() + timeout_s
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}; see {log_path}")
        try:
            if serving():
                return
        except (httpx.TransportError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not answer within {timeout_s} s; see {log_path}")
        time.sleep(pause_s)


class ConsoleProcess:
    """`scripts/console.sh run` on `port` against the given dossier and routing APIs.

    A prod build bakes its port into the page (Reflex's `env.json` and bundle), so a second
    console running beside the suite's one must build in a folder of its own: `web_dir`, seeded
    with a copy of the console's `.web` (its npm packages included) when that exists. Building
    both in `frontends/buddy/.web` would leave the first console serving pages that talk to the
    second one's port, dead once that one stops.
    """

    def __init__(
        self, port: int, env: dict[str, str], log_path: Path, web_dir: Path | None = None
    ) -> None:
        self.port = port
        self.url = f"http://localhost:{port}"
        self._env = {
            **os.environ,
            "VOORPORTAAL_CONSOLE_PORT": str(port),
            "VOORPORTAAL_CONSOLE_STAFF_KEY_FILE": str(staff_key_files()[0]),
            **env,
        }
        if web_dir is not None:
            shared = REPO / "frontends" / "buddy" / ".web"
            if shared.is_dir() and not web_dir.exists():
                shutil.copytree(shared, web_dir, symlinks=True)
            self._env["REFLEX_WEB_WORKDIR"] = str(web_dir)
        self._log_path = log_path
        self._log: IO[bytes] | None = None
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 300) -> None:
        """Build and serve the console; wait until it answers (a cold build takes ~30 s)."""
        self._log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self._log_path.open("wb")
        self.proc = launch(
            ["bash", str(REPO / "scripts" / "console.sh"), "run"], self._env, self._log
        )
        wait_until_serving(
            self.proc,
            lambda: httpx.get(f"{self.url}/ping", timeout=2).status_code == 200,
            "console",
            self._log_path,
            timeout_s,
            pause_s=1,
        )

    def backend_pid(self) -> int:
        """The pid of the process that listens on the console's port (the Reflex backend)."""
        import psutil

        if self.proc is None:
            raise RuntimeError("console not started")
        group = [psutil.Process(self.proc.pid), *psutil.Process(self.proc.pid).children(True)]
        for process in group:
            try:
                conns = process.net_connections(kind="tcp")
            except psutil.Error:
                continue
            if any(c.status == psutil.CONN_LISTEN and c.laddr.port == self.port for c in conns):
                return process.pid
        raise RuntimeError(f"no process of the console listens on {self.port}")

    def stop(self) -> None:
        """Stop the console and everything it started."""
        stop_group(self.proc, self._log)
        self.proc, self._log = None, None
