"""Brokers a test owns: its own single broker or three-broker cluster, started with
`infra/kafka/kafka.sh` on ports and a state dir of their own, so a test may stop or kill them
without touching the shared broker on 9092/9093."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
KAFKA_SH = REPO_ROOT / "infra" / "kafka" / "kafka.sh"

CLUSTER_PORTS = (19092, 19192, 19292)
CLUSTER_CONTROLLER_PORTS = (19093, 19193, 19293)
OWN_BROKER_PORT, OWN_CONTROLLER_PORT = 19492, 19493


@dataclass
class OwnKafka:
    """A broker or cluster started by `kafka.sh` with its own environment."""

    env: dict[str, str]
    brokers: int
    bootstrap: str

    def run(self, *args: str, timeout: float = 180) -> str:
        """`kafka.sh ARGS` for this broker (or cluster); its output, or an AssertionError."""
        cluster = ("--brokers", str(self.brokers)) if self.brokers > 1 else ()
        done = subprocess.run(
            ["bash", str(KAFKA_SH), *args, *cluster],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, f"kafka.sh {' '.join(args)}: {done.stdout}{done.stderr}"
        return done.stdout

    def start(self) -> None:
        """Start (what is not running) and wait until ready."""
        self.run("start")

    def stop(self) -> None:
        """Stop every node."""
        self.run("stop")

    def kill_node(self, node: int) -> None:
        """SIGKILL one node of the cluster."""
        self.run("kill", "--node", str(node))


@contextmanager
def own_cluster(state: Path) -> Iterator[OwnKafka]:
    """A three-broker cluster (RF 3, min.insync 2) with its state under `state`; stopped after."""
    env = {
        **os.environ,
        "VOORPORTAAL_STATE": str(state),
        "KAFKA_CLUSTER_PORTS": " ".join(map(str, CLUSTER_PORTS)),
        "KAFKA_CLUSTER_CONTROLLER_PORTS": " ".join(map(str, CLUSTER_CONTROLLER_PORTS)),
        "KAFKA_START_TIMEOUT": "150",
    }
    bootstrap = ",".join(f"127.0.0.1:{p}" for p in CLUSTER_PORTS)
    kafka = OwnKafka(env, 3, bootstrap)
    kafka.start()
    try:
        yield kafka
    finally:
        kafka.stop()


@contextmanager
def own_broker(state: Path) -> Iterator[OwnKafka]:
    """A single broker of the test's own (not the shared one); stopped after."""
    env = {
        **os.environ,
        "VOORPORTAAL_STATE": str(state),
        "KAFKA_PORT": str(OWN_BROKER_PORT),
        "KAFKA_CONTROLLER_PORT": str(OWN_CONTROLLER_PORT),
        "KAFKA_HEAP_OPTS": "-Xms128m -Xmx384m",
    }
    kafka = OwnKafka(env, 1, f"127.0.0.1:{OWN_BROKER_PORT}")
    try:
        yield kafka
    finally:
        kafka.stop()
